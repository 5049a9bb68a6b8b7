{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ delete_increment_tasks() }}",
) }}
-- depends_on: {{ ref('stg_events__increment_tasks') }}
-- Incremental by task (macros/incremental_tasks.sql).
-- One row per issue or comment (event log); an issue is resolved by a later issue_resolved.
with

events as (

    select * from {{ ref('int_events_unioned') }}
    where {{ in_increment_tasks('task_key') }}

),

raised as (

    select
        coalesce(issue_key, event_key) as issue_key,
        case event_type when 'comment_added' then 'comment' else 'issue' end as kind,
        task_key,
        project_key,
        annotation_key,
        actor as author,
        occurred_at as raised_at,
        issue_tag,
        issue_text
    from events
    where event_type in ('issue_raised', 'comment_added')
    -- An issue key is per project, not per task: ordered as event_order orders within a task.
    qualify row_number() over (
        partition by coalesce(issue_key, event_key)
        order by occurred_at, source_file, record_number
    ) = 1

),

resolved as (

    select
        issue_key,
        min(occurred_at) as resolved_at,
        arg_min(actor, (occurred_at, source_file, record_number)) as resolved_by
    from events
    where event_type = 'issue_resolved'
    group by issue_key

),

final as (

    select
        raised.issue_key,
        raised.kind,
        raised.task_key,
        raised.project_key,
        raised.annotation_key,
        raised.author,
        raised.raised_at,
        raised.raised_at::date as raised_day,
        raised.issue_tag,
        {{ issue_category('raised.issue_tag', 'raised.issue_text') }} as category,
        raised.issue_tag is null as is_category_inferred,
        raised.issue_text,
        resolved.resolved_at,
        resolved.resolved_by,
        resolved.resolved_at is not null as is_resolved,
        date_diff('second', raised.raised_at, resolved.resolved_at) as time_to_resolve_s

    from raised
    left join resolved using (issue_key)

)

select * from final
