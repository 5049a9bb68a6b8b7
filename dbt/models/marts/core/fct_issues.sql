{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ delete_increment_tasks() }}",
) }}
-- depends_on: {{ ref('stg_events__increment_tasks') }}
-- Incremental by task (macros/incremental_tasks.sql).
-- One row per issue or comment: from events (an issue is resolved by a later issue_resolved)
-- and Label Studio Enterprise comments (each resolvable on its own, so each an issue; who
-- resolved one is not exported).
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
        min_by(
            actor, {{ ordering_key(['occurred_at', 'source_file', 'record_number']) }}
        ) as resolved_by
    from events
    where event_type = 'issue_resolved'
    group by issue_key

),

event_issues as (

    select
        raised.issue_key,
        raised.kind,
        raised.task_key,
        raised.project_key,
        raised.annotation_key,
        raised.author,
        raised.raised_at,
        raised.issue_tag,
        raised.issue_text,
        resolved.resolved_at,
        resolved.resolved_by
    from raised
    left join resolved using (issue_key)

),

label_studio_comments as (

    select
        comments.comment_key as issue_key,
        'issue' as kind,
        comments.task_key,
        comments.project_key,
        comments.annotation_key,
        authors.actor as author,
        comments.created_at as raised_at,
        null::string as issue_tag,
        comments.text as issue_text,
        comments.resolved_at,
        null::string as resolved_by
    from {{ ref('stg_label_studio__comments') }} as comments
    inner join {{ ref('int_label_studio_users_resolved') }} as authors
        on
            comments.instance = authors.instance
            and comments.created_by_id = authors.user_id
    where {{ in_increment_tasks('comments.task_key') }}

),

unioned as (

    select * from event_issues
    union all
    select * from label_studio_comments

),

final as (

    select
        issue_key,
        kind,
        task_key,
        project_key,
        annotation_key,
        author,
        raised_at,
        raised_at::date as raised_day,
        issue_tag,
        {{ issue_category('issue_tag', 'issue_text') }} as category,
        issue_tag is null as is_category_inferred,
        issue_text,
        resolved_at,
        resolved_by,
        resolved_at is not null as is_resolved,
        {{ seconds_between('raised_at', 'resolved_at') }} as time_to_resolve_s

    from unioned

)

select * from final
