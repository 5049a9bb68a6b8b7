{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ delete_increment_tasks() }}",
) }}
-- depends_on: {{ ref('stg_events__increment_tasks') }}
-- Incremental by task (macros/incremental_tasks.sql).
with

label_studio_tasks as (

    select
        task_key,
        'label_studio' as source_system,
        project_key,
        task_id,
        created_at,
        comment_count
    from {{ ref('stg_label_studio__tasks') }}
    where {{ in_increment_tasks('task_key') }}

),

event_log_tasks as (

    select
        task_key,
        any_value(source_system) as source_system,
        any_value(project_key) as project_key,
        split_part(any_value(task_key), ':', 3) as task_id,
        coalesce(min(occurred_at) filter (where event_type = 'task_created'), min(occurred_at))
            as created_at,
        count(*) filter (where event_type in ('issue_raised', 'comment_added')) as comment_count
    from {{ ref('int_events_unioned') }}
    where {{ in_increment_tasks('task_key') }}
    group by task_key

),

tasks as (

    select * from label_studio_tasks
    union all
    select * from event_log_tasks

),

-- Work on the task: ground truth is the reference, not work, so it counts in no figure but
-- has_ground_truth (a task with only a gold answer is still open, and one annotator beside
-- the gold is no overlap).
annotations as (

    select
        task_key,
        count(*) filter (where is_submitted and not is_ground_truth) as submitted_annotations,
        count(*) filter (where was_cancelled and not is_ground_truth) as skipped_annotations,
        count(distinct annotator) filter (
            where not was_cancelled and not is_ground_truth
        ) as annotators,
        min(completed_at) filter (
            where not was_cancelled and not is_ground_truth
        ) as first_completed_at,
        bool_or(is_ground_truth) as has_ground_truth
    from {{ ref('fct_annotations') }}
    where {{ in_increment_tasks('task_key') }}
    group by task_key

),

final as (

    select
        tasks.task_key,
        tasks.source_system,
        tasks.project_key,
        tasks.task_id,
        tasks.created_at,
        annotations.first_completed_at,
        coalesce(annotations.submitted_annotations, 0) as submitted_annotations,
        coalesce(annotations.skipped_annotations, 0) as skipped_annotations,
        coalesce(annotations.annotators, 0) as annotators,
        coalesce(annotations.annotators, 0) >= 2 as is_overlap,
        coalesce(annotations.has_ground_truth, false) as has_ground_truth,
        tasks.comment_count

    from tasks
    left join annotations using (task_key)

)

select * from final
