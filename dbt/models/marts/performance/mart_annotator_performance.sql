-- Per annotator over the whole data set, as Label Studio's annotator dashboard defines it
-- (METRICS.md §2); see _performance__models.yml for each figure. Ground-truth annotations are
-- reference answers, not work: they count in no figure here.
with

annotations as (

    select * from {{ ref('fct_annotations') }}
    where not is_ground_truth

),

final as (

    select
        annotator,
        {{ annotator_performance_figures() }},
        min(completed_day) filter (where is_submitted) as first_day,
        max(completed_day) filter (where is_submitted) as last_day

    from annotations
    group by annotator

)

select * from final
