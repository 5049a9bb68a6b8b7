-- CVAT users from REST dumps, one row per user: the copy in the last landed dump (by file
-- name, which the pull and a dated dump make chronological).
with

source as (

    select
        *,
        {{ landing_instance('_source_file') }} as instance
    from {{ source('cvat', 'cvat_users') }}

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
        user_id,
        {{ instance_prefix('instance') }} || user_id::string as user_ref,
        username,
        lower(nullif(trim(email), '')) as email,
        first_name,
        last_name
    from latest

)

select * from renamed
