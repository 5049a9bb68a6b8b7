{#- Wilson 95 % score interval of rejected / reviewed, clipped so it always holds the estimate
    and stays within [0, 1] (at a rate of 1 the formula can exceed 1 by a rounding error).
    bound is 'low' or 'high'. Every constant is a double: a literal such as 1.96 is a decimal,
    whose arithmetic differs between DuckDB and Spark in the last digits. -#}
{% macro wilson_bound(rejected, reviewed, bound) -%}
    {%- set z = 1.959963984540054 -%}
    {%- set z_squared = (z * z) ~ '::double' -%}
    {%- set sign = '-' if bound == 'low' else '+' -%}
    case when {{ reviewed }} > 0 then
        {{ 'greatest(0.0::double, least' if bound == 'low' else 'least(1.0::double, greatest' }}(
            {{ rejected }}::double / {{ reviewed }},
            (
                ({{ rejected }}::double / {{ reviewed }} + {{ z_squared }} / (2.0::double * {{ reviewed }}))
                {{ sign }} {{ z }}::double * sqrt(
                    ({{ rejected }}::double / {{ reviewed }})
                    * (1::double - {{ rejected }}::double / {{ reviewed }}) / {{ reviewed }}
                    + {{ z_squared }} / (4.0::double * {{ reviewed }} * {{ reviewed }})
                )
            ) / (1::double + {{ z_squared }} / {{ reviewed }})
        ))
    end
{%- endmacro %}
