-- CVAT jobs from REST dumps, one row per job: the copy in the last landed dump (by file
-- name), i.e. each job's assignee, stage and state when that dump was taken.
with

source as (

    select
        *,
        {{ landing_instance('_source_file') }} as instance
    from {{ source('cvat', 'cvat_jobs') }}

),

latest as (

    select *
    from source
    qualify row_number() over (
        partition by instance, job_id
        order by _source_file desc, _record_number desc
    ) = 1

),

renamed as (

    select
        job_id,
        {{ instance_prefix('instance') }} || job_id::string as job_ref,
        task_id,
        project_id,
        assignee_id,
        {{ instance_prefix('instance') }} || assignee_id::string
            as assignee_ref,
        assignee_username,
        stage,
        state,
        frame_count,
        created_date as created_at,
        updated_date as updated_at
    from latest

)

select * from renamed
