"""Both readers of the event log agree on every record: what DuckDB's reader loads and
quarantines (and why) is what the Python adapter + GX load and quarantine for the same file.

Which reader takes a file depends on the file as a whole (a blank line, a name DuckDB would read
as a pattern, a broken line elsewhere send it to Python), so a record's fate must not. The
property test writes records built from hostile values (NaN and Infinity, numbers beyond every
range, number and timestamp text each reader reads differently, lone surrogates, deep nesting,
labels with bad boxes, vertices and confidences), ingests the same file once through each
reader into real DuckDB files, and compares loaded rows and quarantine entries field by field.
Every disagreement it found is kept below as an explicit example.
"""

from __future__ import annotations

import json
import math
import tempfile
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import dagster_project.lib.ingest.adapters.event_log as event_log_reader
from dagster_project.lib.ingest.load import ingest_landing
from dagster_project.lib.quality.validation import Validator

NOW = datetime(2026, 11, 23, 12, 0, 0)
DEEP = "[" * 3000 + "]" * 3000  # deeper than Python's JSON reader goes

NUMBERS = [
    "NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1" + "0" * 30, "9" * 5000,
    "9223372036854775808", "18446744073709551616", "-9223372036854775809", "2147483648",
    "1.0", "1.50", "-0", "0.5", "1e2", "3", "-4", "86400", "2.5e-3", "1E5", "1e16", "1e-7",
]  # fmt: skip
TEXTS = [
    "", " ", "NaN", "inf", "Infinity", " 12 ", "1e400", "0x10", "1_000", "\u0661\u0662",
    "abc", "true", "TRUE", " false ", "12.0", "1e2", "1__0", "+.5", "1.e5", "  nan  ", "-NaN",
    "\\t12\\n", "it's", "a\\nb", "\\ud800", "\\u0000x",
    "2026-09-07T09:00:00Z", "2026-09-07", "2026-09-07T09", "20260907T090000",
    "2026-09-07T09:00:00.1234567Z", "2026-09-07T24:00:00", "2026-09-07T23:59:60",
    "0000-01-01T00:00:00", "2026-02-30T00:00:00", "2026-09-07T09:00:00+24:00",
    "2026-09-07T09:00:00+0530", "2026-09-07T09:00+05", "2026-09-07 09:00:00.5",
    "\\t2026-09-07T09:00:00Z\\n", "2026-09-07t09:00:00z", "epoch", "infinity",
    "2026-09-07T09:00:00-00:00", "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00",
    "[1,]", " nan", '[{\\"class\\":\\"a\\"},]', '[{\\"class\\":\\"a\\",\\"bbox\\":[1,2,3,inf]}]',
]  # fmt: skip
OTHERS = ["null", "true", "false", "[]", "{}", "[1]", '{"a":1}', "nan", "-inf", "[1,2,]"]


def json_values() -> st.SearchStrategy[str]:
    """JSON text (and text only DuckDB's reader takes: nan, inf, a trailing comma)."""
    return st.one_of(
        st.sampled_from(NUMBERS),
        st.sampled_from([f'"{text}"' for text in TEXTS]),
        st.sampled_from(OTHERS),
    )


def label_items() -> st.SearchStrategy[str]:
    fields = st.fixed_dictionaries(
        {},
        optional={
            "class": st.sampled_from(['"car"', "5", "null", '""', '["a"]', '"NaN"']),
            "shape": st.sampled_from(['"bbox"', "3", "null"]),
            "vertices": json_values(),
            "bbox": st.one_of(
                st.just("[1,2,3,4]"),
                st.lists(json_values(), max_size=5).map(lambda xs: "[" + ",".join(xs) + "]"),
                json_values(),
            ),
            "confidence": json_values(),
            "extra": st.one_of(
                json_values(),
                st.integers(1, 40).map(lambda depth: "[" * depth + "]" * depth),
                st.just(DEEP),
            ),
        },
    )
    return fields.map(lambda d: "{" + ",".join(f'"{k}":{v}' for k, v in d.items()) + "}")


def labels() -> st.SearchStrategy[str]:
    arrays = st.lists(label_items(), max_size=3).map(lambda xs: "[" + ",".join(xs) + "]")
    return st.one_of(arrays, json_values(), arrays.map(json.dumps))


FIELDS = [
    "event_id", "event_type", "occurred_at", "source_tool", "project_id", "task_id",
    "annotation_id", "actor", "actor_role", "stage", "duration_s", "labels", "object_count",
    "vertex_count", "issue_id", "issue_tag", "text", "guideline_version", "is_ground_truth",
    "confidence", "unknown",
]  # fmt: skip
BASE = {
    "event_type": '"annotation_submitted"',
    "occurred_at": '"2026-09-07T09:00:00Z"',
    "project_id": '"p"',
    "task_id": '"t1"',
    "annotation_id": '"a1"',
    "actor": '"ann"',
    "duration_s": "30",
}


def records() -> st.SearchStrategy[dict[str, str]]:
    values = st.one_of(json_values(), labels(), st.just(DEEP))
    return st.dictionaries(st.sampled_from(FIELDS), values, max_size=4)


def line(number: int, overrides: dict[str, str]) -> str:
    fields = {"event_id": f'"e{number}"', **BASE, **overrides}
    return "{" + ",".join(f'"{key}":{value}' for key, value in fields.items()) + "}"


VALIDATOR = Validator()


def _same_value(name: str, value):
    """Rows compared as values: NaN as a marker (never loaded; a failure would show it), the
    labels JSON parsed (DuckDB and Python print some numbers differently: 1e16 and 1e+16),
    as text where Python cannot parse it for its depth."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if name == "labels" and value:
        try:
            return json.loads(value)
        except RecursionError:
            return value
    return value


def _ingested(folder: Path, text: str, native: bool) -> tuple[list, list]:
    landing = folder / ("native" if native else "python")
    landing.mkdir()
    (landing / "events.jsonl").write_text(text, encoding="utf-8", errors="surrogatepass")
    warehouse = folder / f"{landing.name}.duckdb"
    original = event_log_reader.stage_event_logs
    if not native:
        event_log_reader.stage_event_logs = lambda *_: False
    try:
        ingest_landing(landing, warehouse, validator=VALIDATOR, log=lambda _: None, now=NOW)
    finally:
        event_log_reader.stage_event_logs = original
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        cursor = connection.execute(
            "select * exclude (_file_hash, _source_file) from raw.events order by _record_number"
        )
        names = [column[0] for column in cursor.description]
        rows = [
            {name: _same_value(name, value) for name, value in zip(names, row, strict=True)}
            for row in cursor.fetchall()
        ]
        quarantine = connection.execute(
            "select record_number, field, reason, detected_by from raw.quarantine order by all"
        ).fetchall()
    return rows, quarantine


def assert_readers_agree(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        native = _ingested(Path(folder), text, native=True)
        python = _ingested(Path(folder), text, native=False)
    assert native[0] == python[0], "loaded rows differ"
    assert native[1] == python[1], "quarantine entries differ"


@pytest.mark.parametrize(
    "overrides",
    [
        {"duration_s": "NaN"},
        {"confidence": "Infinity"},
        {"duration_s": '"NaN"'},
        {"duration_s": "1e400"},
        {"duration_s": "9" * 5000},
        {"labels": '[{"class":"car","bbox":[NaN,1,2,Infinity]}]'},
        {"labels": '[{"class":"car","confidence":Infinity}]'},
        {"labels": '[{"class":"car","extra":{"x":[1,-Infinity]}}]'},
        {"labels": '[{"class":"car","vertices":"6.0"}]'},
        {"labels": '[{"class":"car","vertices":3000000000}]'},
        {"object_count": "2147483648"},
        {"unknown": DEEP},
        {"duration_s": DEEP},
        {"labels": '[{"class":"car","extra":' + DEEP + "}]"},
        {"unknown": "nan"},
        {"occurred_at": '"infinity"'},
        {"actor": '"\\ud800"'},
    ],
)
def test_hostile_values_get_one_verdict_from_both_readers(overrides):
    assert_readers_agree(line(1, overrides) + "\n" + line(2, {}) + "\n")


@settings(
    max_examples=60,
    derandomize=True,  # the same examples on every run: CI stays reproducible
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
@given(st.lists(records(), min_size=1, max_size=6))
@example([{"occurred_at": '"NaN"'}])
@example([{"occurred_at": '"inf"'}])
@example([{"labels": '"  nan  "'}])
@example([{"duration_s": "1" + "0" * 30}])
@example([{"occurred_at": '"\\ud800"'}])
@example([{"occurred_at": '"2026-09-07T24:00:00"'}])
def test_both_readers_agree_on_every_record(overrides_per_record):
    text = "\n".join(line(n, o) for n, o in enumerate(overrides_per_record, start=1)) + "\n"
    assert_readers_agree(text)
