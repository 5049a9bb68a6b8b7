{% set project %}({{ instance_prefix('comments.instance') }} || coalesce(coalesce(comments.project_id, annotations.project_id)::string, 'unknown')){% endset %}
-- Label Studio Enterprise comments, one row per (instance, comment id): the copy in the last
-- landed list (by file name: the pull's names carry their time). Keys as the annotations'
-- (project and task from the comment, else from its annotation).
with

source as (

    select
        *,
        {{ landing_instance('_source_file') }} as instance
    from {{ source('label_studio', 'label_studio_comments') }}

),

latest as (

    select *
    from source
    qualify row_number() over (
        partition by instance, comment_id
        order by _source_file desc, _record_number desc
    ) = 1

),

annotations as (

    select
        {{ landing_instance('_source_file') }} as instance,
        annotation_id,
        any_value(task_id) as task_id,
        any_value(project_id) as project_id
    from {{ source('label_studio', 'label_studio_annotations') }}
    group by all

),

renamed as (

    select
        'label_studio:' || {{ project }} || ':comment:' || comments.comment_id::string
            as comment_key,
        'label_studio:' || {{ project }} || ':'
        || coalesce(comments.task_id, annotations.task_id)::string as task_key,
        'label_studio:' || {{ project }} as project_key,
        case
            when comments.annotation_id is not null
                then
                    'label_studio:' || {{ project }} || ':' || comments.annotation_id::string
        end as annotation_key,
        comments.instance,
        comments.comment_id,
        comments.created_by_id,
        lower(comments.created_by_email) as created_by_email,
        comments.text,
        comments.is_resolved,
        comments.created_at,
        case when comments.is_resolved then comments.resolved_at end as resolved_at,
        comments._source_file as source_file,
        comments._record_number as source_record_number
    from latest as comments
    left join annotations
        on
            comments.instance = annotations.instance
            and comments.annotation_id = annotations.annotation_id

)

select * from renamed
