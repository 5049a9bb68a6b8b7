-- Every event, in the tool-neutral event log's shape: the event log itself, and the events the
-- staging models of other tools' exports map to it. Every model downstream that reads events
-- reads them here, so a tool whose export maps to events needs no model of its own beyond.
select
    event_key,
    source_system,
    event_id,
    event_type,
    occurred_at,
    event_order,
    source_tool,
    project_key,
    project_id,
    task_key,
    annotation_key,
    actor,
    actor_role,
    stage,
    duration_s,
    labels,
    object_count,
    vertex_count,
    issue_key,
    issue_tag,
    issue_text,
    guideline_version,
    is_ground_truth,
    confidence,
    source_file,
    record_number
from {{ ref('stg_events__events') }}

union all

select
    event_key,
    source_system,
    event_id,
    event_type,
    occurred_at,
    event_order,
    source_tool,
    project_key,
    project_id,
    task_key,
    annotation_key,
    actor,
    actor_role,
    stage,
    duration_s,
    labels,
    object_count,
    vertex_count,
    issue_key,
    issue_tag,
    issue_text,
    guideline_version,
    is_ground_truth,
    confidence,
    source_file,
    record_number
from {{ ref('int_cvat_events_mapped') }}

union all

select
    event_key,
    source_system,
    event_id,
    event_type,
    occurred_at,
    event_order,
    source_tool,
    project_key,
    project_id,
    task_key,
    annotation_key,
    actor,
    actor_role,
    stage,
    duration_s,
    labels,
    object_count,
    vertex_count,
    issue_key,
    issue_tag,
    issue_text,
    guideline_version,
    is_ground_truth,
    confidence,
    source_file,
    record_number
from {{ ref('int_labelbox_events_mapped') }}
