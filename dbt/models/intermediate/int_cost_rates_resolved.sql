-- Each person's pricing: their own rate card row, else the default row.
with

people as (

    select actor from {{ ref('dim_actors') }}

),

cards as (

    select * from {{ ref('rate_card') }}

)

select
    people.actor,
    coalesce(own.pricing, fallback.pricing) as pricing,
    coalesce(own.rate, fallback.rate) as rate,
    -- Time-based work (reviews, corrections) needs an hourly rate.
    case
        when coalesce(own.pricing, fallback.pricing) = 'hourly'
            then coalesce(own.rate, fallback.rate)
        else (
            select default_cards.rate from cards as default_cards
            where default_cards.match_type = 'default' and default_cards.pricing = 'hourly'
        )
    end as hourly_rate
from people
left join cards as own on own.match_type = 'person' and people.actor = own.match_value
left join cards as fallback on fallback.match_type = 'default'
