-- Labelbox workflow history, one row per step of a data row (from the kept export copy), in
-- time order: Labelbox lists the steps newest first, so equal times keep that order reversed.
with

source as (

    select * from {{ source('labelbox', 'labelbox_workflow_history') }}

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
        data_rows.task_key || ':step-' || source.history_position::string as step_key,
        data_rows.task_key,
        data_rows.project_key,
        source.action,
        {{ person_identity('source.created_by') }} as actor,
        source.created_at as acted_at,
        source.next_task_name,
        row_number() over (
            partition by data_rows.task_key
            order by source.created_at asc, source.history_position desc
        ) as step_order,
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
