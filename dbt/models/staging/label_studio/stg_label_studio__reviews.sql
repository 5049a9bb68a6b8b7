-- Label Studio Enterprise reviews, one row per review, from the same export copy of the
-- annotation that stg_label_studio__annotations keeps (a newer export supersedes an older one).
with

source as (

    select * from {{ source('label_studio', 'label_studio_reviews') }}

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
        annotations.annotation_key || ':review:'
        || coalesce(source.review_id::string, 'position-' || source.review_position::string)
            as review_key,
        annotations.annotation_key,
        annotations.task_key,
        annotations.project_key,
        annotations.instance,
        source.review_id::string as review_id,
        source.review_position,
        source.reviewer_id,
        lower(source.reviewer_email) as reviewer_email,
        source.created_at as reviewed_at,
        case
            when not source.accepted then 'rejected'
            when source.fixed then 'fixed'
            else 'accepted'
        end as outcome,
        source.comment
    from source
    inner join annotations
        on
            source.annotation_id::string = annotations.annotation_id
            and source._source_file = annotations.source_file
            and source._record_number = annotations.source_record_number

)

select * from renamed
