-- Labelbox's export v2 in the warehouse's event vocabulary: a data row in a project is a task,
-- each of its labels an annotation. What becomes what:
--   data row details.created_at               -> task_created
--   a label (created_by, created_at)           -> annotation_submitted, or annotation_skipped
--                                                 when performance_details.skipped; its seconds
--                                                 (seconds_to_create) are the lead time, its
--                                                 objects the labels
--   workflow_history Approve / Reject          -> review_accepted / review_rejected of the data
--                                                 row's selected label (else its latest); the
--                                                 label's seconds_to_review go on its review
--                                                 only when it has exactly one (Labelbox sums
--                                                 all reviewers' time per label)
--   workflow_history moves to a task           -> stage_left (the task it was in) and
--                                                 stage_entered (the next), but none for the
--                                                 done task (var labelbox_done_task); a data
--                                                 row starts in var labelbox_first_task, at its
--                                                 creation, when it has history or is waiting
-- Task names are stage names per var labelbox_stage_names (Rework: rework). Labelbox does not
-- export who edited a label after its creator, or per-step time: no corrections, no stage work.
{% set stage_names = var('labelbox_stage_names') %}
with

data_rows as (

    select * from {{ ref('stg_labelbox__data_rows') }}

),

labels as (

    select * from {{ ref('stg_labelbox__labels') }}

),

steps as (

    select * from {{ ref('stg_labelbox__workflow_history') }}

),

decided_labels as (

    -- The label a workflow decision concerns: the data row's selected label, else its latest
    -- label that was not a skip.
    select
        labels.task_key,
        coalesce(
            max(labels.annotation_key) filter (
                where labels.label_id = data_rows.selected_label_id
            ),
            max_by(labels.annotation_key, labels.created_at) filter (where not labels.skipped)
        ) as annotation_key
    from labels
    inner join data_rows using (task_key)
    group by labels.task_key

),

decisions as (

    select
        steps.*,
        decided_labels.annotation_key,
        count(*) over (partition by steps.task_key) as decisions_on_task
    from steps
    inner join decided_labels using (task_key)
    where steps.action in ('Approve', 'Reject')

),

moves as (

    select
        steps.*,
        coalesce(
            lag(steps.next_task_name) over (
                partition by steps.task_key order by steps.step_order
            ),
            '{{ var("labelbox_first_task") }}'
        ) as previous_task_name
    from steps
    where steps.next_task_name is not null

),

first_visits as (

    select
        data_rows.task_key,
        coalesce(data_rows.data_row_created_at, min(moves.acted_at)) as entered_at
    from data_rows
    left join moves using (task_key)
    where data_rows.workflow_status = 'TO_LABEL' or moves.task_key is not null
    group by data_rows.task_key, data_rows.data_row_created_at

),

mapped as (

    select
        task_key,
        'task_created' as event_type,
        data_row_created_at as occurred_at,
        0 as sub_order,
        null::string as actor,
        null::string as task_name,
        null::string as annotation_key,
        null::double as duration_s,
        null::string as labels,
        null::integer as object_count,
        null::integer as vertex_count,
        task_key as event_discriminator
    from data_rows
    where data_row_created_at is not null

    union all

    select
        task_key,
        'stage_entered' as event_type,
        entered_at as occurred_at,
        1 as sub_order,
        null as actor,
        '{{ var("labelbox_first_task") }}' as task_name,
        null as annotation_key,
        null as duration_s,
        null as labels,
        null as object_count,
        null as vertex_count,
        'first' as event_discriminator
    from first_visits
    where entered_at is not null

    union all

    select
        task_key,
        case when skipped then 'annotation_skipped' else 'annotation_submitted' end
            as event_type,
        created_at as occurred_at,
        2 as sub_order,
        created_by as actor,
        '{{ var("labelbox_first_task") }}' as task_name,
        annotation_key,
        seconds_to_create as duration_s,
        labels,
        object_count,
        vertex_count,
        label_id as event_discriminator
    from labels

    union all

    -- A move leaves one task and enters the next: two events.
    {% for event_type, sub_order, task_column in [
        ('stage_left', 3, 'previous_task_name'), ('stage_entered', 5, 'next_task_name')
    ] %}
        select
            moves.task_key,
            '{{ event_type }}' as event_type,
            moves.acted_at as occurred_at,
            {{ sub_order }} as sub_order,
            moves.actor,
            moves.{{ task_column }} as task_name,
            null as annotation_key,
            null as duration_s,
            null as labels,
            null as object_count,
            null as vertex_count,
            moves.step_key as event_discriminator
        from moves
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

    union all

    select
        decisions.task_key,
        case decisions.action
            when 'Approve' then 'review_accepted' else 'review_rejected'
        end as event_type,
        decisions.acted_at as occurred_at,
        4 as sub_order,
        decisions.actor,
        'review' as task_name,
        decisions.annotation_key,
        case when decisions.decisions_on_task = 1 then labels.seconds_to_review end
            as duration_s,
        null as labels,
        null as object_count,
        null as vertex_count,
        decisions.step_key as event_discriminator
    from decisions
    left join labels using (annotation_key)

),

kept as (

    -- Moving to the done task leaves the last stage; nothing is entered.
    select *
    from mapped
    where not (event_type = 'stage_entered' and task_name = '{{ var("labelbox_done_task") }}')

),

final as (

    select
        kept.task_key || ':' || kept.event_type || ':' || kept.event_discriminator as event_key,
        'labelbox' as source_system,
        null::string as event_id,
        kept.event_type,
        kept.occurred_at,
        row_number() over (
            partition by kept.task_key
            order by kept.occurred_at, kept.sub_order, kept.event_discriminator
        ) as event_order,
        'labelbox' as source_tool,
        data_rows.project_key,
        data_rows.project_id,
        kept.task_key,
        kept.annotation_key,
        kept.actor,
        case
            when kept.event_type like 'annotation_%' then 'annotator'
            when kept.event_type like 'review_%' then 'reviewer'
        end as actor_role,
        case kept.task_name
            {% for task_name in stage_names -%}
                when '{{ task_name }}' then '{{ stage_names[task_name] }}'
            {% endfor -%}
            else lower(kept.task_name)
        end as stage,
        kept.duration_s,
        kept.labels,
        kept.object_count,
        kept.vertex_count,
        null::string as issue_key,
        null::string as issue_tag,
        null::string as issue_text,
        null::string as guideline_version,
        false as is_ground_truth,
        null::double as confidence,
        data_rows.source_file,
        data_rows.source_record_number as record_number
    from kept
    inner join data_rows using (task_key)

)

select * from final
