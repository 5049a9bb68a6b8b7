{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ delete_increment_tasks() }}",
) }}
-- depends_on: {{ ref('stg_events__increment_tasks') }}
-- Incremental by task (macros/incremental_tasks.sql).
with

labels as (

    select {{ star_except('unioned', ['task_key']) }}
    from {{ ref('int_labels_unioned') }} as unioned
    where {{ in_increment_tasks('unioned.task_key') }}

),

annotations as (

    select
        annotation_key,
        task_key,
        project_key,
        annotator,
        completed_day,
        is_submitted
    from {{ ref('fct_annotations') }}
    where {{ in_increment_tasks('task_key') }}

),

final as (

    select
        labels.annotation_key || ':' || labels.object_index as label_key,
        labels.annotation_key,
        annotations.task_key,
        annotations.project_key,
        annotations.annotator,
        annotations.completed_day,
        annotations.is_submitted,
        labels.object_index,
        case
            when labels.class_name is not null
                then annotations.project_key || ':' || labels.class_name
        end as class_key,
        labels.class_name,
        labels.shape_type,
        labels.vertex_count,
        labels.bbox,
        labels.confidence

    from labels
    inner join annotations using (annotation_key)

)

select * from final
