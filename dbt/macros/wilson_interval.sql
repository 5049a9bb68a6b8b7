{#- Wilson 95 % score interval of rejected / reviewed, clipped so it always holds the estimate.
    bound is 'low' or 'high'. -#}
{% macro wilson_bound(rejected, reviewed, bound) -%}
    {%- set z = 1.959963984540054 -%}
    {%- set sign = '-' if bound == 'low' else '+' -%}
    case when {{ reviewed }} > 0 then
        {{ 'least' if bound == 'low' else 'greatest' }}(
            {{ rejected }}::double / {{ reviewed }},
            (
                ({{ rejected }}::double / {{ reviewed }} + {{ z * z }} / (2.0 * {{ reviewed }}))
                {{ sign }} {{ z }} * sqrt(
                    ({{ rejected }}::double / {{ reviewed }})
                    * (1 - {{ rejected }}::double / {{ reviewed }}) / {{ reviewed }}
                    + {{ z * z }} / (4.0 * {{ reviewed }} * {{ reviewed }})
                )
            ) / (1 + {{ z * z }} / {{ reviewed }})
        )
    end
{%- endmacro %}
