{#- The figures of Label Studio's annotator dashboard (METRICS.md §2) over the rows of one
    group of fct_annotations; shared by the whole-period and the daily mart. -#}
{% macro annotator_performance_figures() -%}
    count(*) filter (where is_submitted)::bigint as submitted,
    count(*) filter (where was_cancelled)::bigint as skipped,
    count(*) filter (where last_action = 'updated')::bigint as updated,
    coalesce({{ exact_sum('lead_time_s', "filter (where is_submitted)") }}, 0)::double as total_time_s,
    {{ median_of('lead_time_s', 'is_submitted') }} as median_time_s,
    ({{ exact_avg('lead_time_s', "filter (where is_submitted)") }})::double as mean_time_s,
    (
        count(*) filter (where is_submitted)
        * {{ median_of('lead_time_s', 'is_submitted') }}
    )::double as total_time_median_s
{%- endmacro %}
