{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ delete_increment_tasks() }}",
) }}
-- depends_on: {{ ref('stg_events__increment_tasks') }}
-- Incremental by task (macros/incremental_tasks.sql).
-- One row per visit of a task to a workflow stage: from events (stage_entered .. stage_left;
-- the k-th entry into a stage pairs with the k-th exit from it; a visit still open has no exit)
-- and from Label Studio Enterprise histories (int_label_studio_stage_visits; reviewer time is
-- not exported there: work_s null).
with

events as (

    select * from {{ ref('int_events_unioned') }}
    where {{ in_increment_tasks('task_key') }}

),

entries as (

    select
        task_key,
        project_key,
        stage,
        occurred_at as entered_at,
        event_key,
        row_number() over (partition by task_key, stage order by event_order) as visit
    from events
    where event_type = 'stage_entered'

),

exits as (

    select
        task_key,
        stage,
        occurred_at as left_at,
        actor as left_by,
        row_number() over (partition by task_key, stage order by event_order) as visit
    from events
    where event_type = 'stage_left'

),

visits as (

    select
        entries.event_key as stage_interval_key,
        entries.task_key,
        entries.project_key,
        entries.stage,
        entries.visit,
        entries.entered_at,
        exits.left_at,
        exits.left_by
    from entries
    left join exits using (task_key, stage, visit)

),

work as (

    -- Active work inside each visit: durations of the task's events in that stage.
    select
        visits.stage_interval_key,
        {{ exact_sum('events.duration_s') }} as work_s,
        min(events.occurred_at - {{ seconds_interval('coalesce(events.duration_s, 0)') }})
            as first_work_started_at
    from visits
    inner join events
        on
            visits.task_key = events.task_key
            and visits.stage = events.stage
            and visits.entered_at <= events.occurred_at
            and (visits.left_at is null or visits.left_at >= events.occurred_at)
            and events.duration_s is not null
    group by visits.stage_interval_key

),

event_visits as (

    select
        visits.stage_interval_key,
        visits.task_key,
        visits.project_key,
        visits.stage,
        visits.visit,
        visits.entered_at,
        visits.left_at,
        visits.left_by,
        visits.left_at is null as is_open,
        {{ seconds_between('visits.entered_at', 'visits.left_at') }} as dwell_s,
        coalesce(work.work_s, 0) as work_s,
        greatest(
            {{ seconds_between(
                'visits.entered_at', 'coalesce(work.first_work_started_at, visits.left_at)'
            ) }},
            0
        ) as wait_s

    from visits
    left join work using (stage_interval_key)

),

label_studio_visits as (

    select
        stage_interval_key,
        task_key,
        project_key,
        stage,
        visit,
        entered_at,
        left_at,
        left_by,
        left_at is null as is_open,
        {{ seconds_between('entered_at', 'left_at') }} as dwell_s,
        work_s,
        greatest(
            {{ seconds_between('entered_at', 'coalesce(work_started_at, left_at)') }}, 0
        ) as wait_s
    from {{ ref('int_label_studio_stage_visits') }}
    where {{ in_increment_tasks('task_key') }}

),

final as (

    select * from event_visits
    union all
    select * from label_studio_visits

)

select * from final
