"""The event log (JSON Lines) read by DuckDB itself: one scan per file, no Python per row.

Same contract as ``adapters.event_log`` (which stays the reference and the fallback): every
field is read as DuckDB ``JSON`` so its JSON type is still known, and SQL repeats the adapter's
checks in the adapter's order (required fields, conditional requirements, labels, numbers,
timestamps, booleans, text), naming the first faulty field of a bad record. The result is the
temporary table ``incoming_events``: the typed ``raw.events`` columns, ``_file`` (the file's
position in the list staged), ``_record_number`` (the line in that file) and ``_reject_field`` /
``_reject_reason`` (null for a good record).

Several files are staged in one scan (staging.py): a scan has a fixed cost (planning the
checks, the last row group left to one thread) that one scan per file would pay per file.

``stage_event_logs`` returns False when DuckDB cannot read a file as one JSON object per
non-blank line (malformed JSON, bad UTF-8, a BOM, duplicate keys, blank lines that would shift
line numbers): the caller then stages the files one by one, and parses the one that fails with
the Python adapter, which reports such lines one by one.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import duckdb

from dagster_project.lib.ingest.adapters.base import (
    NON_FINITE,
    NUMBER_TEXT,
    TIMESTAMP_TEXT,
    WHITESPACE,
)
from dagster_project.lib.ingest.adapters.event_log_schema import (
    conditional_requirements,
    event_log_schema,
)
from dagster_project.lib.ingest.raw_tables import DATA_TABLES

TABLE = "events"
STAGED = "incoming_events"
# The file as read, in a table of its own: its rowid is the record's position in the file
# (a new table, insertion order preserved), which numbers the records on every core, where
# ``row_number() over ()`` runs on one thread and holds every operator after it in the
# statement on that thread.
READ = "incoming_event_json"
# The column of READ naming the file a record was read from.
FILE_COLUMN = "_landed_file"
# read_json expands glob patterns: a file named ``a[1].jsonl`` would be read as ``a1.jsonl``.
_GLOB_CHARACTERS = re.compile(r"[*?\[\]{}]")

_COLUMNS = list(DATA_TABLES[TABLE])
_PYTHON_TYPE = (
    "case {c}__t when 'DOUBLE' then 'float' when 'BOOLEAN' then 'bool' "
    "when 'OBJECT' then 'dict' when 'ARRAY' then 'list' when 'VARCHAR' then 'str' else 'int' end"
)


def readable_by_name(path: str) -> bool:
    """Whether DuckDB reads exactly this file when given its path (no glob characters)."""
    return _GLOB_CHARACTERS.search(path) is None


def _shown(json_type: str, text: str) -> str:
    """Python's repr of a JSON value (its type and text), as the adapter writes it into a
    reason: a finite double as Python prints it (DuckDB's cast to text agrees), NaN and Infinity
    as written (the adapter keeps their text)."""
    return (
        f"case {json_type} when 'VARCHAR' then chr(39) || {text} || chr(39) "
        f"when 'BOOLEAN' then case when {text} = 'true' then 'True' else 'False' end "
        f"when 'DOUBLE' then case when isfinite(({text})::double) "
        f"then ({text})::double::varchar else {text} end "
        f"when 'ARRAY' then 'list' when 'OBJECT' then 'dict' "
        f"else {text} end"
    )


def _repr(c: str) -> str:
    return _shown(f"{c}__t", f"{c}__s")


def _is_blank(c: str) -> str:
    return f"({c}__t is null or {c}__t = 'NULL' or {c}__s = '')"


def _text(c: str) -> tuple[str, str]:
    value = f"case when {c}__t in ('VARCHAR', 'BIGINT', 'UBIGINT', 'HUGEINT') then {c}__s end"
    error = (
        f"case when {c}__t in ('DOUBLE', 'BOOLEAN', 'OBJECT', 'ARRAY') "
        f"then 'expected text, got ' || {_PYTHON_TYPE.format(c=c)} end"
    )
    return value, error


_WHITESPACE = " || ".join(f"chr({ord(char)})" for char in WHITESPACE)
# INTEGER columns' range (the adapter's INT32).
_INT32 = (-(2**31), 2**31 - 1)


def _number(c: str) -> tuple[str, str]:
    """A finite double from a JSON number or number text, as ``parse_number``."""
    parsed = (
        f"case when {c}__t in ('BIGINT', 'UBIGINT', 'HUGEINT', 'DOUBLE') "
        f"then ({c}__s)::double "
        f"when {c}__t = 'VARCHAR' and regexp_full_match({c}__s, '{NUMBER_TEXT}', 'i') "
        f"then try_cast({_trimmed(f'{c}__s')} as double) end"
    )
    value = f"case when isfinite({parsed}) then {parsed} end"
    error = (
        f"case when {c}__t in ('BOOLEAN', 'VARCHAR') and not {_is_blank(c)} "
        f"and ({parsed}) is null then 'expected a number, got ' || {_repr(c)} "
        f"when {c}__t in ('OBJECT', 'ARRAY') "
        f"then 'expected a number, got ' || {_PYTHON_TYPE.format(c=c)} "
        f"when not isfinite({parsed}) then 'expected a finite number, got ' || {_repr(c)} end"
    )
    return value, error


def _whole(c: str, low: int = _INT32[0], high: int = _INT32[1]) -> tuple[str, str]:
    """A whole number from ``low`` to ``high``, as ``parse_int`` with those bounds."""
    number, number_error = _number(c)
    fits = f"({number}) = floor({number}) and ({number}) between {low} and {high}"
    value = f"case when {fits} then ({number})::bigint end"
    error = (
        f"coalesce({number_error}, case when ({number}) <> floor({number}) "
        f"then 'expected a whole number, got ' || {_repr(c)} "
        f"when not ({fits}) then 'expected a whole number from {low} to {high}, got ' "
        f"|| {_repr(c)} end)"
    )
    return value, error


def _boolean(c: str) -> tuple[str, str]:
    value = (
        f"case when {c}__t = 'BOOLEAN' then {c}__s = 'true' "
        f"when {c}__t = 'VARCHAR' and lower(trim({c}__s)) in ('true', 'false') "
        f"then lower(trim({c}__s)) = 'true' end"
    )
    error = (
        f"case when not {_is_blank(c)} and ({value}) is null "
        f"then 'expected true or false, got ' || {_repr(c)} end"
    )
    return value, error


def _trimmed(text: str) -> str:
    """``text`` without the white space the adapter strips (base.WHITESPACE)."""
    return f"trim({text}, {_WHITESPACE})"


def _timestamp(c: str) -> tuple[str, str]:
    trimmed = _trimmed(f"{c}__s")
    parsed = (
        f"case when regexp_full_match({trimmed}, '{TIMESTAMP_TEXT}') "
        f"then try_cast({trimmed} as timestamptz) end"
    )
    value = f"case when {c}__t = 'VARCHAR' then timezone('UTC', {parsed}) end"
    error = (
        f"case when {c}__t <> 'VARCHAR' or {trimmed} = '' "
        f"then 'expected an ISO 8601 timestamp, got ' || {_repr(c)} "
        f"when {parsed} is null or not isfinite({parsed}) "
        f"or not year(timezone('UTC', {parsed})) between 1 and 9999 "
        f"then 'not an ISO 8601 timestamp: ' || {_repr(c)} end"
    )
    return value, error


# raw.events column -> how the adapter reads it (parse_* in adapters/base.py).
_READERS = {
    "event_id": _text,
    "event_type": _text,
    "occurred_at": _timestamp,
    "source_tool": _text,
    "project_id": _text,
    "task_id": _text,
    "annotation_id": _text,
    "actor": _text,
    "actor_role": _text,
    "stage": _text,
    "duration_s": _number,
    "issue_id": _text,
    "issue_tag": _text,
    "text": _text,
    "guideline_version": _text,
    "is_ground_truth": _boolean,
    "confidence": _number,
}
# Optional text fields where the adapter turns "" into null (``... or None``).
_EMPTY_IS_NULL = {
    "annotation_id",
    "actor_role",
    "stage",
    "issue_id",
    "issue_tag",
    "text",
    "guideline_version",
}
# The order in which ``to_row`` reads the fields, so the first faulty one is named.
_FIELD_ORDER = [
    "event_id",
    "occurred_at",
    "source_tool",
    "project_id",
    "task_id",
    "annotation_id",
    "actor",
    "actor_role",
    "stage",
    "duration_s",
    "issue_id",
    "issue_tag",
    "text",
    "guideline_version",
    "is_ground_truth",
    "confidence",
]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _read_sql(paths: list[str]) -> str:
    columns = ", ".join(f"'{name}': 'JSON'" for name in _COLUMNS)
    listed = ", ".join(map(_literal, paths))
    return (
        f"select * from read_json([{listed}], format = 'newline_delimited', records = true, "
        f"filename = '{FILE_COLUMN}', columns = {{{columns}}})"
    )


def _file_ends(connection: duckdb.DuckDBPyConnection, paths: list[str]) -> list[int] | None:
    """Where each file's records end in READ (a rowid bound per file, in the order of
    ``paths``), or None unless every file is one run of rowids in that order, which numbering
    records by rowid needs (DuckDB reads a list of files in its order)."""
    spans = {
        name: (count, first, last)
        for name, count, first, last in connection.execute(
            f"select {FILE_COLUMN}, count(*), min(rowid), max(rowid) from {READ} group by 1"
        ).fetchall()
    }
    if not spans.keys() <= set(paths):
        return None
    ends, start = [], 0
    for path in paths:
        count, first, last = spans.get(path, (0, start, start - 1))
        if first != start or last - first + 1 != count:
            return None
        start += count
        ends.append(start)
    return ends


def _label_vertices(v: str) -> tuple[str, str]:
    """A labels item's vertex count (JSON ``v``) as ``event_log._vertices``: a whole number from
    0 to 2^31 - 1, or text of digits; absent, null or empty text counts 0."""
    kind, text = f"json_type({v})", f"({v}->>'$')"
    number = (
        f"case when {kind} in ('BIGINT', 'UBIGINT', 'HUGEINT', 'DOUBLE') then {text}::double "
        f"when {kind} = 'VARCHAR' and regexp_full_match({text}, '[0-9]+') "
        f"then {text}::double end"
    )
    shown = _shown(kind, text)
    high = _INT32[1]
    error = (
        f"case when {kind} is null or {kind} = 'NULL' or {text} = '' then null "
        f"when {kind} in ('BOOLEAN', 'ARRAY', 'OBJECT') then 'expected a number, got ' || {shown} "
        f"when ({number}) is null then 'expected a whole number, got ' || {shown} "
        f"when not isfinite({number}) then 'expected a finite number, got ' || {shown} "
        f"when ({number}) <> floor({number}) then 'expected a whole number, got ' || {shown} "
        f"when not ({number}) between 0 and {high} "
        f"then 'expected a whole number from 0 to {high}, got ' || {shown} end"
    )
    value = f"coalesce(case when ({number}) between 0 and {high} then ({number})::bigint end, 0)"
    return value, error


# A JSON text holds NaN or Infinity: once strings are blanked, the names, or a number that
# reads as an infinite double (1e400, or an integer of 309 digits and more).
_STRINGS = r'"(?:[^"\\]|\\.)*"'
_MAYBE_NON_FINITE = r"NaN|Infinity|[eE][+]?[0-9]{3}|[0-9]{309}"


def _holds_non_finite(text: str) -> str:
    blanked = f"regexp_replace({text}, '{_STRINGS}', '\"\"', 'g')"
    numbers = f"regexp_extract_all({blanked}, '-?[0-9][0-9.]*(?:[eE][-+]?[0-9]+)?')"
    return (
        f"(regexp_matches({blanked}, 'NaN|Infinity') "
        f"or coalesce(list_bool_or(list_transform({numbers}, lambda n: isinf(n::double))), false))"
    )


def _label_item_error(x: str, i: str) -> str:
    """The first fault of labels item ``x`` (its 1-based position ``i``) as a struct of field
    and reason, in ``event_log._check_label``'s order, or null."""
    field = f"'labels[' || ({i} - 1) || ']'"
    vertex_error = _label_vertices(f"json_extract({x}, '$.vertices')")[1]
    bbox = f"json_extract({x}, '$.bbox')"
    bbox_numbers = (
        f"coalesce(list_bool_and(list_transform(json_extract({bbox}, '$[*]'), lambda e: "
        "json_type(e) in ('BIGINT', 'UBIGINT', 'HUGEINT', 'DOUBLE') "
        "and isfinite((e->>'$')::double))), false)"
    )
    bbox_ok = (
        f"(json_type({bbox}) is null or json_type({bbox}) = 'NULL' or "
        f"(json_type({bbox}) = 'ARRAY' and json_array_length({bbox}) = 4 and {bbox_numbers}))"
    )
    confidence = f"json_extract({x}, '$.confidence')"
    confidence_ok = (
        f"(json_type({confidence}) is null or json_type({confidence}) = 'NULL' or "
        f"(json_type({confidence}) in ('BIGINT', 'UBIGINT', 'HUGEINT', 'DOUBLE') "
        f"and ({confidence}->>'$')::double between 0 and 1))"
    )
    shown_confidence = _shown(f"json_type({confidence})", f"({confidence}->>'$')")
    return (
        f"case when json_type({x}) <> 'OBJECT' "
        f"or coalesce(json_type({x}, '$.class') <> 'VARCHAR', true) "
        f"then {{'field': 'labels', 'reason': 'item ' || ({i} - 1) || ' has no text ' "
        "|| chr(39) || 'class' || chr(39)} "
        f"when ({vertex_error}) is not null "
        f"then {{'field': {field} || '.vertices', 'reason': {vertex_error}}} "
        f"when not {bbox_ok} then {{'field': {field} || '.bbox', "
        "'reason': 'expected 4 finite numbers (x, y, width, height)'} "
        f"when not {confidence_ok} then {{'field': {field} || '.confidence', "
        f"'reason': 'expected a number from 0 to 1, got ' || {shown_confidence}}} "
        f"when {_holds_non_finite(f'{x}::varchar')} "
        f"then {{'field': {field}, 'reason': {_literal(NON_FINITE)}}} end"
    )


def _labels_sql() -> dict[str, str]:
    """Labels as in ``_label_summary``: an array (or text holding one) of objects checked item
    by item (class, vertices, bbox, confidence, no NaN or Infinity); canonical JSON text,
    object count and vertex sum derived from it."""
    parsed = (
        "case when labels__t = 'VARCHAR' then "
        "case when json_valid(labels__s) then json(labels__s) end "
        "else labels end"
    )
    items = "json_extract(parsed_labels, '$[*]')"
    vertices = "json_extract(parsed_labels, '$[*].vertices')"
    classes = "json_extract(parsed_labels, '$[*].class')"
    boxes = "json_extract(parsed_labels, '$[*].bbox')"
    confidences = "json_extract(parsed_labels, '$[*].confidence')"
    length = "json_array_length(parsed_labels)"
    box = r"-?[0-9][^,\[\]{}\"]*"
    item_vertices = _label_vertices("json_extract(x, '$.vertices')")[0]
    return {
        # Well-formed labels (the usual case) are recognised on the array as a whole: every
        # item has a text class and at most 9 digits of vertices, every box 4 plain numbers,
        # every confidence a number from 0 to 1, and no NaN, Infinity or huge exponent is
        # anywhere. Only the rest go through the item-by-item checks below.
        "plain": (
            f"len({classes}) = {length} and len({vertices}) = {length} and coalesce("
            f"list_bool_and(list_transform({classes}, lambda x: json_type(x) = 'VARCHAR')), "
            "true) and coalesce(list_bool_and(list_transform("
            f"{vertices}, lambda x: regexp_full_match(x::varchar, '[0-9]{{1,9}}'))), true) "
            f"and coalesce(list_bool_and(list_transform({boxes}, lambda b: "
            f"regexp_full_match(b::varchar, '\\[{box}(?:,{box}){{3}}\\]'))), true) "
            f"and coalesce(list_bool_and(list_transform({confidences}, lambda c: "
            "json_type(c) in ('BIGINT', 'UBIGINT', 'DOUBLE') "
            "and (c->>'$')::double between 0 and 1)), true) "
            f"and not regexp_matches(parsed_labels::varchar, '{_MAYBE_NON_FINITE}')"
        ),
        "plain_vertex_sum": (
            f"coalesce(list_sum(list_transform({vertices}, lambda x: x::varchar::bigint)), 0)"
        ),
        "parsed": f"case when not {_is_blank('labels')} then {parsed} end",
        "error": (
            f"case when parsed_labels is null and not {_is_blank('labels')} "
            "then 'not a JSON array' "
            "when parsed_labels is not null and parsed_labels__t <> 'ARRAY' "
            f"then 'expected an array, got ' || {_PYTHON_TYPE.format(c='parsed_labels')} end"
        ),
        "item_errors": f"list_transform({items}, lambda x, i: {_label_item_error('x', 'i')})",
        "vertex_sum": f"list_sum(list_transform({items}, lambda x: {item_vertices}))",
    }


def _checks(typed: dict[str, tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(condition, field, reason) in the order ``to_row`` meets them: the first one wins."""
    object_error = _whole("object_count")[1]
    vertex_error = _whole("vertex_count")[1]
    checks = [
        (_is_blank(field), f"'{field}'", "'required field is missing or empty'")
        for field in event_log_schema()["required"]
    ]
    event_type_error = typed["event_type"][1]
    checks.append((f"({event_type_error}) is not null", "'event_type'", event_type_error))
    for pattern, field in conditional_requirements():
        regex = pattern.pattern.replace("'", "''")
        checks.append(
            (
                f"regexp_matches(event_type_text, '{regex}') and {_is_blank(field)}",
                f"'{field}'",
                "'required for event_type ' || event_type_text",
            )
        )
    high = _INT32[1]
    checks += [
        ("labels_error is not null", "'labels'", "labels_error"),
        ("labels_item_error is not null", "labels_item_error.field", "labels_item_error.reason"),
        (
            f"labels_vertex_sum > {high}",
            "'vertex_count'",
            f"'labels hold ' || labels_vertex_sum || ' vertices, more than {high}'",
        ),
        (f"({object_error}) is not null", "'object_count'", object_error),
        (f"({vertex_error}) is not null", "'vertex_count'", vertex_error),
    ]
    for field in _FIELD_ORDER:
        error = typed[field][1]
        checks.append((f"({error}) is not null", f"'{field}'", error))
    return checks


def _values(typed: dict[str, tuple[str, str]]) -> list[str]:
    values = []
    for name in _COLUMNS:
        if name == "labels":
            values.append("parsed_labels::varchar as labels")
        elif name == "object_count":
            whole = _whole("object_count")[0]
            values.append(
                f"coalesce({whole}, json_array_length(parsed_labels))::integer as object_count"
            )
        elif name == "vertex_count":
            whole = _whole("vertex_count")[0]
            values.append(f"coalesce({whole}, labels_vertex_sum)::integer as vertex_count")
        elif name in _EMPTY_IS_NULL:
            values.append(f"nullif({typed[name][0]}, '') as {name}")
        else:
            values.append(f"{typed[name][0]} as {name}")
    return values


def _file_numbering(ends: list[int]) -> tuple[str, str]:
    """SQL for a record's file (its position in the list read) and its line in that file, from
    its rowid in READ; ``ends``: each file's end (see ``_file_ends``)."""
    starts = [0, *ends[:-1]]
    whens = " ".join(f"when rowid < {end} then {number}" for number, end in enumerate(ends))
    first_rows = " ".join(
        f"when rowid < {end} then {start}" for start, end in zip(starts, ends, strict=True)
    )
    return f"case {whens} end", f"rowid + 1 - case {first_rows} end"


def _staging_sql(ends: list[int]) -> str:
    """The checks over ``READ`` (see ``_read_sql``) into ``STAGED``; ``ends``: where each file's
    records end (see ``_file_ends``)."""
    labels = _labels_sql()
    typed = {name: reader(name) for name, reader in _READERS.items()}
    checks = _checks(typed)
    # The first failed check's number: only conditions per row; field, reason and excerpt are
    # built for the (rare) rejected rows alone.
    first_failed = (
        "case " + " ".join(f"when {c} then {i}" for i, (c, _, _) in enumerate(checks)) + " end"
    )
    field = (
        "case failed_check "
        + " ".join(f"when {i} then {f}" for i, (_, f, _) in enumerate(checks))
        + " end"
    )
    reason = (
        "case failed_check "
        + " ".join(f"when {i} then {r}" for i, (_, _, r) in enumerate(checks))
        + " end"
    )
    # Each JSON value's type and text once per row: every later check reads these.
    type_and_text = ", ".join(
        f"json_type({name}) as {name}__t, {name}->>'$' as {name}__s" for name in _COLUMNS
    )
    excerpt = ", ".join(f"'{name}', {name}" for name in _COLUMNS)
    is_array = "parsed_labels__t = 'ARRAY'"
    file_number, record_number = _file_numbering(ends)
    return f"""
        create or replace temp table {STAGED} as
        with
        typed_source as (
            select *, {file_number} as _file, {record_number} as _record_number,
                {type_and_text}
            from {READ}
        ),
        with_labels as (
            select *,
                {typed["event_type"][0]} as event_type_text,
                {labels["parsed"]} as parsed_labels
            from typed_source
        ),
        label_checks as (
            select *,
                {labels["error"]} as labels_error,
                case when {is_array} and not plain then {labels["item_errors"]} end
                    as labels_item_errors,
                case when {is_array} and plain then {labels["plain_vertex_sum"]}
                    when {is_array} then {labels["vertex_sum"]} end as labels_vertex_sum
            from (
                select *, case when {is_array} then {labels["plain"]} end as plain
                from (select *, json_type(parsed_labels) as parsed_labels__t from with_labels)
            )
        ),
        checked as (
            select *,
                list_filter(labels_item_errors, lambda e: e is not null)[1] as labels_item_error
            from label_checks
        ),
        judged as (select *, {first_failed} as failed_check from checked)
        select
            {", ".join(_values(typed))},
            _file,
            _record_number,
            {field} as _reject_field,
            {reason} as _reject_reason,
            case when failed_check is not null
                then left(json_object({excerpt})::varchar, 500) end as _excerpt
        from judged
    """


# DuckDB errors that come from the machine, not from the file read.
_ENVIRONMENT = (duckdb.IOException, duckdb.FatalException, duckdb.InterruptException)


def stage_event_logs(connection: duckdb.DuckDBPyConnection, paths: list[str]) -> bool:
    """Fill ``incoming_events`` from JSON Lines files (``_file`` is a record's file's position
    in ``paths``); False when DuckDB cannot read one of them, or a path is a glob pattern."""
    if not all(map(readable_by_name, paths)):
        return False
    try:
        connection.execute("set TimeZone = 'UTC'")
        # The default, said here because record numbers depend on it (see READ).
        connection.execute("set preserve_insertion_order = true")
        connection.execute(f"create or replace temp table {READ} as {_read_sql(paths)}")
        ends = _file_ends(connection, paths)
        if ends is None:
            connection.execute(f"drop table if exists {STAGED}")
            return False
        connection.execute(_staging_sql(ends))
    except _ENVIRONMENT:
        raise  # the disk, memory or an interrupt, not the file: the night must say so
    except duckdb.Error:
        # Any other refusal is the file's (malformed JSON, a value DuckDB cannot hold): the
        # Python adapter reads it record by record instead.
        connection.execute(f"drop table if exists {STAGED}")
        return False
    finally:
        connection.execute(f"drop table if exists {READ}")
    return True


def read_record_alone(text: str) -> tuple[dict | None, str | None, str | None] | None:
    """One JSON Lines record judged by this reader alone, in a database of its own: (typed
    values, None, None) or (None, field, reason); None when DuckDB cannot read it either. The
    Python adapter asks for this where Python's JSON reader cannot go (nesting too deep for
    its recursion), so the two readers agree on such records too."""
    with tempfile.TemporaryDirectory(prefix="annolytics-record-") as folder:
        path = Path(folder) / "record.jsonl"
        path.write_text(text + "\n", encoding="utf-8", errors="surrogatepass")
        with duckdb.connect() as connection:
            if not stage_event_logs(connection, [str(path)]):
                return None
            cursor = connection.execute(
                f"select {', '.join(_COLUMNS)}, _reject_field, _reject_reason from {STAGED}"
            )
            row = cursor.fetchone()
    if row is None:
        return None
    *values, field, reason = row
    if field is not None:
        return None, field, reason
    return dict(zip(_COLUMNS, values, strict=True)), None, None
