{#- A tool's ids are unique only within one server (instance): files landed under a folder named
    instance=<name> (anywhere in their path) come from that instance, and their ids and keys are
    scoped by it. Files outside any such folder share the unnamed instance ''. -#}
{% macro landing_instance(source_file) -%}
    coalesce(regexp_extract({{ source_file }}, '(^|/)instance=([^/]+)/', 2), '')
{%- endmacro %}

{#- The instance as a key prefix: '' for the unnamed instance, so existing keys stay as they
    were; '<name>/' otherwise. -#}
{% macro instance_prefix(instance) -%}
    case when {{ instance }} = '' then '' else {{ instance }} || '/' end
{%- endmacro %}
