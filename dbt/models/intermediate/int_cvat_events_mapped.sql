-- CVAT's events log in the warehouse's event vocabulary, one CVAT job being one task with one
-- annotation (CVAT records no author per object: a job is the unit someone is assigned, works
-- on, submits and has validated). What becomes what:
--   create:job                                 -> task_created
--   the job's first event, each stage change   -> stage_left (old stage), stage_entered (new);
--                                                 an export window that opens on a stage
--                                                 change has no visit of the stage it left
--   the author's first work in annotation      -> annotation_started (a job never submitted
--                                                 has no annotation: its work is stage work)
--   the annotation round's end (state set to completed in the annotation stage, or the job
--   leaving it, whichever comes first)         -> annotation_submitted
--   send:working_time (CVAT's estimate, ms)    -> annotation_updated with its seconds when the
--                                                 author's on a job submitted at least once
--                                                 (lead time), else work_logged (stage work
--                                                 only: someone else's, or a job in progress)
--   shapes / tracks / tags saved by another    -> annotation_updated (a correction), one per
--   user than the author                          request
--   state set to rejected                      -> review_rejected
--   stage validation -> acceptance             -> review_accepted
--   create:issue / update:issue resolved=True  -> issue_raised (text: its first comment) /
--                                                 issue_resolved; later comments comment_added.
--                                                 CVAT's resolution row does not name the issue:
--                                                 a job's k-th resolution resolves its k-th issue
-- The author is the first to save annotations in the annotation stage, else the job's assignee
-- in the last jobs dump, else the first to log working time in the annotation stage. A user is
-- named by the identities seed, else by email, else by username.
-- Working time is placed at its end (CVAT stamps it with the first client event it covers),
-- as the event log's durations end at their event. Stage names follow var cvat_stage_names.
{% set stage_names = var('cvat_stage_names') %}
{% set annotation_save -%}
    {{ matches_regex("scope", "'^(create|update|delete):(shapes|tracks|tags)$'") }}
{%- endset %}
{% set project_key -%}
    'cvat:' || {{ instance_prefix('jobs.instance') }}
    || coalesce(jobs.project_id::string, 'task-' || jobs.task_id::string)
{%- endset %}
{% set task_key -%}
    {{ project_key }} || ':job-' || jobs.job_number::string
{%- endset %}
{% set issue_key_prefix -%}
    'cvat:' || {{ instance_prefix('events.instance') }} || 'issue-'
{%- endset %}
{% set is_lead_time -%}
    (coalesce(with_author.actor = with_author.author, false) and submitted_jobs.job_id is not null)
{%- endset %}
with

people as (

    select
        user_id,
        actor as person
    from {{ ref('int_cvat_users_resolved') }}

),

events as (

    -- job_id and user_id are the instance-scoped references from here on.
    select
        {{ star_except('events', ['job_id', 'user_id']) }},
        events.job_ref as job_id,
        events.user_ref as user_id,
        events.job_id as job_number,
        coalesce(people.person, events.user_name) as actor,
        row_number() over (
            partition by events.job_ref
            order by events.occurred_at, events.source_file, events.record_number
        ) as job_event_order,
        events.scope = 'update:job' and events.obj_name = 'stage' as is_stage_change
    from {{ ref('stg_cvat__events') }} as events
    left join people on events.user_ref = people.user_id
    where events.job_ref is not null

),

initial_stages as (

    -- The stage a job starts in: as created, else the old value of its first stage change,
    -- else annotation (where CVAT creates every job).
    select
        job_id,
        coalesce(
            min_by({{ json_text('payload', "'$.stage'") }}, job_event_order)
            filter (where scope = 'create:job'),
            min_by(old_value, job_event_order) filter (where is_stage_change),
            'annotation'
        ) as initial_stage
    from events
    group by job_id

),

staged as (

    -- Each event with the job's stage at that moment and the stage visit (segment) it is in.
    select
        events.*,
        coalesce(
            {{ last_non_null(
                'case when events.is_stage_change then events.obj_val end', 'job_so_far'
            ) }},
            initial_stages.initial_stage
        ) as job_stage,
        count(*) filter (where events.is_stage_change) over job_so_far as stage_segment
    from events
    inner join initial_stages using (job_id)
    window job_so_far as (
        partition by events.job_id
        order by events.job_event_order
        rows between unbounded preceding and current row
    )

),

jobs as (

    select
        job_id,
        any_value(instance) as instance,
        any_value(job_number) as job_number,
        any_value(project_id) as project_id,
        any_value(task_id) as task_id
    from staged
    group by job_id

),

author_candidates as (

    select
        job_id,
        actor,
        1 as priority,
        job_event_order as rank_in_priority
    from staged
    where job_stage = 'annotation' and {{ annotation_save }}
    union all
    select
        dumped.job_ref as job_id,
        coalesce(people.person, dumped.assignee_username) as actor,
        2 as priority,
        0 as rank_in_priority
    from {{ ref('stg_cvat__jobs') }} as dumped
    left join people on dumped.assignee_ref = people.user_id
    where dumped.assignee_id is not null
    union all
    select
        job_id,
        actor,
        3 as priority,
        job_event_order as rank_in_priority
    from staged
    where job_stage = 'annotation' and scope = 'send:working_time'

),

authors as (

    select
        job_id,
        min_by(actor, {{ ordering_key(['priority', 'rank_in_priority']) }}) as author
    from author_candidates
    group by job_id

),

with_author as (

    select
        staged.*,
        authors.author
    from staged
    left join authors using (job_id)

),

submissions as (

    -- One per visit to the annotation stage that ended: the state set to completed in it, or
    -- the stage change that left it, whichever came first.
    select
        job_id,
        stage_segment,
        min_by(occurred_at, job_event_order) as occurred_at,
        min_by(source_file, job_event_order) as source_file,
        min_by(record_number, job_event_order) as record_number
    from (
        select
            job_id,
            stage_segment,
            job_event_order,
            occurred_at,
            source_file,
            record_number
        from with_author
        where
            job_stage = 'annotation'
            and scope = 'update:job' and obj_name = 'state' and obj_val = 'completed'
        union all
        select
            job_id,
            stage_segment - 1 as stage_segment,
            job_event_order,
            occurred_at,
            source_file,
            record_number
        from with_author
        where is_stage_change and old_value = 'annotation'
    ) as candidates
    group by job_id, stage_segment

),

submitted_jobs as (

    select distinct job_id from submissions

),

raised_issues as (

    select
        job_id,
        obj_id as issue_id,
        row_number() over (partition by job_id order by job_event_order) as issue_rank
    from with_author
    where scope = 'create:issue'

),

resolutions as (

    select
        job_id,
        job_event_order,
        row_number() over (partition by job_id order by job_event_order) as issue_rank
    from with_author
    where scope = 'update:issue' and obj_name = 'resolved' and obj_val = 'True'

),

first_comments as (

    -- An issue's comments are on its job (ids of one server: the job is scoped by instance).
    select
        job_id,
        {{ json_text('payload', "'$.issue'") }}::bigint as issue_id,
        min_by(obj_name, job_event_order) as issue_text,
        min(job_event_order) as first_comment_order
    from with_author
    where scope = 'create:comment'
    group by all

),

mapped as (

    select
        job_id,
        'task_created' as event_type,
        occurred_at,
        0 as sub_order,
        actor,
        job_stage,
        null::double as duration_s,
        null::integer as object_count,
        false as is_annotation_event,
        null::string as issue_key,
        null::string as issue_text,
        source_file,
        record_number
    from with_author
    where scope = 'create:job'

    union all

    -- The first visit, from the job's first event; then one visit per stage change.
    select
        job_id,
        'stage_entered' as event_type,
        occurred_at,
        2 as sub_order,
        actor,
        job_stage,
        null as duration_s,
        null as object_count,
        false as is_annotation_event,
        null as issue_key,
        null as issue_text,
        source_file,
        record_number
    from with_author
    where job_event_order = 1 and not is_stage_change

    union all

    -- A job whose export window opens on a stage change entered the stage it leaves before
    -- the window: that visit is unknown, so it is not left either.
    select
        job_id,
        'stage_left' as event_type,
        occurred_at,
        1 as sub_order,
        actor,
        old_value as job_stage,
        null as duration_s,
        null as object_count,
        false as is_annotation_event,
        null as issue_key,
        null as issue_text,
        source_file,
        record_number
    from with_author
    where is_stage_change and job_event_order > 1

    union all

    select
        job_id,
        'stage_entered' as event_type,
        occurred_at,
        2 as sub_order,
        actor,
        obj_val as job_stage,
        null as duration_s,
        null as object_count,
        false as is_annotation_event,
        null as issue_key,
        null as issue_text,
        source_file,
        record_number
    from with_author
    where is_stage_change

    union all

    select
        job_id,
        'annotation_started' as event_type,
        min(occurred_at) as occurred_at,
        3 as sub_order,
        any_value(author) as actor,
        'annotation' as job_stage,
        null as duration_s,
        null as object_count,
        true as is_annotation_event,
        null as issue_key,
        null as issue_text,
        min_by(source_file, job_event_order) as source_file,
        min_by(record_number, job_event_order) as record_number
    from with_author
    where
        actor = author and job_stage = 'annotation'
        and ({{ annotation_save }} or scope = 'send:working_time')
    group by job_id

    union all

    select
        submissions.job_id,
        'annotation_submitted' as event_type,
        submissions.occurred_at,
        4 as sub_order,
        authors.author as actor,
        'annotation' as job_stage,
        null as duration_s,
        null as object_count,
        true as is_annotation_event,
        null as issue_key,
        null as issue_text,
        submissions.source_file,
        submissions.record_number
    from submissions
    inner join authors using (job_id)

    union all

    select
        with_author.job_id,
        case
            when {{ is_lead_time }} then 'annotation_updated' else 'work_logged'
        end as event_type,
        with_author.occurred_at
        + {{ milliseconds_interval('(with_author.duration_s * 1000)::bigint') }}
            as occurred_at,
        4 as sub_order,
        with_author.actor,
        with_author.job_stage,
        with_author.duration_s,
        null as object_count,
        {{ is_lead_time }} as is_annotation_event,
        null as issue_key,
        null as issue_text,
        with_author.source_file,
        with_author.record_number
    from with_author
    left join submitted_jobs using (job_id)
    where with_author.scope = 'send:working_time' and with_author.duration_s > 0

    union all

    -- Saves by someone other than the author, one per request (a request saving several shape
    -- types writes a row per type).
    select
        job_id,
        'annotation_updated' as event_type,
        min(occurred_at) as occurred_at,
        4 as sub_order,
        actor,
        any_value(job_stage) as job_stage,
        null as duration_s,
        sum(object_count)::integer as object_count,
        true as is_annotation_event,
        null as issue_key,
        null as issue_text,
        min(source_file) as source_file,
        min(record_number) as record_number
    from with_author
    where {{ annotation_save }} and actor is distinct from author
    group by job_id, actor, coalesce(request_id, occurred_at::string)

    union all

    select
        job_id,
        case
            when obj_name = 'state' then 'review_rejected' else 'review_accepted'
        end as event_type,
        occurred_at,
        4 as sub_order,
        actor,
        -- Decided in the stage the job was in (a stage change row carries the new one).
        case when is_stage_change then old_value else job_stage end as job_stage,
        null as duration_s,
        null as object_count,
        true as is_annotation_event,
        null as issue_key,
        null as issue_text,
        source_file,
        record_number
    from with_author
    where
        scope = 'update:job'
        and (
            (obj_name = 'state' and obj_val = 'rejected')
            or (is_stage_change and old_value = 'validation' and obj_val = 'acceptance')
        )

    union all

    select
        events.job_id,
        case
            when events.scope = 'create:issue' then 'issue_raised'
            when events.scope = 'update:issue' then 'issue_resolved'
            else 'comment_added'
        end as event_type,
        events.occurred_at,
        4 as sub_order,
        events.actor,
        events.job_stage,
        null as duration_s,
        null as object_count,
        false as is_annotation_event,
        case
            when events.scope = 'create:issue'
                then {{ issue_key_prefix }} || events.obj_id::string
            when events.scope = 'update:issue'
                then {{ issue_key_prefix }} || raised_issues.issue_id::string
        end as issue_key,
        case
            when events.scope = 'create:issue' then first_comments.issue_text
            when events.scope = 'create:comment' then events.obj_name
        end as issue_text,
        events.source_file,
        events.record_number
    from with_author as events
    left join first_comments
        on
            events.scope = 'create:issue'
            and events.job_id = first_comments.job_id
            and events.obj_id = first_comments.issue_id
    left join resolutions
        on
            events.scope = 'update:issue'
            and events.job_id = resolutions.job_id
            and events.job_event_order = resolutions.job_event_order
    left join raised_issues
        on
            resolutions.job_id = raised_issues.job_id
            and resolutions.issue_rank = raised_issues.issue_rank
    where
        events.scope = 'create:issue'
        or (
            events.scope = 'update:issue'
            and events.obj_name = 'resolved'
            and events.obj_val = 'True'
        )
        or (
            events.scope = 'create:comment'
            and events.job_event_order > (
                select min(first.first_comment_order)
                from first_comments as first
                where
                    first.job_id = events.job_id
                    and first.issue_id = {{ json_text('events.payload', "'$.issue'") }}::bigint
            )
        )

),

final as (

    select
        'cvat:' || mapped.source_file || ':' || mapped.record_number::string || ':'
        || mapped.event_type as event_key,
        'cvat' as source_system,
        null::string as event_id,
        mapped.event_type,
        mapped.occurred_at,
        row_number() over (
            partition by mapped.job_id
            order by mapped.occurred_at, mapped.source_file, mapped.record_number, mapped.sub_order
        ) as event_order,
        'cvat' as source_tool,
        {{ project_key }} as project_key,
        {{ instance_prefix('jobs.instance') }}
        || coalesce(jobs.project_id::string, 'task-' || jobs.task_id::string) as project_id,
        {{ task_key }} as task_key,
        -- One annotation per job once submitted (its key is the task's): until then, as a draft
        -- in Label Studio, the work is the stage's but no annotation.
        case
            when mapped.is_annotation_event and submitted_jobs.job_id is not null
                then {{ task_key }}
        end as annotation_key,
        mapped.actor,
        case
            when mapped.actor = authors.author then 'annotator'
            when mapped.job_stage in ('validation', 'acceptance') then 'reviewer'
        end as actor_role,
        case mapped.job_stage
            {% for cvat_stage in stage_names -%}
                when '{{ cvat_stage }}' then '{{ stage_names[cvat_stage] }}'
            {% endfor -%}
            else mapped.job_stage
        end as stage,
        mapped.duration_s,
        null::string as labels,
        mapped.object_count,
        null::integer as vertex_count,
        mapped.issue_key,
        null::string as issue_tag,
        mapped.issue_text,
        null::string as guideline_version,
        false as is_ground_truth,
        null::double as confidence,
        mapped.source_file,
        mapped.record_number
    from mapped
    inner join jobs using (job_id)
    left join authors using (job_id)
    left join submitted_jobs using (job_id)

)

select * from final
