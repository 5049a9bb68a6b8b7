-- Label Studio tasks, one per task and instance (landing_instance): the latest export wins.
{% set project %}({{ instance_prefix('instance') }} || coalesce(project_id::string, 'unknown')){% endset %}
with

source as (

    select
        *,
        {{ landing_instance('_source_file') }} as instance
    from {{ source('label_studio', 'label_studio_tasks') }}

),

latest_export as (

    -- The same task in several exports: the latest state wins.
    select *
    from source
    qualify row_number() over (
        partition by instance, task_id
        order by updated_at desc nulls last, _source_file desc, _record_number asc
    ) = 1

),

renamed as (

    select
        'label_studio:' || {{ project }} || ':' || task_id::string as task_key,
        'label_studio:' || {{ project }} as project_key,
        task_id::string as task_id,
        {{ project }} as project_id,
        data as task_data,
        meta as task_meta,
        created_at,
        updated_at,
        total_annotations,
        cancelled_annotations,
        coalesce(comment_count, 0) as comment_count,
        coalesce(unresolved_comment_count, 0) as unresolved_comment_count,
        _source_file as source_file

    from latest_export

)

select * from renamed
