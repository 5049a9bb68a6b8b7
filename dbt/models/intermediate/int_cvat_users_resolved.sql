-- CVAT user (instance-scoped reference) -> the identity the warehouse shows: the identities
-- seed's person for their username or email, else their email (from any event row or the users
-- dump), else their username, else the reference itself.
with

users_seen as (

    select
        user_ref as user_id,
        user_name as username,
        user_email as email
    from {{ ref('stg_cvat__events') }}
    where user_ref is not null
    union all
    select
        user_ref as user_id,
        username,
        email
    from {{ ref('stg_cvat__users') }}

),

user_names as (

    select
        user_id,
        min(email) as email,
        min(username) as username
    from users_seen
    group by user_id

),

identities as (

    select
        tool_user,
        person
    from {{ ref('int_identities_normalised') }}
    where source_system = 'cvat'

),

people as (

    select
        user_names.user_id,
        user_names.username,
        coalesce(
            by_name.person,
            by_email.person,
            user_names.email,
            user_names.username,
            user_names.user_id
        ) as actor
    from user_names
    left join identities as by_name on user_names.username = by_name.tool_user
    left join identities as by_email on user_names.email = by_email.tool_user

)

select * from people
