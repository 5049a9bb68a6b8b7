-- Encord legacy object reviews from the kept copy of their label row, one per review id (a
-- later review round repeats the id: its latest state is kept).
with

source as (

    select * from {{ source('encord', 'encord_reviews') }}

),

objects as (

    select
        label_hash,
        instance_hash,
        instance_key,
        task_key,
        source_file,
        record_number
    from {{ ref('stg_encord__objects') }}

),

latest as (

    select source.*
    from source
    qualify row_number() over (
        partition by
            source._source_file, source._record_number, source.instance_hash,
            coalesce(source.review_id, source.review_position::string)
        order by source.reviewed_at desc nulls last, source.review_position desc
    ) = 1

),

renamed as (

    select
        objects.instance_key || ':review-'
        || coalesce(latest.review_id, latest.review_position::string) as review_key,
        objects.instance_key,
        objects.task_key,
        {{ person_identity('latest.reviewer') }} as reviewer,
        latest.approved,
        latest.comment,
        latest.reviewed_at,
        latest._source_file as source_file,
        latest._record_number as record_number
    from latest
    inner join objects
        on
            latest.label_hash = objects.label_hash
            and latest.instance_hash = objects.instance_hash
            and latest._source_file = objects.source_file
            and latest._record_number = objects.record_number

)

select * from renamed
