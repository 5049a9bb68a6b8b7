-- Label Studio user id -> the identity the warehouse shows: email where any export carried
-- it (the user-details export option), else the numeric id as text.
with

annotations as (

    select
        completed_by_id,
        completed_by_email
    from {{ ref('stg_label_studio__annotations') }}

),

known_emails as (

    select
        completed_by_id as user_id,
        min(completed_by_email) as email
    from annotations
    where completed_by_email is not null
    group by completed_by_id

),

all_ids as (

    select completed_by_id as user_id from annotations
    union
    select updated_by_id from {{ ref('stg_label_studio__annotations') }}
    where updated_by_id is not null

)

select
    all_ids.user_id,
    coalesce(known_emails.email, all_ids.user_id::varchar) as actor

from all_ids
left join known_emails using (user_id)
