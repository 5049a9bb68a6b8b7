-- What each source landed in this warehouse can tell, figure by figure (seed source_figures),
-- so the report can say "not exported by CVAT" where a figure is missing instead of showing a
-- gap or a zero.
with

landed_sources as (

    select distinct source_system
    from {{ ref('fct_tasks') }}

),

figures as (

    select * from {{ ref('source_figures') }}

),

final as (

    select
        figures.source_system,
        figures.figure,
        figures.availability,
        figures.note
    from figures
    inner join landed_sources using (source_system)

)

select * from final
