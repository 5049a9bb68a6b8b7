-- CVAT's events log, one row per event: rows repeated by exports whose time windows overlap
-- are kept once (every field equal; a server event's payload names its request), the acting
-- user's email lowercased, the payload's old value and request id read out.
with

source as (

    select
        *,
        -- Ids are unique within one CVAT server (landing_instance).
        {{ landing_instance('_source_file') }} as instance,
        -- A job's own create / delete rows name it in obj_id.
        case
            when scope in ('create:job', 'delete:job') then coalesce(job_id, obj_id)
            else job_id
        end as job_number
    from {{ source('cvat', 'cvat_events') }}

),

deduplicated as (

    select *
    from source
    qualify row_number() over (
        partition by
            instance, scope, obj_name, obj_id, obj_val, source, occurred_at, count, duration_ms,
            project_id, task_id, job_id, user_id, payload
        order by _source_file, _record_number
    ) = 1

),

renamed as (

    select
        'cvat:' || _source_file || ':' || _record_number::string as cvat_event_key,
        scope,
        obj_name,
        obj_id,
        obj_val,
        source as event_source,
        occurred_at,
        count as object_count,
        duration_ms / 1000.0 as duration_s,
        project_id,
        task_id,
        job_number as job_id,
        user_id,
        instance,
        -- Scoped references: the same id on two servers is two users, two jobs.
        {{ instance_prefix('instance') }} || user_id::string as user_ref,
        {{ instance_prefix('instance') }} || job_number::string as job_ref,
        user_name,
        lower(nullif(trim(user_email), '')) as user_email,
        org_id,
        payload,
        {{ json_text('payload', "'$.old_value'") }} as old_value,
        {{ json_text('payload', "'$.request.id'") }} as request_id,
        _source_file as source_file,
        _record_number as record_number
    from deduplicated

)

select * from renamed
