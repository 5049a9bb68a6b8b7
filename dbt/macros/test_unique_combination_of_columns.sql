{#- Rows are unique over a combination of columns. dbt_utils has this test, but dbt packages
    come from a hub this project cannot reach offline, so it is a local generic test. -#}
{% test unique_combination_of_columns(model, columns) %}
select {{ columns | join(', ') }}, count(*) as rows_with_this_combination
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
