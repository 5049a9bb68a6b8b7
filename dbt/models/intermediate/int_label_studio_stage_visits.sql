-- Label Studio Enterprise: the stage visits an annotation's history[] tells, one row per visit
-- (the task's stage intervals; a task with several annotations has a visit per annotation).
--   annotate  each action of the annotation's author (submitted, updated, skipped): from when
--             they started (started_at, else the action's time less its lead time) to the
--             action; after a rejection, from the rejection (the wait until they start again
--             is the visit's wait). Work: the action's lead time. A rejection not yet answered
--             by the author leaves an open visit.
--   review    in projects where anyone has reviewed: from the first author action after the
--             last review (or the first) to the next review action (accepted, rejected,
--             fixed_and_accepted), left by its reviewer. Work: the review action's lead time
--             where the history has one (a fix), else not exported (null). An annotation
--             submitted and not yet reviewed leaves an open visit; a skip opens none.
-- Edits by someone else than the author are corrections, not visits.
with

history as (

    select
        history.history_key,
        history.annotation_key,
        history.task_key,
        history.project_key,
        history.instance,
        history.action,
        history.actor_id,
        history.started_at,
        history.acted_at,
        history.lead_time_s,
        history.history_position,
        history.actor_id = annotations.completed_by_id
        and history.action in ('submitted', 'updated', 'skipped') as is_author_action,
        history.action in ('accepted', 'rejected', 'fixed_and_accepted') as is_review_action
    from {{ ref('stg_label_studio__annotation_history') }} as history
    inner join {{ ref('stg_label_studio__annotations') }} as annotations
        on history.annotation_key = annotations.annotation_key

),

steps as (

    -- cycle: how many review actions came before (a review action closes its own cycle).
    select
        *,
        coalesce(
            sum(is_review_action::int) over (
                partition by annotation_key
                order by acted_at, history_position
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as cycle
    from history
    where is_author_action or is_review_action

),

reviews as (

    select
        annotation_key,
        cycle,
        action,
        actor_id,
        instance,
        acted_at,
        lead_time_s
    from steps
    where is_review_action

),

reviewed_projects as (

    select distinct project_key
    from steps
    where is_review_action

),

reviewed_annotations as (

    select distinct
        annotation_key,
        task_key,
        project_key
    from steps

),

annotate_visits as (

    select
        steps.history_key || ':annotate' as stage_interval_key,
        steps.task_key,
        steps.project_key,
        'annotate' as stage,
        -- After a rejection, the first author action of the cycle answers it.
        case
            when
                rejection.action = 'rejected'
                and row_number() over (
                    partition by steps.annotation_key, steps.cycle
                    order by steps.acted_at, steps.history_position
                ) = 1
                then rejection.acted_at
            else
                coalesce(
                    steps.started_at,
                    steps.acted_at - {{ seconds_interval('coalesce(steps.lead_time_s, 0)') }}
                )
        end as entered_at,
        steps.acted_at as left_at,
        steps.instance,
        steps.actor_id as left_by_id,
        steps.lead_time_s as work_s,
        coalesce(
            steps.started_at,
            steps.acted_at - {{ seconds_interval('coalesce(steps.lead_time_s, 0)') }}
        ) as work_started_at
    from steps
    left join reviews as rejection
        on steps.annotation_key = rejection.annotation_key and steps.cycle = rejection.cycle + 1
    where steps.is_author_action

),

unanswered_rejections as (

    select
        reviews.annotation_key || ':rejection-' || reviews.cycle::string || ':annotate'
            as stage_interval_key,
        history.task_key,
        history.project_key,
        'annotate' as stage,
        reviews.acted_at as entered_at,
        null::timestamp as left_at,
        reviews.instance,
        null::bigint as left_by_id,
        null::double as work_s,
        null::timestamp as work_started_at
    from reviews
    inner join reviewed_annotations as history using (annotation_key)
    where
        reviews.action = 'rejected'
        and not exists (
            select 1 from steps as later
            where
                later.annotation_key = reviews.annotation_key
                and later.cycle = reviews.cycle + 1
                and later.is_author_action
        )

),

review_cycles as (

    select
        annotation_key,
        any_value(task_key) as task_key,
        any_value(project_key) as project_key,
        cycle,
        min(acted_at) as entered_at,
        bool_and(action = 'skipped') as is_skip_only
    from steps
    where is_author_action
    group by annotation_key, cycle

),

review_visits as (

    select
        review_cycles.annotation_key || ':review-' || review_cycles.cycle::string
            as stage_interval_key,
        review_cycles.task_key,
        review_cycles.project_key,
        'review' as stage,
        review_cycles.entered_at,
        reviews.acted_at as left_at,
        reviews.instance,
        reviews.actor_id as left_by_id,
        reviews.lead_time_s as work_s,
        reviews.acted_at - {{ seconds_interval('reviews.lead_time_s') }} as work_started_at
    from review_cycles
    inner join reviewed_projects using (project_key)
    left join reviews using (annotation_key, cycle)
    where not review_cycles.is_skip_only

),

visits as (

    select * from annotate_visits
    union all
    select * from unanswered_rejections
    union all
    select * from review_visits

)

select
    visits.stage_interval_key,
    visits.task_key,
    visits.project_key,
    visits.stage,
    row_number() over (
        partition by visits.task_key, visits.stage
        order by visits.entered_at, visits.stage_interval_key
    ) as visit,
    visits.entered_at,
    visits.left_at,
    actors.actor as left_by,
    visits.work_s,
    visits.work_started_at
from visits
left join {{ ref('int_label_studio_users_resolved') }} as actors
    on visits.instance = actors.instance and visits.left_by_id = actors.user_id
