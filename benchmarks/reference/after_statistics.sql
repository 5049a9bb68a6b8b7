-- Bare-DuckDB reference, part 4: the SQL models that read a statistics mart
-- (rendered by dagster_project/lib/bench/reference_sql.py from dbt's full-build SQL;
-- re-render after changing a model)

-- models/marts/agreement/mart_accuracy_vs_speed.sql
create or replace table marts.mart_accuracy_vs_speed as (
-- Who is accurate, and how fast: per annotator, agreement with ground truth (accuracy for
-- classification, F1 of matched objects for shapes) beside the median time per submitted
-- annotation, per project and pooled over the annotator's projects (project_key null).
with

scores as (

    select * from marts.mart_agreement_ground_truth
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
        count(*) filter (where is_submitted)::bigint as submitted,
    count(*) filter (where was_cancelled)::bigint as skipped,
    count(*) filter (where last_action = 'updated')::bigint as updated,
    coalesce((sum((lead_time_s)::decimal(38, 6)) filter (where is_submitted))::double, 0)::double as total_time_s,
    round(cast(quantile_cont(lead_time_s, 0.5) filter (where is_submitted) as decimal(38, 12)), 6)::double as median_time_s,
    ((
        (sum((lead_time_s)::decimal(38, 6)) filter (where is_submitted))::double
        / (count(lead_time_s) filter (where is_submitted))
    ))::double as mean_time_s,
    (
        count(*) filter (where is_submitted)
        * round(cast(quantile_cont(lead_time_s, 0.5) filter (where is_submitted) as decimal(38, 12)), 6)::double
    )::double as total_time_median_s
    from core.fct_annotations
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
    (case when pooled.trials > 0 then
        greatest(0.0::double, least(
            pooled.hits::double / pooled.trials,
            (
                (pooled.hits::double / pooled.trials + 3.8414588206941254::double / (2.0::double * pooled.trials))
                - 1.959963984540054::double * sqrt(
                    (pooled.hits::double / pooled.trials)
                    * (1::double - pooled.hits::double / pooled.trials) / pooled.trials
                    + 3.8414588206941254::double / (4.0::double * pooled.trials * pooled.trials)
                )
            ) / (1::double + 3.8414588206941254::double / pooled.trials)
        ))
    end)::double as score_low,
    (case when pooled.trials > 0 then
        least(1.0::double, greatest(
            pooled.hits::double / pooled.trials,
            (
                (pooled.hits::double / pooled.trials + 3.8414588206941254::double / (2.0::double * pooled.trials))
                + 1.959963984540054::double * sqrt(
                    (pooled.hits::double / pooled.trials)
                    * (1::double - pooled.hits::double / pooled.trials) / pooled.trials
                    + 3.8414588206941254::double / (4.0::double * pooled.trials * pooled.trials)
                )
            ) / (1::double + 3.8414588206941254::double / pooled.trials)
        ))
    end)::double as score_high,
    times.submitted::bigint as submitted,
    times.median_time_s::double as median_time_s
from pooled
left join times
    on
        pooled.annotator = times.annotator
        and pooled.is_all_projects = times.is_all_projects
        and pooled.project_key is not distinct from times.project_key
);

-- models/marts/alerts/mart_alerts.sql
create or replace table marts.mart_alerts as (
-- Every current alert across the marts, one row each, with the figures behind it and the mart
-- that holds the rows to check before acting.
with

-- An alert on a whole-period figure is dated by the first day of the figures behind it.
first_corrections as (

    select
        project_key,
        min(corrected_day) as since
    from core.fct_corrections
    group by project_key

),

first_reviews_by_annotator as (

    select
        project_key,
        annotator,
        min(reviewed_at)::date as since
    from intermediate.int_annotations_first_reviewed
    group by project_key, annotator

),

first_reviews_by_class as (

    select
        project_key,
        primary_class as class_name,
        min(reviewed_at)::date as since
    from intermediate.int_annotations_first_reviewed
    group by project_key, primary_class

),

first_spend as (

    select
        project_key,
        min(day) as since
    from marts.mart_cost_daily
    group by project_key

),

first_reviews_by_annotation as (

    select
        annotation_key,
        min(review_day) as since
    from core.fct_reviews
    group by annotation_key

),

bottlenecks as (

    select
        'review_bottleneck' as kind,
        'high' as severity,
        concentration.project_key,
        concentration.top_editor as subject,
        first_corrections.since,
        printf(
            '%s made %d of the project''s %d corrections (%.0f%%)',
            concentration.top_editor, concentration.top_editor_reworks, concentration.reworks,
            round(cast(100 * concentration.top_editor_share as decimal(38, 12)), 0)::double
        ) as evidence,
        'mart_review_concentration' as evidence_relation
    from marts.mart_review_concentration as concentration
    left join first_corrections using (project_key)
    where concentration.is_bottleneck

),

reviewed_annotations as (

    select
        project_key,
        annotation_key
    from core.fct_reviews
    union
    select
        project_key,
        annotation_key
    from core.fct_corrections

),

-- Per project and author: their work (ground truth is reference, not work) and how much of it
-- anyone reviewed or corrected.
project_work as (

    select
        annotations.project_key,
        annotations.annotator,
        count(*) as authored,
        count(reviewed.annotation_key) as reviewed,
        min(annotations.completed_day) as first_day
    from core.fct_annotations as annotations
    left join reviewed_annotations as reviewed
        on
            annotations.project_key = reviewed.project_key
            and annotations.annotation_key = reviewed.annotation_key
    where not annotations.was_cancelled and not annotations.is_ground_truth
    group by annotations.project_key, annotations.annotator

),

project_review as (

    select
        project_key,
        sum(authored) as authored,
        sum(reviewed) as reviewed,
        count(*) as authors,
        min(first_day) as first_day
    from project_work
    group by project_key

),

project_gold as (

    select
        project_key,
        count(*) as tasks,
        count(*) filter (where has_ground_truth) as gold_tasks
    from core.fct_tasks
    group by project_key

),

-- Someone's work is skipped in a project that reviews (most of) its work: worth a look.
unreviewed as (

    select
        'unreviewed_work' as kind,
        'high' as severity,
        work.project_key,
        work.annotator,
        work.first_day,
        printf(
            '%d annotation%s authored, none reviewed or corrected, while %d of the other %d '
            || 'were', work.authored, case when work.authored = 1 then '' else 's' end,
            project_review.reviewed, project_review.authored - work.authored
        ) as evidence,
        'mart_reworks' as evidence_relation
    from project_work as work
    inner join project_review using (project_key)
    where
        work.reviewed = 0
        and project_review.reviewed
        >= 0.5 * project_review.authored

),

-- A project that reviews little or nothing has no review workflow to skip anyone: one notice,
-- not an alert per person. Where it has ground truth, that is what measures its quality.
review_coverage as (

    select
        case
            when project_review.reviewed = 0 then 'no_review_workflow' else 'sparse_review'
        end as kind,
        'low' as severity,
        project_review.project_key,
        project_review.project_key as subject,
        project_review.first_day,
        case
            when project_review.reviewed = 0
                then
                    printf(
                        'no reviews recorded: %d annotation%s by %d %s; ', project_review.authored,
                        case when project_review.authored = 1 then '' else 's' end,
                        project_review.authors,
                        case when project_review.authors = 1 then 'person' else 'people' end
                    )
            else
                printf(
                    'only %d of %d annotations (%.0f%%) reviewed or corrected; ',
                    project_review.reviewed, project_review.authored,
                    round(cast(100 * project_review.reviewed / project_review.authored as decimal(38, 12)), 0)::double
                )
        end
        || case
            when gold.gold_tasks > 0
                then
                    printf(
                        'quality is measured against ground truth (gold answers on %d of %d tasks)',
                        gold.gold_tasks, gold.tasks
                    )
            else 'no ground truth either'
        end as evidence,
        case
            when gold.gold_tasks > 0 then 'mart_agreement_ground_truth' else 'mart_reworks'
        end as evidence_relation
    from project_review
    left join project_gold as gold using (project_key)
    where
        project_review.reviewed
        < 0.5 * project_review.authored

),

coaching as (

    select
        'annotator_quality' as kind,
        'medium' as severity,
        quality.project_key,
        quality.annotator,
        first_reviews.since,
        printf(
            'rejected %d of %d (%.0f%%) where their classes predict %.1f (%.0f%%), p %s',
            quality.rejected, quality.reviewed,
            round(cast(100 * quality.rejection_rate as decimal(38, 12)), 0)::double,
            round(cast(quality.expected_rejections as decimal(38, 12)), 1)::double,
            round(cast(100 * quality.expected_rate as decimal(38, 12)), 0)::double,
            case
        when quality.p_vs_expected < 0.001 then '< 0.001'
        when quality.p_vs_expected < 0.01 then printf('= %.4f', round(cast(quality.p_vs_expected as decimal(38, 12)), 4)::double)
        when quality.p_vs_expected < 0.1 then printf('= %.3f', round(cast(quality.p_vs_expected as decimal(38, 12)), 3)::double)
        else printf('= %.2f', round(cast(quality.p_vs_expected as decimal(38, 12)), 2)::double)
    end
        ) as evidence,
        'mart_annotator_quality' as evidence_relation
    from marts.mart_annotator_quality as quality
    left join first_reviews_by_annotator as first_reviews using (project_key, annotator)
    where quality.verdict = 'annotator'

),

ambiguous_classes as (

    select
        'ambiguous_class' as kind,
        'medium' as severity,
        verdicts.project_key,
        verdicts.class_name,
        any_value(first_reviews.since) as since,
        printf(
            'rejected %.0f%% for everyone vs %.0f%% for the project''s other classes',
            round(cast(100 * any_value(verdicts.class_rate) as decimal(38, 12)), 0)::double,
            round(cast(100 * any_value(verdicts.other_classes_rate) as decimal(38, 12)), 0)::double
        ) as evidence,
        'mart_person_vs_class' as evidence_relation
    from marts.mart_person_vs_class as verdicts
    left join first_reviews_by_class as first_reviews using (project_key, class_name)
    where verdicts.verdict = 'class'
    group by verdicts.project_key, verdicts.class_name

),

drift as (

    select
        case metric
            when 'rejection_rate' then 'rejection_drift'
            when 'disagreement_rate' then 'agreement_drift'
            else 'time_drift'
        end as kind,
        case metric when 'time_per_label' then 'medium' else 'high' end as severity,
        project_key,
        subject,
        week,
        case metric
            when 'rejection_rate'
                then
                    printf(
                        '%s %s: %d of %d rejected (%.0f%%) vs %.0f%% before',
                        subject_type, subject, numerator::bigint, observations::bigint,
                        round(cast(100 * value as decimal(38, 12)), 0)::double,
                        round(cast(100 * baseline_value as decimal(38, 12)), 0)::double
                    )
            when 'disagreement_rate'
                then
                    printf(
                        '%s %s: disagreed in %d of %d comparisons (%.0f%%) vs %.0f%% before',
                        subject_type, subject, numerator::bigint, observations::bigint,
                        round(cast(100 * value as decimal(38, 12)), 0)::double,
                        round(cast(100 * baseline_value as decimal(38, 12)), 0)::double
                    )
            else printf(
                '%s %s: median %.1f s per label over %d annotations vs %.1f s before (%+.0f%%)',
                subject_type, subject, round(cast(value as decimal(38, 12)), 1)::double, observations::bigint,
                round(cast(baseline_value as decimal(38, 12)), 1)::double,
                round(cast(100 * relative_change as decimal(38, 12)), 0)::double
            )
        end || ', p ' || case
        when p_value < 0.001 then '< 0.001'
        when p_value < 0.01 then printf('= %.4f', round(cast(p_value as decimal(38, 12)), 4)::double)
        when p_value < 0.1 then printf('= %.3f', round(cast(p_value as decimal(38, 12)), 3)::double)
        else printf('= %.2f', round(cast(p_value as decimal(38, 12)), 2)::double)
    end
        || case
            when guideline_changed
                then
                    ', the week guideline ' || guideline_version
                    || ' started'
            else ''
        end as evidence,
        'mart_drift' as evidence_relation
    from marts.mart_drift
    where is_drift_start

),

reviewer_drag as (

    select
        'reviewer_drag' as kind,
        'medium' as severity,
        project_key,
        stage,
        max(day) as since,
        printf(
            'review backlog up by %d tasks in 7 days while annotation kept pace',
            max_by(wip_change_7d, day)
        ) as evidence,
        'mart_backlog_daily' as evidence_relation
    from marts.mart_backlog_daily
    where is_reviewer_drag
    group by project_key, stage

),

budget as (

    select
        'over_budget' as kind,
        'high' as severity,
        projection.project_key,
        projection.project_key as subject,
        first_spend.since,
        printf(
            'projected %.0f against a budget of %.0f (%.0f spent, %d tasks open)',
            round(cast(projection.projected_total as decimal(38, 12)), 0)::double,
            round(cast(projection.budget as decimal(38, 12)), 0)::double,
            round(cast(projection.spend_to_date as decimal(38, 12)), 0)::double,
            projection.open_tasks
        ) as evidence,
        'mart_cost_projection' as evidence_relation
    from marts.mart_cost_projection as projection
    left join first_spend using (project_key)
    where projection.is_over_budget

),

loops as (

    select
        'review_loops' as kind,
        'low' as severity,
        loops.project_key,
        loops.project_key as subject,
        min(first_reviews.since) as since,
        printf(
            '%d annotations rejected more than %d times', count(*),
            2
        ),
        'mart_review_loops' as evidence_relation
    from marts.mart_review_loops as loops
    left join first_reviews_by_annotation as first_reviews using (annotation_key)
    where loops.is_loop
    group by loops.project_key

),

unioned as (

    select * from bottlenecks
    union all
    select * from unreviewed
    union all
    select * from review_coverage
    union all
    select * from coaching
    union all
    select * from ambiguous_classes
    union all
    select * from drift
    union all
    select * from reviewer_drag
    union all
    select * from budget
    union all
    select * from loops

)

select
    md5(
        kind || '|' || coalesce(project_key, '') || '|' || subject || '|'
        || coalesce(since::string, '')
    )::string as alert_key,
    kind::string as kind,
    severity::string as severity,
    project_key::string as project_key,
    subject::string as subject,
    since::date as since,
    evidence::string as evidence,
    evidence_relation::string as evidence_relation
from unioned
);
