-- Who is accurate, and how fast: per annotator, agreement with ground truth (accuracy for
-- classification, F1 of matched objects for shapes) beside the median time per submitted
-- annotation, per project and pooled over the annotator's projects (project_key null).
with

scores as (

    select * from {{ ref('mart_agreement_ground_truth') }}
    where is_all_classes

),

-- The share each score is: accuracy = correct of gold tasks; F1 = matched of (gold + drawn) / 2.
shares as (

    select
        project_key,
        annotator,
        task_type,
        gold_tasks,
        case task_type
            when 'classification' then correct_tasks::double else matched_items::double
        end as hits,
        case task_type
            when 'classification' then gold_tasks::double
            else (gold_items + chosen_items) / 2.0
        end as trials
    from scores

),

pooled as (

    select
        project_key,
        annotator,
        task_type,
        grouping(project_key) = 1 as is_all_projects,
        sum(gold_tasks) as gold_tasks,
        sum(hits) as hits,
        sum(trials) as trials
    from shares
    group by grouping sets ((project_key, annotator, task_type), (annotator, task_type))

),

-- Time as the performance marts measure it (the same figures macro): submitted,
-- non-ground-truth work.
times as (

    select
        project_key,
        annotator,
        grouping(project_key) = 1 as is_all_projects,
        {{ annotator_performance_figures() }}
    from {{ ref('fct_annotations') }}
    where not is_ground_truth
    group by grouping sets ((project_key, annotator), (annotator))

)

select
    pooled.project_key::string as project_key,
    pooled.annotator::string as annotator,
    pooled.task_type::string as task_type,
    pooled.is_all_projects::boolean as is_all_projects,
    case pooled.task_type when 'classification' then 'accuracy' else 'F1' end::string
        as score_name,
    pooled.gold_tasks::bigint as gold_tasks,
    (case when pooled.trials > 0 then pooled.hits / pooled.trials end)::double as score,
    ({{ wilson_bound('pooled.hits', 'pooled.trials', 'low') }})::double as score_low,
    ({{ wilson_bound('pooled.hits', 'pooled.trials', 'high') }})::double as score_high,
    times.submitted::bigint as submitted,
    times.median_time_s::double as median_time_s
from pooled
left join times
    on
        pooled.annotator = times.annotator
        and pooled.is_all_projects = times.is_all_projects
        and pooled.project_key is not distinct from times.project_key
