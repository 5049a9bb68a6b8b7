"""Great Expectations (GX Core 1.x): suites in ``expectations/`` run on pandas batches
(``validation``), and the raw events suite compiled to SQL for DuckDB's reader
(``suite_sql``)."""
