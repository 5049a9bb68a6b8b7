{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ delete_increment_tasks() }}",
) }}
-- depends_on: {{ ref('stg_events__increment_tasks') }}
-- Incremental by task (macros/incremental_tasks.sql).
with

annotations as (

    select
        annotation_key,
        annotator
    from {{ ref('fct_annotations') }}
    where {{ in_increment_tasks('task_key') }}

),

event_reviews as (

    select
        events.event_key as review_key,
        events.source_system,
        events.annotation_key,
        events.task_key,
        events.project_key,
        events.actor as reviewer,
        events.occurred_at as reviewed_at,
        case events.event_type
            when 'review_accepted' then 'accepted'
            when 'review_rejected' then 'rejected'
            when 'review_fixed' then 'fixed'
        end as outcome,
        events.duration_s,
        events.event_order as review_order
    from {{ ref('int_events_unioned') }} as events
    where
        {{ in_increment_tasks('events.task_key') }}
        and events.event_type in ('review_accepted', 'review_rejected', 'review_fixed')

),

label_studio_enterprise_reviews as (

    -- Label Studio Enterprise exports every review: who accepted or rejected, when, whether
    -- they fixed it. Reviewer time is not exported.
    select
        reviews.review_key,
        'label_studio' as source_system,
        reviews.annotation_key,
        reviews.task_key,
        reviews.project_key,
        reviewers.actor as reviewer,
        reviews.reviewed_at,
        reviews.outcome,
        null::double as duration_s,
        reviews.review_position as review_order
    from {{ ref('stg_label_studio__reviews') }} as reviews
    inner join {{ ref('int_label_studio_users_resolved') }} as reviewers
        on
            reviews.instance = reviewers.instance
            and reviews.reviewer_id = reviewers.user_id
    where {{ in_increment_tasks('reviews.task_key') }}

),

label_studio_reviews as (

    -- The open-source export keeps only the last review decision, in last_action: read only
    -- where the export carries neither reviews nor history for the annotation.
    select
        annotations.annotation_key || ':review' as review_key,
        'label_studio' as source_system,
        annotations.annotation_key,
        annotations.task_key,
        annotations.project_key,
        editors.actor as reviewer,
        annotations.updated_at as reviewed_at,
        case annotations.last_action
            when 'accepted' then 'accepted'
            when 'rejected' then 'rejected'
            when 'fixed_and_accepted' then 'fixed'
        end as outcome,
        null::double as duration_s,
        0 as review_order
    from {{ ref('stg_label_studio__annotations') }} as annotations
    left join {{ ref('int_label_studio_users_resolved') }} as editors
        on
            annotations.instance = editors.instance
            and annotations.updated_by_id = editors.user_id
    where
        annotations.last_action in ('accepted', 'rejected', 'fixed_and_accepted')
        and {{ in_increment_tasks('annotations.task_key') }}
        and annotations.annotation_key not in (
            select tracked.annotation_key
            from {{ ref('int_label_studio_annotations_tracked') }} as tracked
        )

),

unioned as (

    select * from event_reviews
    union all
    select * from label_studio_enterprise_reviews
    union all
    select * from label_studio_reviews

),

final as (

    select
        unioned.review_key,
        unioned.source_system,
        unioned.annotation_key,
        unioned.task_key,
        unioned.project_key,
        unioned.reviewer,
        annotations.annotator as author,
        unioned.reviewed_at,
        unioned.reviewed_at::date as review_day,
        unioned.outcome,
        unioned.duration_s,
        row_number() over (
            partition by unioned.annotation_key order by unioned.reviewed_at, unioned.review_order
        ) as review_round

    from unioned
    inner join annotations using (annotation_key)

)

select * from final
