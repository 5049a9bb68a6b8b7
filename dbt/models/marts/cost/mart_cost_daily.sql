-- Spend per project and day against the project's budget, cumulative. Spend sums the work whose
-- cost is known (int_work_priced) and is null on a day when none is.
with

spend as (

    select
        project_key,
        day,
        {{ exact_sum('cost') }} as spend,
        {{ exact_sum('cost', "filter (where is_reworked)") }} as rework_spend,
        count(*) filter (where is_reworked) as reworked_lines
    from {{ ref('int_work_priced') }}
    where day is not null
    group by project_key, day

)

select
    spend.project_key::string as project_key,
    spend.day,
    {{ round_half_up('spend.spend', 2) }} as spend,
    {{ round_half_up(
        'case when spend.reworked_lines = 0 then 0 else spend.rework_spend end', 2
    ) }} as rework_spend,
    {{ round_half_up(
        exact_sum('spend.spend', "over (partition by spend.project_key order by spend.day)"), 2
    ) }} as cumulative_spend,
    budgets.budget::double as budget,
    (
        {{ exact_sum('spend.spend', "over (partition by spend.project_key order by spend.day)") }}
        / nullif(budgets.budget, 0)
    )::double as budget_used_share
from spend
left join {{ ref('project_budgets') }} as budgets using (project_key)
