-- Label Studio Enterprise annotation history, one row per action on an annotation, from the
-- same export copy of the annotation that stg_label_studio__annotations keeps.
with

source as (

    select * from {{ source('label_studio', 'label_studio_annotation_history') }}

),

annotations as (

    select
        annotation_id,
        annotation_key,
        task_key,
        project_key,
        instance,
        source_file,
        source_record_number
    from {{ ref('stg_label_studio__annotations') }}

),

renamed as (

    select
        annotations.annotation_key || ':history:'
        || coalesce(source.history_id::string, 'position-' || source.history_position::string)
            as history_key,
        annotations.annotation_key,
        annotations.task_key,
        annotations.project_key,
        annotations.instance,
        source.history_id::string as history_id,
        source.history_position,
        source.action,
        source.created_by_id as actor_id,
        lower(source.created_by_email) as actor_email,
        source.started_at,
        source.created_at as acted_at,
        source.lead_time as lead_time_s,
        source.review_id::string as review_id
    from source
    inner join annotations
        on
            source.annotation_id::string = annotations.annotation_id
            and source._source_file = annotations.source_file
            and source._record_number = annotations.source_record_number

)

select * from renamed
