-- Encord object and classification instances from the kept copy of their label row, one row
-- per instance (an object on several video frames is one instance, at its first frame).
with

source as (

    select * from {{ source('encord', 'encord_objects') }}

),

label_rows as (

    select
        label_hash,
        task_key,
        project_key,
        source_file,
        source_record_number
    from {{ ref('stg_encord__label_rows') }}

),

instances as (

    select source.*
    from source
    qualify row_number() over (
        partition by source._source_file, source._record_number, source.instance_hash
        order by try_cast(nullif(source.frame, '') as integer) nulls first
    ) = 1

),

renamed as (

    select
        label_rows.task_key || ':' || instances.instance_hash as instance_key,
        label_rows.task_key,
        label_rows.project_key,
        instances.label_hash,
        instances.instance_hash,
        instances.kind,
        instances.name as class_name,
        instances.shape,
        {{ person_identity('instances.created_by') }} as created_by,
        instances.created_at,
        {{ person_identity('instances.last_edited_by') }} as last_edited_by,
        instances.last_edited_at,
        instances.confidence,
        instances.vertex_count,
        instances._source_file as source_file,
        instances._record_number as record_number
    from instances
    inner join label_rows
        on
            instances.label_hash = label_rows.label_hash
            and instances._source_file = label_rows.source_file
            and instances._record_number = label_rows.source_record_number

)

select * from renamed
