{#-
    Seeds on Spark: dbt-spark's session method pastes seed values into its insert unescaped, so
    a value with an apostrophe ("Label Studio's timer") broke the statement. The same insert
    with every value written as its UTF-8 bytes in hex (no character needs escaping), decoded
    and cast to the column's type.
-#}
{% macro spark__load_csv_rows(model, agate_table) %}
  {% set column_override = model['config'].get('column_types', {}) %}
  {% set statements = [] %}
  {% for chunk in agate_table.rows | batch(get_batch_size()) %}
      {% set sql %}
          insert into {{ this.render() }}
          {% for row in chunk %}
              select
              {%- for col_name in agate_table.column_names -%}
                  {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
                  {%- set value = row[loop.index0] %}
                  cast({% if value is none %}null{% else %}decode(unhex('{{ (value | string).encode('utf-8').hex() }}'), 'UTF-8'){% endif %} as {{ type }})
                  {%- if not loop.last %},{% endif -%}
              {%- endfor %}
              {% if not loop.last %}union all {% endif %}
          {%- endfor %}
      {% endset %}
      {% do adapter.add_query(sql, abridge_sql_log=True) %}
      {% if loop.index0 == 0 %}{% do statements.append(sql) %}{% endif %}
  {% endfor %}
  {{ return(statements[0]) }}
{% endmacro %}
