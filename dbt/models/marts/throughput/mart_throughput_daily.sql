-- Per annotator, project and completion day: tasks and labels done, time per task and per
-- label (mean, median, p90), and tasks at >= var('expected_time_flag_ratio') x the project's
-- expected time per task. Ground-truth annotations are reference answers, not work.
with

submitted as (

    select
        annotations.*,
        annotations.lead_time_s / nullif(annotations.object_count, 0) as time_per_label_s,
        expected.expected_time_per_task_s
    from {{ ref('fct_annotations') }} as annotations
    left join {{ ref('project_expected_times') }} as expected using (project_key)
    where
        annotations.is_submitted
        and annotations.completed_day is not null
        and not annotations.is_ground_truth

),

final as (

    select
        project_key::string as project_key,
        annotator::string as annotator,
        completed_day as day,
        count(distinct task_key)::bigint as tasks,
        sum(object_count)::bigint as labels,
        {{ exact_avg('lead_time_s') }}::double as mean_time_per_task_s,
        {{ median_of('lead_time_s') }} as median_time_per_task_s,
        {{ quantile_continuous('lead_time_s', 0.9) }}::double as p90_time_per_task_s,
        {{ exact_avg('time_per_label_s') }}::double as mean_time_per_label_s,
        {{ median_of('time_per_label_s') }} as median_time_per_label_s,
        {{ quantile_continuous('time_per_label_s', 0.9) }}::double as p90_time_per_label_s,
        any_value(expected_time_per_task_s)::double as expected_time_per_task_s,
        count(*) filter (
            where lead_time_s >= {{ var('expected_time_flag_ratio') }} * expected_time_per_task_s
        )::bigint as tasks_over_expected

    from submitted
    group by project_key, annotator, completed_day

)

select * from final
