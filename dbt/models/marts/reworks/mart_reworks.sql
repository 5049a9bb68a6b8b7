-- Per person over the whole data set: corrections received on their work and made to others'
-- work, and how much of their work anyone reviewed at all.
with

annotations as (

    select
        annotation_key,
        annotator
    from {{ ref('fct_annotations') }}
    where not was_cancelled

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
        count(reviewed.annotation_key)::bigint as annotations_reviewed
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

final as (

    select
        people.person::varchar as person,
        coalesce(authored.annotations_authored, 0)::bigint as annotations_authored,
        coalesce(authored.annotations_reviewed, 0)::bigint as annotations_reviewed,
        (authored.annotations_reviewed / nullif(authored.annotations_authored, 0))::double
            as reviewed_share,
        coalesce(received.reworks_received, 0)::bigint as reworks_received,
        coalesce(done.reworks_done, 0)::bigint as reworks_done,
        coalesce(reviews_done.reviews_done, 0)::bigint as reviews_done,
        (
            coalesce(authored.annotations_authored, 0) > 0
            and coalesce(authored.annotations_reviewed, 0) = 0
        ) as is_unreviewed,
        rank() over (order by coalesce(received.reworks_received, 0) desc)::bigint
            as received_rank

    from people
    left join authored using (person)
    left join received using (person)
    left join done using (person)
    left join reviews_done using (person)

)

select * from final
