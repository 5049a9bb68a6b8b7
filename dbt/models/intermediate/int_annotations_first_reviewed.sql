-- One row per reviewed annotation: its first review decision and its primary class
-- (int_annotations_classified), the unit every rejection rate is computed on.
with

first_reviews as (

    select
        annotation_key,
        outcome,
        reviewed_at,
        reviewer
    from {{ ref('fct_reviews') }}
    where review_round = 1

),

final as (

    select
        annotations.annotation_key,
        annotations.project_key,
        annotations.annotator,
        primary_class.primary_class,
        first_reviews.reviewer,
        first_reviews.reviewed_at,
        date_trunc('week', first_reviews.reviewed_at)::date as review_week,
        date_trunc('week', annotations.completed_at)::date as work_week,
        first_reviews.outcome as first_outcome,
        first_reviews.outcome in ('rejected', 'fixed') as is_rejected,
        annotations.guideline_version

    from first_reviews
    inner join {{ ref('fct_annotations') }} as annotations using (annotation_key)
    left join {{ ref('int_annotations_classified') }} as primary_class
        using (annotation_key)

)

select * from final
