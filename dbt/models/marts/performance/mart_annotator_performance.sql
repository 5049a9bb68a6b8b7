{{ config(contract={'enforced': true}) }}
-- Per annotator over the whole data set, as Label Studio's annotator dashboard defines it
-- (METRICS.md §2); see _performance__models.yml for each figure.
with

annotations as (

    select * from {{ ref('fct_annotations') }}

),

final as (

    select
        annotator,
        count(*) filter (where is_submitted)::bigint as submitted,
        count(*) filter (where was_cancelled)::bigint as skipped,
        count(*) filter (where last_action = 'updated')::bigint as updated,
        coalesce(sum(lead_time_s) filter (where is_submitted), 0)::double as total_time_s,
        (median(lead_time_s) filter (where is_submitted))::double as median_time_s,
        (avg(lead_time_s) filter (where is_submitted))::double as mean_time_s,
        (
            count(*) filter (where is_submitted)
            * median(lead_time_s) filter (where is_submitted)
        )::double as total_time_median_s,
        min(completed_day) filter (where is_submitted) as first_day,
        max(completed_day) filter (where is_submitted) as last_day

    from annotations
    group by annotator

)

select * from final
