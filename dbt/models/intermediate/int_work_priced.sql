-- Every priced piece of work: authoring an annotation (by the author's pricing), a review
-- decision and an edit by someone else (by the worker's hourly rate). A reviewer's fix is a
-- review decision, so its time is priced once, as review.
with

rates as (

    select * from {{ ref('int_cost_rates_resolved') }}

),

reworked as (

    select annotation_key from {{ ref('fct_reviews') }}
    where outcome in ('rejected', 'fixed')
    union
    select annotation_key from {{ ref('fct_corrections') }}

),

authoring as (

    select
        annotations.project_key,
        annotations.annotator as person,
        annotations.completed_day as day,
        'annotation' as kind,
        annotations.annotation_key,
        case rates.pricing
            when 'hourly' then annotations.lead_time_s / 3600.0 * rates.rate
            when 'per_task' then case when annotations.is_submitted then rates.rate else 0 end
            when 'per_label' then
                case
                    when annotations.is_submitted then rates.rate * annotations.object_count
                    else 0
                end
        end as cost,
        reworked.annotation_key is not null as is_reworked
    from {{ ref('fct_annotations') }} as annotations
    inner join rates on annotations.annotator = rates.actor
    left join reworked using (annotation_key)
    -- ground truth is a reference answer, not paid annotation work
    where not annotations.is_ground_truth

),

reviews as (

    select
        reviews.project_key,
        reviews.reviewer as person,
        reviews.review_day as day,
        'review' as kind,
        reviews.annotation_key,
        reviews.duration_s / 3600.0 * rates.hourly_rate as cost,
        false as is_reworked
    from {{ ref('fct_reviews') }} as reviews
    inner join rates on reviews.reviewer = rates.actor

),

edits as (

    select
        corrections.project_key,
        corrections.editor as person,
        corrections.corrected_day as day,
        'edit' as kind,
        corrections.annotation_key,
        corrections.duration_s / 3600.0 * rates.hourly_rate as cost,
        true as is_reworked
    from {{ ref('fct_corrections') }} as corrections
    inner join rates on corrections.editor = rates.actor
    where corrections.kind = 'edit'

)

select * from authoring
union all
select * from reviews
union all
select * from edits
