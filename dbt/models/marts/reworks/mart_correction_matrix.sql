-- Who corrects whom: one row per project, author and editor with the number of corrections.
select
    project_key::string as project_key,
    author::string as author,
    editor::string as editor,
    count(*)::bigint as corrections,
    min(corrected_day) as first_day,
    max(corrected_day) as last_day
from {{ ref('fct_corrections') }}
group by project_key, author, editor
