-- Event records dropped by stg_events__events because an earlier record (same event_id, first
-- by file then line) was kept: counted and explained on the data-quality page, not lost.
select
    _source_file as source_file,
    _record_number as record_number,
    event_id,
    first_value(_source_file) over by_event as kept_source_file,
    first_value(_record_number) over by_event as kept_record_number
from {{ source('events', 'events') }}
window by_event as (partition by event_id order by _source_file, _record_number)
qualify row_number() over by_event > 1
