-- Encord label rows in the warehouse's event vocabulary: a data unit in a project is a task;
-- the objects and classifications one person created in a label row are their annotation
-- (Encord names an author per object, not per label row). What becomes what:
--   label row created_at                       -> task_created
--   a person's instances in a label row        -> annotation_submitted at their last createdAt,
--                                                 with the instances as labels; no lead time
--                                                 (label rows carry none)
--   lastEditedBy other than createdBy          -> annotation_updated (a correction) of the
--                                                 creator's annotation at lastEditedAt
--   a legacy object review, approved or not    -> review_accepted / review_rejected of the
--                                                 object's annotation; a rejection's comment is
--                                                 also an issue
{% set trimmed_comment -%}
    {{ trim_characters('comment', "' ' || chr(9) || chr(10) || chr(13)") }}
{%- endset %}
with

label_rows as (

    select * from {{ ref('stg_encord__label_rows') }}

),

objects as (

    select
        *,
        task_key || ':' || label_hash || ':' || created_by as annotation_key
    from {{ ref('stg_encord__objects') }}
    where created_by is not null

),

annotations as (

    select
        annotation_key,
        task_key,
        any_value(created_by) as annotator,
        max(created_at) as completed_at,
        count(*) as object_count,
        sum(vertex_count) as vertex_count,
        {{ labels_json('class_name', 'shape', 'vertex_count', ['created_at', 'instance_hash']) }}
            as labels
    from objects
    group by annotation_key, task_key

),

reviews as (

    select
        reviews.*,
        objects.annotation_key
    from {{ ref('stg_encord__reviews') }} as reviews
    inner join objects using (instance_key)

),

tasks as (

    select
        task_key,
        any_value(project_key) as project_key,
        any_value(project_id) as project_id,
        min(source_file) as source_file,
        min(source_record_number) as source_record_number
    from label_rows
    group by task_key

),

mapped as (

    select
        task_key,
        'task_created' as event_type,
        created_at as occurred_at,
        0 as sub_order,
        null::string as actor,
        null::string as annotation_key,
        null::string as labels,
        null::bigint as object_count,
        null::bigint as vertex_count,
        null::string as issue_key,
        null::string as issue_text,
        label_hash as event_discriminator
    from label_rows
    where created_at is not null

    union all

    select
        task_key,
        'annotation_submitted' as event_type,
        completed_at as occurred_at,
        1 as sub_order,
        annotator as actor,
        annotation_key,
        labels,
        object_count,
        vertex_count,
        null as issue_key,
        null as issue_text,
        annotation_key as event_discriminator
    from annotations

    union all

    select
        task_key,
        'annotation_updated' as event_type,
        last_edited_at as occurred_at,
        2 as sub_order,
        last_edited_by as actor,
        annotation_key,
        null as labels,
        null as object_count,
        null as vertex_count,
        null as issue_key,
        null as issue_text,
        instance_key as event_discriminator
    from objects
    where last_edited_by is not null and last_edited_by <> created_by

    union all

    select
        task_key,
        case when approved then 'review_accepted' else 'review_rejected' end as event_type,
        reviewed_at as occurred_at,
        3 as sub_order,
        reviewer as actor,
        annotation_key,
        null as labels,
        null as object_count,
        null as vertex_count,
        null as issue_key,
        null as issue_text,
        review_key as event_discriminator
    from reviews
    where approved is not null

    union all

    select
        task_key,
        'issue_raised' as event_type,
        reviewed_at as occurred_at,
        4 as sub_order,
        reviewer as actor,
        annotation_key,
        null as labels,
        null as object_count,
        null as vertex_count,
        review_key as issue_key,
        {{ trimmed_comment }} as issue_text,
        review_key as event_discriminator
    from reviews
    where not approved and nullif({{ trimmed_comment }}, '') is not null

),

final as (

    select
        mapped.task_key || ':' || mapped.event_type || ':' || mapped.event_discriminator
            as event_key,
        'encord' as source_system,
        null::string as event_id,
        mapped.event_type,
        mapped.occurred_at,
        row_number() over (
            partition by mapped.task_key
            order by mapped.occurred_at, mapped.sub_order, mapped.event_discriminator
        ) as event_order,
        'encord' as source_tool,
        tasks.project_key,
        tasks.project_id,
        mapped.task_key,
        mapped.annotation_key,
        mapped.actor,
        case
            when mapped.event_type like 'annotation_submitted' then 'annotator'
            when mapped.event_type like 'review_%' then 'reviewer'
        end as actor_role,
        case when mapped.event_type like 'annotation_%' then 'annotate' end as stage,
        null::double as duration_s,
        mapped.labels,
        mapped.object_count::integer as object_count,
        mapped.vertex_count::integer as vertex_count,
        mapped.issue_key,
        null::string as issue_tag,
        mapped.issue_text,
        null::string as guideline_version,
        false as is_ground_truth,
        null::double as confidence,
        tasks.source_file,
        tasks.source_record_number as record_number
    from mapped
    inner join tasks using (task_key)

)

select * from final
