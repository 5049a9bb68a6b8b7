-- One row per calendar day from the first to the last day with any activity.
with

bounds as (

    select
        least(
            (select min(created_at) from {{ ref('fct_tasks') }}),
            (select min(completed_at) from {{ ref('fct_annotations') }})
        )::date as first_day,
        greatest(
            (select max(created_at) from {{ ref('fct_tasks') }}),
            (select max(last_event_at) from {{ ref('fct_annotations') }})
        )::date as last_day

),

days as (

    select {{ explode_days('first_day', 'last_day', 'day') }}
    from bounds
    where first_day is not null

),

final as (

    select
        day,
        date_trunc('week', day)::date as week_start,
        {{ iso_year('day') }} as iso_year,
        {{ iso_week('day') }} as iso_week,
        {{ weekday_name('day') }} as weekday_name,
        {{ iso_weekday('day') }} as iso_weekday,
        {{ iso_weekday('day') }} >= 6 as is_weekend

    from days

)

select * from final
