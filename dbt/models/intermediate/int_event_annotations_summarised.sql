{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ delete_increment_tasks() }}",
) }}
-- depends_on: {{ ref('stg_events__increment_tasks') }}
-- The event log folded to one row per annotation, in the same terms as Label Studio's export:
-- author, completion time, lead time, last action, cancelled, final labels.
{% set annotation_events -%}
    annotation_key is not null and {{ in_increment_tasks('task_key') }}
{%- endset %}
with

events as (

    select * from {{ ref('int_events_unioned') }}
    where {{ annotation_events }}

),

authorship as (

    -- The author is whoever started, submitted or skipped the annotation first. Read from the
    -- model, not the `events` CTE: DuckDB materialises a CTE read twice, every column of every
    -- event.
    select
        annotation_key,
        min_by(actor, event_order) as author
    from {{ ref('int_events_unioned') }}
    where
        {{ annotation_events }}
        and event_type in ('annotation_started', 'annotation_submitted', 'annotation_skipped')
    group by annotation_key

),

with_author as (

    select
        events.*,
        authorship.author
    from events
    inner join authorship using (annotation_key)

),

folded as (

    select
        annotation_key,
        any_value(source_system) as source_system,
        any_value(project_key) as project_key,
        any_value(task_key) as task_key,
        any_value(author) as annotator,
        min(occurred_at) filter (where event_type = 'annotation_started') as started_at,
        min(occurred_at) filter (
            where event_type in ('annotation_submitted', 'annotation_skipped')
        ) as completed_at,
        max(occurred_at) as last_event_at,
        -- Lead time: the author's own working time on the annotation, as in Label Studio.
        {{ exact_sum('duration_s', "filter (
            where event_type in ('annotation_submitted', 'annotation_updated', 'annotation_skipped')
            and actor = author
        )") }} as lead_time_s,
        max_by(event_type, event_order) filter (
            where event_type in (
                'annotation_submitted', 'annotation_updated', 'annotation_skipped',
                'review_accepted', 'review_rejected', 'review_fixed'
            )
        ) as last_lifecycle_event,
        max_by(event_type, event_order) filter (
            where event_type in ('annotation_submitted', 'annotation_updated', 'annotation_skipped')
            and actor = author
        ) as last_authored_event,
        max_by(actor, event_order) filter (
            where event_type in ('annotation_updated', 'review_fixed')
        ) as updated_by,
        max_by(labels, event_order) filter (where labels is not null) as final_labels,
        max_by(object_count, event_order) filter (where object_count is not null)
            as object_count,
        max_by(vertex_count, event_order) filter (where vertex_count is not null)
            as vertex_count,
        min_by(guideline_version, event_order) filter (
            where guideline_version is not null
        ) as guideline_version,
        max_by(confidence, event_order) filter (where confidence is not null) as confidence,
        bool_or(is_ground_truth) as is_ground_truth

    from with_author
    group by annotation_key

),

final as (

    select
        annotation_key,
        source_system,
        project_key,
        task_key,
        annotator,
        started_at,
        completed_at,
        last_event_at,
        lead_time_s,
        case last_lifecycle_event
            when 'annotation_submitted' then 'submitted'
            when 'annotation_updated' then 'updated'
            when 'annotation_skipped' then 'skipped'
            when 'review_accepted' then 'accepted'
            when 'review_rejected' then 'rejected'
            when 'review_fixed' then 'fixed_and_accepted'
        end as last_action,
        coalesce(last_authored_event = 'annotation_skipped', false) as was_cancelled,
        updated_by,
        final_labels,
        object_count,
        vertex_count,
        guideline_version,
        confidence,
        is_ground_truth

    from folded

)

select * from final
