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
    case when coalesce(own.pricing, fallback.pricing) = 'hourly'
        then coalesce(own.rate, fallback.rate)
        else (select rate from cards where match_type = 'default' and pricing = 'hourly')
    end as hourly_rate
from people
left join cards as own on own.match_type = 'person' and own.match_value = people.actor
left join cards as fallback on fallback.match_type = 'default'
