-- Label Studio users from landed users lists, one row per (instance, user id): the copy in the
-- last landed list (by file name: the pull's names carry the time they were taken).
with

source as (

    select
        *,
        {{ landing_instance('_source_file') }} as instance
    from {{ source('label_studio', 'label_studio_users') }}

),

latest as (

    select *
    from source
    qualify row_number() over (
        partition by instance, user_id
        order by _source_file desc, _record_number desc
    ) = 1

),

renamed as (

    select
        instance,
        user_id,
        {{ instance_prefix('instance') }} || user_id::string as user_ref,
        lower(nullif(trim(email), '')) as email,
        nullif(trim(username), '') as username,
        first_name,
        last_name
    from latest

)

select * from renamed
