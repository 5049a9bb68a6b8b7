-- Complexity-adjusted speed per annotator and project: time per task beside time per label
-- and objects per task, so an annotator handed busier scenes is not mistaken for a slow one.
with

submitted as (

    select * from {{ ref('fct_annotations') }}
    where is_submitted and lead_time_s is not null and not is_ground_truth

),

per_annotator as (

    select
        project_key,
        annotator,
        count(*)::bigint as annotations,
        sum(object_count)::bigint as objects,
        sum(vertex_count)::bigint as vertices,
        avg(object_count)::double as objects_per_task,
        {{ exact_avg('lead_time_s') }}::double as mean_time_per_task_s,
        {{ median_of('lead_time_s') }} as median_time_per_task_s,
        ({{ exact_sum('lead_time_s') }} / nullif(sum(object_count), 0))::double as time_per_label_s,
        {{ median_of('lead_time_s / nullif(object_count, 0)') }}
            as median_time_per_label_s,
        ({{ exact_sum('lead_time_s') }} / nullif(sum(vertex_count), 0))::double as time_per_vertex_s

    from submitted
    group by project_key, annotator

),

project_baseline as (

    -- The project's typical annotator: the median over annotators of their medians, so neither
    -- one forgotten open tab nor one outlying person can move it.
    select
        project_key,
        {{ median_of('median_time_per_task_s') }} as project_time_per_task_s,
        {{ median_of('median_time_per_label_s') }} as project_time_per_label_s,
        {{ median_of('objects_per_task') }} as project_objects_per_task
    from per_annotator
    group by project_key

),

final as (

    select
        per_annotator.project_key,
        per_annotator.annotator,
        per_annotator.annotations,
        per_annotator.objects,
        per_annotator.vertices,
        per_annotator.objects_per_task,
        per_annotator.mean_time_per_task_s,
        per_annotator.median_time_per_task_s,
        per_annotator.time_per_label_s,
        per_annotator.median_time_per_label_s,
        per_annotator.time_per_vertex_s,
        (
            per_annotator.median_time_per_task_s
            / nullif(project_baseline.project_time_per_task_s, 0))::double
            as time_per_task_vs_project,
        (
            per_annotator.median_time_per_label_s
            / nullif(project_baseline.project_time_per_label_s, 0))::double
            as time_per_label_vs_project,
        (
            per_annotator.objects_per_task
            / nullif(project_baseline.project_objects_per_task, 0))::double
            as objects_per_task_vs_project,
        case
            when per_annotator.annotations < {{ var('complexity_min_annotations') }}
                then 'too little data'
            when
                per_annotator.median_time_per_task_s
                >= {{ var('complexity_slow_ratio') }} * project_baseline.project_time_per_task_s
                and per_annotator.median_time_per_label_s
                < {{ var('complexity_slow_ratio') }} * project_baseline.project_time_per_label_s
                then 'busier scenes'
            when
                per_annotator.median_time_per_label_s
                >= {{ var('complexity_slow_ratio') }} * project_baseline.project_time_per_label_s
                then 'slower per label'
            else 'typical'
        end::string as speed_verdict

    from per_annotator
    inner join project_baseline using (project_key)

)

select * from final
