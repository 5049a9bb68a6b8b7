-- Encord label rows, one per label row: the copy in the last landed export (by file name). The
-- project is the folder the export landed in (landing/<tool folder>/<project>/labels.json),
-- else the file's name: label rows do not name their project.
with

source as (

    select
        *,
        coalesce(
            nullif(regexp_extract(_source_file, '([^/]+)/[^/]+$', 1), ''),
            {{ file_stem('_source_file') }}
        ) as project_id
    from {{ source('encord', 'encord_label_rows') }}

),

latest as (

    select *
    from source
    qualify row_number() over (
        partition by project_id, label_hash order by _source_file desc, _record_number desc
    ) = 1

),

renamed as (

    select
        'encord:' || project_id || ':' || data_hash as task_key,
        'encord:' || project_id as project_key,
        project_id,
        label_hash,
        data_hash,
        data_title,
        data_type,
        dataset_title,
        created_at,
        last_edited_at,
        label_status,
        annotation_task_status,
        _source_file as source_file,
        _record_number as source_record_number
    from latest

)

select * from renamed
