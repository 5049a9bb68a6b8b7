-- Tasks with issues beside their time and rejections: issues explain outliers.
with

issues as (

    select
        task_key,
        count(*) filter (where kind = 'issue') as issues,
        count(*) filter (where kind = 'issue' and not is_resolved) as open_issues,
        count(*) filter (where kind = 'comment') as comments,
        {{ sorted_distinct_join('category', "', '") }} as categories
    from {{ ref('fct_issues') }}
    group by task_key

),

work as (

    select
        task_key,
        {{ exact_sum('lead_time_s') }} as lead_time_s,
        count(*) as annotations
    from {{ ref('fct_annotations') }}
    where not was_cancelled
    group by task_key

),

rejections as (

    select
        task_key,
        count(*) filter (where outcome = 'rejected') as rejections
    from {{ ref('fct_reviews') }}
    group by task_key

)

select
    issues.task_key::string as task_key,
    tasks.project_key::string as project_key,
    issues.issues::bigint as issues,
    issues.open_issues::bigint as open_issues,
    issues.comments::bigint as comments,
    issues.categories::string as categories,
    coalesce(work.annotations, 0)::bigint as annotations,
    work.lead_time_s::double as lead_time_s,
    coalesce(rejections.rejections, 0)::bigint as rejections
from issues
inner join {{ ref('fct_tasks') }} as tasks using (task_key)
left join work using (task_key)
left join rejections using (task_key)
