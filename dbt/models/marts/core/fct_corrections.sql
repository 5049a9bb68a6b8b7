{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ delete_increment_tasks() }}",
) }}
-- depends_on: {{ ref('stg_events__increment_tasks') }}
-- Incremental by task (macros/incremental_tasks.sql).
-- A correction is a change made to an annotation by someone other than its author.
with

annotations as (

    select
        annotation_key,
        annotator
    from {{ ref('fct_annotations') }}
    where {{ in_increment_tasks('task_key') }}

),

event_corrections as (

    select
        events.event_key as correction_key,
        events.source_system,
        events.annotation_key,
        events.task_key,
        events.project_key,
        events.actor as editor,
        events.occurred_at as corrected_at,
        case events.event_type when 'review_fixed' then 'review_fix' else 'edit' end as kind,
        events.duration_s,
        events.event_order as correction_order
    from {{ ref('int_events_unioned') }} as events
    where
        {{ in_increment_tasks('events.task_key') }}
        and events.event_type in ('review_fixed', 'annotation_updated')

),

label_studio_enterprise_corrections as (

    -- Label Studio Enterprise: a review that fixed the annotation (with the seconds of the
    -- history action that saved the fix), and every update of it (those by its author are
    -- dropped below).
    select
        reviews.review_key || ':fix' as correction_key,
        'label_studio' as source_system,
        reviews.annotation_key,
        reviews.task_key,
        reviews.project_key,
        reviewers.actor as editor,
        reviews.reviewed_at as corrected_at,
        'review_fix' as kind,
        fixes.lead_time_s as duration_s,
        reviews.review_position as correction_order
    from {{ ref('stg_label_studio__reviews') }} as reviews
    inner join {{ ref('int_label_studio_users_resolved') }} as reviewers
        on
            reviews.instance = reviewers.instance
            and reviews.reviewer_id = reviewers.user_id
    left join {{ ref('stg_label_studio__annotation_history') }} as fixes
        on
            reviews.annotation_key = fixes.annotation_key
            and reviews.review_id = fixes.review_id
            and fixes.action = 'fixed_and_accepted'
    where reviews.outcome = 'fixed' and {{ in_increment_tasks('reviews.task_key') }}

    union all

    select
        history.history_key as correction_key,
        'label_studio' as source_system,
        history.annotation_key,
        history.task_key,
        history.project_key,
        actors.actor as editor,
        history.acted_at as corrected_at,
        'edit' as kind,
        history.lead_time_s as duration_s,
        history.history_position as correction_order
    from {{ ref('stg_label_studio__annotation_history') }} as history
    inner join {{ ref('int_label_studio_users_resolved') }} as actors
        on
            history.instance = actors.instance
            and history.actor_id = actors.user_id
    where history.action = 'updated' and {{ in_increment_tasks('history.task_key') }}

),

label_studio_corrections as (

    -- The open-source export keeps only the last editor (updated_by): at most one correction
    -- per annotation; read only where the export carries no review history for it.
    select
        annotations.annotation_key || ':edit' as correction_key,
        'label_studio' as source_system,
        annotations.annotation_key,
        annotations.task_key,
        annotations.project_key,
        editors.actor as editor,
        annotations.updated_at as corrected_at,
        case when annotations.last_action = 'fixed_and_accepted' then 'review_fix' else 'edit' end
            as kind,
        null::double as duration_s,
        0 as correction_order
    from {{ ref('stg_label_studio__annotations') }} as annotations
    inner join {{ ref('int_label_studio_users_resolved') }} as editors
        on
            annotations.instance = editors.instance
            and annotations.updated_by_id = editors.user_id
    where
        annotations.updated_by_id <> annotations.completed_by_id
        and {{ in_increment_tasks('annotations.task_key') }}
        and annotations.annotation_key not in (
            select tracked.annotation_key
            from {{ ref('int_label_studio_annotations_tracked') }} as tracked
        )

),

unioned as (

    select * from event_corrections
    union all
    select * from label_studio_enterprise_corrections
    union all
    select * from label_studio_corrections

),

final as (

    select
        unioned.correction_key,
        unioned.source_system,
        unioned.annotation_key,
        unioned.task_key,
        unioned.project_key,
        annotations.annotator as author,
        unioned.editor,
        unioned.corrected_at,
        unioned.corrected_at::date as corrected_day,
        unioned.kind,
        unioned.duration_s

    from unioned
    inner join annotations using (annotation_key)
    where unioned.editor <> annotations.annotator

)

select * from final
