-- Every current alert across the marts, one row each, with the figures behind it and the mart
-- that holds the rows to check before acting.
with

bottlenecks as (

    select
        'review_bottleneck' as kind,
        'high' as severity,
        project_key,
        top_editor as subject,
        null::date as since,
        printf(
            '%s made %d of the project''s %d corrections (%.0f%%)',
            top_editor, top_editor_reworks, reworks, 100 * top_editor_share
        ) as evidence,
        'mart_review_concentration' as evidence_relation
    from {{ ref('mart_review_concentration') }}
    where is_bottleneck

),

unreviewed as (

    select
        'unreviewed_work' as kind,
        'high' as severity,
        null::varchar,
        person,
        null::date,
        printf(
            '%d annotations authored, none reviewed or corrected', annotations_authored
        ) as evidence,
        'mart_reworks' as evidence_relation
    from {{ ref('mart_reworks') }}
    where is_unreviewed

),

coaching as (

    select
        'annotator_quality' as kind,
        'medium' as severity,
        project_key,
        annotator,
        null::date,
        printf(
            'rejected %d of %d (%.0f%%) where their classes predict %.1f (%.0f%%), p = %.2g',
            rejected, reviewed, 100 * rejection_rate, expected_rejections, 100 * expected_rate,
            p_vs_expected
        ) as evidence,
        'mart_annotator_quality' as evidence_relation
    from {{ ref('mart_annotator_quality') }}
    where verdict = 'annotator'

),

ambiguous_classes as (

    select
        'ambiguous_class' as kind,
        'medium' as severity,
        project_key,
        class_name,
        null::date,
        printf(
            'rejected %.0f%% for everyone vs %.0f%% for the project''s other classes',
            100 * any_value(class_rate), 100 * any_value(other_classes_rate)
        ) as evidence,
        'mart_person_vs_class' as evidence_relation
    from {{ ref('mart_person_vs_class') }}
    where verdict = 'class'
    group by project_key, class_name

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
                        subject_type, subject, numerator::bigint, observations::bigint, 100 * value,
                        100 * baseline_value
                    )
            when 'disagreement_rate'
                then
                    printf(
                        '%s %s: disagreed in %d of %d comparisons (%.0f%%) vs %.0f%% before',
                        subject_type, subject, numerator::bigint, observations::bigint, 100 * value,
                        100 * baseline_value
                    )
            else printf(
                '%s %s: median %.1f s per label over %d annotations vs %.1f s before (%+.0f%%)',
                subject_type, subject, value, observations::bigint, baseline_value,
                100 * relative_change
            )
        end || printf(', p = %.2g', p_value)
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
            arg_max(wip_change_7d, day)
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
        project_key,
        project_key as subject,
        null::date as since,
        printf(
            'projected %.0f against a budget of %.0f (%.0f spent, %d tasks open)',
            projected_total, budget, spend_to_date, open_tasks
        ) as evidence,
        'mart_cost_projection' as evidence_relation
    from {{ ref('mart_cost_projection') }}
    where is_over_budget

),

loops as (

    select
        'review_loops' as kind,
        'low' as severity,
        project_key,
        project_key as subject,
        null::date as since,
        printf(
            '%d annotations rejected more than %d times', count(*),
            {{ var('review_loop_max_rejections') }}
        ),
        'mart_review_loops' as evidence_relation
    from {{ ref('mart_review_loops') }}
    where is_loop
    group by project_key

),

unioned as (

    select * from bottlenecks
    union all
    select * from unreviewed
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
        || coalesce(since::varchar, '')
    )::varchar as alert_key,
    kind::varchar as kind,
    severity::varchar as severity,
    project_key::varchar as project_key,
    subject::varchar as subject,
    since::date as since,
    evidence::varchar as evidence,
    evidence_relation::varchar as evidence_relation
from unioned
