{#-
    What DuckDB and Spark SQL spell differently, one macro each (dbt's adapter.dispatch): the
    default__ form is DuckDB's, the spark__ form Spark's. Models use these instead of either
    dialect's function, so every model builds on both engines (docs/spark.md).
-#}

{# The text at a JSONPath of a JSON document (a scalar as its text, an object as JSON). #}
{% macro json_text(json, path) -%}
    {{ return(adapter.dispatch('json_text', 'annolytics')(json, path)) }}
{%- endmacro %}
{% macro default__json_text(json, path) -%} json_extract_string({{ json }}, {{ path }}) {%- endmacro %}
{% macro spark__json_text(json, path) -%} get_json_object({{ json }}, {{ path }}) {%- endmacro %}

{# The JSON value at a JSONPath, to be cast (::double, ::integer) or read further. #}
{% macro json_value(json, path) -%}
    {{ return(adapter.dispatch('json_value', 'annolytics')(json, path)) }}
{%- endmacro %}
{% macro default__json_value(json, path) -%} json_extract({{ json }}, {{ path }}) {%- endmacro %}
{% macro spark__json_value(json, path) -%} get_json_object({{ json }}, {{ path }}) {%- endmacro %}

{# The length of the JSON array a document is (or holds at path); null when it is not one. #}
{% macro json_array_size(json, path=none) -%}
    {{ return(adapter.dispatch('json_array_size', 'annolytics')(json, path)) }}
{%- endmacro %}
{% macro default__json_array_size(json, path) -%}
    json_array_length({{ json }}{% if path %}, {{ path }}{% endif %})
{%- endmacro %}
{% macro spark__json_array_size(json, path) -%}
    json_array_length({% if path %}get_json_object({{ json }}, {{ path }}){% else %}{{ json }}{% endif %})
{%- endmacro %}

{# A JSON array of strings as a list of strings (null when the document is null). #}
{% macro json_string_list(json) -%}
    {{ return(adapter.dispatch('json_string_list', 'annolytics')(json)) }}
{%- endmacro %}
{% macro default__json_string_list(json) -%} json_extract_string({{ json }}, '$[*]') {%- endmacro %}
{% macro spark__json_string_list(json) -%} from_json({{ json }}, 'array<string>') {%- endmacro %}

{# A JSON array of numbers as a list of doubles. #}
{% macro json_double_list(json) -%}
    {{ return(adapter.dispatch('json_double_list', 'annolytics')(json)) }}
{%- endmacro %}
{% macro default__json_double_list(json) -%} ({{ json }})::double[] {%- endmacro %}
{% macro spark__json_double_list(json) -%} from_json({{ json }}, 'array<double>') {%- endmacro %}

{#
    Select-list items: one row per element of a JSON array (of a non-empty array only), its
    0-based position and the element as JSON text.
#}
{% macro explode_json_array(json, position, element) -%}
    {{ return(adapter.dispatch('explode_json_array', 'annolytics')(json, position, element)) }}
{%- endmacro %}
{% macro default__explode_json_array(json, position, element) -%}
    unnest(range(json_array_length({{ json }})::bigint)) as {{ position }},
    unnest(json_extract({{ json }}, '$[*]'))::string as {{ element }}
{%- endmacro %}
{% macro spark__explode_json_array(json, position, element) -%}
    posexplode(from_json({{ json }}, 'array<string>')) as ({{ position }}, {{ element }})
{%- endmacro %}

{# Select-list item: one row per element of a list, as name. #}
{% macro explode_list(list, name) -%}
    {{ return(adapter.dispatch('explode_list', 'annolytics')(list, name)) }}
{%- endmacro %}
{% macro default__explode_list(list, name) -%} unnest({{ list }}) as {{ name }} {%- endmacro %}
{% macro spark__explode_list(list, name) -%} explode({{ list }}) as {{ name }} {%- endmacro %}

{# The n-th element of a list, counted from 1; null past its end. #}
{% macro list_item(list, position) -%}
    {{ return(adapter.dispatch('list_item', 'annolytics')(list, position)) }}
{%- endmacro %}
{% macro default__list_item(list, position) -%} {{ list }}[{{ position }}] {%- endmacro %}
{% macro spark__list_item(list, position) -%} element_at({{ list }}, {{ position }}) {%- endmacro %}

{# The number of elements of a list (null for null). #}
{% macro list_size(list) -%}
    {{ return(adapter.dispatch('list_size', 'annolytics')(list)) }}
{%- endmacro %}
{% macro default__list_size(list) -%} len({{ list }}) {%- endmacro %}
{% macro spark__list_size(list) -%} array_size({{ list }}) {%- endmacro %}

{# A list of the given SQL expressions as one type (none: the empty list of that type). #}
{% macro list_of(items, type) -%}
    {{ return(adapter.dispatch('list_of', 'annolytics')(items, type)) }}
{%- endmacro %}
{% macro default__list_of(items, type) -%} [{{ items | join(', ') }}]::{{ type }}[] {%- endmacro %}
{% macro spark__list_of(items, type) -%}
    {%- if items -%}
        array({% for item in items %}cast({{ item }} as {{ type }}){% if not loop.last %}, {% endif %}{% endfor %})
    {%- else -%}
        cast(array() as array<{{ type }}>)
    {%- endif -%}
{%- endmacro %}

{# A number of seconds as an interval, to add to or take from a timestamp. #}
{% macro seconds_interval(seconds) -%}
    {{ return(adapter.dispatch('seconds_interval', 'annolytics')(seconds)) }}
{%- endmacro %}
{% macro default__seconds_interval(seconds) -%} to_seconds({{ seconds }}) {%- endmacro %}
{% macro spark__seconds_interval(seconds) -%}
    make_dt_interval(0, 0, 0, cast({{ seconds }} as decimal(18, 6)))
{%- endmacro %}

{# Whole seconds from one timestamp to a later one (second boundaries crossed). #}
{% macro seconds_between(start, end) -%}
    {{ return(adapter.dispatch('seconds_between', 'annolytics')(start, end)) }}
{%- endmacro %}
{% macro default__seconds_between(start, end) -%} date_diff('second', {{ start }}, {{ end }}) {%- endmacro %}
{% macro spark__seconds_between(start, end) -%}
    (unix_timestamp({{ end }}) - unix_timestamp({{ start }}))
{%- endmacro %}

{# Whether text matches a regular expression anywhere. #}
{% macro matches_regex(text, pattern) -%}
    {{ return(adapter.dispatch('matches_regex', 'annolytics')(text, pattern)) }}
{%- endmacro %}
{% macro default__matches_regex(text, pattern) -%} regexp_matches({{ text }}, {{ pattern }}) {%- endmacro %}
{% macro spark__matches_regex(text, pattern) -%} regexp_like({{ text }}, {{ pattern }}) {%- endmacro %}

{# A path's file name without its extension. #}
{% macro file_stem(path) -%}
    {{ return(adapter.dispatch('file_stem', 'annolytics')(path)) }}
{%- endmacro %}
{% macro default__file_stem(path) -%} parse_filename({{ path }}, true) {%- endmacro %}
{% macro spark__file_stem(path) -%}
    regexp_extract({{ path }}, '([^/]*?)([.][^./]*)?$', 1)
{%- endmacro %}

{# ISO day of the week: Monday 1 .. Sunday 7. #}
{% macro iso_weekday(day) -%}
    {{ return(adapter.dispatch('iso_weekday', 'annolytics')(day)) }}
{%- endmacro %}
{% macro default__iso_weekday(day) -%} isodow({{ day }}) {%- endmacro %}
{% macro spark__iso_weekday(day) -%} extract(dayofweek_iso from {{ day }}) {%- endmacro %}

{# Select-list item: one row per day from first to last (dates), as name. #}
{% macro explode_days(first, last, name) -%}
    {{ return(adapter.dispatch('explode_days', 'annolytics')(first, last, name)) }}
{%- endmacro %}
{% macro default__explode_days(first, last, name) -%}
    unnest(generate_series({{ first }}, {{ last }}, interval 1 day))::date as {{ name }}
{%- endmacro %}
{% macro spark__explode_days(first, last, name) -%}
    explode(sequence(cast({{ first }} as date), cast({{ last }} as date), interval 1 day)) as {{ name }}
{%- endmacro %}

{# Aggregate: the distinct values, sorted, joined by a separator (null when none). #}
{% macro sorted_distinct_join(expression, separator) -%}
    {{ return(adapter.dispatch('sorted_distinct_join', 'annolytics')(expression, separator)) }}
{%- endmacro %}
{% macro default__sorted_distinct_join(expression, separator) -%}
    string_agg(distinct {{ expression }}, {{ separator }} order by {{ expression }})
{%- endmacro %}
{% macro spark__sorted_distinct_join(expression, separator) -%}
    nullif(array_join(array_sort(collect_set({{ expression }})), {{ separator }}), '')
{%- endmacro %}

{#
    Aggregate: the q-quantile with linear interpolation between values, to 6 decimals: DuckDB
    interpolates as lo + (hi - lo) * d and Spark as (1 - d) * lo + d * hi, which differ in the
    last digit. filter_where: an optional filter condition of the aggregate.
#}
{% macro quantile_continuous(expression, quantile, filter_where=none) -%}
    {{ return(adapter.dispatch('quantile_continuous', 'annolytics')(expression, quantile, filter_where)) }}
{%- endmacro %}
{% macro default__quantile_continuous(expression, quantile, filter_where) -%}
    {{ round_half_up(
        'quantile_cont(' ~ expression ~ ', ' ~ quantile ~ ')'
        ~ (' filter (where ' ~ filter_where ~ ')' if filter_where else ''), 6
    ) }}
{%- endmacro %}
{% macro spark__quantile_continuous(expression, quantile, filter_where) -%}
    {{ round_half_up(
        'percentile(' ~ expression ~ ', ' ~ quantile ~ ')'
        ~ (' filter (where ' ~ filter_where ~ ')' if filter_where else ''), 6
    ) }}
{%- endmacro %}

{# The English name of a date's weekday (Monday). #}
{% macro weekday_name(day) -%}
    {{ return(adapter.dispatch('weekday_name', 'annolytics')(day)) }}
{%- endmacro %}
{% macro default__weekday_name(day) -%} dayname({{ day }}) {%- endmacro %}
{% macro spark__weekday_name(day) -%} date_format({{ day }}, 'EEEE') {%- endmacro %}

{# A 64-bit hash of the given expressions, for change detection only (differs by engine). #}
{% macro row_hash(expressions) -%}
    {{ return(adapter.dispatch('row_hash', 'annolytics')(expressions)) }}
{%- endmacro %}
{% macro default__row_hash(expressions) -%} hash({{ expressions | join(', ') }}) {%- endmacro %}
{% macro spark__row_hash(expressions) -%} xxhash64({{ expressions | join(', ') }}) {%- endmacro %}

{# An ordering key of several expressions, compared left to right (for min_by / max_by). #}
{% macro ordering_key(expressions) -%}
    {{ return(adapter.dispatch('ordering_key', 'annolytics')(expressions)) }}
{%- endmacro %}
{% macro default__ordering_key(expressions) -%} ({{ expressions | join(', ') }}) {%- endmacro %}
{% macro spark__ordering_key(expressions) -%} struct({{ expressions | join(', ') }}) {%- endmacro %}

{#
    A figure rounded to n decimals, exact halves away from zero, the same on both engines: the
    double is first taken to 12 decimals (DuckDB rounds a double's binary value, Spark its
    shortest decimal text, so 2.675 became 2.67 on one and 2.68 on the other).
#}
{% macro round_half_up(expression, decimals) -%}
    round(cast({{ expression }} as decimal(38, 12)), {{ decimals }})::double
{%- endmacro %}

{#
    A p-value as text, two significant digits ("= 0.012"), "< 0.001" below that: printf's %g
    differs between C (DuckDB) and Java (Spark) in trailing zeros and exponents.
#}
{% macro p_value_text(p_value) -%}
    case
        when {{ p_value }} < 0.001 then '< 0.001'
        when {{ p_value }} < 0.01 then printf('= %.4f', {{ round_half_up(p_value, 4) }})
        when {{ p_value }} < 0.1 then printf('= %.3f', {{ round_half_up(p_value, 3) }})
        else printf('= %.2f', {{ round_half_up(p_value, 2) }})
    end
{%- endmacro %}

{#
    Aggregate: the group's objects as the event log's labels JSON, [{"class", "shape",
    "vertices"}, ...], in the order of the given expressions. Spark leaves null fields out of its
    JSON; the models read the fields back with json_text, which gives null either way.
#}
{% macro labels_json(class_name, shape, vertices, order_by) -%}
    {{ return(adapter.dispatch('labels_json', 'annolytics')(class_name, shape, vertices, order_by)) }}
{%- endmacro %}
{% macro default__labels_json(class_name, shape, vertices, order_by) -%}
    to_json(
        list(
            { 'class': {{ class_name }}, 'shape': {{ shape }}, 'vertices': {{ vertices }} }
            order by {{ order_by | join(', ') }}
        )
    )::string
{%- endmacro %}
{% macro spark__labels_json(class_name, shape, vertices, order_by) -%}
    to_json(transform(
        array_sort(collect_list(struct(
            {% for key in order_by %}{{ key }} as key_{{ loop.index }}, {% endfor %}
            named_struct('class', {{ class_name }}, 'shape', {{ shape }}, 'vertices', {{ vertices }})
                as object
        ))),
        entry -> entry.object
    ))
{%- endmacro %}

{# Text with the given characters (a SQL string expression) trimmed from both ends. #}
{% macro trim_characters(text, characters) -%}
    {{ return(adapter.dispatch('trim_characters', 'annolytics')(text, characters)) }}
{%- endmacro %}
{% macro default__trim_characters(text, characters) -%} trim({{ text }}, {{ characters }}) {%- endmacro %}
{% macro spark__trim_characters(text, characters) -%} btrim({{ text }}, {{ characters }}) {%- endmacro %}

{# Window function: the last non-null value of the expression in the window named. #}
{% macro last_non_null(expression, window) -%}
    {{ return(adapter.dispatch('last_non_null', 'annolytics')(expression, window)) }}
{%- endmacro %}
{% macro default__last_non_null(expression, window) -%}
    last_value({{ expression }} ignore nulls) over {{ window }}
{%- endmacro %}
{% macro spark__last_non_null(expression, window) -%}
    last_value({{ expression }}) ignore nulls over {{ window }}
{%- endmacro %}

{# A whole number of milliseconds as an interval. #}
{% macro milliseconds_interval(milliseconds) -%}
    {{ return(adapter.dispatch('milliseconds_interval', 'annolytics')(milliseconds)) }}
{%- endmacro %}
{% macro default__milliseconds_interval(milliseconds) -%} to_milliseconds({{ milliseconds }}) {%- endmacro %}
{% macro spark__milliseconds_interval(milliseconds) -%}
    make_dt_interval(0, 0, 0, cast({{ milliseconds }} as decimal(18, 0)) / 1000)
{%- endmacro %}

{# The ISO 8601 week-numbering year and week of a date. #}
{% macro iso_year(day) -%}
    {{ return(adapter.dispatch('iso_year', 'annolytics')(day)) }}
{%- endmacro %}
{% macro default__iso_year(day) -%} isoyear({{ day }}) {%- endmacro %}
{% macro spark__iso_year(day) -%} extract(yearofweek from {{ day }}) {%- endmacro %}
{% macro iso_week(day) -%}
    {{ return(adapter.dispatch('iso_week', 'annolytics')(day)) }}
{%- endmacro %}
{% macro default__iso_week(day) -%} week({{ day }}) {%- endmacro %}
{% macro spark__iso_week(day) -%} weekofyear({{ day }}) {%- endmacro %}

{# Select-list item: every column of a relation but the given ones. #}
{% macro star_except(relation, columns) -%}
    {{ return(adapter.dispatch('star_except', 'annolytics')(relation, columns)) }}
{%- endmacro %}
{% macro default__star_except(relation, columns) -%}
    {{ relation }}.* exclude ({{ columns | join(', ') }})
{%- endmacro %}
{% macro spark__star_except(relation, columns) -%}
    {{ relation }}.* except ({{ columns | join(', ') }})
{%- endmacro %}

{# Aggregate: the median (the 0.5 quantile, interpolated), to 6 decimals like every quantile. #}
{% macro median_of(expression, filter_where=none) -%}
    {{ quantile_continuous(expression, 0.5, filter_where) }}
{%- endmacro %}
