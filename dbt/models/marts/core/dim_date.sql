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

    select unnest(generate_series(first_day, last_day, interval 1 day))::date as day
    from bounds
    where first_day is not null

),

final as (

    select
        day,
        date_trunc('week', day)::date as week_start,
        isoyear(day) as iso_year,
        week(day) as iso_week,
        dayname(day) as weekday_name,
        isodow(day) as iso_weekday,
        isodow(day) >= 6 as is_weekend

    from days

)

select * from final
