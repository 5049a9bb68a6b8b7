{#- Wilson 95 % score interval of rejected / reviewed, clipped so it always holds the estimate
    and stays within [0, 1] (at a rate of 1 the formula can exceed 1 by a rounding error).
    bound is 'low' or 'high'. -#}
{% macro wilson_bound(rejected, reviewed, bound) -%}
    {%- set z = 1.959963984540054 -%}
    {%- set sign = '-' if bound == 'low' else '+' -%}
    case when {{ reviewed }} > 0 then
        {{ 'greatest(0.0, least' if bound == 'low' else 'least(1.0, greatest' }}(
            {{ rejected }}::double / {{ reviewed }},
            (
                ({{ rejected }}::double / {{ reviewed }} + {{ z * z }} / (2.0 * {{ reviewed }}))
                {{ sign }} {{ z }} * sqrt(
                    ({{ rejected }}::double / {{ reviewed }})
                    * (1 - {{ rejected }}::double / {{ reviewed }}) / {{ reviewed }}
                    + {{ z * z }} / (4.0 * {{ reviewed }} * {{ reviewed }})
                )
            ) / (1 + {{ z * z }} / {{ reviewed }})
        ))
    end
{%- endmacro %}
