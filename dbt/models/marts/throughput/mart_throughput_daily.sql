-- Per annotator, project and completion day: tasks and labels done, time per task and per
-- label (mean, median, p90), and tasks at >= var('expected_time_flag_ratio') x the project's
-- expected time per task. Ground-truth annotations are reference answers, not work.
-- The medians and p90s come from a sort (macros/sorted_quantiles.sql): as grouped quantile_cont,
-- short of memory beside another model, this model spilled tens of GB at 30 M events and failed.
with

submitted as (

    select
        annotations.project_key,
        annotations.annotator,
        annotations.completed_day,
        annotations.task_key,
        annotations.object_count,
        annotations.lead_time_s,
        annotations.lead_time_s / nullif(annotations.object_count, 0) as time_per_label_s,
        expected.expected_time_per_task_s
    from {{ ref('fct_annotations') }} as annotations
    left join {{ ref('project_expected_times') }} as expected using (project_key)
    where
        annotations.is_submitted
        and annotations.completed_day is not null
        and not annotations.is_ground_truth

),

ranked as (

    select
        *,
        row_number() over (
            partition by project_key, annotator, completed_day
            order by lead_time_s asc nulls last
        ) as task_time_rank,
        count(lead_time_s) over (
            partition by project_key, annotator, completed_day
        ) as task_times,
        row_number() over (
            partition by project_key, annotator, completed_day
            order by time_per_label_s asc nulls last
        ) as label_time_rank,
        count(time_per_label_s) over (
            partition by project_key, annotator, completed_day
        ) as label_times,
        -- The first row of each task: tasks counted without count(distinct).
        row_number() over (
            partition by project_key, annotator, completed_day, task_key
            order by lead_time_s asc nulls last
        ) as task_row
    from submitted

),

per_day as (

    select
        project_key,
        annotator,
        completed_day,
        count(*) filter (where task_key is not null and task_row = 1) as tasks,
        sum(object_count) as labels,
        {{ exact_avg('lead_time_s') }} as mean_time_per_task_s,
        any_value(task_times) as task_times,
        {{ sorted_quantile_bounds(
            'lead_time_s', 'task_time_rank', 'task_times', 0.5, 'task_median'
        ) }},
        {{ sorted_quantile_bounds(
            'lead_time_s', 'task_time_rank', 'task_times', 0.9, 'task_p90'
        ) }},
        {{ exact_avg('time_per_label_s') }} as mean_time_per_label_s,
        any_value(label_times) as label_times,
        {{ sorted_quantile_bounds(
            'time_per_label_s', 'label_time_rank', 'label_times', 0.5, 'label_median'
        ) }},
        {{ sorted_quantile_bounds(
            'time_per_label_s', 'label_time_rank', 'label_times', 0.9, 'label_p90'
        ) }},
        any_value(expected_time_per_task_s) as expected_time_per_task_s,
        count(*) filter (
            where lead_time_s >= {{ var('expected_time_flag_ratio') }} * expected_time_per_task_s
        ) as tasks_over_expected
    from ranked
    group by project_key, annotator, completed_day

),

final as (

    select
        project_key::string as project_key,
        annotator::string as annotator,
        completed_day as day,
        tasks::bigint as tasks,
        labels::bigint as labels,
        mean_time_per_task_s::double as mean_time_per_task_s,
        {{ sorted_quantile('task_median', 'task_times', 0.5) }} as median_time_per_task_s,
        {{ sorted_quantile('task_p90', 'task_times', 0.9) }} as p90_time_per_task_s,
        mean_time_per_label_s::double as mean_time_per_label_s,
        {{ sorted_quantile('label_median', 'label_times', 0.5) }} as median_time_per_label_s,
        {{ sorted_quantile('label_p90', 'label_times', 0.9) }} as p90_time_per_label_s,
        expected_time_per_task_s::double as expected_time_per_task_s,
        tasks_over_expected::bigint as tasks_over_expected
    from per_day

)

select * from final
