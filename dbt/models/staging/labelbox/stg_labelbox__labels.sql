-- Labelbox labels, one per label, from the same export copy of their data row that
-- stg_labelbox__data_rows keeps (a label gone from a newer export is gone).
with

source as (

    select * from {{ source('labelbox', 'labelbox_labels') }}

),

data_rows as (

    select
        project_id,
        data_row_id,
        task_key,
        project_key,
        source_file,
        source_record_number
    from {{ ref('stg_labelbox__data_rows') }}

),

renamed as (

    select
        data_rows.project_key || ':' || source.label_id as annotation_key,
        data_rows.task_key,
        data_rows.project_key,
        source.label_id,
        source.data_row_id,
        source.project_id,
        {{ person_identity('source.created_by') }} as created_by,
        source.created_at,
        source.updated_at,
        source.content_last_updated_at,
        source.seconds_to_create,
        source.seconds_to_review,
        coalesce(source.skipped, false) as skipped,
        source.consensus_score,
        source.benchmark_score,
        source.labels,
        source.object_count,
        source.vertex_count,
        source._source_file as source_file,
        source._record_number as record_number
    from source
    inner join data_rows
        on
            source.project_id = data_rows.project_id
            and source.data_row_id = data_rows.data_row_id
            and source._source_file = data_rows.source_file
            and source._record_number = data_rows.source_record_number

)

select * from renamed
