-- Every event, in the tool-neutral event log's shape: the event log itself, and the events the
-- staging models of other tools' exports map to it. Every model downstream that reads events
-- reads them here, so a tool whose export maps to events needs no model of its own beyond.
select * from {{ ref('stg_events__events') }}
