{#- Incremental models keyed by task: on an incremental night they rebuild only the tasks in
    stg_events__increment_tasks (those tonight's files touch), deleting those tasks' rows first,
    so a task whose rows shrink or vanish is right too. Each such model carries
    `-- depends_on: {{ ref('stg_events__increment_tasks') }}` because refs inside
    is_incremental() are not seen when dbt parses. -#}

{% macro event_log_task_key(project_id, task_id) -%}
    'event_log:' || {{ project_id }} || ':' || {{ task_id }}
{%- endmacro %}

{% macro delete_increment_tasks() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where task_key in (select task_key from {{ ref('stg_events__increment_tasks') }})
    {%- endif -%}
{%- endmacro %}

{% macro in_increment_tasks(task_key_column) -%}
    {%- if is_incremental() -%}
        {{ task_key_column }} in (select task_key from {{ ref('stg_events__increment_tasks') }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
