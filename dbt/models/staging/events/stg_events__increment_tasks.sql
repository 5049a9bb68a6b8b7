{{ config(materialized='table') }}
-- The event-log tasks tonight's increment can change: the task of every record in the files
-- loaded since the last successful night, and the task of every other record sharing an
-- event_id with one of them (tonight's copy of an event can win or lose the deduplication
-- against an older copy, which may sit in another task). The incremental models delete and
-- rebuild exactly these tasks.
with

increment_files as (

    select source_file from {{ source('nightly', 'increment_files') }}

),

raw_events as (

    select
        event_id,
        project_id,
        task_id,
        _source_file
    from {{ source('events', 'events') }}

),

increment_event_ids as (

    select distinct event_id
    from raw_events
    where _source_file in (select increment_files.source_file from increment_files)

)

select distinct {{ event_log_task_key('project_id', 'task_id') }} as task_key
from raw_events
where event_id in (select increment_event_ids.event_id from increment_event_ids)
