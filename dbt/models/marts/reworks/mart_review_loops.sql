-- Annotations that went back and forth: rejections and review rounds per annotation.
with

reviews as (

    select
        annotation_key,
        any_value(task_key) as task_key,
        any_value(project_key) as project_key,
        any_value(author) as author,
        count(*) as review_rounds,
        count(*) filter (where outcome = 'rejected') as rejections,
        max_by(outcome, review_round) as last_outcome
    from {{ ref('fct_reviews') }}
    group by annotation_key

),

final as (

    select
        annotation_key::string as annotation_key,
        task_key::string as task_key,
        project_key::string as project_key,
        author::string as author,
        review_rounds::bigint as review_rounds,
        rejections::bigint as rejections,
        last_outcome::string as last_outcome,
        last_outcome <> 'rejected' as is_resolved,
        rejections > {{ var('review_loop_max_rejections') }} as is_loop
    from reviews
    where rejections > 0

)

select * from final
