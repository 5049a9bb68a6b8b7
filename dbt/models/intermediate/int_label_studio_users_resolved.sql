-- Label Studio user id -> the identity the warehouse shows: email where any export carried
-- it (the user-details export option, on an author, a reviewer or a history action), else the
-- numeric id as text.
with

annotations as (

    select
        completed_by_id,
        completed_by_email,
        updated_by_id
    from {{ ref('stg_label_studio__annotations') }}

),

reviews as (

    select
        reviewer_id,
        reviewer_email
    from {{ ref('stg_label_studio__reviews') }}

),

history as (

    select
        actor_id,
        actor_email
    from {{ ref('stg_label_studio__annotation_history') }}

),

users_seen as (

    select
        completed_by_id as user_id,
        completed_by_email as email
    from annotations
    where completed_by_id is not null
    union all
    select
        updated_by_id as user_id,
        null as email
    from annotations
    where updated_by_id is not null
    union all
    select
        reviewer_id as user_id,
        reviewer_email as email
    from reviews
    where reviewer_id is not null
    union all
    select
        actor_id as user_id,
        actor_email as email
    from history
    where actor_id is not null

)

select
    user_id,
    coalesce(min(email), user_id::varchar) as actor
from users_seen
group by user_id
