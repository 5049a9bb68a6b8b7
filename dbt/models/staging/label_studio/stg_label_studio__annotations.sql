{% set project %}({{ instance_prefix('instance') }} || coalesce(project_id::string, 'unknown')){% endset %}
with

source as (

    select
        *,
        {{ landing_instance('_source_file') }} as instance
    from {{ source('label_studio', 'label_studio_annotations') }}

),

latest_export as (

    -- The same annotation in several exports (a newer export supersedes an older one):
    -- keep the most recently updated copy.
    select *
    from source
    qualify row_number() over (
        partition by instance, annotation_id
        order by updated_at desc nulls last, _source_file desc, _record_number asc
    ) = 1

),

renamed as (

    select
        'label_studio:' || {{ project }} || ':' || annotation_id::string as annotation_key,
        'label_studio:' || {{ project }} || ':' || task_id::string as task_key,
        'label_studio:' || {{ project }} as project_key,
        annotation_id::string as annotation_id,
        -- User ids below are unique only within this instance.
        instance,
        completed_by_id,
        lower(completed_by_email) as completed_by_email,
        coalesce(
            completed_by_source, case when completed_by_id is not null then 'completed_by' end
        ) as completed_by_source,
        updated_by_id,
        result,
        was_cancelled,
        ground_truth as is_ground_truth,
        draft_created_at,
        created_at,
        updated_at,
        lead_time as lead_time_s,
        last_action,
        parent_annotation::string as parent_annotation_id,
        result_count,
        _source_file as source_file,
        _record_number as source_record_number

    from latest_export

)

select * from renamed
