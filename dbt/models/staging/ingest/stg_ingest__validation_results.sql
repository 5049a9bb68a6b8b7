select
    _source_file as source_file,
    suite,
    expectation,
    column_name,
    on_failure,
    success,
    element_count,
    unexpected_count
from {{ source('ingest', 'validation_results') }}
