-- Every event, in the tool-neutral event log's shape: the event log itself, and the events the
-- staging models of other tools' exports map to it. Every model downstream that reads events
-- reads them here, so a tool whose export maps to events needs no model of its own beyond.
{%- set sources = ['stg_events__events', 'int_cvat_events_mapped', 'int_labelbox_events_mapped',
    'int_encord_events_mapped'] %}
{%- set columns = [
    'event_key',
    'source_system',
    'event_id',
    'event_type',
    'occurred_at',
    'event_order',
    'source_tool',
    'project_key',
    'project_id',
    'task_key',
    'annotation_key',
    'actor',
    'actor_role',
    'stage',
    'duration_s',
    'labels',
    'object_count',
    'vertex_count',
    'issue_key',
    'issue_tag',
    'issue_text',
    'guideline_version',
    'is_ground_truth',
    'confidence',
    'source_file',
    'record_number',
] %}
{% for source_model in sources %}
    select
        {% for column in columns -%}
            {{ column }}{% if not loop.last %},{% endif %}
        {% endfor -%}
    from {{ ref(source_model) }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
