-- Per person over the whole data set: corrections received on their work and made to others'
-- work, and how much of their work anyone reviewed at all. Where a person worked only in tools that
-- do not export who corrected whom (seed source_figures), their reworks are unknown: null, not 0.
with

correction_blind_sources as (

    {{ sources_not_exporting('corrections') }}

),

annotations as (

    select
        annotations.annotation_key,
        annotations.annotator,
        blind.blind_source is not null as is_correction_blind
    from {{ ref('fct_annotations') }} as annotations
    left join correction_blind_sources as blind
        on annotations.source_system = blind.blind_source
    where not annotations.was_cancelled and not annotations.is_ground_truth

),

reviewed as (

    select distinct annotation_key from {{ ref('fct_reviews') }}
    union
    select distinct annotation_key from {{ ref('fct_corrections') }}

),

authored as (

    select
        annotations.annotator as person,
        count(*)::bigint as annotations_authored,
        count(reviewed.annotation_key)::bigint as annotations_reviewed,
        bool_and(annotations.is_correction_blind) as is_correction_blind
    from annotations
    left join reviewed using (annotation_key)
    group by annotations.annotator

),

received as (

    select
        author as person,
        count(*)::bigint as reworks_received
    from {{ ref('fct_corrections') }}
    group by author

),

done as (

    select
        editor as person,
        count(*)::bigint as reworks_done
    from {{ ref('fct_corrections') }}
    group by editor

),

reviews_done as (

    select
        reviewer as person,
        count(*)::bigint as reviews_done
    from {{ ref('fct_reviews') }}
    where reviewer is not null
    group by reviewer

),

people as (

    select person from authored
    union
    select person from done
    union
    select person from reviews_done

),

-- Whether every piece of a person's work (authoring or reviewing) is in a correction-blind tool.
worked_blind as (

    select
        person,
        bool_and(is_correction_blind) as is_correction_blind
    from (
        select
            annotator as person,
            is_correction_blind
        from annotations
        union all
        select
            reviews.reviewer as person,
            blind.blind_source is not null as is_correction_blind
        from {{ ref('fct_reviews') }} as reviews
        left join correction_blind_sources as blind
            on reviews.source_system = blind.blind_source
        where reviews.reviewer is not null
    ) as work
    group by person

),

counted as (

    select
        people.person,
        authored.annotations_authored,
        authored.annotations_reviewed,
        case
            when received.reworks_received is not null then received.reworks_received
            when coalesce(authored.is_correction_blind, false) then null
            else 0
        end as reworks_received,
        case
            when done.reworks_done is not null then done.reworks_done
            when coalesce(worked_blind.is_correction_blind, false) then null
            else 0
        end as reworks_done,
        reviews_done.reviews_done
    from people
    left join authored using (person)
    left join received using (person)
    left join done using (person)
    left join reviews_done using (person)
    left join worked_blind using (person)

),

final as (

    select
        person::string as person,
        coalesce(annotations_authored, 0)::bigint as annotations_authored,
        coalesce(annotations_reviewed, 0)::bigint as annotations_reviewed,
        (annotations_reviewed / nullif(annotations_authored, 0))::double as reviewed_share,
        reworks_received::bigint as reworks_received,
        reworks_done::bigint as reworks_done,
        coalesce(reviews_done, 0)::bigint as reviews_done,
        (
            coalesce(annotations_authored, 0) > 0
            and coalesce(annotations_reviewed, 0) = 0
        ) as is_unreviewed,
        -- Ranks only people who received reworks: a rank for none, or for an unknown count,
        -- would read as a place in a queue they are not in.
        case
            when reworks_received > 0
                then rank() over (order by reworks_received desc nulls last)
        end::bigint as received_rank

    from counted

)

select * from final
