-- Materialised, not a view like the other staging models: seven facts read it, and as a view
-- each of them would repeat the deduplication and the ordering window over every event.
-- Incremental by task (macros/incremental_tasks.sql): a night that lands a few files rebuilds
-- only the tasks their records touch.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ delete_increment_tasks() }}",
) }}
-- depends_on: {{ ref('stg_events__increment_tasks') }}

with

source as (

    select * from {{ source('events', 'events') }}

),

{% if is_incremental() %}
    increment_event_ids as (

    -- Every event with a record in a touched task: all copies of each are compared below, so
    -- the deduplication is the one a full rebuild makes. The source table is named here, not
    -- the `source` CTE: DuckDB materialises a CTE read twice (every column of every event);
    -- this scan reads three columns.
        select distinct event_id
        from {{ source('events', 'events') }}
        where {{ in_increment_tasks(event_log_task_key('project_id', 'task_id')) }}

    ),
{% endif %}

candidates as (

    select *
    from source
    {% if is_incremental() %}
        where event_id in (select increment_event_ids.event_id from increment_event_ids)
    {% endif %}

),

duplicate_copies as (

    -- Every copy of an event_id but the first (by file, then line), ranked on three columns
    -- and removed by an anti join, so the window does not move every column of every event.
    select
        _source_file,
        _record_number
    from {{ source('events', 'events') }}
    {% if is_incremental() %}
        where event_id in (select increment_event_ids.event_id from increment_event_ids)
    {% endif %}
    qualify row_number() over (
        partition by event_id order by _source_file, _record_number
    ) > 1

),

deduplicated as (

    select candidates.*
    from candidates
    anti join duplicate_copies using (_source_file, _record_number)

),

identities as (

    select
        tool_user,
        person
    from {{ ref('int_identities_normalised') }}
    where source_system = 'event_log'

),

identified as (

    -- The person an actor is, where the identities seed says (emails need no row).
    select
        deduplicated.*,
        identities.person
    from deduplicated
    left join identities on {{ person_identity('deduplicated.actor') }} = identities.tool_user

),

renamed as (

    select
        'event_log:' || event_id as event_key,
        'event_log' as source_system,
        event_id,
        event_type,
        occurred_at,
        -- Within the task, so an event landing late for one task leaves the others' as they are.
        row_number() over (
            partition by project_id, task_id order by occurred_at, _source_file, _record_number
        ) as event_order,
        source_tool,
        'event_log:' || project_id as project_key,
        project_id,
        {{ event_log_task_key('project_id', 'task_id') }} as task_key,
        case
            when annotation_id is not null
                then 'event_log:' || project_id || ':' || annotation_id
        end as annotation_key,
        coalesce(person, {{ person_identity('actor') }}) as actor,
        actor_role,
        lower(stage) as stage,
        duration_s,
        labels,
        object_count,
        vertex_count,
        case when issue_id is not null then 'event_log:' || project_id || ':' || issue_id end
            as issue_key,
        lower(issue_tag) as issue_tag,
        text as issue_text,
        guideline_version,
        coalesce(is_ground_truth, false) as is_ground_truth,
        confidence,
        _source_file as source_file,
        _record_number as record_number

    from identified

)

select * from renamed
where {{ in_increment_tasks('task_key') }}
