"""A Spark Connect session for the steps of a Spark night that run in this process (the raw
layer's tables, the statistics marts, the copy back into DuckDB); dbt opens its own."""

from __future__ import annotations

import warnings

# The session's time zone: the raw layer's timestamps carry none, and UTC reads them as written
# (dbt's profile sets the same).
SESSION_CONFIG = {"spark.sql.session.timeZone": "UTC"}


def connect(connect_url: str):
    """A session on the Spark Connect server at ``connect_url`` (sc://host:port)."""
    with warnings.catch_warnings():
        # pyspark 4.3 warns that pandas 3 is "not yet fully supported"; the steps here move
        # data through Arrow (toArrow / createDataFrame), which the tests check value by value.
        warnings.simplefilter("ignore", FutureWarning)
        from pyspark.sql import SparkSession

        builder = SparkSession.builder.remote(connect_url)
        for key, value in SESSION_CONFIG.items():
            builder = builder.config(key, value)
        return builder.getOrCreate()
