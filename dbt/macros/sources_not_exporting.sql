{#- The sources (seed source_figures) that do not export `figure`, as a one-column select
    (blind_source) for a CTE: where a source cannot tell, a mart says null, not 0. -#}
{% macro sources_not_exporting(figure) -%}
    select source_system as blind_source from {{ ref('source_figures') }}
    where figure = '{{ figure }}' and availability = 'not_exported'
{%- endmacro %}
