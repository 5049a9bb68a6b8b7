{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ delete_increment_tasks() }}",
) }}
-- depends_on: {{ ref('stg_events__increment_tasks') }}
-- Incremental by task (macros/incremental_tasks.sql).
-- Every labeled object of the final version of every annotation, from every source.
with

label_studio as (

    select
        results.annotation_key,
        annotations.task_key,
        results.object_index::integer as object_index,
        results.class_name,
        results.shape_type,
        results.vertex_count,
        results.bbox,
        null::double as confidence
    from {{ ref('stg_label_studio__results') }} as results
    inner join {{ ref('stg_label_studio__annotations') }} as annotations using (annotation_key)
    where {{ in_increment_tasks('annotations.task_key') }}

),

event_objects as (

    select
        annotation_key,
        task_key,
        -- Each object as its own small JSON value, its fields read from it below: a path into
        -- final_labels parses the whole array again for every field of every object.
        {{ explode_json_array('final_labels', 'position', 'label') }}
    from {{ ref('int_event_annotations_summarised') }}
    where
        final_labels is not null and {{ json_array_size('final_labels') }} > 0
        and {{ in_increment_tasks('task_key') }}

),

event_log as (

    select
        annotation_key,
        task_key,
        (position + 1)::integer as object_index,
        {{ json_text('label', "'$.class'") }} as class_name,
        coalesce({{ json_text('label', "'$.shape'") }}, 'unknown') as shape_type,
        coalesce({{ json_value('label', "'$.vertices'") }}::integer, 0) as vertex_count,
        {{ json_double_list(json_value('label', "'$.bbox'")) }} as bbox,
        {{ json_value('label', "'$.confidence'") }}::double as confidence
    from event_objects

)

select * from label_studio
union all
select * from event_log
