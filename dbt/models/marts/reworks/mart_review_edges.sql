-- The review hierarchy: an edge from each reviewer (or editor) to each annotator whose work they
-- reviewed or corrected, per project. People with no incoming edge are unreviewed. Corrections
-- are null, not 0, in projects whose tool does not export who corrected whom (seed source_figures).
with

correction_blind_sources as (

    {{ sources_not_exporting('corrections') }}

),

reviews as (

    select
        reviews.project_key,
        reviews.reviewer,
        reviews.author,
        reviews.outcome,
        blind.blind_source is not null as is_correction_blind
    from {{ ref('fct_reviews') }} as reviews
    left join correction_blind_sources as blind
        on reviews.source_system = blind.blind_source
    where reviews.reviewer is not null and reviews.reviewer <> reviews.author

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
        count(*) filter (where outcome = 'rejected') as rejections,
        bool_or(is_correction_blind) as is_correction_blind
    from reviews
    group by project_key, reviewer, author

),

final as (

    select
        coalesce(review_counts.project_key, corrections.project_key)::string as project_key,
        coalesce(review_counts.reviewer, corrections.editor)::string as reviewer,
        coalesce(review_counts.author, corrections.author)::string as annotator,
        coalesce(review_counts.reviews, 0)::bigint as reviews,
        coalesce(review_counts.rejections, 0)::bigint as rejections,
        case
            when corrections.corrections is not null then corrections.corrections
            when not review_counts.is_correction_blind then 0
        end::bigint as corrections

    from review_counts
    full outer join corrections
        on
            review_counts.project_key = corrections.project_key
            and review_counts.reviewer = corrections.editor
            and review_counts.author = corrections.author

)

select * from final
