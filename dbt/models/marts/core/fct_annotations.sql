{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ delete_increment_tasks() }}",
) }}
-- depends_on: {{ ref('stg_events__increment_tasks') }}
-- Incremental by task (macros/incremental_tasks.sql).
with

annotations as (

    select * from {{ ref('int_annotations_unioned') }}
    where {{ in_increment_tasks('task_key') }}

),

objects as (

    select
        annotation_key,
        count(*) filter (where class_name is not null) as object_count,
        sum(vertex_count) as vertex_count
    from {{ ref('int_labels_unioned') }}
    where {{ in_increment_tasks('task_key') }}
    group by annotation_key

),

final as (

    select
        annotations.annotation_key,
        annotations.source_system,
        annotations.project_key,
        annotations.task_key,
        annotations.annotator,
        annotations.started_at,
        annotations.completed_at,
        annotations.completed_at::date as completed_day,
        annotations.last_event_at,
        annotations.lead_time_s,
        annotations.lead_time_s > {{ var('max_plausible_lead_time_s') }}
            as is_lead_time_implausible,
        annotations.last_action,
        annotations.last_action_inferred,
        annotations.was_cancelled,
        {{ last_action_is_submitted('annotations.last_action', 'annotations.was_cancelled') }}
            as is_submitted,
        annotations.is_ground_truth,
        annotations.updated_by,
        coalesce(annotations.updated_by <> annotations.annotator, false) as is_edited_by_other,
        coalesce(objects.object_count, 0) as object_count,
        coalesce(objects.vertex_count, 0) as vertex_count,
        annotations.guideline_version,
        annotations.confidence

    from annotations
    left join objects using (annotation_key)

)

select * from final
