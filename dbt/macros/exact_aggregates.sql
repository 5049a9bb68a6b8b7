{#- Sums and means of measured doubles (seconds, money) in exact decimal arithmetic: a float sum
    depends on the order DuckDB's threads add the rows, so the same night could differ in the
    last digit from one run to the next. Six decimals keep microseconds and micro-cents.
    ``then`` is what follows the aggregate: a filter (where ...) or an over (...) clause. -#}
{% macro exact_sum(expression, then='') -%}
    (sum(({{ expression }})::decimal(38, 6)) {{ then }})::double
{%- endmacro %}

{#- The exact sum over the count, divided as doubles: avg() of a decimal is a double on DuckDB
    but a decimal of 10 places on Spark. -#}
{% macro exact_avg(expression, then='') -%}
    (
        (sum(({{ expression }})::decimal(38, 6)) {{ then }})::double
        / (count({{ expression }}) {{ then }})
    )
{%- endmacro %}
