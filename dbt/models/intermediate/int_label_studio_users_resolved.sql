-- Label Studio user id -> the identity the warehouse shows: the identities seed's person for
-- the id or the email, else the email (lowercased) where any export carried it (the
-- user-details export option, on an author, a reviewer or a history action), else the numeric
-- id as text.
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

),

emails as (

    select
        user_id,
        min({{ person_identity('email') }}) as email
    from users_seen
    group by user_id

),

identities as (

    select
        tool_user,
        person
    from {{ ref('int_identities_normalised') }}
    where source_system = 'label_studio'

)

select
    emails.user_id,
    coalesce(by_id.person, by_email.person, emails.email, emails.user_id::varchar) as actor
from emails
left join identities as by_id on emails.user_id::varchar = by_id.tool_user
left join identities as by_email on emails.email = by_email.tool_user
