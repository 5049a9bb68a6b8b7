select
    source_file,
    size_bytes,
    content_hash,
    adapter,
    status,
    duplicate_of,
    rows_loaded,
    rows_quarantined,
    ingested_at
from {{ source('ingest', 'ingest_manifest') }}
