"""The site's query results as plain values: the same whichever way DuckDB hands them over
(column arrays for the common types, Python rows for the others)."""

from __future__ import annotations

import duckdb
import pytest

from dagster_project.lib.site.data import run_query

# One row of values and one of NULLs, plus non-finite doubles, of every type fetched as arrays.
ARRAY_TYPED = """
select * from (values
    ('ann', true, 3::tinyint, 300::smallint, 70000::integer, 9007199254740993::bigint, 0.1::double,
     date '2026-11-02', timestamp '2026-11-02 07:08:09.123456', 'nan'::double),
    (null, null, null, null, null, null, null, null, null, 'inf'::double),
    ('=1+1', false, -3::tinyint, -300::smallint, -70000::integer, -1::bigint, -2.5::double,
     date '1969-12-31', timestamp '1969-12-31 23:59:59', '-inf'::double)
) as t(text, flag, tiny, small, regular, big, number, day, moment, odd)
"""


def test_array_typed_columns_become_plain_python_values():
    connection = duckdb.connect()
    rows = run_query(connection, ARRAY_TYPED, "test")
    assert rows == [
        {
            "text": "ann",
            "flag": True,
            "tiny": 3,
            "small": 300,
            "regular": 70000,
            # Beyond 2**53: exact only if it never passed through a double.
            "big": 9007199254740993,
            "number": 0.1,
            "day": "2026-11-02",
            "moment": "2026-11-02T07:08:09.123456",
            "odd": None,
        },
        dict.fromkeys(rows[1], None),
        {
            "text": "=1+1",
            "flag": False,
            "tiny": -3,
            "small": -300,
            "regular": -70000,
            "big": -1,
            "number": -2.5,
            "day": "1969-12-31",
            "moment": "1969-12-31T23:59:59",
            "odd": None,
        },
    ]
    assert [type(value) for value in rows[0].values()] == [
        str,
        bool,
        int,
        int,
        int,
        int,
        float,
        str,
        str,
        type(None),
    ]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # A HUGEINT as a NumPy array is a float; it must stay an exact integer.
        (
            "170141183460469231731687303715884105727::hugeint",
            170141183460469231731687303715884105727,
        ),
        ("1.25::decimal(10, 2)", 1.25),
        ("[1, 2]", [1, 2]),
        ("timestamptz '2026-11-02 07:08:09+00'", "2026-11-02T07:08:09+00:00"),
    ],
)
def test_other_types_keep_their_python_conversion(expression, expected):
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    rows = run_query(connection, f"select {expression} as value, 1 as n", "test")
    assert rows == [{"value": expected, "n": 1}]
    assert type(rows[0]["value"]) is type(expected)


def test_an_empty_result_has_no_rows():
    connection = duckdb.connect()
    assert run_query(connection, "select 1 as n, 'a' as s where false", "test") == []


def test_a_repeated_text_or_day_is_one_object_however_many_rows_hold_it():
    connection = duckdb.connect()
    rows = run_query(
        connection,
        "select 'proj-' || (i % 2) as project, date '2026-11-01' + (i % 3)::integer as day, i "
        "from range(6) as t(i) order by i",
        "test",
    )
    assert [row["project"] for row in rows] == ["proj-0", "proj-1"] * 3
    assert [row["day"] for row in rows] == ["2026-11-01", "2026-11-02", "2026-11-03"] * 2
    assert rows[0]["project"] is rows[2]["project"] is rows[4]["project"]
    assert rows[1]["project"] is not rows[0]["project"]
    assert rows[0]["day"] is rows[3]["day"]
