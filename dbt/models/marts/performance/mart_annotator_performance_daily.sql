{{ config(contract={'enforced': true}) }}
-- mart_annotator_performance per completion day (the day the annotation was completed).
with

annotations as (

    select * from {{ ref('fct_annotations') }}
    where completed_day is not null

),

final as (

    select
        annotator,
        completed_day as day,
        count(*) filter (where is_submitted)::bigint as submitted,
        count(*) filter (where was_cancelled)::bigint as skipped,
        count(*) filter (where last_action = 'updated')::bigint as updated,
        coalesce(sum(lead_time_s) filter (where is_submitted), 0)::double as total_time_s,
        (median(lead_time_s) filter (where is_submitted))::double as median_time_s,
        (avg(lead_time_s) filter (where is_submitted))::double as mean_time_s,
        (
            count(*) filter (where is_submitted)
            * median(lead_time_s) filter (where is_submitted)
        )::double as total_time_median_s

    from annotations
    group by annotator, completed_day

)

select * from final
