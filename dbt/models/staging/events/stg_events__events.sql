-- A table, not a view like the other staging models: seven facts read it, and as a view each
-- of them would repeat the deduplication and the ordering window over every event.
{{ config(materialized='table') }}

with

source as (

    select * from {{ source('events', 'events') }}

),

deduplicated as (

    select *
    from source
    qualify row_number() over (
        partition by event_id order by _source_file, _record_number
    ) = 1

),

renamed as (

    select
        'event_log:' || event_id as event_key,
        event_id,
        event_type,
        occurred_at,
        row_number() over (order by occurred_at, _source_file, _record_number) as event_order,
        source_tool,
        'event_log:' || project_id as project_key,
        project_id,
        'event_log:' || project_id || ':' || task_id as task_key,
        case
            when annotation_id is not null
                then 'event_log:' || project_id || ':' || annotation_id
        end as annotation_key,
        actor,
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

    from deduplicated

)

select * from renamed
