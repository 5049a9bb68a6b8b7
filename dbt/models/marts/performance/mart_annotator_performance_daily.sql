-- mart_annotator_performance per completion day (the day the annotation was completed); ground
-- truth is not work here either.
with

annotations as (

    select * from {{ ref('fct_annotations') }}
    where completed_day is not null and not is_ground_truth

),

final as (

    select
        annotator,
        completed_day as day,
        {{ annotator_performance_figures() }}

    from annotations
    group by annotator, completed_day

)

select * from final
