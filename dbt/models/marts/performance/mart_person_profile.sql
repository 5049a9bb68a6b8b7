-- One row per person: who they are (dim_actors), their annotator figures
-- (mart_annotator_performance) and their place in the review structure (mart_reworks), as the
-- report's person page shows them. Actors who only wrote ground truth get no page.
with

actors as (

    select * from {{ ref('dim_actors') }}
    where not is_gold_only

),

performance as (

    select * from {{ ref('mart_annotator_performance') }}

),

reworks as (

    select * from {{ ref('mart_reworks') }}

),

final as (

    select
        actors.actor,
        actors.actor as person,
        actors.roles,
        actors.sources,
        actors.tool_ids,
        actors.first_seen_at::date as first_seen,
        actors.last_seen_at::date as last_seen,
        performance.submitted,
        performance.skipped,
        performance.updated,
        performance.total_time_s,
        performance.median_time_s,
        performance.mean_time_s,
        performance.total_time_median_s,
        reworks.annotations_authored,
        reworks.annotations_reviewed,
        reworks.reviewed_share,
        reworks.reworks_received,
        reworks.reworks_done,
        reworks.reviews_done,
        reworks.is_unreviewed,
        reworks.received_rank
    from actors
    left join performance on actors.actor = performance.annotator
    left join reworks on actors.actor = reworks.person

)

select * from final
