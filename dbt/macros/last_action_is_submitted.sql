{% macro last_action_is_submitted(last_action_column, was_cancelled_column) -%}
    (not {{ was_cancelled_column }}
        and {{ last_action_column }} in ('submitted', 'updated', 'fixed_and_accepted', 'accepted'))
{%- endmacro %}
