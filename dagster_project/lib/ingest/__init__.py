"""Landing folder -> raw layer: which entries are read (``landing``), how each format is read
(``adapters``: DuckDB stages a file or an adapter yields its rows), how a file is loaded in one
transaction with its quarantine and GX results (``load``), the raw tables' DDL
(``raw_tables``) and forgetting files so they load again (``replay``)."""
