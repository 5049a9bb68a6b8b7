-- Work in progress per project, stage and day (tasks in the stage at the end of the day), its
-- 7-day change, and "reviewer drag": the review backlog grows while annotation keeps pace.
with

moves as (

    select
        project_key,
        stage,
        entered_at::date as day,
        1 as entered,
        0 as left_stage
    from {{ ref('fct_stage_intervals') }}
    union all
    select
        project_key,
        stage,
        left_at::date,
        0 as entered,
        1 as left_stage
    from {{ ref('fct_stage_intervals') }}
    where left_at is not null

),

per_day as (

    select
        project_key,
        stage,
        day,
        sum(entered) as entered,
        sum(left_stage) as left_stage
    from moves
    group by project_key, stage, day

),

calendar as (

    select
        stages.project_key,
        stages.stage,
        dates.day
    from (select distinct
        project_key,
        stage
    from per_day) as stages
    cross join {{ ref('dim_date') }} as dates

),

wip as (

    select
        calendar.project_key,
        calendar.stage,
        calendar.day,
        coalesce(per_day.entered, 0) as entered,
        coalesce(per_day.left_stage, 0) as left_stage,
        sum(coalesce(per_day.entered, 0) - coalesce(per_day.left_stage, 0)) over (
            partition by calendar.project_key, calendar.stage order by calendar.day
        ) as wip
    from calendar
    left join per_day using (project_key, stage, day)

),

trend as (

    select
        *,
        wip - lag(wip, 7) over (partition by project_key, stage order by day) as wip_change_7d
    from wip

),

annotation as (

    select
        project_key,
        day,
        wip_change_7d as annotate_wip_change_7d
    from trend
    where stage = '{{ var("annotation_stage") }}'

),

final as (

    select
        trend.project_key::string as project_key,
        trend.stage::string as stage,
        trend.day,
        trend.entered::bigint as entered,
        trend.left_stage::bigint as left_stage,
        trend.wip::bigint as wip,
        trend.wip_change_7d::bigint as wip_change_7d,
        (
            trend.stage = '{{ var("review_stage") }}'
            and coalesce(trend.wip_change_7d >= {{ var('reviewer_drag_min_growth') }}, false)
            and coalesce(annotation.annotate_wip_change_7d, 0) <= 0
        ) as is_reviewer_drag
    from trend
    left join annotation using (project_key, day)

)

select * from final
