-- Review load per project: the share of all corrections made by the busiest editor.
with

per_editor as (

    select
        project_key,
        editor,
        count(*) as reworks
    from {{ ref('fct_corrections') }}
    group by project_key, editor

),

ranked as (

    select
        *,
        row_number() over (partition by project_key order by reworks desc, editor asc) as position,
        sum(reworks) over (partition by project_key) as project_reworks,
        count(*) over (partition by project_key) as editors
    from per_editor

),

final as (

    select
        project_key::string as project_key,
        project_reworks::bigint as reworks,
        editors::bigint as editors,
        editor::string as top_editor,
        reworks::bigint as top_editor_reworks,
        (reworks / project_reworks)::double as top_editor_share,
        (
            project_reworks >= {{ var('bottleneck_min_reworks') }}
            and reworks / project_reworks >= {{ var('bottleneck_share') }}
        ) as is_bottleneck
    from ranked
    where position = 1

)

select * from final
