{#- Layers get plain schema names (staging, intermediate, core, marts), not target_layer. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}
