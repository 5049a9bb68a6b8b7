-- Per project: spend so far, the open backlog, and what finishing it costs at the recent pace
-- (cost per completed task over the last var('cost_pace_days') days with activity).
with

lines as (

    select * from {{ ref('int_work_priced') }}
    where day is not null

),

last_day as (

    select
        project_key,
        max(day) as last_day
    from lines
    group by project_key

),

recent as (

    select
        lines.project_key,
        {{ exact_sum('lines.cost') }} as recent_cost
    from lines
    inner join last_day using (project_key)
    where lines.day > last_day.last_day - {{ var('cost_pace_days') }}
    group by lines.project_key

),

completed as (

    select
        tasks.project_key,
        count(*) filter (where tasks.first_completed_at is null) as open_tasks,
        count(*) filter (
            where tasks.first_completed_at::date > last_day.last_day - {{ var('cost_pace_days') }}
        ) as recent_completed_tasks
    from {{ ref('fct_tasks') }} as tasks
    inner join last_day using (project_key)
    group by tasks.project_key

),

spent as (

    select
        project_key,
        {{ exact_sum('cost') }} as spend_to_date
    from lines
    group by project_key

)

select
    spent.project_key::string as project_key,
    {{ round_half_up('spent.spend_to_date', 2) }} as spend_to_date,
    budgets.budget::double as budget,
    completed.open_tasks::bigint as open_tasks,
    (recent.recent_cost / nullif(completed.recent_completed_tasks, 0))::double
        as recent_cost_per_task,
    {{ round_half_up(
        'completed.open_tasks * recent.recent_cost'
        ~ ' / nullif(completed.recent_completed_tasks, 0)', 2
    ) }} as projected_cost_to_finish,
    {{ round_half_up(
        'spent.spend_to_date + coalesce(completed.open_tasks * recent.recent_cost'
        ~ ' / nullif(completed.recent_completed_tasks, 0), 0)', 2
    ) }} as projected_total,
    (spent.spend_to_date + coalesce(
        completed.open_tasks * recent.recent_cost
        / nullif(completed.recent_completed_tasks, 0), 0
    )) > budgets.budget as is_over_budget
from spent
left join recent using (project_key)
left join completed using (project_key)
left join {{ ref('project_budgets') }} as budgets using (project_key)
