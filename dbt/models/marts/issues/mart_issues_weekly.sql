-- Issues and comments per project, week raised, kind and category; resolution figures.
select
    project_key::string as project_key,
    date_trunc('week', raised_at)::date as week,
    kind::string as kind,
    category::string as category,
    count(*)::bigint as raised,
    count(*) filter (where is_resolved)::bigint as resolved,
    count(*) filter (where not is_resolved)::bigint as still_open,
    count(*) filter (where is_category_inferred)::bigint as inferred_from_text,
    {{ median_of('time_to_resolve_s', 'is_resolved') }} as median_time_to_resolve_s
from {{ ref('fct_issues') }}
group by all
