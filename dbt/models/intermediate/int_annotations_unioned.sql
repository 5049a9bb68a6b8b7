{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ delete_increment_tasks() }}",
) }}
-- depends_on: {{ ref('stg_events__increment_tasks') }}
-- Incremental by task (macros/incremental_tasks.sql).
-- Every annotation from every source in one shape: the grain of fct_annotations.
with

label_studio as (

    select
        annotations.annotation_key,
        'label_studio' as source_system,
        annotations.project_key,
        annotations.task_key,
        authors.actor as annotator,
        annotations.draft_created_at as started_at,
        annotations.created_at as completed_at,
        greatest(annotations.created_at, annotations.updated_at) as last_event_at,
        annotations.lead_time_s,
        -- Label Studio leaves last_action empty on annotations created through its API and
        -- on edits by another user: such an annotation is counted as submitted (or skipped).
        coalesce(
            annotations.last_action,
            case when annotations.was_cancelled then 'skipped' else 'submitted' end
        ) as last_action,
        annotations.last_action is null as last_action_inferred,
        annotations.was_cancelled,
        editors.actor as updated_by,
        annotations.result_count as object_count,
        null::integer as vertex_count,
        null::string as guideline_version,
        null::double as confidence,
        annotations.is_ground_truth

    from {{ ref('stg_label_studio__annotations') }} as annotations
    inner join {{ ref('int_label_studio_users_resolved') }} as authors
        on
            annotations.instance = authors.instance
            and annotations.completed_by_id = authors.user_id
    left join {{ ref('int_label_studio_users_resolved') }} as editors
        on
            annotations.instance = editors.instance
            and annotations.updated_by_id = editors.user_id
    where {{ in_increment_tasks('annotations.task_key') }}

),

event_log as (

    select
        annotation_key,
        source_system,
        project_key,
        task_key,
        annotator,
        started_at,
        completed_at,
        last_event_at,
        lead_time_s,
        last_action,
        false as last_action_inferred,
        was_cancelled,
        updated_by,
        object_count,
        vertex_count,
        guideline_version,
        confidence,
        is_ground_truth

    from {{ ref('int_event_annotations_summarised') }}
    where {{ in_increment_tasks('task_key') }}

)

select * from label_studio
union all
select * from event_log
