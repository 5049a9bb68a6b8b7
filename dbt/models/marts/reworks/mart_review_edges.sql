-- The review hierarchy: an edge from each reviewer (or editor) to each annotator whose work they
-- reviewed or corrected, per project. People with no incoming edge are unreviewed.
with

reviews as (

    select
        project_key,
        reviewer,
        author,
        outcome
    from {{ ref('fct_reviews') }}
    where reviewer is not null and reviewer <> author

),

corrections as (

    select
        project_key,
        editor,
        author,
        count(*) as corrections
    from {{ ref('fct_corrections') }}
    group by project_key, editor, author

),

review_counts as (

    select
        project_key,
        reviewer,
        author,
        count(*) as reviews,
        count(*) filter (where outcome = 'rejected') as rejections
    from reviews
    group by project_key, reviewer, author

),

final as (

    select
        coalesce(review_counts.project_key, corrections.project_key)::varchar as project_key,
        coalesce(review_counts.reviewer, corrections.editor)::varchar as reviewer,
        coalesce(review_counts.author, corrections.author)::varchar as annotator,
        coalesce(review_counts.reviews, 0)::bigint as reviews,
        coalesce(review_counts.rejections, 0)::bigint as rejections,
        coalesce(corrections.corrections, 0)::bigint as corrections

    from review_counts
    full outer join corrections
        on
            review_counts.project_key = corrections.project_key
            and review_counts.reviewer = corrections.editor
            and review_counts.author = corrections.author

)

select * from final
