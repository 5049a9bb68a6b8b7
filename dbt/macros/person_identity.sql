{#- How a person is named across tools: an email compared case-insensitively (lowercased,
    trimmed); any other name (a tool's user id or username) as written. -#}
{% macro person_identity(name) -%}
    case when {{ name }} like '%@%' then lower(trim({{ name }})) else {{ name }} end
{%- endmacro %}
