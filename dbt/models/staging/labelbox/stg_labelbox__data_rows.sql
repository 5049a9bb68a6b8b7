-- Labelbox data rows, one per project and data row: the copy in the last landed export (by
-- file name), which replaces what earlier exports said of it.
with

source as (

    select * from {{ source('labelbox', 'labelbox_data_rows') }}

),

latest as (

    select *
    from source
    qualify row_number() over (
        partition by project_id, data_row_id order by _source_file desc, _record_number desc
    ) = 1

),

renamed as (

    select
        'labelbox:' || project_id || ':' || data_row_id as task_key,
        'labelbox:' || project_id as project_key,
        project_id,
        project_name,
        data_row_id,
        global_key,
        external_id,
        dataset_name,
        data_row_created_at,
        workflow_status,
        task_name,
        batch_name,
        selected_label_id,
        label_count,
        _source_file as source_file,
        _record_number as source_record_number
    from latest

)

select * from renamed
