-- Label Studio user (instance, id) -> the identity the warehouse shows: the identities seed's
-- person for the id (<instance>/<id> for a named instance) or the email, else the email
-- (lowercased) of the id in the instance's last landed users list (GET /api/users/, which the
-- pull lands), else where any export of that instance carried it (the user-details export
-- option, on an author, a reviewer, a history action or a comment), else the id as text
-- (<instance>/<id>). An id is a user of one server only: the same id from two instances is two
-- people unless an email or the seed says otherwise.
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

comments as (

    select
        instance,
        created_by_id,
        created_by_email
    from {{ ref('stg_label_studio__comments') }}

),

listed as (

    select
        instance,
        user_id,
        email
    from {{ ref('stg_label_studio__users') }}

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
    union all
    select
        instance,
        created_by_id as user_id,
        created_by_email as email
    from comments

),

emails as (

    select
        instance,
        user_id,
        {{ instance_prefix('instance') }} || user_id::string as scoped_id,
        min({{ person_identity('email') }}) as email
    from users_seen
    group by instance, user_id

),

known as (

    -- A users list names the id's current email; exports only the one they were taken with.
    select
        coalesce(seen.instance, listed.instance) as instance,
        coalesce(seen.user_id, listed.user_id) as user_id,
        coalesce(
            seen.scoped_id, {{ instance_prefix('listed.instance') }} || listed.user_id::string
        ) as scoped_id,
        coalesce({{ person_identity('listed.email') }}, seen.email) as email
    from emails as seen
    full outer join listed
        on seen.instance = listed.instance and seen.user_id = listed.user_id

),

identities as (

    select
        tool_user,
        person
    from {{ ref('int_identities_normalised') }}
    where source_system = 'label_studio'

)

select
    known.instance,
    known.user_id,
    coalesce(by_id.person, by_email.person, known.email, known.scoped_id) as actor
from known
left join identities as by_id on known.scoped_id = by_id.tool_user
left join identities as by_email on known.email = by_email.tool_user
