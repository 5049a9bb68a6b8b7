select
    _source_file as source_file,
    _file_hash as file_hash,
    record_number,
    target_table,
    field,
    reason,
    detected_by,
    excerpt
from {{ source('ingest', 'quarantine') }}
