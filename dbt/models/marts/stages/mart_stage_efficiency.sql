-- Per project and workflow stage: work and waiting time, dwell percentiles, and how the
-- project's annotation work compares with the work in each stage.
with

visits as (

    select * from {{ ref('fct_stage_intervals') }}

),

per_stage as (

    select
        project_key,
        stage,
        count(*) as visits,
        count(*) filter (where not is_open) as closed_visits,
        {{ exact_sum('work_s') }} as total_work_s,
        {{ median_of('work_s', 'not is_open') }} as median_work_s,
        {{ median_of('wait_s', 'not is_open') }} as median_wait_s,
        {{ quantile_continuous('wait_s', 0.9, 'not is_open') }} as p90_wait_s,
        {{ median_of('dwell_s', 'not is_open') }} as median_dwell_s,
        {{ quantile_continuous('dwell_s', 0.9, 'not is_open') }} as p90_dwell_s
    from visits
    group by project_key, stage

),

annotation_work as (

    select
        project_key,
        total_work_s as annotate_work_s
    from per_stage
    where stage = '{{ var("annotation_stage") }}'

),

final as (

    select
        per_stage.project_key::string as project_key,
        per_stage.stage::string as stage,
        per_stage.visits::bigint as visits,
        per_stage.closed_visits::bigint as closed_visits,
        per_stage.total_work_s::double as total_work_s,
        per_stage.median_work_s::double as median_work_s,
        per_stage.median_wait_s::double as median_wait_s,
        per_stage.p90_wait_s::double as p90_wait_s,
        per_stage.median_dwell_s::double as median_dwell_s,
        per_stage.p90_dwell_s::double as p90_dwell_s,
        (annotation_work.annotate_work_s / nullif(per_stage.total_work_s, 0))::double
            as annotation_to_stage_work_ratio
    from per_stage
    left join annotation_work using (project_key)

)

select * from final
