-- Everything in the landed input that did not reach the marts as it was, or reached them with a
-- caveat: one row per file, action, field and reason, with how many records and an example.
with

quarantined as (

    select
        source_file,
        'quarantined' as action,
        field,
        reason,
        detected_by,
        count(*) as records,
        min(record_number) as first_record_number,
        -- Published: short, and never from a file quarantined or refused whole.
        min_by(
            case
                when record_number > 0 then left(excerpt, {{ var('published_excerpt_chars') }})
            end,
            record_number
        ) as example
    from {{ ref('stg_ingest__quarantine') }}
    group by source_file, field, reason, detected_by

),

duplicates as (

    select
        source_file,
        'dropped as duplicate' as action,
        'event_id' as field,
        'same event_id as a record kept from ' || kept_source_file as reason,
        'staging' as detected_by,
        count(*) as records,
        min(record_number) as first_record_number,
        min_by(event_id, record_number) as example
    from {{ ref('stg_events__duplicate_records') }}
    group by source_file, kept_source_file

),

duplicate_files as (

    select
        source_file,
        'skipped as duplicate file' as action,
        null as field,
        'same content as ' || duplicate_of as reason,
        'manifest' as detected_by,
        1 as records,
        0 as first_record_number,
        null as example
    from {{ ref('stg_ingest__files') }}
    where status = 'duplicate'

),

-- GX expectations that warn keep the rows but count them (an unknown event type, say).
kept_with_warning as (

    select
        source_file,
        'kept, counted' as action,
        column_name as field,
        'failed ' || expectation || ' (' || suite || ')' as reason,
        'gx:' || suite as detected_by,
        sum(unexpected_count) as records,
        null as first_record_number,
        null as example
    from {{ ref('stg_ingest__validation_results') }}
    where on_failure = 'warn' and not success
    group by source_file, column_name, expectation, suite

),

unknown_shapes as (

    select
        null as source_file,
        'kept, counted' as action,
        'labels[].shape' as field,
        'unknown shape type ' || shape_type || ' in ' || project_key as reason,
        'staging' as detected_by,
        count(*) as records,
        null as first_record_number,
        any_value(label_key) as example
    from {{ ref('fct_labels') }}
    where
        shape_type not in (
            {%- for shape in var('known_shape_types') %}
                '{{ shape }}'{{ "," if not loop.last }}
            {%- endfor %}
        )
    group by shape_type, project_key

),

-- Label Studio annotations whose export names no author (no completed_by, nor a fallback):
-- loaded, but counted in no one's figures.
unattributed as (

    select
        source_file,
        'kept, not attributed' as action,
        'completed_by' as field,
        'no author in the export (completed_by, updated_by, last_created_by, history)' as reason,
        'staging' as detected_by,
        count(*) as records,
        min(source_record_number) as first_record_number,
        min_by(annotation_id, source_record_number) as example
    from {{ ref('stg_label_studio__annotations') }}
    where completed_by_id is null
    group by source_file

),

unioned as (

    select * from quarantined
    union all
    select * from duplicates
    union all
    select * from duplicate_files
    union all
    select * from kept_with_warning
    union all
    select * from unknown_shapes
    union all
    select * from unattributed

)

select
    source_file::string as source_file,
    action::string as action,
    field::string as field,
    reason::string as reason,
    detected_by::string as detected_by,
    records::bigint as records,
    first_record_number::bigint as first_record_number,
    example::string as example
from unioned
