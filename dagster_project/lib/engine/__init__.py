"""The engine a night's models run on: DuckDB (embedded, the default) or Apache Spark.

On Spark, the raw layer is handed over as Parquet (``spark_raw``), dbt builds on the cluster, the
statistics marts are computed by the same ``lib.stats`` functions (``spark_statistics``) and the
tables the report and the validations read are copied back into the DuckDB warehouse
(``spark_mirror``), so everything after the models reads what Spark built.
"""
