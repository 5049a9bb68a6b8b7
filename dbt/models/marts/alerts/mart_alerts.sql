-- Every current alert across the marts, one row each, with the figures behind it and the mart
-- that holds the rows to check before acting.
with

-- An alert on a whole-period figure is dated by the first day of the figures behind it.
first_corrections as (

    select
        project_key,
        min(corrected_day) as since
    from {{ ref('fct_corrections') }}
    group by project_key

),

first_reviews_by_annotator as (

    select
        project_key,
        annotator,
        min(reviewed_at)::date as since
    from {{ ref('int_annotations_first_reviewed') }}
    group by project_key, annotator

),

first_reviews_by_class as (

    select
        project_key,
        primary_class as class_name,
        min(reviewed_at)::date as since
    from {{ ref('int_annotations_first_reviewed') }}
    group by project_key, primary_class

),

first_spend as (

    select
        project_key,
        min(day) as since
    from {{ ref('mart_cost_daily') }}
    group by project_key

),

first_reviews_by_annotation as (

    select
        annotation_key,
        min(review_day) as since
    from {{ ref('fct_reviews') }}
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
            {{ round_half_up('100 * concentration.top_editor_share', 0) }}
        ) as evidence,
        'mart_review_concentration' as evidence_relation
    from {{ ref('mart_review_concentration') }} as concentration
    left join first_corrections using (project_key)
    where concentration.is_bottleneck

),

reviewed_annotations as (

    select
        project_key,
        annotation_key
    from {{ ref('fct_reviews') }}
    union
    select
        project_key,
        annotation_key
    from {{ ref('fct_corrections') }}

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
    from {{ ref('fct_annotations') }} as annotations
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
    from {{ ref('fct_tasks') }}
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
        >= {{ var('review_coverage_min_share') }} * project_review.authored

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
                    {{ round_half_up(
                        '100 * project_review.reviewed / project_review.authored', 0
                    ) }}
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
        < {{ var('review_coverage_min_share') }} * project_review.authored

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
            {{ round_half_up('100 * quality.rejection_rate', 0) }},
            {{ round_half_up('quality.expected_rejections', 1) }},
            {{ round_half_up('100 * quality.expected_rate', 0) }},
            {{ p_value_text('quality.p_vs_expected') }}
        ) as evidence,
        'mart_annotator_quality' as evidence_relation
    from {{ ref('mart_annotator_quality') }} as quality
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
            {{ round_half_up('100 * any_value(verdicts.class_rate)', 0) }},
            {{ round_half_up('100 * any_value(verdicts.other_classes_rate)', 0) }}
        ) as evidence,
        'mart_person_vs_class' as evidence_relation
    from {{ ref('mart_person_vs_class') }} as verdicts
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
                        {{ round_half_up('100 * value', 0) }},
                        {{ round_half_up('100 * baseline_value', 0) }}
                    )
            when 'disagreement_rate'
                then
                    printf(
                        '%s %s: disagreed in %d of %d comparisons (%.0f%%) vs %.0f%% before',
                        subject_type, subject, numerator::bigint, observations::bigint,
                        {{ round_half_up('100 * value', 0) }},
                        {{ round_half_up('100 * baseline_value', 0) }}
                    )
            else printf(
                '%s %s: median %.1f s per label over %d annotations vs %.1f s before (%+.0f%%)',
                subject_type, subject, {{ round_half_up('value', 1) }}, observations::bigint,
                {{ round_half_up('baseline_value', 1) }},
                {{ round_half_up('100 * relative_change', 0) }}
            )
        end || ', p ' || {{ p_value_text('p_value') }}
        || case
            when guideline_changed
                then
                    ', the week guideline ' || guideline_version
                    || ' started'
            else ''
        end as evidence,
        'mart_drift' as evidence_relation
    from {{ ref('mart_drift') }}
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
    from {{ ref('mart_backlog_daily') }}
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
            {{ round_half_up('projection.projected_total', 0) }},
            {{ round_half_up('projection.budget', 0) }},
            {{ round_half_up('projection.spend_to_date', 0) }},
            projection.open_tasks
        ) as evidence,
        'mart_cost_projection' as evidence_relation
    from {{ ref('mart_cost_projection') }} as projection
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
            {{ var('review_loop_max_rejections') }}
        ),
        'mart_review_loops' as evidence_relation
    from {{ ref('mart_review_loops') }} as loops
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
