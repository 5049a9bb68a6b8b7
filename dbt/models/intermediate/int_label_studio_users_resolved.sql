-- Label Studio user (instance, id) -> the identity the warehouse shows: the identities seed's
-- person for the id (<instance>/<id> for a named instance) or the email, else the email
-- (lowercased) where any export of that instance carried it (the user-details export option,
-- on an author, a reviewer or a history action), else the id as text (<instance>/<id>). An id
-- is a user of one server only: the same id from two instances is two people unless an email
-- or the seed says otherwise.
with

annotations as (

    select
        instance,
        completed_by_id,
        completed_by_email,
        updated_by_id
    from {{ ref('stg_label_studio__annotations') }}

),

reviews as (

    select
        instance,
        reviewer_id,
        reviewer_email
    from {{ ref('stg_label_studio__reviews') }}

),

history as (

    select
        instance,
        actor_id,
        actor_email
    from {{ ref('stg_label_studio__annotation_history') }}

),

users_seen as (

    select
        instance,
        completed_by_id as user_id,
        completed_by_email as email
    from annotations
    where completed_by_id is not null
    union all
    select
        instance,
        updated_by_id as user_id,
        null as email
    from annotations
    where updated_by_id is not null
    union all
    select
        instance,
        reviewer_id as user_id,
        reviewer_email as email
    from reviews
    where reviewer_id is not null
    union all
    select
        instance,
        actor_id as user_id,
        actor_email as email
    from history
    where actor_id is not null

),

emails as (

    select
        instance,
        user_id,
        {{ instance_prefix('instance') }} || user_id::varchar as scoped_id,
        min({{ person_identity('email') }}) as email
    from users_seen
    group by instance, user_id

),

identities as (

    select
        tool_user,
        person
    from {{ ref('int_identities_normalised') }}
    where source_system = 'label_studio'

)

select
    emails.instance,
    emails.user_id,
    coalesce(by_id.person, by_email.person, emails.email, emails.scoped_id) as actor
from emails
left join identities as by_id on emails.scoped_id = by_id.tool_user
left join identities as by_email on emails.email = by_email.tool_user
