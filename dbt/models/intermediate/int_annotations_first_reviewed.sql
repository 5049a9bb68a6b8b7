-- One row per reviewed annotation: its first review decision and its primary class (the class
-- with most objects in it; ties by name), the unit every rejection rate is computed on.
with

first_reviews as (

    select annotation_key, outcome, reviewed_at, reviewer
    from {{ ref('fct_reviews') }}
    where review_round = 1

),

class_counts as (

    select annotation_key, class_name, count(*) as objects
    from {{ ref('fct_labels') }}
    where class_name is not null
    group by annotation_key, class_name

),

primary_class as (

    select annotation_key, class_name
    from class_counts
    qualify row_number() over (
        partition by annotation_key order by objects desc, class_name
    ) = 1

),

final as (

    select
        annotations.annotation_key,
        annotations.project_key,
        annotations.annotator,
        primary_class.class_name as primary_class,
        first_reviews.reviewer,
        first_reviews.reviewed_at,
        date_trunc('week', first_reviews.reviewed_at)::date as review_week,
        date_trunc('week', annotations.completed_at)::date as work_week,
        first_reviews.outcome as first_outcome,
        first_reviews.outcome in ('rejected', 'fixed') as is_rejected,
        annotations.guideline_version

    from first_reviews
    inner join {{ ref('fct_annotations') }} as annotations using (annotation_key)
    left join primary_class using (annotation_key)

)

select * from final
