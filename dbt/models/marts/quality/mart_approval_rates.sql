-- Approval and rejection at first review per annotator, class and reviewer, for the whole
-- period (week null) and per week of the work, with Wilson intervals and the week-on-week trend.
with

reviewed as (

    select * from {{ ref('int_annotations_first_reviewed') }}

),

long as (

    select
        project_key,
        'annotator' as dimension,
        annotator as subject,
        work_week,
        is_rejected
    from reviewed
    union all
    select
        project_key,
        'class' as dimension,
        primary_class,
        work_week,
        is_rejected
    from reviewed
    where primary_class is not null
    union all
    select
        project_key,
        'reviewer' as dimension,
        reviewer,
        work_week,
        is_rejected
    from reviewed
    where reviewer is not null

),

counted as (

    select
        project_key,
        dimension,
        subject,
        work_week as week,
        count(*) as reviewed,
        count(*) filter (where is_rejected) as rejected
    from long
    group by grouping sets (
        (project_key, dimension, subject, work_week), (project_key, dimension, subject)
    )

),

final as (

    select
        project_key::string as project_key,
        dimension::string as dimension,
        subject::string as subject,
        week::date as week,
        reviewed::bigint as reviewed,
        (reviewed - rejected)::bigint as accepted,
        rejected::bigint as rejected,
        (rejected / reviewed)::double as rejection_rate,
        ({{ wilson_bound('rejected', 'reviewed', 'low') }})::double as rate_low,
        ({{ wilson_bound('rejected', 'reviewed', 'high') }})::double as rate_high,
        (rejected / reviewed - lag(rejected / reviewed) over (
            partition by project_key, dimension, subject, week is null order by week
        ))::double as change_vs_previous_week
    from counted

)

select * from final
