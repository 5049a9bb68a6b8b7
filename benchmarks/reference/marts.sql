-- Bare-DuckDB reference, part 2: every dbt SQL model that reads no statistics mart,
-- as one plain table, in dependency order
-- (rendered by dagster_project/lib/bench/reference_sql.py from dbt's full-build SQL;
-- re-render after changing a model)

-- models/intermediate/int_identities_normalised.sql
create or replace table intermediate.int_identities_normalised as (
-- The identities seed with emails compared as the warehouse compares them (lowercased), so a
-- row matches however the tool or the seed's author capitalised them.
select
    source_system,
    case when tool_user like '%@%' then lower(trim(tool_user)) else tool_user end as tool_user,
    case when person like '%@%' then lower(trim(person)) else person end as person
from seeds.identities
);

-- models/staging/cvat/stg_cvat__events.sql
create or replace table staging.stg_cvat__events as (
-- CVAT's events log, one row per event: rows repeated by exports whose time windows overlap
-- are kept once (every field equal; a server event's payload names its request), the acting
-- user's email lowercased, the payload's old value and request id read out.
with

source as (

    select
        *,
        -- Ids are unique within one CVAT server (landing_instance).
        coalesce(regexp_extract(_source_file, '(^|/)instance=([^/]+)/', 2), '') as instance,
        -- A job's own create / delete rows name it in obj_id.
        case
            when scope in ('create:job', 'delete:job') then coalesce(job_id, obj_id)
            else job_id
        end as job_number
    from raw.cvat_events

),

deduplicated as (

    select *
    from source
    qualify row_number() over (
        partition by
            instance, scope, obj_name, obj_id, obj_val, source, occurred_at, count, duration_ms,
            project_id, task_id, job_id, user_id, payload
        order by _source_file, _record_number
    ) = 1

),

renamed as (

    select
        'cvat:' || _source_file || ':' || _record_number::string as cvat_event_key,
        scope,
        obj_name,
        obj_id,
        obj_val,
        source as event_source,
        occurred_at,
        count as object_count,
        duration_ms / 1000.0 as duration_s,
        project_id,
        task_id,
        job_number as job_id,
        user_id,
        instance,
        -- Scoped references: the same id on two servers is two users, two jobs.
        case when instance = '' then '' else instance || '/' end || user_id::string as user_ref,
        case when instance = '' then '' else instance || '/' end || job_number::string as job_ref,
        user_name,
        lower(nullif(trim(user_email), '')) as user_email,
        org_id,
        payload,
        json_extract_string(payload, '$.old_value') as old_value,
        json_extract_string(payload, '$.request.id') as request_id,
        _source_file as source_file,
        _record_number as record_number
    from deduplicated

)

select * from renamed
);

-- models/staging/cvat/stg_cvat__users.sql
create or replace table staging.stg_cvat__users as (
-- CVAT users from REST dumps, one row per user: the copy in the last landed dump (by file
-- name, which the pull and a dated dump make chronological).
with

source as (

    select
        *,
        coalesce(regexp_extract(_source_file, '(^|/)instance=([^/]+)/', 2), '') as instance
    from raw.cvat_users

),

latest as (

    select *
    from source
    qualify row_number() over (
        partition by instance, user_id
        order by _source_file desc, _record_number desc
    ) = 1

),

renamed as (

    select
        user_id,
        case when instance = '' then '' else instance || '/' end || user_id::string as user_ref,
        username,
        lower(nullif(trim(email), '')) as email,
        first_name,
        last_name
    from latest

)

select * from renamed
);

-- models/intermediate/int_cvat_users_resolved.sql
create or replace table intermediate.int_cvat_users_resolved as (
-- CVAT user (instance-scoped reference) -> the identity the warehouse shows: the identities
-- seed's person for their username or email, else their email (from any event row or the users
-- dump), else their username, else the reference itself.
with

users_seen as (

    select
        user_ref as user_id,
        user_name as username,
        user_email as email
    from staging.stg_cvat__events
    where user_ref is not null
    union all
    select
        user_ref as user_id,
        username,
        email
    from staging.stg_cvat__users

),

user_names as (

    select
        user_id,
        min(email) as email,
        min(username) as username
    from users_seen
    group by user_id

),

identities as (

    select
        tool_user,
        person
    from intermediate.int_identities_normalised
    where source_system = 'cvat'

),

people as (

    select
        user_names.user_id,
        user_names.username,
        coalesce(
            by_name.person,
            by_email.person,
            user_names.email,
            user_names.username,
            user_names.user_id
        ) as actor
    from user_names
    left join identities as by_name on user_names.username = by_name.tool_user
    left join identities as by_email on user_names.email = by_email.tool_user

)

select * from people
);

-- models/staging/cvat/stg_cvat__jobs.sql
create or replace table staging.stg_cvat__jobs as (
-- CVAT jobs from REST dumps, one row per job: the copy in the last landed dump (by file
-- name), i.e. each job's assignee, stage and state when that dump was taken.
with

source as (

    select
        *,
        coalesce(regexp_extract(_source_file, '(^|/)instance=([^/]+)/', 2), '') as instance
    from raw.cvat_jobs

),

latest as (

    select *
    from source
    qualify row_number() over (
        partition by instance, job_id
        order by _source_file desc, _record_number desc
    ) = 1

),

renamed as (

    select
        job_id,
        case when instance = '' then '' else instance || '/' end || job_id::string as job_ref,
        task_id,
        project_id,
        assignee_id,
        case when instance = '' then '' else instance || '/' end || assignee_id::string
            as assignee_ref,
        assignee_username,
        stage,
        state,
        frame_count,
        created_date as created_at,
        updated_date as updated_at
    from latest

)

select * from renamed
);

-- models/intermediate/int_cvat_events_mapped.sql
create or replace table intermediate.int_cvat_events_mapped as (
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






with

people as (

    select
        user_id,
        actor as person
    from intermediate.int_cvat_users_resolved

),

events as (

    -- job_id and user_id are the instance-scoped references from here on.
    select
        events.* exclude (job_id, user_id),
        events.job_ref as job_id,
        events.user_ref as user_id,
        events.job_id as job_number,
        coalesce(people.person, events.user_name) as actor,
        row_number() over (
            partition by events.job_ref
            order by events.occurred_at, events.source_file, events.record_number
        ) as job_event_order,
        events.scope = 'update:job' and events.obj_name = 'stage' as is_stage_change
    from staging.stg_cvat__events as events
    left join people on events.user_ref = people.user_id
    where events.job_ref is not null

),

initial_stages as (

    -- The stage a job starts in: as created, else the old value of its first stage change,
    -- else annotation (where CVAT creates every job).
    select
        job_id,
        coalesce(
            min_by(json_extract_string(payload, '$.stage'), job_event_order)
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
            last_value(case when events.is_stage_change then events.obj_val end ignore nulls) over job_so_far,
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
    where job_stage = 'annotation' and regexp_matches(scope, '^(create|update|delete):(shapes|tracks|tags)$')
    union all
    select
        dumped.job_ref as job_id,
        coalesce(people.person, dumped.assignee_username) as actor,
        2 as priority,
        0 as rank_in_priority
    from staging.stg_cvat__jobs as dumped
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
        min_by(actor, (priority, rank_in_priority)) as author
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
        json_extract_string(payload, '$.issue')::bigint as issue_id,
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
        and (regexp_matches(scope, '^(create|update|delete):(shapes|tracks|tags)$') or scope = 'send:working_time')
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
            when (coalesce(with_author.actor = with_author.author, false) and submitted_jobs.job_id is not null) then 'annotation_updated' else 'work_logged'
        end as event_type,
        with_author.occurred_at
        + to_milliseconds((with_author.duration_s * 1000)::bigint)
            as occurred_at,
        4 as sub_order,
        with_author.actor,
        with_author.job_stage,
        with_author.duration_s,
        null as object_count,
        (coalesce(with_author.actor = with_author.author, false) and submitted_jobs.job_id is not null) as is_annotation_event,
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
    where regexp_matches(scope, '^(create|update|delete):(shapes|tracks|tags)$') and actor is distinct from author
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
                then 'cvat:' || case when events.instance = '' then '' else events.instance || '/' end || 'issue-' || events.obj_id::string
            when events.scope = 'update:issue'
                then 'cvat:' || case when events.instance = '' then '' else events.instance || '/' end || 'issue-' || raised_issues.issue_id::string
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
                    and first.issue_id = json_extract_string(events.payload, '$.issue')::bigint
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
        'cvat:' || case when jobs.instance = '' then '' else jobs.instance || '/' end
    || coalesce(jobs.project_id::string, 'task-' || jobs.task_id::string) as project_key,
        case when jobs.instance = '' then '' else jobs.instance || '/' end
        || coalesce(jobs.project_id::string, 'task-' || jobs.task_id::string) as project_id,
        'cvat:' || case when jobs.instance = '' then '' else jobs.instance || '/' end
    || coalesce(jobs.project_id::string, 'task-' || jobs.task_id::string) || ':job-' || jobs.job_number::string as task_key,
        -- One annotation per job once submitted (its key is the task's): until then, as a draft
        -- in Label Studio, the work is the stage's but no annotation.
        case
            when mapped.is_annotation_event and submitted_jobs.job_id is not null
                then 'cvat:' || case when jobs.instance = '' then '' else jobs.instance || '/' end
    || coalesce(jobs.project_id::string, 'task-' || jobs.task_id::string) || ':job-' || jobs.job_number::string
        end as annotation_key,
        mapped.actor,
        case
            when mapped.actor = authors.author then 'annotator'
            when mapped.job_stage in ('validation', 'acceptance') then 'reviewer'
        end as actor_role,
        case mapped.job_stage
            when 'annotation' then 'annotate'
            when 'validation' then 'review'
            when 'acceptance' then 'acceptance'
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
);

-- models/staging/encord/stg_encord__label_rows.sql
create or replace table staging.stg_encord__label_rows as (
-- Encord label rows, one per label row: the copy in the last landed export (by file name). The
-- project is the folder the export landed in (landing/<tool folder>/<project>/labels.json),
-- else the file's name: label rows do not name their project.
with

source as (

    select
        *,
        coalesce(
            nullif(regexp_extract(_source_file, '([^/]+)/[^/]+$', 1), ''),
            parse_filename(_source_file, true)
        ) as project_id
    from raw.encord_label_rows

),

latest as (

    select *
    from source
    qualify row_number() over (
        partition by project_id, label_hash order by _source_file desc, _record_number desc
    ) = 1

),

renamed as (

    select
        'encord:' || project_id || ':' || data_hash as task_key,
        'encord:' || project_id as project_key,
        project_id,
        label_hash,
        data_hash,
        data_title,
        data_type,
        dataset_title,
        created_at,
        last_edited_at,
        label_status,
        annotation_task_status,
        _source_file as source_file,
        _record_number as source_record_number
    from latest

)

select * from renamed
);

-- models/staging/encord/stg_encord__objects.sql
create or replace table staging.stg_encord__objects as (
-- Encord object and classification instances from the kept copy of their label row, one row
-- per instance (an object on several video frames is one instance, at its first frame).
with

source as (

    select * from raw.encord_objects

),

label_rows as (

    select
        label_hash,
        task_key,
        project_key,
        source_file,
        source_record_number
    from staging.stg_encord__label_rows

),

instances as (

    select source.*
    from source
    qualify row_number() over (
        partition by source._source_file, source._record_number, source.instance_hash
        order by try_cast(nullif(source.frame, '') as integer) nulls first
    ) = 1

),

renamed as (

    select
        label_rows.task_key || ':' || instances.instance_hash as instance_key,
        label_rows.task_key,
        label_rows.project_key,
        instances.label_hash,
        instances.instance_hash,
        instances.kind,
        instances.name as class_name,
        instances.shape,
        case when instances.created_by like '%@%' then lower(trim(instances.created_by)) else instances.created_by end as created_by,
        instances.created_at,
        case when instances.last_edited_by like '%@%' then lower(trim(instances.last_edited_by)) else instances.last_edited_by end as last_edited_by,
        instances.last_edited_at,
        instances.confidence,
        instances.vertex_count,
        instances._source_file as source_file,
        instances._record_number as record_number
    from instances
    inner join label_rows
        on
            instances.label_hash = label_rows.label_hash
            and instances._source_file = label_rows.source_file
            and instances._record_number = label_rows.source_record_number

)

select * from renamed
);

-- models/staging/encord/stg_encord__reviews.sql
create or replace table staging.stg_encord__reviews as (
-- Encord legacy object reviews from the kept copy of their label row, one per review id (a
-- later review round repeats the id: its latest state is kept).
with

source as (

    select * from raw.encord_reviews

),

objects as (

    select
        label_hash,
        instance_hash,
        instance_key,
        task_key,
        source_file,
        record_number
    from staging.stg_encord__objects

),

latest as (

    select source.*
    from source
    qualify row_number() over (
        partition by
            source._source_file, source._record_number, source.instance_hash,
            coalesce(source.review_id, source.review_position::string)
        order by source.reviewed_at desc nulls last, source.review_position desc
    ) = 1

),

renamed as (

    select
        objects.instance_key || ':review-'
        || coalesce(latest.review_id, latest.review_position::string) as review_key,
        objects.instance_key,
        objects.task_key,
        case when latest.reviewer like '%@%' then lower(trim(latest.reviewer)) else latest.reviewer end as reviewer,
        latest.approved,
        latest.comment,
        latest.reviewed_at,
        latest._source_file as source_file,
        latest._record_number as record_number
    from latest
    inner join objects
        on
            latest.label_hash = objects.label_hash
            and latest.instance_hash = objects.instance_hash
            and latest._source_file = objects.source_file
            and latest._record_number = objects.record_number

)

select * from renamed
);

-- models/intermediate/int_encord_events_mapped.sql
create or replace table intermediate.int_encord_events_mapped as (
-- Encord label rows in the warehouse's event vocabulary: a data unit in a project is a task;
-- the objects and classifications one person created in a label row are their annotation
-- (Encord names an author per object, not per label row). What becomes what:
--   label row created_at                       -> task_created
--   a person's instances in a label row        -> annotation_submitted at their last createdAt,
--                                                 with the instances as labels; no lead time
--                                                 (label rows carry none)
--   lastEditedBy other than createdBy          -> annotation_updated (a correction) of the
--                                                 creator's annotation at lastEditedAt
--   a legacy object review, approved or not    -> review_accepted / review_rejected of the
--                                                 object's annotation; a rejection's comment is
--                                                 also an issue

with

label_rows as (

    select * from staging.stg_encord__label_rows

),

objects as (

    select
        *,
        task_key || ':' || label_hash || ':' || created_by as annotation_key
    from staging.stg_encord__objects
    where created_by is not null

),

annotations as (

    select
        annotation_key,
        task_key,
        any_value(created_by) as annotator,
        max(created_at) as completed_at,
        count(*) as object_count,
        sum(vertex_count) as vertex_count,
        to_json(
        list(
            { 'class': class_name, 'shape': shape, 'vertices': vertex_count }
            order by created_at, instance_hash
        )
    )::string
            as labels
    from objects
    group by annotation_key, task_key

),

reviews as (

    select
        reviews.*,
        objects.annotation_key
    from staging.stg_encord__reviews as reviews
    inner join objects using (instance_key)

),

tasks as (

    select
        task_key,
        any_value(project_key) as project_key,
        any_value(project_id) as project_id,
        min(source_file) as source_file,
        min(source_record_number) as source_record_number
    from label_rows
    group by task_key

),

mapped as (

    select
        task_key,
        'task_created' as event_type,
        created_at as occurred_at,
        0 as sub_order,
        null::string as actor,
        null::string as annotation_key,
        null::string as labels,
        null::bigint as object_count,
        null::bigint as vertex_count,
        null::string as issue_key,
        null::string as issue_text,
        label_hash as event_discriminator
    from label_rows
    where created_at is not null

    union all

    select
        task_key,
        'annotation_submitted' as event_type,
        completed_at as occurred_at,
        1 as sub_order,
        annotator as actor,
        annotation_key,
        labels,
        object_count,
        vertex_count,
        null as issue_key,
        null as issue_text,
        annotation_key as event_discriminator
    from annotations

    union all

    select
        task_key,
        'annotation_updated' as event_type,
        last_edited_at as occurred_at,
        2 as sub_order,
        last_edited_by as actor,
        annotation_key,
        null as labels,
        null as object_count,
        null as vertex_count,
        null as issue_key,
        null as issue_text,
        instance_key as event_discriminator
    from objects
    where last_edited_by is not null and last_edited_by <> created_by

    union all

    select
        task_key,
        case when approved then 'review_accepted' else 'review_rejected' end as event_type,
        reviewed_at as occurred_at,
        3 as sub_order,
        reviewer as actor,
        annotation_key,
        null as labels,
        null as object_count,
        null as vertex_count,
        null as issue_key,
        null as issue_text,
        review_key as event_discriminator
    from reviews
    where approved is not null

    union all

    select
        task_key,
        'issue_raised' as event_type,
        reviewed_at as occurred_at,
        4 as sub_order,
        reviewer as actor,
        annotation_key,
        null as labels,
        null as object_count,
        null as vertex_count,
        review_key as issue_key,
        trim(comment, ' ' || chr(9) || chr(10) || chr(13)) as issue_text,
        review_key as event_discriminator
    from reviews
    where not approved and nullif(trim(comment, ' ' || chr(9) || chr(10) || chr(13)), '') is not null

),

final as (

    select
        mapped.task_key || ':' || mapped.event_type || ':' || mapped.event_discriminator
            as event_key,
        'encord' as source_system,
        null::string as event_id,
        mapped.event_type,
        mapped.occurred_at,
        row_number() over (
            partition by mapped.task_key
            order by mapped.occurred_at, mapped.sub_order, mapped.event_discriminator
        ) as event_order,
        'encord' as source_tool,
        tasks.project_key,
        tasks.project_id,
        mapped.task_key,
        mapped.annotation_key,
        mapped.actor,
        case
            when mapped.event_type like 'annotation_submitted' then 'annotator'
            when mapped.event_type like 'review_%' then 'reviewer'
        end as actor_role,
        case when mapped.event_type like 'annotation_%' then 'annotate' end as stage,
        null::double as duration_s,
        mapped.labels,
        mapped.object_count::integer as object_count,
        mapped.vertex_count::integer as vertex_count,
        mapped.issue_key,
        null::string as issue_tag,
        mapped.issue_text,
        null::string as guideline_version,
        false as is_ground_truth,
        null::double as confidence,
        tasks.source_file,
        tasks.source_record_number as record_number
    from mapped
    inner join tasks using (task_key)

)

select * from final
);

-- models/staging/labelbox/stg_labelbox__data_rows.sql
create or replace table staging.stg_labelbox__data_rows as (
-- Labelbox data rows, one per project and data row: the copy in the last landed export (by
-- file name), which replaces what earlier exports said of it.
with

source as (

    select * from raw.labelbox_data_rows

),

latest as (

    select *
    from source
    qualify row_number() over (
        partition by project_id, data_row_id order by _source_file desc, _record_number desc
    ) = 1

),

renamed as (

    select
        'labelbox:' || project_id || ':' || data_row_id as task_key,
        'labelbox:' || project_id as project_key,
        project_id,
        project_name,
        data_row_id,
        global_key,
        external_id,
        dataset_name,
        data_row_created_at,
        workflow_status,
        task_name,
        batch_name,
        selected_label_id,
        label_count,
        _source_file as source_file,
        _record_number as source_record_number
    from latest

)

select * from renamed
);

-- models/staging/labelbox/stg_labelbox__labels.sql
create or replace table staging.stg_labelbox__labels as (
-- Labelbox labels, one per label, from the same export copy of their data row that
-- stg_labelbox__data_rows keeps (a label gone from a newer export is gone).
with

source as (

    select * from raw.labelbox_labels

),

data_rows as (

    select
        project_id,
        data_row_id,
        task_key,
        project_key,
        source_file,
        source_record_number
    from staging.stg_labelbox__data_rows

),

renamed as (

    select
        data_rows.project_key || ':' || source.label_id as annotation_key,
        data_rows.task_key,
        data_rows.project_key,
        source.label_id,
        source.data_row_id,
        source.project_id,
        case when source.created_by like '%@%' then lower(trim(source.created_by)) else source.created_by end as created_by,
        source.created_at,
        source.updated_at,
        source.content_last_updated_at,
        source.seconds_to_create,
        source.seconds_to_review,
        coalesce(source.skipped, false) as skipped,
        source.consensus_score,
        source.benchmark_score,
        source.labels,
        source.object_count,
        source.vertex_count,
        source._source_file as source_file,
        source._record_number as record_number
    from source
    inner join data_rows
        on
            source.project_id = data_rows.project_id
            and source.data_row_id = data_rows.data_row_id
            and source._source_file = data_rows.source_file
            and source._record_number = data_rows.source_record_number

)

select * from renamed
);

-- models/staging/labelbox/stg_labelbox__workflow_history.sql
create or replace table staging.stg_labelbox__workflow_history as (
-- Labelbox workflow history, one row per step of a data row (from the kept export copy), in
-- time order: Labelbox lists the steps newest first, so equal times keep that order reversed.
with

source as (

    select * from raw.labelbox_workflow_history

),

data_rows as (

    select
        project_id,
        data_row_id,
        task_key,
        project_key,
        source_file,
        source_record_number
    from staging.stg_labelbox__data_rows

),

renamed as (

    select
        data_rows.task_key || ':step-' || source.history_position::string as step_key,
        data_rows.task_key,
        data_rows.project_key,
        source.action,
        case when source.created_by like '%@%' then lower(trim(source.created_by)) else source.created_by end as actor,
        source.created_at as acted_at,
        source.next_task_name,
        row_number() over (
            partition by data_rows.task_key
            order by source.created_at asc, source.history_position desc
        ) as step_order,
        source._source_file as source_file,
        source._record_number as record_number
    from source
    inner join data_rows
        on
            source.project_id = data_rows.project_id
            and source.data_row_id = data_rows.data_row_id
            and source._source_file = data_rows.source_file
            and source._record_number = data_rows.source_record_number

)

select * from renamed
);

-- models/intermediate/int_labelbox_events_mapped.sql
create or replace table intermediate.int_labelbox_events_mapped as (
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

with

data_rows as (

    select * from staging.stg_labelbox__data_rows

),

labels as (

    select * from staging.stg_labelbox__labels

),

steps as (

    select * from staging.stg_labelbox__workflow_history

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
            'Initial labeling task'
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
        'Initial labeling task' as task_name,
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
        'Initial labeling task' as task_name,
        annotation_key,
        seconds_to_create as duration_s,
        labels,
        object_count,
        vertex_count,
        label_id as event_discriminator
    from labels

    union all

    -- A move leaves one task and enters the next: two events.
    
        select
            moves.task_key,
            'stage_left' as event_type,
            moves.acted_at as occurred_at,
            3 as sub_order,
            moves.actor,
            moves.previous_task_name as task_name,
            null as annotation_key,
            null as duration_s,
            null as labels,
            null as object_count,
            null as vertex_count,
            moves.step_key as event_discriminator
        from moves
        union all
    
        select
            moves.task_key,
            'stage_entered' as event_type,
            moves.acted_at as occurred_at,
            5 as sub_order,
            moves.actor,
            moves.next_task_name as task_name,
            null as annotation_key,
            null as duration_s,
            null as labels,
            null as object_count,
            null as vertex_count,
            moves.step_key as event_discriminator
        from moves
        
    

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
    where not (event_type = 'stage_entered' and task_name = 'Done')

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
            when 'Initial labeling task' then 'annotate'
            when 'Initial review task' then 'review'
            when 'Rework' then 'rework'
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
);

-- models/staging/events/stg_events__events.sql
create or replace table staging.stg_events__events as (
-- Materialised, not a view like the other staging models: seven facts read it, and as a view
-- each of them would repeat the deduplication and the ordering window over every event.
-- Incremental by task (macros/incremental_tasks.sql): a night that lands a few files rebuilds
-- only the tasks their records touch.

-- depends_on: staging.stg_events__increment_tasks

with

source as (

    select * from raw.events

),



candidates as (

    select *
    from source
    

),

duplicate_copies as (

    -- Every copy of an event_id but the first (by file, then line), ranked on three columns
    -- and removed by an anti join, so the window does not move every column of every event.
    select
        _source_file,
        _record_number
    from raw.events
    
    qualify row_number() over (
        partition by event_id order by _source_file, _record_number
    ) > 1

),

deduplicated as (

    select candidates.*
    from candidates
    anti join duplicate_copies using (_source_file, _record_number)

),

identities as (

    select
        tool_user,
        person
    from intermediate.int_identities_normalised
    where source_system = 'event_log'

),

identified as (

    -- The person an actor is, where the identities seed says (emails need no row).
    select
        deduplicated.*,
        identities.person
    from deduplicated
    left join identities on case when deduplicated.actor like '%@%' then lower(trim(deduplicated.actor)) else deduplicated.actor end = identities.tool_user

),

renamed as (

    select
        'event_log:' || event_id as event_key,
        'event_log' as source_system,
        event_id,
        event_type,
        occurred_at,
        -- Within the task, so an event landing late for one task leaves the others' as they are.
        row_number() over (
            partition by project_id, task_id order by occurred_at, _source_file, _record_number
        ) as event_order,
        source_tool,
        'event_log:' || project_id as project_key,
        project_id,
        'event_log:' || project_id || ':' || task_id as task_key,
        case
            when annotation_id is not null
                then 'event_log:' || project_id || ':' || annotation_id
        end as annotation_key,
        coalesce(person, case when actor like '%@%' then lower(trim(actor)) else actor end) as actor,
        actor_role,
        lower(stage) as stage,
        duration_s,
        labels,
        object_count,
        vertex_count,
        case when issue_id is not null then 'event_log:' || project_id || ':' || issue_id end
            as issue_key,
        lower(issue_tag) as issue_tag,
        text as issue_text,
        guideline_version,
        coalesce(is_ground_truth, false) as is_ground_truth,
        confidence,
        _source_file as source_file,
        _record_number as record_number

    from identified

)

select * from renamed
where true
);

-- models/intermediate/int_events_unioned.sql
create or replace table intermediate.int_events_unioned as (
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
        from staging.stg_events__events
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
        from intermediate.int_cvat_events_mapped
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
        from intermediate.int_labelbox_events_mapped
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
        from intermediate.int_encord_events_mapped
);

-- models/intermediate/int_event_annotations_summarised.sql
create or replace table intermediate.int_event_annotations_summarised as (
-- depends_on: staging.stg_events__increment_tasks
-- The event log folded to one row per annotation, in the same terms as Label Studio's export:
-- author, completion time, lead time, last action, cancelled, final labels.

with

events as (

    select * from intermediate.int_events_unioned
    where annotation_key is not null and true

),

authorship as (

    -- The author is whoever started, submitted or skipped the annotation first. Read from the
    -- model, not the `events` CTE: DuckDB materialises a CTE read twice, every column of every
    -- event.
    select
        annotation_key,
        min_by(actor, event_order) as author
    from intermediate.int_events_unioned
    where
        annotation_key is not null and true
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
        (sum((duration_s)::decimal(38, 6)) filter (
            where event_type in ('annotation_submitted', 'annotation_updated', 'annotation_skipped')
            and actor = author
        ))::double as lead_time_s,
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
);

-- models/staging/label_studio/stg_label_studio__annotations.sql
create or replace table staging.stg_label_studio__annotations as (
with

source as (

    select
        *,
        coalesce(regexp_extract(_source_file, '(^|/)instance=([^/]+)/', 2), '') as instance
    from raw.label_studio_annotations

),

latest_export as (

    -- The same annotation in several exports (a newer export supersedes an older one):
    -- keep the most recently updated copy.
    select *
    from source
    qualify row_number() over (
        partition by instance, annotation_id
        order by updated_at desc nulls last, _source_file desc, _record_number asc
    ) = 1

),

renamed as (

    select
        'label_studio:' || (case when instance = '' then '' else instance || '/' end || coalesce(project_id::string, 'unknown')) || ':' || annotation_id::string as annotation_key,
        'label_studio:' || (case when instance = '' then '' else instance || '/' end || coalesce(project_id::string, 'unknown')) || ':' || task_id::string as task_key,
        'label_studio:' || (case when instance = '' then '' else instance || '/' end || coalesce(project_id::string, 'unknown')) as project_key,
        annotation_id::string as annotation_id,
        -- User ids below are unique only within this instance.
        instance,
        completed_by_id,
        lower(completed_by_email) as completed_by_email,
        coalesce(
            completed_by_source, case when completed_by_id is not null then 'completed_by' end
        ) as completed_by_source,
        updated_by_id,
        result,
        was_cancelled,
        ground_truth as is_ground_truth,
        draft_created_at,
        created_at,
        updated_at,
        lead_time as lead_time_s,
        last_action,
        parent_annotation::string as parent_annotation_id,
        result_count,
        _source_file as source_file,
        _record_number as source_record_number

    from latest_export

)

select * from renamed
);

-- models/staging/label_studio/stg_label_studio__annotation_history.sql
create or replace table staging.stg_label_studio__annotation_history as (
-- Label Studio Enterprise annotation history, one row per action on an annotation, from the
-- same export copy of the annotation that stg_label_studio__annotations keeps.
with

source as (

    select * from raw.label_studio_annotation_history

),

annotations as (

    select
        annotation_id,
        annotation_key,
        task_key,
        project_key,
        instance,
        source_file,
        source_record_number
    from staging.stg_label_studio__annotations

),

renamed as (

    select
        annotations.annotation_key || ':history:'
        || coalesce(source.history_id::string, 'position-' || source.history_position::string)
            as history_key,
        annotations.annotation_key,
        annotations.task_key,
        annotations.project_key,
        annotations.instance,
        source.history_id::string as history_id,
        source.history_position,
        source.action,
        source.created_by_id as actor_id,
        lower(source.created_by_email) as actor_email,
        source.started_at,
        source.created_at as acted_at,
        source.lead_time as lead_time_s,
        source.review_id::string as review_id
    from source
    inner join annotations
        on
            source.annotation_id::string = annotations.annotation_id
            and source._source_file = annotations.source_file
            and source._record_number = annotations.source_record_number

)

select * from renamed
);

-- models/staging/label_studio/stg_label_studio__comments.sql
create or replace table staging.stg_label_studio__comments as (
-- Label Studio Enterprise comments, one row per (instance, comment id): the copy in the last
-- landed list (by file name: the pull's names carry their time). Keys as the annotations'
-- (project and task from the comment, else from its annotation).
with

source as (

    select
        *,
        coalesce(regexp_extract(_source_file, '(^|/)instance=([^/]+)/', 2), '') as instance
    from raw.label_studio_comments

),

latest as (

    select *
    from source
    qualify row_number() over (
        partition by instance, comment_id
        order by _source_file desc, _record_number desc
    ) = 1

),

annotations as (

    select
        coalesce(regexp_extract(_source_file, '(^|/)instance=([^/]+)/', 2), '') as instance,
        annotation_id,
        any_value(task_id) as task_id,
        any_value(project_id) as project_id
    from raw.label_studio_annotations
    group by all

),

renamed as (

    select
        'label_studio:' || (case when comments.instance = '' then '' else comments.instance || '/' end || coalesce(coalesce(comments.project_id, annotations.project_id)::string, 'unknown')) || ':comment:' || comments.comment_id::string
            as comment_key,
        'label_studio:' || (case when comments.instance = '' then '' else comments.instance || '/' end || coalesce(coalesce(comments.project_id, annotations.project_id)::string, 'unknown')) || ':'
        || coalesce(comments.task_id, annotations.task_id)::string as task_key,
        'label_studio:' || (case when comments.instance = '' then '' else comments.instance || '/' end || coalesce(coalesce(comments.project_id, annotations.project_id)::string, 'unknown')) as project_key,
        case
            when comments.annotation_id is not null
                then
                    'label_studio:' || (case when comments.instance = '' then '' else comments.instance || '/' end || coalesce(coalesce(comments.project_id, annotations.project_id)::string, 'unknown')) || ':' || comments.annotation_id::string
        end as annotation_key,
        comments.instance,
        comments.comment_id,
        comments.created_by_id,
        lower(comments.created_by_email) as created_by_email,
        comments.text,
        comments.is_resolved,
        comments.created_at,
        case when comments.is_resolved then comments.resolved_at end as resolved_at,
        comments._source_file as source_file,
        comments._record_number as source_record_number
    from latest as comments
    left join annotations
        on
            comments.instance = annotations.instance
            and comments.annotation_id = annotations.annotation_id

)

select * from renamed
);

-- models/staging/label_studio/stg_label_studio__reviews.sql
create or replace table staging.stg_label_studio__reviews as (
-- Label Studio Enterprise reviews, one row per review, from the same export copy of the
-- annotation that stg_label_studio__annotations keeps (a newer export supersedes an older one).
with

source as (

    select * from raw.label_studio_reviews

),

annotations as (

    select
        annotation_id,
        annotation_key,
        task_key,
        project_key,
        instance,
        source_file,
        source_record_number
    from staging.stg_label_studio__annotations

),

renamed as (

    select
        annotations.annotation_key || ':review:'
        || coalesce(source.review_id::string, 'position-' || source.review_position::string)
            as review_key,
        annotations.annotation_key,
        annotations.task_key,
        annotations.project_key,
        annotations.instance,
        source.review_id::string as review_id,
        source.review_position,
        source.reviewer_id,
        lower(source.reviewer_email) as reviewer_email,
        source.created_at as reviewed_at,
        case
            when not source.accepted then 'rejected'
            when source.fixed then 'fixed'
            else 'accepted'
        end as outcome,
        source.comment
    from source
    inner join annotations
        on
            source.annotation_id::string = annotations.annotation_id
            and source._source_file = annotations.source_file
            and source._record_number = annotations.source_record_number

)

select * from renamed
);

-- models/staging/label_studio/stg_label_studio__users.sql
create or replace table staging.stg_label_studio__users as (
-- Label Studio users from landed users lists, one row per (instance, user id): the copy in the
-- last landed list (by file name: the pull's names carry the time they were taken).
with

source as (

    select
        *,
        coalesce(regexp_extract(_source_file, '(^|/)instance=([^/]+)/', 2), '') as instance
    from raw.label_studio_users

),

latest as (

    select *
    from source
    qualify row_number() over (
        partition by instance, user_id
        order by _source_file desc, _record_number desc
    ) = 1

),

renamed as (

    select
        instance,
        user_id,
        case when instance = '' then '' else instance || '/' end || user_id::string as user_ref,
        lower(nullif(trim(email), '')) as email,
        nullif(trim(username), '') as username,
        first_name,
        last_name
    from latest

)

select * from renamed
);

-- models/intermediate/int_label_studio_users_resolved.sql
create or replace table intermediate.int_label_studio_users_resolved as (
-- Label Studio user (instance, id) -> the identity the warehouse shows: the identities seed's
-- person for the id (<instance>/<id> for a named instance) or the email, else the email
-- (lowercased) of the id in the instance's last landed users list (GET /api/users/, which the
-- pull lands), else where any export of that instance carried it (the user-details export
-- option, on an author, a reviewer, a history action or a comment), else the id as text
-- (<instance>/<id>). An id is a user of one server only: the same id from two instances is two
-- people unless an email or the seed says otherwise.
with

annotations as (

    select
        instance,
        completed_by_id,
        completed_by_email,
        updated_by_id
    from staging.stg_label_studio__annotations

),

reviews as (

    select
        instance,
        reviewer_id,
        reviewer_email
    from staging.stg_label_studio__reviews

),

history as (

    select
        instance,
        actor_id,
        actor_email
    from staging.stg_label_studio__annotation_history

),

comments as (

    select
        instance,
        created_by_id,
        created_by_email
    from staging.stg_label_studio__comments

),

listed as (

    select
        instance,
        user_id,
        email
    from staging.stg_label_studio__users

),

users_seen as (

    select
        instance,
        completed_by_id as user_id,
        completed_by_email as email
    from annotations
    where completed_by_id is not null
    union all
    select
        instance,
        updated_by_id as user_id,
        null as email
    from annotations
    where updated_by_id is not null
    union all
    select
        instance,
        reviewer_id as user_id,
        reviewer_email as email
    from reviews
    where reviewer_id is not null
    union all
    select
        instance,
        actor_id as user_id,
        actor_email as email
    from history
    where actor_id is not null
    union all
    select
        instance,
        created_by_id as user_id,
        created_by_email as email
    from comments

),

emails as (

    select
        instance,
        user_id,
        case when instance = '' then '' else instance || '/' end || user_id::string as scoped_id,
        min(case when email like '%@%' then lower(trim(email)) else email end) as email
    from users_seen
    group by instance, user_id

),

known as (

    -- A users list names the id's current email; exports only the one they were taken with.
    select
        coalesce(seen.instance, listed.instance) as instance,
        coalesce(seen.user_id, listed.user_id) as user_id,
        coalesce(
            seen.scoped_id, case when listed.instance = '' then '' else listed.instance || '/' end || listed.user_id::string
        ) as scoped_id,
        coalesce(case when listed.email like '%@%' then lower(trim(listed.email)) else listed.email end, seen.email) as email
    from emails as seen
    full outer join listed
        on seen.instance = listed.instance and seen.user_id = listed.user_id

),

identities as (

    select
        tool_user,
        person
    from intermediate.int_identities_normalised
    where source_system = 'label_studio'

)

select
    known.instance,
    known.user_id,
    coalesce(by_id.person, by_email.person, known.email, known.scoped_id) as actor
from known
left join identities as by_id on known.scoped_id = by_id.tool_user
left join identities as by_email on known.email = by_email.tool_user
);

-- models/intermediate/int_annotations_unioned.sql
create or replace table intermediate.int_annotations_unioned as (
-- depends_on: staging.stg_events__increment_tasks
-- Incremental by task (macros/incremental_tasks.sql).
-- Every annotation from every source in one shape: the grain of fct_annotations.
with

label_studio as (

    select
        annotations.annotation_key,
        'label_studio' as source_system,
        annotations.project_key,
        annotations.task_key,
        authors.actor as annotator,
        annotations.draft_created_at as started_at,
        annotations.created_at as completed_at,
        greatest(annotations.created_at, annotations.updated_at) as last_event_at,
        annotations.lead_time_s,
        -- Label Studio leaves last_action empty on annotations created through its API and
        -- on edits by another user: such an annotation is counted as submitted (or skipped).
        coalesce(
            annotations.last_action,
            case when annotations.was_cancelled then 'skipped' else 'submitted' end
        ) as last_action,
        annotations.last_action is null as last_action_inferred,
        annotations.was_cancelled,
        editors.actor as updated_by,
        annotations.result_count as object_count,
        null::integer as vertex_count,
        null::string as guideline_version,
        null::double as confidence,
        annotations.is_ground_truth

    from staging.stg_label_studio__annotations as annotations
    inner join intermediate.int_label_studio_users_resolved as authors
        on
            annotations.instance = authors.instance
            and annotations.completed_by_id = authors.user_id
    left join intermediate.int_label_studio_users_resolved as editors
        on
            annotations.instance = editors.instance
            and annotations.updated_by_id = editors.user_id
    where true

),

event_log as (

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
        last_action,
        false as last_action_inferred,
        was_cancelled,
        updated_by,
        object_count,
        vertex_count,
        guideline_version,
        confidence,
        is_ground_truth

    from intermediate.int_event_annotations_summarised
    where true

)

select * from label_studio
union all
select * from event_log
);

-- models/staging/label_studio/stg_label_studio__results.sql
create or replace table staging.stg_label_studio__results as (
-- One row per labeled object: each result[] item of each annotation, and one row per class
-- when an item carries several (e.g. multi-choice).
with

annotations as (

    select
        annotation_key,
        result
    from staging.stg_label_studio__annotations

),

parsed as (

    select
        annotation_key,
        unnest(range(json_array_length(result)::bigint)) as item_index,
    unnest(json_extract(result, '$[*]'))::string as item
    from annotations
    where json_array_length(result) > 0

),

typed as (

    select
        annotation_key,
        item_index,
        json_extract_string(item, '$.type') as result_type,
        json_extract_string(item, '$.value') as value
    from parsed

),

classes as (

    select
        annotation_key,
        item_index,
        result_type,
        value,
        coalesce(
            json_extract_string(json_extract(value, '$.' || result_type), '$[*]'),
            []::string[]
        ) as class_names
    from typed

),

exploded as (

    select
        annotation_key,
        item_index,
        result_type,
        value,
        unnest(case when len(class_names) = 0 then [null]::string[] else class_names end) as class_name
    from classes

),

final as (

    select
        annotation_key,
        item_index::integer as item_index,
        row_number() over (partition by annotation_key order by item_index, class_name)
            as object_index,
        result_type,
        class_name,
        case result_type
            when 'rectanglelabels' then 'bbox'
            when 'polygonlabels' then 'polygon'
            when 'polylinelabels' then 'polyline'
            when 'keypointlabels' then 'keypoint'
            when 'ellipselabels' then 'ellipse'
            when 'brushlabels' then 'mask'
            when 'choices' then 'choice'
            when 'labels' then 'span'
            when 'taxonomy' then 'choice'
            else coalesce(result_type, 'unknown')
        end as shape_type,
        case result_type
            when 'rectanglelabels' then 4
            when 'polygonlabels' then coalesce(json_array_length(value, '$.points'), 0)
            when 'polylinelabels' then coalesce(json_array_length(value, '$.points'), 0)
            when 'keypointlabels' then 1
            else 0
        end::integer as vertex_count,
        case
            when result_type = 'rectanglelabels'
                then
                    [json_extract(value, '$.x'), json_extract(value, '$.y'), json_extract(value, '$.width'), json_extract(value, '$.height')]::double[]
        end as bbox

    from exploded

)

select * from final
);

-- models/intermediate/int_labels_unioned.sql
create or replace table intermediate.int_labels_unioned as (
-- depends_on: staging.stg_events__increment_tasks
-- Incremental by task (macros/incremental_tasks.sql).
-- Every labeled object of the final version of every annotation, from every source.
with

label_studio as (

    select
        results.annotation_key,
        annotations.task_key,
        results.object_index::integer as object_index,
        results.class_name,
        results.shape_type,
        results.vertex_count,
        results.bbox,
        null::double as confidence
    from staging.stg_label_studio__results as results
    inner join staging.stg_label_studio__annotations as annotations using (annotation_key)
    where true

),

event_objects as (

    select
        annotation_key,
        task_key,
        -- Each object as its own small JSON value, its fields read from it below: a path into
        -- final_labels parses the whole array again for every field of every object.
        unnest(range(json_array_length(final_labels)::bigint)) as position,
    unnest(json_extract(final_labels, '$[*]'))::string as label
    from intermediate.int_event_annotations_summarised
    where
        final_labels is not null and json_array_length(final_labels) > 0
        and true

),

event_log as (

    select
        annotation_key,
        task_key,
        (position + 1)::integer as object_index,
        json_extract_string(label, '$.class') as class_name,
        coalesce(json_extract_string(label, '$.shape'), 'unknown') as shape_type,
        coalesce(json_extract(label, '$.vertices')::integer, 0) as vertex_count,
        (json_extract(label, '$.bbox'))::double[] as bbox,
        json_extract(label, '$.confidence')::double as confidence
    from event_objects

)

select * from label_studio
union all
select * from event_log
);

-- models/marts/core/fct_annotations.sql
create or replace table core.fct_annotations as (
-- depends_on: staging.stg_events__increment_tasks
-- Incremental by task (macros/incremental_tasks.sql).
with

annotations as (

    select * from intermediate.int_annotations_unioned
    where true

),

objects as (

    select
        annotation_key,
        count(*) filter (where class_name is not null) as object_count,
        sum(vertex_count) as vertex_count
    from intermediate.int_labels_unioned
    where true
    group by annotation_key

),

final as (

    select
        annotations.annotation_key,
        annotations.source_system,
        annotations.project_key,
        annotations.task_key,
        annotations.annotator,
        annotations.started_at,
        annotations.completed_at,
        annotations.completed_at::date as completed_day,
        annotations.last_event_at,
        annotations.lead_time_s,
        annotations.lead_time_s > 86400
            as is_lead_time_implausible,
        annotations.last_action,
        annotations.last_action_inferred,
        annotations.was_cancelled,
        (not annotations.was_cancelled
        and annotations.last_action in ('submitted', 'updated', 'fixed_and_accepted', 'accepted'))
            as is_submitted,
        annotations.is_ground_truth,
        annotations.updated_by,
        coalesce(annotations.updated_by <> annotations.annotator, false) as is_edited_by_other,
        coalesce(objects.object_count, 0) as object_count,
        coalesce(objects.vertex_count, 0) as vertex_count,
        annotations.guideline_version,
        annotations.confidence

    from annotations
    left join objects using (annotation_key)

)

select * from final
);

-- models/intermediate/int_label_studio_annotations_tracked.sql
create or replace table intermediate.int_label_studio_annotations_tracked as (
-- Label Studio annotations whose export carries their review history (Enterprise: reviews[]
-- or history[]): their reviews and corrections are read from it, not inferred from
-- last_action and updated_by as for the open-source export.
select annotation_key from staging.stg_label_studio__reviews
union
select annotation_key from staging.stg_label_studio__annotation_history
);

-- models/marts/core/fct_corrections.sql
create or replace table core.fct_corrections as (
-- depends_on: staging.stg_events__increment_tasks
-- Incremental by task (macros/incremental_tasks.sql).
-- A correction is a change made to an annotation by someone other than its author.
with

annotations as (

    select
        annotation_key,
        annotator
    from core.fct_annotations
    where true

),

event_corrections as (

    select
        events.event_key as correction_key,
        events.source_system,
        events.annotation_key,
        events.task_key,
        events.project_key,
        events.actor as editor,
        events.occurred_at as corrected_at,
        case events.event_type when 'review_fixed' then 'review_fix' else 'edit' end as kind,
        events.duration_s,
        events.event_order as correction_order
    from intermediate.int_events_unioned as events
    where
        true
        and events.event_type in ('review_fixed', 'annotation_updated')

),

label_studio_enterprise_corrections as (

    -- Label Studio Enterprise: a review that fixed the annotation (with the seconds of the
    -- history action that saved the fix), and every update of it (those by its author are
    -- dropped below).
    select
        reviews.review_key || ':fix' as correction_key,
        'label_studio' as source_system,
        reviews.annotation_key,
        reviews.task_key,
        reviews.project_key,
        reviewers.actor as editor,
        reviews.reviewed_at as corrected_at,
        'review_fix' as kind,
        fixes.lead_time_s as duration_s,
        reviews.review_position as correction_order
    from staging.stg_label_studio__reviews as reviews
    inner join intermediate.int_label_studio_users_resolved as reviewers
        on
            reviews.instance = reviewers.instance
            and reviews.reviewer_id = reviewers.user_id
    left join staging.stg_label_studio__annotation_history as fixes
        on
            reviews.annotation_key = fixes.annotation_key
            and reviews.review_id = fixes.review_id
            and fixes.action = 'fixed_and_accepted'
    where reviews.outcome = 'fixed' and true

    union all

    select
        history.history_key as correction_key,
        'label_studio' as source_system,
        history.annotation_key,
        history.task_key,
        history.project_key,
        actors.actor as editor,
        history.acted_at as corrected_at,
        'edit' as kind,
        history.lead_time_s as duration_s,
        history.history_position as correction_order
    from staging.stg_label_studio__annotation_history as history
    inner join intermediate.int_label_studio_users_resolved as actors
        on
            history.instance = actors.instance
            and history.actor_id = actors.user_id
    where history.action = 'updated' and true

),

label_studio_corrections as (

    -- The open-source export keeps only the last editor (updated_by): at most one correction
    -- per annotation; read only where the export carries no review history for it.
    select
        annotations.annotation_key || ':edit' as correction_key,
        'label_studio' as source_system,
        annotations.annotation_key,
        annotations.task_key,
        annotations.project_key,
        editors.actor as editor,
        annotations.updated_at as corrected_at,
        case when annotations.last_action = 'fixed_and_accepted' then 'review_fix' else 'edit' end
            as kind,
        null::double as duration_s,
        0 as correction_order
    from staging.stg_label_studio__annotations as annotations
    inner join intermediate.int_label_studio_users_resolved as editors
        on
            annotations.instance = editors.instance
            and annotations.updated_by_id = editors.user_id
    where
        annotations.updated_by_id <> annotations.completed_by_id
        and true
        and annotations.annotation_key not in (
            select tracked.annotation_key
            from intermediate.int_label_studio_annotations_tracked as tracked
        )

),

unioned as (

    select * from event_corrections
    union all
    select * from label_studio_enterprise_corrections
    union all
    select * from label_studio_corrections

),

final as (

    select
        unioned.correction_key,
        unioned.source_system,
        unioned.annotation_key,
        unioned.task_key,
        unioned.project_key,
        annotations.annotator as author,
        unioned.editor,
        unioned.corrected_at,
        unioned.corrected_at::date as corrected_day,
        unioned.kind,
        unioned.duration_s

    from unioned
    inner join annotations using (annotation_key)
    where unioned.editor <> annotations.annotator

)

select * from final
);

-- models/marts/core/fct_issues.sql
create or replace table core.fct_issues as (
-- depends_on: staging.stg_events__increment_tasks
-- Incremental by task (macros/incremental_tasks.sql).
-- One row per issue or comment: from events (an issue is resolved by a later issue_resolved)
-- and Label Studio Enterprise comments (each resolvable on its own, so each an issue; who
-- resolved one is not exported).
with

events as (

    select * from intermediate.int_events_unioned
    where true

),

raised as (

    select
        coalesce(issue_key, event_key) as issue_key,
        case event_type when 'comment_added' then 'comment' else 'issue' end as kind,
        task_key,
        project_key,
        annotation_key,
        actor as author,
        occurred_at as raised_at,
        issue_tag,
        issue_text
    from events
    where event_type in ('issue_raised', 'comment_added')
    -- An issue key is per project, not per task: ordered as event_order orders within a task.
    qualify row_number() over (
        partition by coalesce(issue_key, event_key)
        order by occurred_at, source_file, record_number
    ) = 1

),

resolved as (

    select
        issue_key,
        min(occurred_at) as resolved_at,
        min_by(
            actor, (occurred_at, source_file, record_number)
        ) as resolved_by
    from events
    where event_type = 'issue_resolved'
    group by issue_key

),

event_issues as (

    select
        raised.issue_key,
        raised.kind,
        raised.task_key,
        raised.project_key,
        raised.annotation_key,
        raised.author,
        raised.raised_at,
        raised.issue_tag,
        raised.issue_text,
        resolved.resolved_at,
        resolved.resolved_by
    from raised
    left join resolved using (issue_key)

),

label_studio_comments as (

    select
        comments.comment_key as issue_key,
        'issue' as kind,
        comments.task_key,
        comments.project_key,
        comments.annotation_key,
        authors.actor as author,
        comments.created_at as raised_at,
        null::string as issue_tag,
        comments.text as issue_text,
        comments.resolved_at,
        null::string as resolved_by
    from staging.stg_label_studio__comments as comments
    inner join intermediate.int_label_studio_users_resolved as authors
        on
            comments.instance = authors.instance
            and comments.created_by_id = authors.user_id
    where true

),

unioned as (

    select * from event_issues
    union all
    select * from label_studio_comments

),

final as (

    select
        issue_key,
        kind,
        task_key,
        project_key,
        annotation_key,
        author,
        raised_at,
        raised_at::date as raised_day,
        issue_tag,
        
    coalesce(
        issue_tag,
        case
            when regexp_matches(lower(issue_text), 'blur|out of focus|can''?t see') then 'blurry_image'
            when regexp_matches(lower(issue_text), 'occlu|hidden|covered|behind') then 'occluded_object'
            when regexp_matches(lower(issue_text), 'too (big|large|loose)|past the object|(includes|covers)( a lot of)? background') then 'label_too_large'
            when regexp_matches(lower(issue_text), 'ontology|no class|nothing fits|missing (class|category)|label set|two classes') then 'ontology_mismatch'
            when regexp_matches(lower(issue_text), 'guideline|instruction|unclear|ambiguous|clarif') then 'unclear_guideline'
            when regexp_matches(lower(issue_text), 'wrong|mislabel|does not match|relabel') then 'wrong_label'
            else 'other'
        end
    ) as category,
        issue_tag is null as is_category_inferred,
        issue_text,
        resolved_at,
        resolved_by,
        resolved_at is not null as is_resolved,
        date_diff('second', raised_at, resolved_at) as time_to_resolve_s

    from unioned

)

select * from final
);

-- models/marts/core/fct_reviews.sql
create or replace table core.fct_reviews as (
-- depends_on: staging.stg_events__increment_tasks
-- Incremental by task (macros/incremental_tasks.sql).
with

annotations as (

    select
        annotation_key,
        annotator
    from core.fct_annotations
    where true

),

event_reviews as (

    select
        events.event_key as review_key,
        events.source_system,
        events.annotation_key,
        events.task_key,
        events.project_key,
        events.actor as reviewer,
        events.occurred_at as reviewed_at,
        case events.event_type
            when 'review_accepted' then 'accepted'
            when 'review_rejected' then 'rejected'
            when 'review_fixed' then 'fixed'
        end as outcome,
        events.duration_s,
        events.event_order as review_order
    from intermediate.int_events_unioned as events
    where
        true
        and events.event_type in ('review_accepted', 'review_rejected', 'review_fixed')

),

label_studio_enterprise_reviews as (

    -- Label Studio Enterprise exports every review: who accepted or rejected, when, whether
    -- they fixed it. Reviewer time is not exported.
    select
        reviews.review_key,
        'label_studio' as source_system,
        reviews.annotation_key,
        reviews.task_key,
        reviews.project_key,
        reviewers.actor as reviewer,
        reviews.reviewed_at,
        reviews.outcome,
        null::double as duration_s,
        reviews.review_position as review_order
    from staging.stg_label_studio__reviews as reviews
    inner join intermediate.int_label_studio_users_resolved as reviewers
        on
            reviews.instance = reviewers.instance
            and reviews.reviewer_id = reviewers.user_id
    where true

),

label_studio_reviews as (

    -- The open-source export keeps only the last review decision, in last_action: read only
    -- where the export carries neither reviews nor history for the annotation.
    select
        annotations.annotation_key || ':review' as review_key,
        'label_studio' as source_system,
        annotations.annotation_key,
        annotations.task_key,
        annotations.project_key,
        editors.actor as reviewer,
        annotations.updated_at as reviewed_at,
        case annotations.last_action
            when 'accepted' then 'accepted'
            when 'rejected' then 'rejected'
            when 'fixed_and_accepted' then 'fixed'
        end as outcome,
        null::double as duration_s,
        0 as review_order
    from staging.stg_label_studio__annotations as annotations
    left join intermediate.int_label_studio_users_resolved as editors
        on
            annotations.instance = editors.instance
            and annotations.updated_by_id = editors.user_id
    where
        annotations.last_action in ('accepted', 'rejected', 'fixed_and_accepted')
        and true
        and annotations.annotation_key not in (
            select tracked.annotation_key
            from intermediate.int_label_studio_annotations_tracked as tracked
        )

),

unioned as (

    select * from event_reviews
    union all
    select * from label_studio_enterprise_reviews
    union all
    select * from label_studio_reviews

),

final as (

    select
        unioned.review_key,
        unioned.source_system,
        unioned.annotation_key,
        unioned.task_key,
        unioned.project_key,
        unioned.reviewer,
        annotations.annotator as author,
        unioned.reviewed_at,
        unioned.reviewed_at::date as review_day,
        unioned.outcome,
        unioned.duration_s,
        row_number() over (
            partition by unioned.annotation_key order by unioned.reviewed_at, unioned.review_order
        ) as review_round

    from unioned
    inner join annotations using (annotation_key)

)

select * from final
);

-- models/marts/core/dim_actors.sql
create or replace table core.dim_actors as (
-- Everyone who appears in the data: authors, reviewers, editors, issue authors, event actors;
-- one row per person across tools (an email is one person in every tool: person_identity).
with

appearances as (

    -- is_ground_truth: whether the appearance is a reference answer (null: says nothing either
    -- way, as a raw event of such an annotation)
    select
        annotator as actor,
        completed_at as seen_at,
        'annotator' as role,
        project_key,
        is_ground_truth
    from core.fct_annotations
    union all
    select
        reviewer,
        reviewed_at,
        'reviewer' as role,
        project_key,
        false as is_ground_truth
    from core.fct_reviews
    where reviewer is not null
    union all
    select
        editor,
        corrected_at,
        'editor' as role,
        project_key,
        false as is_ground_truth
    from core.fct_corrections
    union all
    select
        author,
        raised_at,
        'issue_author' as role,
        project_key,
        false as is_ground_truth
    from core.fct_issues
    union all
    select
        actor,
        occurred_at,
        coalesce(actor_role, 'unknown') as role,
        project_key,
        null as is_ground_truth
    from intermediate.int_events_unioned

),

tool_users as (

    -- The ids a tool names the person by where that is not their email (Labelbox, Encord
    -- and the event log name people by email): <tool>:<instance>/<id>.
    select
        actor,
        'label_studio:' || case when instance = '' then '' else instance || '/' end || user_id::string as tool_id
    from intermediate.int_label_studio_users_resolved
    union all
    select
        actor,
        'cvat:' || user_id || coalesce(' (' || username || ')', '') as tool_id
    from intermediate.int_cvat_users_resolved

),

tool_ids as (

    select
        actor,
        string_agg(distinct tool_id, ', ' order by tool_id) as tool_ids
    from tool_users
    group by actor

),

people as (

    select
        actor,
        actor = 'system' as is_system,
        min(seen_at) as first_seen_at,
        max(seen_at) as last_seen_at,
        string_agg(distinct role, ', ' order by role) as roles,
        -- The tools the person worked in (a project key starts with its source).
        string_agg(distinct source_system, ', ' order by source_system) as sources,
        -- Only ever wrote reference answers: not a worker (no person page, no row in the
        -- work marts).
        coalesce(bool_and(is_ground_truth), false) as is_gold_only

    from (
        select
            *,
            split_part(project_key, ':', 1) as source_system
        from appearances
    ) as sourced
    where actor is not null
    group by actor

),

final as (

    select
        people.*,
        tool_ids.tool_ids
    from people
    left join tool_ids on people.actor = tool_ids.actor

)

select * from final
);

-- models/marts/core/fct_labels.sql
create or replace table core.fct_labels as (
-- depends_on: staging.stg_events__increment_tasks
-- Incremental by task (macros/incremental_tasks.sql).
with

labels as (

    select unioned.* exclude (task_key)
    from intermediate.int_labels_unioned as unioned
    where true

),

annotations as (

    select
        annotation_key,
        task_key,
        project_key,
        annotator,
        completed_day,
        is_submitted
    from core.fct_annotations
    where true

),

final as (

    select
        labels.annotation_key || ':' || labels.object_index as label_key,
        labels.annotation_key,
        annotations.task_key,
        annotations.project_key,
        annotations.annotator,
        annotations.completed_day,
        annotations.is_submitted,
        labels.object_index,
        case
            when labels.class_name is not null
                then annotations.project_key || ':' || labels.class_name
        end as class_key,
        labels.class_name,
        labels.shape_type,
        labels.vertex_count,
        labels.bbox,
        labels.confidence

    from labels
    inner join annotations using (annotation_key)

)

select * from final
);

-- models/marts/core/dim_classes.sql
create or replace table core.dim_classes as (
-- Label classes per project (the same name in two projects is two classes: ontologies differ).
with

labels as (

    select * from core.fct_labels
    where class_key is not null

),

final as (

    select
        class_key,
        any_value(project_key) as project_key,
        any_value(class_name) as class_name,
        count(*) as objects,
        string_agg(distinct shape_type, ', ' order by shape_type) as shape_types

    from labels
    group by class_key

)

select * from final
);

-- models/staging/label_studio/stg_label_studio__tasks.sql
create or replace table staging.stg_label_studio__tasks as (
-- Label Studio tasks, one per task and instance (landing_instance): the latest export wins.

with

source as (

    select
        *,
        coalesce(regexp_extract(_source_file, '(^|/)instance=([^/]+)/', 2), '') as instance
    from raw.label_studio_tasks

),

latest_export as (

    -- The same task in several exports: the latest state wins.
    select *
    from source
    qualify row_number() over (
        partition by instance, task_id
        order by updated_at desc nulls last, _source_file desc, _record_number asc
    ) = 1

),

renamed as (

    select
        'label_studio:' || (case when instance = '' then '' else instance || '/' end || coalesce(project_id::string, 'unknown')) || ':' || task_id::string as task_key,
        'label_studio:' || (case when instance = '' then '' else instance || '/' end || coalesce(project_id::string, 'unknown')) as project_key,
        task_id::string as task_id,
        (case when instance = '' then '' else instance || '/' end || coalesce(project_id::string, 'unknown')) as project_id,
        data as task_data,
        meta as task_meta,
        created_at,
        updated_at,
        total_annotations,
        cancelled_annotations,
        coalesce(comment_count, 0) as comment_count,
        coalesce(unresolved_comment_count, 0) as unresolved_comment_count,
        _source_file as source_file

    from latest_export

)

select * from renamed
);

-- models/marts/core/fct_tasks.sql
create or replace table core.fct_tasks as (
-- depends_on: staging.stg_events__increment_tasks
-- Incremental by task (macros/incremental_tasks.sql).
with

label_studio_tasks as (

    select
        task_key,
        'label_studio' as source_system,
        project_key,
        task_id,
        created_at,
        comment_count
    from staging.stg_label_studio__tasks
    where true

),

event_log_tasks as (

    select
        task_key,
        any_value(source_system) as source_system,
        any_value(project_key) as project_key,
        split_part(any_value(task_key), ':', 3) as task_id,
        coalesce(min(occurred_at) filter (where event_type = 'task_created'), min(occurred_at))
            as created_at,
        count(*) filter (where event_type in ('issue_raised', 'comment_added')) as comment_count
    from intermediate.int_events_unioned
    where true
    group by task_key

),

tasks as (

    select * from label_studio_tasks
    union all
    select * from event_log_tasks

),

-- Work on the task: ground truth is the reference, not work, so it counts in no figure but
-- has_ground_truth (a task with only a gold answer is still open, and one annotator beside
-- the gold is no overlap).
annotations as (

    select
        task_key,
        count(*) filter (where is_submitted and not is_ground_truth) as submitted_annotations,
        count(*) filter (where was_cancelled and not is_ground_truth) as skipped_annotations,
        count(distinct annotator) filter (
            where not was_cancelled and not is_ground_truth
        ) as annotators,
        min(completed_at) filter (
            where not was_cancelled and not is_ground_truth
        ) as first_completed_at,
        bool_or(is_ground_truth) as has_ground_truth
    from core.fct_annotations
    where true
    group by task_key

),

final as (

    select
        tasks.task_key,
        tasks.source_system,
        tasks.project_key,
        tasks.task_id,
        tasks.created_at,
        annotations.first_completed_at,
        coalesce(annotations.submitted_annotations, 0) as submitted_annotations,
        coalesce(annotations.skipped_annotations, 0) as skipped_annotations,
        coalesce(annotations.annotators, 0) as annotators,
        coalesce(annotations.annotators, 0) >= 2 as is_overlap,
        coalesce(annotations.has_ground_truth, false) as has_ground_truth,
        tasks.comment_count

    from tasks
    left join annotations using (task_key)

)

select * from final
);

-- models/marts/core/dim_date.sql
create or replace table core.dim_date as (
-- One row per calendar day from the first to the last day with any activity.
with

bounds as (

    select
        least(
            (select min(created_at) from core.fct_tasks),
            (select min(completed_at) from core.fct_annotations)
        )::date as first_day,
        greatest(
            (select max(created_at) from core.fct_tasks),
            (select max(last_event_at) from core.fct_annotations)
        )::date as last_day

),

days as (

    select unnest(generate_series(first_day, last_day, interval 1 day))::date as day
    from bounds
    where first_day is not null

),

final as (

    select
        day,
        date_trunc('week', day)::date as week_start,
        isoyear(day) as iso_year,
        week(day) as iso_week,
        dayname(day) as weekday_name,
        isodow(day) as iso_weekday,
        isodow(day) >= 6 as is_weekend

    from days

)

select * from final
);

-- models/marts/core/dim_projects.sql
create or replace table core.dim_projects as (
with

tasks as (

    select * from core.fct_tasks

),

final as (

    select
        project_key,
        any_value(source_system) as source_system,
        split_part(project_key, ':', 2) as project_id,
        count(*) as tasks,
        min(created_at) as first_task_created_at,
        max(created_at) as last_task_created_at

    from tasks
    group by project_key

)

select * from final
);

-- models/intermediate/int_label_studio_stage_visits.sql
create or replace table intermediate.int_label_studio_stage_visits as (
-- Label Studio Enterprise: the stage visits an annotation's history[] tells, one row per visit
-- (the task's stage intervals; a task with several annotations has a visit per annotation).
--   annotate  each action of the annotation's author (submitted, updated, skipped): from when
--             they started (started_at, else the action's time less its lead time) to the
--             action; after a rejection, from the rejection (the wait until they start again
--             is the visit's wait). Work: the action's lead time. A rejection not yet answered
--             by the author leaves an open visit.
--   review    in projects where anyone has reviewed: from the first author action after the
--             last review (or the first) to the next review action (accepted, rejected,
--             fixed_and_accepted), left by its reviewer. Work: the review action's lead time
--             where the history has one (a fix), else not exported (null). An annotation
--             submitted and not yet reviewed leaves an open visit; a skip opens none.
-- Edits by someone else than the author are corrections, not visits.
with

history as (

    select
        history.history_key,
        history.annotation_key,
        history.task_key,
        history.project_key,
        history.instance,
        history.action,
        history.actor_id,
        history.started_at,
        history.acted_at,
        history.lead_time_s,
        history.history_position,
        history.actor_id = annotations.completed_by_id
        and history.action in ('submitted', 'updated', 'skipped') as is_author_action,
        history.action in ('accepted', 'rejected', 'fixed_and_accepted') as is_review_action
    from staging.stg_label_studio__annotation_history as history
    inner join staging.stg_label_studio__annotations as annotations
        on history.annotation_key = annotations.annotation_key

),

steps as (

    -- cycle: how many review actions came before (a review action closes its own cycle).
    select
        *,
        coalesce(
            sum(is_review_action::int) over (
                partition by annotation_key
                order by acted_at, history_position
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as cycle
    from history
    where is_author_action or is_review_action

),

reviews as (

    select
        annotation_key,
        cycle,
        action,
        actor_id,
        instance,
        acted_at,
        lead_time_s
    from steps
    where is_review_action

),

reviewed_projects as (

    select distinct project_key
    from steps
    where is_review_action

),

reviewed_annotations as (

    select distinct
        annotation_key,
        task_key,
        project_key
    from steps

),

annotate_visits as (

    select
        steps.history_key || ':annotate' as stage_interval_key,
        steps.task_key,
        steps.project_key,
        'annotate' as stage,
        -- After a rejection, the first author action of the cycle answers it.
        case
            when
                rejection.action = 'rejected'
                and row_number() over (
                    partition by steps.annotation_key, steps.cycle
                    order by steps.acted_at, steps.history_position
                ) = 1
                then rejection.acted_at
            else
                coalesce(
                    steps.started_at,
                    steps.acted_at - to_seconds(coalesce(steps.lead_time_s, 0))
                )
        end as entered_at,
        steps.acted_at as left_at,
        steps.instance,
        steps.actor_id as left_by_id,
        steps.lead_time_s as work_s,
        coalesce(
            steps.started_at,
            steps.acted_at - to_seconds(coalesce(steps.lead_time_s, 0))
        ) as work_started_at
    from steps
    left join reviews as rejection
        on steps.annotation_key = rejection.annotation_key and steps.cycle = rejection.cycle + 1
    where steps.is_author_action

),

unanswered_rejections as (

    select
        reviews.annotation_key || ':rejection-' || reviews.cycle::string || ':annotate'
            as stage_interval_key,
        history.task_key,
        history.project_key,
        'annotate' as stage,
        reviews.acted_at as entered_at,
        null::timestamp as left_at,
        reviews.instance,
        null::bigint as left_by_id,
        null::double as work_s,
        null::timestamp as work_started_at
    from reviews
    inner join reviewed_annotations as history using (annotation_key)
    where
        reviews.action = 'rejected'
        and not exists (
            select 1 from steps as later
            where
                later.annotation_key = reviews.annotation_key
                and later.cycle = reviews.cycle + 1
                and later.is_author_action
        )

),

review_cycles as (

    select
        annotation_key,
        any_value(task_key) as task_key,
        any_value(project_key) as project_key,
        cycle,
        min(acted_at) as entered_at,
        bool_and(action = 'skipped') as is_skip_only
    from steps
    where is_author_action
    group by annotation_key, cycle

),

review_visits as (

    select
        review_cycles.annotation_key || ':review-' || review_cycles.cycle::string
            as stage_interval_key,
        review_cycles.task_key,
        review_cycles.project_key,
        'review' as stage,
        review_cycles.entered_at,
        reviews.acted_at as left_at,
        reviews.instance,
        reviews.actor_id as left_by_id,
        reviews.lead_time_s as work_s,
        reviews.acted_at - to_seconds(reviews.lead_time_s) as work_started_at
    from review_cycles
    inner join reviewed_projects using (project_key)
    left join reviews using (annotation_key, cycle)
    where not review_cycles.is_skip_only

),

visits as (

    select * from annotate_visits
    union all
    select * from unanswered_rejections
    union all
    select * from review_visits

)

select
    visits.stage_interval_key,
    visits.task_key,
    visits.project_key,
    visits.stage,
    row_number() over (
        partition by visits.task_key, visits.stage
        order by visits.entered_at, visits.stage_interval_key
    ) as visit,
    visits.entered_at,
    visits.left_at,
    actors.actor as left_by,
    visits.work_s,
    visits.work_started_at
from visits
left join intermediate.int_label_studio_users_resolved as actors
    on visits.instance = actors.instance and visits.left_by_id = actors.user_id
);

-- models/marts/core/fct_stage_intervals.sql
create or replace table core.fct_stage_intervals as (
-- depends_on: staging.stg_events__increment_tasks
-- Incremental by task (macros/incremental_tasks.sql).
-- One row per visit of a task to a workflow stage: from events (stage_entered .. stage_left;
-- the k-th entry into a stage pairs with the k-th exit from it; a visit still open has no exit)
-- and from Label Studio Enterprise histories (int_label_studio_stage_visits; reviewer time is
-- not exported there: work_s null).
with

events as (

    select * from intermediate.int_events_unioned
    where true

),

entries as (

    select
        task_key,
        project_key,
        stage,
        occurred_at as entered_at,
        event_key,
        row_number() over (partition by task_key, stage order by event_order) as visit
    from events
    where event_type = 'stage_entered'

),

exits as (

    select
        task_key,
        stage,
        occurred_at as left_at,
        actor as left_by,
        row_number() over (partition by task_key, stage order by event_order) as visit
    from events
    where event_type = 'stage_left'

),

visits as (

    select
        entries.event_key as stage_interval_key,
        entries.task_key,
        entries.project_key,
        entries.stage,
        entries.visit,
        entries.entered_at,
        exits.left_at,
        exits.left_by
    from entries
    left join exits using (task_key, stage, visit)

),

work as (

    -- Active work inside each visit: durations of the task's events in that stage.
    select
        visits.stage_interval_key,
        (sum((events.duration_s)::decimal(38, 6)) )::double as work_s,
        min(events.occurred_at - to_seconds(coalesce(events.duration_s, 0)))
            as first_work_started_at
    from visits
    inner join events
        on
            visits.task_key = events.task_key
            and visits.stage = events.stage
            and visits.entered_at <= events.occurred_at
            and (visits.left_at is null or visits.left_at >= events.occurred_at)
            and events.duration_s is not null
    group by visits.stage_interval_key

),

event_visits as (

    select
        visits.stage_interval_key,
        visits.task_key,
        visits.project_key,
        visits.stage,
        visits.visit,
        visits.entered_at,
        visits.left_at,
        visits.left_by,
        visits.left_at is null as is_open,
        date_diff('second', visits.entered_at, visits.left_at) as dwell_s,
        coalesce(work.work_s, 0) as work_s,
        greatest(
            date_diff('second', visits.entered_at, coalesce(work.first_work_started_at, visits.left_at)),
            0
        ) as wait_s

    from visits
    left join work using (stage_interval_key)

),

label_studio_visits as (

    select
        stage_interval_key,
        task_key,
        project_key,
        stage,
        visit,
        entered_at,
        left_at,
        left_by,
        left_at is null as is_open,
        date_diff('second', entered_at, left_at) as dwell_s,
        work_s,
        greatest(
            date_diff('second', entered_at, coalesce(work_started_at, left_at)), 0
        ) as wait_s
    from intermediate.int_label_studio_stage_visits
    where true

),

final as (

    select * from event_visits
    union all
    select * from label_studio_visits

)

select * from final
);

-- models/intermediate/int_annotations_classified.sql
create or replace table intermediate.int_annotations_classified as (
-- The primary class of every annotation with objects: the class with most objects in it (ties
-- by name). Rejection rates and times per class are attributed to it.
with

class_counts as (

    select
        annotation_key,
        class_name,
        count(*) as objects
    from core.fct_labels
    where class_name is not null
    group by annotation_key, class_name

)

select
    annotation_key,
    class_name as primary_class
from class_counts
qualify row_number() over (partition by annotation_key order by objects desc, class_name asc) = 1
);

-- models/intermediate/int_annotations_first_reviewed.sql
create or replace table intermediate.int_annotations_first_reviewed as (
-- One row per reviewed annotation: its first review decision and its primary class
-- (int_annotations_classified), the unit every rejection rate is computed on.
with

first_reviews as (

    select
        annotation_key,
        outcome,
        reviewed_at,
        reviewer
    from core.fct_reviews
    where review_round = 1

),

final as (

    select
        annotations.annotation_key,
        annotations.project_key,
        annotations.annotator,
        primary_class.primary_class,
        first_reviews.reviewer,
        first_reviews.reviewed_at,
        date_trunc('week', first_reviews.reviewed_at)::date as review_week,
        date_trunc('week', annotations.completed_at)::date as work_week,
        first_reviews.outcome as first_outcome,
        first_reviews.outcome in ('rejected', 'fixed') as is_rejected,
        annotations.guideline_version

    from first_reviews
    inner join core.fct_annotations as annotations using (annotation_key)
    left join intermediate.int_annotations_classified as primary_class
        using (annotation_key)

)

select * from final
);

-- models/intermediate/int_annotations_measured.sql
create or replace table intermediate.int_annotations_measured as (
-- One row per submitted (not ground-truth) annotation with the week it was completed, its time
-- per label and first-review outcome: the weekly series mart_drift compares with a baseline.
select
    annotations.project_key,
    annotations.annotation_key,
    annotations.annotator,
    primary_class.primary_class,
    date_trunc('week', annotations.completed_at)::date as work_week,
    case
        when not annotations.is_lead_time_implausible and annotations.object_count > 0
            then annotations.lead_time_s / annotations.object_count
    end as time_per_label_s,
    reviewed.is_rejected,
    annotations.guideline_version
from core.fct_annotations as annotations
left join intermediate.int_annotations_classified as primary_class using (annotation_key)
left join intermediate.int_annotations_first_reviewed as reviewed using (annotation_key)
where annotations.is_submitted and not annotations.is_ground_truth
);

-- models/intermediate/int_cost_rates_resolved.sql
create or replace table intermediate.int_cost_rates_resolved as (
-- Each person's pricing: their own rate card row, else the default row.
with

people as (

    select actor from core.dim_actors

),

cards as (

    select * from seeds.rate_card

)

select
    people.actor,
    coalesce(own.pricing, fallback.pricing) as pricing,
    coalesce(own.rate, fallback.rate) as rate,
    -- Time-based work (reviews, corrections) needs an hourly rate.
    case
        when coalesce(own.pricing, fallback.pricing) = 'hourly'
            then coalesce(own.rate, fallback.rate)
        else (
            select default_cards.rate from cards as default_cards
            where default_cards.match_type = 'default' and default_cards.pricing = 'hourly'
        )
    end as hourly_rate
from people
left join cards as own on own.match_type = 'person' and people.actor = own.match_value
left join cards as fallback on fallback.match_type = 'default'
);

-- models/intermediate/int_overlap_labels_selected.sql
create or replace table intermediate.int_overlap_labels_selected as (
-- Objects of the submitted annotations on tasks two or more people annotated, one row per
-- object (an annotation without objects appears once with a null class): agreement's input.
select
    annotations.project_key,
    annotations.task_key,
    annotations.annotator,
    annotations.annotation_key,
    labels.class_name,
    labels.shape_type,
    -- The box as four columns, which the statistics step reads the same way on every engine.
    labels.bbox[1] as box_x,
    labels.bbox[2] as box_y,
    labels.bbox[3] as box_width,
    labels.bbox[4] as box_height
from core.fct_annotations as annotations
inner join core.fct_tasks as tasks using (task_key)
left join core.fct_labels as labels using (annotation_key)
where tasks.is_overlap and annotations.is_submitted and not annotations.is_ground_truth
);

-- models/intermediate/int_overlap_labels_compared.sql
create or replace table intermediate.int_overlap_labels_compared as (
-- Pairwise presence comparisons on overlap tasks: for every task two or more people annotated,
-- every class anyone drew on it and every ordered pair of its annotators, whether the two agree
-- that the class is present. Each unordered pair appears twice (once from each side) so a
-- person's weekly disagreement rate reads their own rows; count a pair once with
-- annotator < other_annotator.
with

annotations as (

    select distinct
        project_key,
        task_key,
        annotator,
        annotation_key
    from intermediate.int_overlap_labels_selected

),

present as (

    select distinct
        task_key,
        annotator,
        class_name
    from intermediate.int_overlap_labels_selected
    where class_name is not null

),

task_classes as (

    select distinct
        task_key,
        class_name
    from present

),

pairs as (

    select
        mine.project_key,
        mine.task_key,
        mine.annotator,
        mine.annotation_key,
        theirs.annotator as other_annotator
    from annotations as mine
    inner join annotations as theirs
        on mine.task_key = theirs.task_key and mine.annotator <> theirs.annotator

)

select
    pairs.project_key,
    pairs.task_key,
    task_classes.class_name,
    pairs.annotator,
    pairs.other_annotator,
    date_trunc('week', authored.completed_at)::date as work_week,
    authored.guideline_version,
    (mine.class_name is null) <> (theirs.class_name is null) as disagrees
from pairs
inner join task_classes using (task_key)
inner join core.fct_annotations as authored using (annotation_key)
left join present as mine
    on
        pairs.task_key = mine.task_key
        and pairs.annotator = mine.annotator
        and task_classes.class_name = mine.class_name
left join present as theirs
    on
        pairs.task_key = theirs.task_key
        and pairs.other_annotator = theirs.annotator
        and task_classes.class_name = theirs.class_name
);

-- models/intermediate/int_drift_inputs_hashed.sql
create or replace table intermediate.int_drift_inputs_hashed as (
-- One row per drift subject (an annotator, or a class, within a project) with a hash of every
-- input row mart_drift reads for it. A subject's drift rows depend on its own rows only, so a
-- night recomputes the subjects whose hash changed (and drops those that vanished) and keeps
-- the rest: the rows of an unchanged subject would come out identical.
with

-- Each input row hashed once, with the columns naming its subjects.
weeks as (

    select
        project_key,
        annotator,
        primary_class,
        hash('weeks', work_week, time_per_label_s, is_rejected, guideline_version) as row_hash
    from intermediate.int_annotations_measured

),

comparisons as (

    select
        project_key,
        annotator,
        class_name,
        annotator < other_annotator as is_first_side,
        hash('comparisons', work_week, guideline_version, disagrees) as row_hash
    from intermediate.int_overlap_labels_compared

),

subject_rows as (

    -- The weekly series: a person's own annotations, and a class's annotations by primary class.
    select
        project_key,
        'annotator' as subject_type,
        annotator as subject,
        row_hash
    from weeks
    where annotator is not null

    union all

    select
        project_key,
        'class' as subject_type,
        primary_class,
        row_hash
    from weeks
    where primary_class is not null

    union all

    -- Overlap comparisons: a person's own side of each pair, a class's pairs counted once.
    select
        project_key,
        'annotator' as subject_type,
        annotator,
        row_hash
    from comparisons
    where annotator is not null

    union all

    select
        project_key,
        'class' as subject_type,
        class_name,
        row_hash
    from comparisons
    where class_name is not null and is_first_side

)

select
    project_key,
    subject_type,
    subject,
    count(*) as input_rows,
    -- The sum of the rows' hashes does not depend on their order; the count rides along.
    count(*)::string || ':' || sum(row_hash::decimal(38, 0))::string as inputs_hash
from subject_rows
group by project_key, subject_type, subject
);

-- models/intermediate/int_ground_truth_labels.sql
create or replace table intermediate.int_ground_truth_labels as (
-- The labels of the annotations on ground-truth tasks, one row per label (an annotation
-- without labels once, with a null class): each task's gold answer (the latest submitted
-- ground-truth annotation, when a source marked several) and every other submitted answer.
-- The input of agreement with ground truth (mart_agreement_ground_truth, mart_confusion_*).
-- A table, not a view: both Python models read it, and as a view each evaluated the window
-- over every submitted annotation again.


with

submitted as (

    select * from core.fct_annotations
    where is_submitted

),

gold as (

    select *
    from submitted
    where is_ground_truth
    qualify
        row_number() over (
            partition by task_key order by completed_at desc, annotation_key desc
        ) = 1

),

compared as (

    select * from gold
    union all
    select * from submitted
    where not is_ground_truth and task_key in (select gold.task_key from gold)

)

select
    compared.project_key,
    compared.task_key,
    compared.annotation_key,
    compared.annotator,
    compared.is_ground_truth,
    compared.confidence as annotation_confidence,
    labels.class_name,
    labels.shape_type,
    labels.bbox[1] as box_x,
    labels.bbox[2] as box_y,
    labels.bbox[3] as box_width,
    labels.bbox[4] as box_height,
    labels.confidence as label_confidence
from compared
left join core.fct_labels as labels using (annotation_key)
);

-- models/intermediate/int_polygon_annotations_selected.sql
create or replace table intermediate.int_polygon_annotations_selected as (
-- Submitted annotations that drew polygons, with their polygon vertex counts and first review:
-- the input of the label-fidelity cost (mart_fidelity_cost).
with

polygons as (

    select
        annotation_key,
        count(*) as polygons,
        sum(vertex_count) as polygon_vertices
    from core.fct_labels
    where shape_type = 'polygon' and vertex_count > 0
    group by annotation_key

)

select
    annotations.project_key,
    annotations.annotation_key,
    annotations.annotator,
    annotations.lead_time_s,
    annotations.object_count,
    annotations.vertex_count,
    polygons.polygons,
    polygons.polygon_vertices,
    reviewed.annotation_key is not null as is_reviewed,
    coalesce(reviewed.is_rejected, false) as is_rejected
from core.fct_annotations as annotations
inner join polygons using (annotation_key)
left join intermediate.int_annotations_first_reviewed as reviewed using (annotation_key)
where
    annotations.is_submitted
    and not annotations.is_ground_truth
    and annotations.lead_time_s is not null
    and not annotations.is_lead_time_implausible
    and annotations.object_count > 0
);

-- models/intermediate/int_work_priced.sql
create or replace table intermediate.int_work_priced as (
-- Every priced piece of work: authoring an annotation (by the author's pricing), a review
-- decision and an edit by someone else (by the worker's hourly rate). A reviewer's fix is a
-- review decision, so its time is priced once, as review.
with

rates as (

    select * from intermediate.int_cost_rates_resolved

),

reworked as (

    select annotation_key from core.fct_reviews
    where outcome in ('rejected', 'fixed')
    union
    select annotation_key from core.fct_corrections

),

authoring as (

    select
        annotations.project_key,
        annotations.annotator as person,
        annotations.completed_day as day,
        'annotation' as kind,
        annotations.annotation_key,
        case rates.pricing
            when 'hourly' then annotations.lead_time_s / 3600.0 * rates.rate
            when 'per_task' then case when annotations.is_submitted then rates.rate else 0 end
            when 'per_label' then
                case
                    when annotations.is_submitted then rates.rate * annotations.object_count
                    else 0
                end
        end as cost,
        reworked.annotation_key is not null as is_reworked
    from core.fct_annotations as annotations
    inner join rates on annotations.annotator = rates.actor
    left join reworked using (annotation_key)
    -- ground truth is a reference answer, not paid annotation work
    where not annotations.is_ground_truth

),

reviews as (

    select
        reviews.project_key,
        reviews.reviewer as person,
        reviews.review_day as day,
        'review' as kind,
        reviews.annotation_key,
        reviews.duration_s / 3600.0 * rates.hourly_rate as cost,
        false as is_reworked
    from core.fct_reviews as reviews
    inner join rates on reviews.reviewer = rates.actor

),

edits as (

    select
        corrections.project_key,
        corrections.editor as person,
        corrections.corrected_day as day,
        'edit' as kind,
        corrections.annotation_key,
        corrections.duration_s / 3600.0 * rates.hourly_rate as cost,
        true as is_reworked
    from core.fct_corrections as corrections
    inner join rates on corrections.editor = rates.actor
    where corrections.kind = 'edit'

)

select * from authoring
union all
select * from reviews
union all
select * from edits
);

-- models/marts/stages/mart_backlog_daily.sql
create or replace table marts.mart_backlog_daily as (
-- Work in progress per project, stage and day (tasks in the stage at the end of the day), its
-- 7-day change, and "reviewer drag": the review backlog grows while annotation keeps pace.
with

moves as (

    select
        project_key,
        stage,
        entered_at::date as day,
        1 as entered,
        0 as left_stage
    from core.fct_stage_intervals
    union all
    select
        project_key,
        stage,
        left_at::date,
        0 as entered,
        1 as left_stage
    from core.fct_stage_intervals
    where left_at is not null

),

per_day as (

    select
        project_key,
        stage,
        day,
        sum(entered) as entered,
        sum(left_stage) as left_stage
    from moves
    group by project_key, stage, day

),

calendar as (

    select
        stages.project_key,
        stages.stage,
        dates.day
    from (select distinct
        project_key,
        stage
    from per_day) as stages
    cross join core.dim_date as dates

),

wip as (

    select
        calendar.project_key,
        calendar.stage,
        calendar.day,
        coalesce(per_day.entered, 0) as entered,
        coalesce(per_day.left_stage, 0) as left_stage,
        sum(coalesce(per_day.entered, 0) - coalesce(per_day.left_stage, 0)) over (
            partition by calendar.project_key, calendar.stage order by calendar.day
        ) as wip
    from calendar
    left join per_day using (project_key, stage, day)

),

trend as (

    select
        *,
        wip - lag(wip, 7) over (partition by project_key, stage order by day) as wip_change_7d
    from wip

),

annotation as (

    select
        project_key,
        day,
        wip_change_7d as annotate_wip_change_7d
    from trend
    where stage = 'annotate'

),

final as (

    select
        trend.project_key::string as project_key,
        trend.stage::string as stage,
        trend.day,
        trend.entered::bigint as entered,
        trend.left_stage::bigint as left_stage,
        trend.wip::bigint as wip,
        trend.wip_change_7d::bigint as wip_change_7d,
        (
            trend.stage = 'review'
            and coalesce(trend.wip_change_7d >= 10, false)
            and coalesce(annotation.annotate_wip_change_7d, 0) <= 0
        ) as is_reviewer_drag
    from trend
    left join annotation using (project_key, day)

)

select * from final
);

-- models/marts/cost/mart_cost_daily.sql
create or replace table marts.mart_cost_daily as (
-- Spend per project and day against the project's budget, cumulative. Spend sums the work whose
-- cost is known (int_work_priced) and is null on a day when none is.
with

spend as (

    select
        project_key,
        day,
        (sum((cost)::decimal(38, 6)) )::double as spend,
        (sum((cost)::decimal(38, 6)) filter (where is_reworked))::double as rework_spend,
        count(*) filter (where is_reworked) as reworked_lines
    from intermediate.int_work_priced
    where day is not null
    group by project_key, day

)

select
    spend.project_key::string as project_key,
    spend.day,
    round(cast(spend.spend as decimal(38, 12)), 2)::double as spend,
    round(cast(case when spend.reworked_lines = 0 then 0 else spend.rework_spend end as decimal(38, 12)), 2)::double as rework_spend,
    round(cast((sum((spend.spend)::decimal(38, 6)) over (partition by spend.project_key order by spend.day))::double as decimal(38, 12)), 2)::double as cumulative_spend,
    budgets.budget::double as budget,
    (
        (sum((spend.spend)::decimal(38, 6)) over (partition by spend.project_key order by spend.day))::double
        / nullif(budgets.budget, 0)
    )::double as budget_used_share
from spend
left join seeds.project_budgets as budgets using (project_key)
);

-- models/marts/cost/mart_cost_projection.sql
create or replace table marts.mart_cost_projection as (
-- Per project: spend so far, the open backlog, and what finishing it costs at the recent pace
-- (cost per completed task over the last var('cost_pace_days') days with activity).
with

lines as (

    select * from intermediate.int_work_priced
    where day is not null

),

last_day as (

    select
        project_key,
        max(day) as last_day
    from lines
    group by project_key

),

recent as (

    select
        lines.project_key,
        (sum((lines.cost)::decimal(38, 6)) )::double as recent_cost
    from lines
    inner join last_day using (project_key)
    where lines.day > last_day.last_day - 14
    group by lines.project_key

),

completed as (

    select
        tasks.project_key,
        count(*) filter (where tasks.first_completed_at is null) as open_tasks,
        count(*) filter (
            where tasks.first_completed_at::date > last_day.last_day - 14
        ) as recent_completed_tasks
    from core.fct_tasks as tasks
    inner join last_day using (project_key)
    group by tasks.project_key

),

spent as (

    select
        project_key,
        (sum((cost)::decimal(38, 6)) )::double as spend_to_date
    from lines
    group by project_key

)

select
    spent.project_key::string as project_key,
    round(cast(spent.spend_to_date as decimal(38, 12)), 2)::double as spend_to_date,
    budgets.budget::double as budget,
    completed.open_tasks::bigint as open_tasks,
    (recent.recent_cost / nullif(completed.recent_completed_tasks, 0))::double
        as recent_cost_per_task,
    round(cast(completed.open_tasks * recent.recent_cost / nullif(completed.recent_completed_tasks, 0) as decimal(38, 12)), 2)::double as projected_cost_to_finish,
    round(cast(spent.spend_to_date + coalesce(completed.open_tasks * recent.recent_cost / nullif(completed.recent_completed_tasks, 0), 0) as decimal(38, 12)), 2)::double as projected_total,
    (spent.spend_to_date + coalesce(
        completed.open_tasks * recent.recent_cost
        / nullif(completed.recent_completed_tasks, 0), 0
    )) > budgets.budget as is_over_budget
from spent
left join recent using (project_key)
left join completed using (project_key)
left join seeds.project_budgets as budgets using (project_key)
);

-- models/marts/reworks/mart_review_concentration.sql
create or replace table marts.mart_review_concentration as (
-- Review load per project: the share of all corrections made by the busiest editor.
with

per_editor as (

    select
        project_key,
        editor,
        count(*) as reworks
    from core.fct_corrections
    group by project_key, editor

),

ranked as (

    select
        *,
        row_number() over (partition by project_key order by reworks desc, editor asc) as position,
        sum(reworks) over (partition by project_key) as project_reworks,
        count(*) over (partition by project_key) as editors
    from per_editor

),

final as (

    select
        project_key::string as project_key,
        project_reworks::bigint as reworks,
        editors::bigint as editors,
        editor::string as top_editor,
        reworks::bigint as top_editor_reworks,
        (reworks / project_reworks)::double as top_editor_share,
        (
            project_reworks >= 20
            and reworks / project_reworks >= 0.8
        ) as is_bottleneck
    from ranked
    where position = 1

)

select * from final
);

-- models/marts/reworks/mart_review_loops.sql
create or replace table marts.mart_review_loops as (
-- Annotations that went back and forth: rejections and review rounds per annotation.
with

reviews as (

    select
        annotation_key,
        any_value(task_key) as task_key,
        any_value(project_key) as project_key,
        any_value(author) as author,
        count(*) as review_rounds,
        count(*) filter (where outcome = 'rejected') as rejections,
        max_by(outcome, review_round) as last_outcome
    from core.fct_reviews
    group by annotation_key

),

final as (

    select
        annotation_key::string as annotation_key,
        task_key::string as task_key,
        project_key::string as project_key,
        author::string as author,
        review_rounds::bigint as review_rounds,
        rejections::bigint as rejections,
        last_outcome::string as last_outcome,
        last_outcome <> 'rejected' as is_resolved,
        rejections > 2 as is_loop
    from reviews
    where rejections > 0

)

select * from final
);

-- models/marts/performance/mart_annotator_performance.sql
create or replace table marts.mart_annotator_performance as (
-- Per annotator over the whole data set, as Label Studio's annotator dashboard defines it
-- (METRICS.md §2); see _performance__models.yml for each figure. Ground-truth annotations are
-- reference answers, not work: they count in no figure here.
with

annotations as (

    select * from core.fct_annotations
    where not is_ground_truth

),

final as (

    select
        annotator,
        count(*) filter (where is_submitted)::bigint as submitted,
    count(*) filter (where was_cancelled)::bigint as skipped,
    count(*) filter (where last_action = 'updated')::bigint as updated,
    coalesce((sum((lead_time_s)::decimal(38, 6)) filter (where is_submitted))::double, 0)::double as total_time_s,
    round(cast(quantile_cont(lead_time_s, 0.5) filter (where is_submitted) as decimal(38, 12)), 6)::double as median_time_s,
    ((
        (sum((lead_time_s)::decimal(38, 6)) filter (where is_submitted))::double
        / (count(lead_time_s) filter (where is_submitted))
    ))::double as mean_time_s,
    (
        count(*) filter (where is_submitted)
        * round(cast(quantile_cont(lead_time_s, 0.5) filter (where is_submitted) as decimal(38, 12)), 6)::double
    )::double as total_time_median_s,
        min(completed_day) filter (where is_submitted) as first_day,
        max(completed_day) filter (where is_submitted) as last_day

    from annotations
    group by annotator

)

select * from final
);

-- models/marts/performance/mart_annotator_performance_daily.sql
create or replace table marts.mart_annotator_performance_daily as (
-- mart_annotator_performance per completion day (the day the annotation was completed); ground
-- truth is not work here either.
with

annotations as (

    select * from core.fct_annotations
    where completed_day is not null and not is_ground_truth

),

final as (

    select
        annotator,
        completed_day as day,
        count(*) filter (where is_submitted)::bigint as submitted,
    count(*) filter (where was_cancelled)::bigint as skipped,
    count(*) filter (where last_action = 'updated')::bigint as updated,
    coalesce((sum((lead_time_s)::decimal(38, 6)) filter (where is_submitted))::double, 0)::double as total_time_s,
    round(cast(quantile_cont(lead_time_s, 0.5) filter (where is_submitted) as decimal(38, 12)), 6)::double as median_time_s,
    ((
        (sum((lead_time_s)::decimal(38, 6)) filter (where is_submitted))::double
        / (count(lead_time_s) filter (where is_submitted))
    ))::double as mean_time_s,
    (
        count(*) filter (where is_submitted)
        * round(cast(quantile_cont(lead_time_s, 0.5) filter (where is_submitted) as decimal(38, 12)), 6)::double
    )::double as total_time_median_s

    from annotations
    group by annotator, completed_day

)

select * from final
);

-- models/marts/quality/mart_approval_rates.sql
create or replace table marts.mart_approval_rates as (
-- Approval and rejection at first review per annotator, class and reviewer, for the whole
-- period (week null) and per week of the work, with Wilson intervals and the week-on-week trend.
with

reviewed as (

    select * from intermediate.int_annotations_first_reviewed

),

long as (

    select
        project_key,
        'annotator' as dimension,
        annotator as subject,
        work_week,
        is_rejected
    from reviewed
    union all
    select
        project_key,
        'class' as dimension,
        primary_class,
        work_week,
        is_rejected
    from reviewed
    where primary_class is not null
    union all
    select
        project_key,
        'reviewer' as dimension,
        reviewer,
        work_week,
        is_rejected
    from reviewed
    where reviewer is not null

),

counted as (

    select
        project_key,
        dimension,
        subject,
        work_week as week,
        count(*) as reviewed,
        count(*) filter (where is_rejected) as rejected
    from long
    group by grouping sets (
        (project_key, dimension, subject, work_week), (project_key, dimension, subject)
    )

),

final as (

    select
        project_key::string as project_key,
        dimension::string as dimension,
        subject::string as subject,
        week::date as week,
        reviewed::bigint as reviewed,
        (reviewed - rejected)::bigint as accepted,
        rejected::bigint as rejected,
        (rejected / reviewed)::double as rejection_rate,
        (case when reviewed > 0 then
        greatest(0.0::double, least(
            rejected::double / reviewed,
            (
                (rejected::double / reviewed + 3.8414588206941254::double / (2.0::double * reviewed))
                - 1.959963984540054::double * sqrt(
                    (rejected::double / reviewed)
                    * (1::double - rejected::double / reviewed) / reviewed
                    + 3.8414588206941254::double / (4.0::double * reviewed * reviewed)
                )
            ) / (1::double + 3.8414588206941254::double / reviewed)
        ))
    end)::double as rate_low,
        (case when reviewed > 0 then
        least(1.0::double, greatest(
            rejected::double / reviewed,
            (
                (rejected::double / reviewed + 3.8414588206941254::double / (2.0::double * reviewed))
                + 1.959963984540054::double * sqrt(
                    (rejected::double / reviewed)
                    * (1::double - rejected::double / reviewed) / reviewed
                    + 3.8414588206941254::double / (4.0::double * reviewed * reviewed)
                )
            ) / (1::double + 3.8414588206941254::double / reviewed)
        ))
    end)::double as rate_high,
        (rejected / reviewed - lag(rejected / reviewed) over (
            partition by project_key, dimension, subject, week is null order by week
        ))::double as change_vs_previous_week
    from counted

)

select * from final
);

-- models/marts/performance/mart_complexity.sql
create or replace table marts.mart_complexity as (
-- Complexity-adjusted speed per annotator and project: time per task beside time per label
-- and objects per task, so an annotator handed busier scenes is not mistaken for a slow one.
with

submitted as (

    select * from core.fct_annotations
    where is_submitted and lead_time_s is not null and not is_ground_truth

),

per_annotator as (

    select
        project_key,
        annotator,
        count(*)::bigint as annotations,
        sum(object_count)::bigint as objects,
        sum(vertex_count)::bigint as vertices,
        avg(object_count)::double as objects_per_task,
        (
        (sum((lead_time_s)::decimal(38, 6)) )::double
        / (count(lead_time_s) )
    )::double as mean_time_per_task_s,
        round(cast(quantile_cont(lead_time_s, 0.5) as decimal(38, 12)), 6)::double as median_time_per_task_s,
        ((sum((lead_time_s)::decimal(38, 6)) )::double / nullif(sum(object_count), 0))::double as time_per_label_s,
        round(cast(quantile_cont(lead_time_s / nullif(object_count, 0), 0.5) as decimal(38, 12)), 6)::double
            as median_time_per_label_s,
        ((sum((lead_time_s)::decimal(38, 6)) )::double / nullif(sum(vertex_count), 0))::double as time_per_vertex_s

    from submitted
    group by project_key, annotator

),

project_baseline as (

    -- The project's typical annotator: the median over annotators of their medians, so neither
    -- one forgotten open tab nor one outlying person can move it.
    select
        project_key,
        round(cast(quantile_cont(median_time_per_task_s, 0.5) as decimal(38, 12)), 6)::double as project_time_per_task_s,
        round(cast(quantile_cont(median_time_per_label_s, 0.5) as decimal(38, 12)), 6)::double as project_time_per_label_s,
        round(cast(quantile_cont(objects_per_task, 0.5) as decimal(38, 12)), 6)::double as project_objects_per_task
    from per_annotator
    group by project_key

),

final as (

    select
        per_annotator.project_key,
        per_annotator.annotator,
        per_annotator.annotations,
        per_annotator.objects,
        per_annotator.vertices,
        per_annotator.objects_per_task,
        per_annotator.mean_time_per_task_s,
        per_annotator.median_time_per_task_s,
        per_annotator.time_per_label_s,
        per_annotator.median_time_per_label_s,
        per_annotator.time_per_vertex_s,
        (
            per_annotator.median_time_per_task_s
            / nullif(project_baseline.project_time_per_task_s, 0))::double
            as time_per_task_vs_project,
        (
            per_annotator.median_time_per_label_s
            / nullif(project_baseline.project_time_per_label_s, 0))::double
            as time_per_label_vs_project,
        (
            per_annotator.objects_per_task
            / nullif(project_baseline.project_objects_per_task, 0))::double
            as objects_per_task_vs_project,
        case
            when per_annotator.annotations < 20
                then 'too little data'
            when
                per_annotator.median_time_per_task_s
                >= 2.0 * project_baseline.project_time_per_task_s
                and per_annotator.median_time_per_label_s
                < 2.0 * project_baseline.project_time_per_label_s
                then 'busier scenes'
            when
                per_annotator.median_time_per_label_s
                >= 2.0 * project_baseline.project_time_per_label_s
                then 'slower per label'
            else 'typical'
        end::string as speed_verdict

    from per_annotator
    inner join project_baseline using (project_key)

)

select * from final
);

-- models/marts/reworks/mart_correction_matrix.sql
create or replace table marts.mart_correction_matrix as (
-- Who corrects whom: one row per project, author and editor with the number of corrections.
select
    project_key::string as project_key,
    author::string as author,
    editor::string as editor,
    count(*)::bigint as corrections,
    min(corrected_day) as first_day,
    max(corrected_day) as last_day
from core.fct_corrections
group by project_key, author, editor
);

-- models/marts/cost/mart_cost_by_annotator.sql
create or replace table marts.mart_cost_by_annotator as (
-- Per project and annotator: what their annotations cost, per task, per label and per accepted
-- label, and how much of it went to work later rejected or corrected. Sums cover the work whose
-- cost is known (int_work_priced); a person none of whose work has a known time costs null.
with

authoring as (

    select
        project_key,
        person as annotator,
        (sum((cost)::decimal(38, 6)) )::double as authoring_cost,
        (sum((cost)::decimal(38, 6)) filter (where is_reworked))::double as rework_cost,
        count(*) filter (where is_reworked) as reworked_lines
    from intermediate.int_work_priced
    where kind = 'annotation'
    group by project_key, person

),

output as (

    select
        project_key,
        annotator,
        count(*) filter (where is_submitted) as submitted,
        sum(object_count) as labels,
        sum(object_count) filter (where is_submitted) as accepted_labels
    from core.fct_annotations
    where not was_cancelled and not is_ground_truth
    group by project_key, annotator

)

select
    authoring.project_key::string as project_key,
    authoring.annotator::string as annotator,
    round(cast(authoring.authoring_cost as decimal(38, 12)), 2)::double as cost,
    coalesce(output.submitted, 0)::bigint as submitted,
    coalesce(output.labels, 0)::bigint as labels,
    coalesce(output.accepted_labels, 0)::bigint as accepted_labels,
    (authoring.authoring_cost / nullif(output.submitted, 0))::double as cost_per_task,
    (authoring.authoring_cost / nullif(output.labels, 0))::double as cost_per_label,
    (authoring.authoring_cost / nullif(output.accepted_labels, 0))::double
        as cost_per_accepted_label,
    
    round(cast(case when authoring.reworked_lines = 0 then 0 else authoring.rework_cost end as decimal(38, 12)), 2)::double as rework_cost
from authoring
left join output using (project_key, annotator)
);

-- models/staging/events/stg_events__duplicate_records.sql
create or replace table staging.stg_events__duplicate_records as (
-- Event records dropped by stg_events__events because an earlier record (same event_id, first
-- by file then line) was kept: counted and explained on the data-quality page, not lost.
select
    _source_file as source_file,
    _record_number as record_number,
    event_id,
    first_value(_source_file) over by_event as kept_source_file,
    first_value(_record_number) over by_event as kept_record_number
from raw.events
window by_event as (partition by event_id order by _source_file, _record_number)
qualify row_number() over by_event > 1
);

-- models/staging/ingest/stg_ingest__files.sql
create or replace table staging.stg_ingest__files as (
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
from raw.ingest_manifest
);

-- models/staging/ingest/stg_ingest__quarantine.sql
create or replace table staging.stg_ingest__quarantine as (
select
    _source_file as source_file,
    _file_hash as file_hash,
    record_number,
    target_table,
    field,
    reason,
    detected_by,
    excerpt
from raw.quarantine
);

-- models/staging/ingest/stg_ingest__validation_results.sql
create or replace table staging.stg_ingest__validation_results as (
select
    _source_file as source_file,
    suite,
    expectation,
    column_name,
    on_failure,
    success,
    element_count,
    unexpected_count
from raw.validation_results
);

-- models/marts/data_quality/mart_input_issues.sql
create or replace table marts.mart_input_issues as (
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
                when record_number > 0 then left(excerpt, 120)
            end,
            record_number
        ) as example
    from staging.stg_ingest__quarantine
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
    from staging.stg_events__duplicate_records
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
    from staging.stg_ingest__files
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
    from staging.stg_ingest__validation_results
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
    from core.fct_labels
    where
        shape_type not in (
                'bbox',
                'polygon',
                'polyline',
                'keypoint',
                'ellipse',
                'mask',
                'choice',
                'span',
                'textarea',
                'rating',
                'number',
                'datetime',
                'pairwise',
                'ranker',
                'relation',
                'unknown'
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
    from staging.stg_label_studio__annotations
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
);

-- models/marts/issues/mart_issues_breakdown.sql
create or replace table marts.mart_issues_breakdown as (
-- Issues and comments counted along each axis a manager asks about: by category, by label
-- class, by author. One row per project, axis and value, with open vs resolved.
with

issues as (

    select * from core.fct_issues

),

-- An issue is about the classes of the annotation it was raised on, or of every submitted
-- annotation on its task when it names none: an issue on a task with a bus and a car counts
-- once for "bus" and once for "car".
annotation_classes as (

    select distinct
        annotation_key,
        task_key,
        class_name
    from core.fct_labels
    where is_submitted and class_name is not null

),

issue_classes as (

    select distinct
        issues.issue_key,
        annotation_classes.class_name
    from issues
    inner join annotation_classes
        on issues.annotation_key = annotation_classes.annotation_key
    union
    select distinct
        issues.issue_key,
        annotation_classes.class_name
    from issues
    inner join annotation_classes
        on issues.task_key = annotation_classes.task_key
    where issues.annotation_key is null

),

along_axes as (

    select
        'category' as axis,
        issues.category as value,
        issues.*
    from issues
    union all
    select
        'author' as axis,
        author as value,
        issues.*
    from issues
    union all
    select
        'class' as axis,
        issue_classes.class_name as value,
        issues.*
    from issues
    inner join issue_classes using (issue_key)

)

select
    project_key::string as project_key,
    axis::string as axis,
    value::string as value,
    count(*) filter (where kind = 'issue')::bigint as issues,
    count(*) filter (where kind = 'comment')::bigint as comments,
    count(*) filter (where kind = 'issue' and is_resolved)::bigint as resolved,
    count(*) filter (where kind = 'issue' and not is_resolved)::bigint as still_open,
    round(cast(quantile_cont(time_to_resolve_s, 0.5) filter (where is_resolved) as decimal(38, 12)), 6)::double as median_time_to_resolve_s,
    min(raised_at)::timestamp as first_raised_at,
    max(raised_at)::timestamp as last_raised_at
from along_axes
where value is not null
group by all
);

-- models/marts/issues/mart_issues_weekly.sql
create or replace table marts.mart_issues_weekly as (
-- Issues and comments per project, week raised, kind and category; resolution figures.
select
    project_key::string as project_key,
    date_trunc('week', raised_at)::date as week,
    kind::string as kind,
    category::string as category,
    count(*)::bigint as raised,
    count(*) filter (where is_resolved)::bigint as resolved,
    count(*) filter (where not is_resolved)::bigint as still_open,
    count(*) filter (where is_category_inferred)::bigint as inferred_from_text,
    round(cast(quantile_cont(time_to_resolve_s, 0.5) filter (where is_resolved) as decimal(38, 12)), 6)::double as median_time_to_resolve_s
from core.fct_issues
group by all
);

-- models/marts/reworks/mart_reworks.sql
create or replace table marts.mart_reworks as (
-- Per person over the whole data set: corrections received on their work and made to others'
-- work, and how much of their work anyone reviewed at all. Where a person worked only in tools that
-- do not export who corrected whom (seed source_figures), their reworks are unknown: null, not 0.
with

correction_blind_sources as (

    select source_system as blind_source from seeds.source_figures
    where figure = 'corrections' and availability = 'not_exported'

),

annotations as (

    select
        annotations.annotation_key,
        annotations.annotator,
        blind.blind_source is not null as is_correction_blind
    from core.fct_annotations as annotations
    left join correction_blind_sources as blind
        on annotations.source_system = blind.blind_source
    where not annotations.was_cancelled and not annotations.is_ground_truth

),

reviewed as (

    select distinct annotation_key from core.fct_reviews
    union
    select distinct annotation_key from core.fct_corrections

),

authored as (

    select
        annotations.annotator as person,
        count(*)::bigint as annotations_authored,
        count(reviewed.annotation_key)::bigint as annotations_reviewed,
        bool_and(annotations.is_correction_blind) as is_correction_blind
    from annotations
    left join reviewed using (annotation_key)
    group by annotations.annotator

),

received as (

    select
        author as person,
        count(*)::bigint as reworks_received
    from core.fct_corrections
    group by author

),

done as (

    select
        editor as person,
        count(*)::bigint as reworks_done
    from core.fct_corrections
    group by editor

),

reviews_done as (

    select
        reviewer as person,
        count(*)::bigint as reviews_done
    from core.fct_reviews
    where reviewer is not null
    group by reviewer

),

people as (

    select person from authored
    union
    select person from done
    union
    select person from reviews_done

),

-- Whether every piece of a person's work (authoring or reviewing) is in a correction-blind tool.
worked_blind as (

    select
        person,
        bool_and(is_correction_blind) as is_correction_blind
    from (
        select
            annotator as person,
            is_correction_blind
        from annotations
        union all
        select
            reviews.reviewer as person,
            blind.blind_source is not null as is_correction_blind
        from core.fct_reviews as reviews
        left join correction_blind_sources as blind
            on reviews.source_system = blind.blind_source
        where reviews.reviewer is not null
    ) as work
    group by person

),

counted as (

    select
        people.person,
        authored.annotations_authored,
        authored.annotations_reviewed,
        case
            when received.reworks_received is not null then received.reworks_received
            when coalesce(authored.is_correction_blind, false) then null
            else 0
        end as reworks_received,
        case
            when done.reworks_done is not null then done.reworks_done
            when coalesce(worked_blind.is_correction_blind, false) then null
            else 0
        end as reworks_done,
        reviews_done.reviews_done
    from people
    left join authored using (person)
    left join received using (person)
    left join done using (person)
    left join reviews_done using (person)
    left join worked_blind using (person)

),

final as (

    select
        person::string as person,
        coalesce(annotations_authored, 0)::bigint as annotations_authored,
        coalesce(annotations_reviewed, 0)::bigint as annotations_reviewed,
        (annotations_reviewed / nullif(annotations_authored, 0))::double as reviewed_share,
        reworks_received::bigint as reworks_received,
        reworks_done::bigint as reworks_done,
        coalesce(reviews_done, 0)::bigint as reviews_done,
        (
            coalesce(annotations_authored, 0) > 0
            and coalesce(annotations_reviewed, 0) = 0
        ) as is_unreviewed,
        -- Ranks only people who received reworks: a rank for none, or for an unknown count,
        -- would read as a place in a queue they are not in.
        case
            when reworks_received > 0
                then rank() over (order by reworks_received desc nulls last)
        end::bigint as received_rank

    from counted

)

select * from final
);

-- models/marts/performance/mart_person_profile.sql
create or replace table marts.mart_person_profile as (
-- One row per person: who they are (dim_actors), their annotator figures
-- (mart_annotator_performance) and their place in the review structure (mart_reworks), as the
-- report's person page shows them. Actors who only wrote ground truth get no page.
with

actors as (

    select * from core.dim_actors
    where not is_gold_only

),

performance as (

    select * from marts.mart_annotator_performance

),

reworks as (

    select * from marts.mart_reworks

),

final as (

    select
        actors.actor,
        actors.actor as person,
        actors.roles,
        actors.sources,
        actors.tool_ids,
        actors.first_seen_at::date as first_seen,
        actors.last_seen_at::date as last_seen,
        performance.submitted,
        performance.skipped,
        performance.updated,
        performance.total_time_s,
        performance.median_time_s,
        performance.mean_time_s,
        performance.total_time_median_s,
        reworks.annotations_authored,
        reworks.annotations_reviewed,
        reworks.reviewed_share,
        reworks.reworks_received,
        reworks.reworks_done,
        reworks.reviews_done,
        reworks.is_unreviewed,
        reworks.received_rank
    from actors
    left join performance on actors.actor = performance.annotator
    left join reworks on actors.actor = reworks.person

)

select * from final
);

-- models/marts/reworks/mart_review_edges.sql
create or replace table marts.mart_review_edges as (
-- The review hierarchy: an edge from each reviewer (or editor) to each annotator whose work they
-- reviewed or corrected, per project. People with no incoming edge are unreviewed. Corrections
-- are null, not 0, in projects whose tool does not export who corrected whom (seed source_figures).
with

correction_blind_sources as (

    select source_system as blind_source from seeds.source_figures
    where figure = 'corrections' and availability = 'not_exported'

),

reviews as (

    select
        reviews.project_key,
        reviews.reviewer,
        reviews.author,
        reviews.outcome,
        blind.blind_source is not null as is_correction_blind
    from core.fct_reviews as reviews
    left join correction_blind_sources as blind
        on reviews.source_system = blind.blind_source
    where reviews.reviewer is not null and reviews.reviewer <> reviews.author

),

corrections as (

    select
        project_key,
        editor,
        author,
        count(*) as corrections
    from core.fct_corrections
    group by project_key, editor, author

),

review_counts as (

    select
        project_key,
        reviewer,
        author,
        count(*) as reviews,
        count(*) filter (where outcome = 'rejected') as rejections,
        bool_or(is_correction_blind) as is_correction_blind
    from reviews
    group by project_key, reviewer, author

),

final as (

    select
        coalesce(review_counts.project_key, corrections.project_key)::string as project_key,
        coalesce(review_counts.reviewer, corrections.editor)::string as reviewer,
        coalesce(review_counts.author, corrections.author)::string as annotator,
        coalesce(review_counts.reviews, 0)::bigint as reviews,
        coalesce(review_counts.rejections, 0)::bigint as rejections,
        case
            when corrections.corrections is not null then corrections.corrections
            when not review_counts.is_correction_blind then 0
        end::bigint as corrections

    from review_counts
    full outer join corrections
        on
            review_counts.project_key = corrections.project_key
            and review_counts.reviewer = corrections.editor
            and review_counts.author = corrections.author

)

select * from final
);

-- models/marts/data_quality/mart_source_figures.sql
create or replace table marts.mart_source_figures as (
-- What each source landed in this warehouse can tell, figure by figure (seed source_figures),
-- so the report can say "not exported by CVAT" where a figure is missing instead of showing a
-- gap or a zero.
with

landed_sources as (

    select distinct source_system
    from core.fct_tasks

),

figures as (

    select * from seeds.source_figures

),

final as (

    select
        figures.source_system,
        figures.figure,
        figures.availability,
        figures.note
    from figures
    inner join landed_sources using (source_system)

)

select * from final
);

-- models/marts/stages/mart_stage_efficiency.sql
create or replace table marts.mart_stage_efficiency as (
-- Per project and workflow stage: work and waiting time, dwell percentiles, and how the
-- project's annotation work compares with the work in each stage.
with

visits as (

    select * from core.fct_stage_intervals

),

per_stage as (

    select
        project_key,
        stage,
        count(*) as visits,
        count(*) filter (where not is_open) as closed_visits,
        (sum((work_s)::decimal(38, 6)) )::double as total_work_s,
        round(cast(quantile_cont(work_s, 0.5) filter (where not is_open) as decimal(38, 12)), 6)::double as median_work_s,
        round(cast(quantile_cont(wait_s, 0.5) filter (where not is_open) as decimal(38, 12)), 6)::double as median_wait_s,
        round(cast(quantile_cont(wait_s, 0.9) filter (where not is_open) as decimal(38, 12)), 6)::double as p90_wait_s,
        round(cast(quantile_cont(dwell_s, 0.5) filter (where not is_open) as decimal(38, 12)), 6)::double as median_dwell_s,
        round(cast(quantile_cont(dwell_s, 0.9) filter (where not is_open) as decimal(38, 12)), 6)::double as p90_dwell_s
    from visits
    group by project_key, stage

),

annotation_work as (

    select
        project_key,
        total_work_s as annotate_work_s
    from per_stage
    where stage = 'annotate'

),

final as (

    select
        per_stage.project_key::string as project_key,
        per_stage.stage::string as stage,
        per_stage.visits::bigint as visits,
        per_stage.closed_visits::bigint as closed_visits,
        per_stage.total_work_s::double as total_work_s,
        per_stage.median_work_s::double as median_work_s,
        per_stage.median_wait_s::double as median_wait_s,
        per_stage.p90_wait_s::double as p90_wait_s,
        per_stage.median_dwell_s::double as median_dwell_s,
        per_stage.p90_dwell_s::double as p90_dwell_s,
        (annotation_work.annotate_work_s / nullif(per_stage.total_work_s, 0))::double
            as annotation_to_stage_work_ratio
    from per_stage
    left join annotation_work using (project_key)

)

select * from final
);

-- models/marts/issues/mart_task_issues.sql
create or replace table marts.mart_task_issues as (
-- Tasks with issues beside their time and rejections: issues explain outliers.
with

issues as (

    select
        task_key,
        count(*) filter (where kind = 'issue') as issues,
        count(*) filter (where kind = 'issue' and not is_resolved) as open_issues,
        count(*) filter (where kind = 'comment') as comments,
        string_agg(distinct category, ', ' order by category) as categories
    from core.fct_issues
    group by task_key

),

work as (

    select
        task_key,
        (sum((lead_time_s)::decimal(38, 6)) )::double as lead_time_s,
        count(*) as annotations
    from core.fct_annotations
    where not was_cancelled
    group by task_key

),

rejections as (

    select
        task_key,
        count(*) filter (where outcome = 'rejected') as rejections
    from core.fct_reviews
    group by task_key

)

select
    issues.task_key::string as task_key,
    tasks.project_key::string as project_key,
    issues.issues::bigint as issues,
    issues.open_issues::bigint as open_issues,
    issues.comments::bigint as comments,
    issues.categories::string as categories,
    coalesce(work.annotations, 0)::bigint as annotations,
    work.lead_time_s::double as lead_time_s,
    coalesce(rejections.rejections, 0)::bigint as rejections
from issues
inner join core.fct_tasks as tasks using (task_key)
left join work using (task_key)
left join rejections using (task_key)
);

-- models/marts/throughput/mart_throughput_daily.sql
create or replace table marts.mart_throughput_daily as (
-- Per annotator, project and completion day: tasks and labels done, time per task and per
-- label (mean, median, p90), and tasks at >= var('expected_time_flag_ratio') x the project's
-- expected time per task. Ground-truth annotations are reference answers, not work.
-- The medians and p90s come from a sort (macros/sorted_quantiles.sql): as grouped quantile_cont,
-- short of memory beside another model, this model spilled tens of GB at 30 M events and failed.
with

submitted as (

    select
        annotations.project_key,
        annotations.annotator,
        annotations.completed_day,
        annotations.task_key,
        annotations.object_count,
        annotations.lead_time_s,
        annotations.lead_time_s / nullif(annotations.object_count, 0) as time_per_label_s,
        expected.expected_time_per_task_s
    from core.fct_annotations as annotations
    left join seeds.project_expected_times as expected using (project_key)
    where
        annotations.is_submitted
        and annotations.completed_day is not null
        and not annotations.is_ground_truth

),

ranked as (

    select
        *,
        row_number() over (
            partition by project_key, annotator, completed_day
            order by lead_time_s asc nulls last
        ) as task_time_rank,
        count(lead_time_s) over (
            partition by project_key, annotator, completed_day
        ) as task_times,
        row_number() over (
            partition by project_key, annotator, completed_day
            order by time_per_label_s asc nulls last
        ) as label_time_rank,
        count(time_per_label_s) over (
            partition by project_key, annotator, completed_day
        ) as label_times,
        -- The first row of each task: tasks counted without count(distinct).
        row_number() over (
            partition by project_key, annotator, completed_day, task_key
            order by lead_time_s asc nulls last
        ) as task_row
    from submitted

),

per_day as (

    select
        project_key,
        annotator,
        completed_day,
        count(*) filter (where task_key is not null and task_row = 1) as tasks,
        sum(object_count) as labels,
        (
        (sum((lead_time_s)::decimal(38, 6)) )::double
        / (count(lead_time_s) )
    ) as mean_time_per_task_s,
        any_value(task_times) as task_times,
        max(lead_time_s) filter (
        where task_time_rank = floor((task_times - 1) * 0.5) + 1
    ) as task_median_lo,
    max(lead_time_s) filter (
        where task_time_rank = ceil((task_times - 1) * 0.5) + 1
    ) as task_median_hi,
        max(lead_time_s) filter (
        where task_time_rank = floor((task_times - 1) * 0.9) + 1
    ) as task_p90_lo,
    max(lead_time_s) filter (
        where task_time_rank = ceil((task_times - 1) * 0.9) + 1
    ) as task_p90_hi,
        (
        (sum((time_per_label_s)::decimal(38, 6)) )::double
        / (count(time_per_label_s) )
    ) as mean_time_per_label_s,
        any_value(label_times) as label_times,
        max(time_per_label_s) filter (
        where label_time_rank = floor((label_times - 1) * 0.5) + 1
    ) as label_median_lo,
    max(time_per_label_s) filter (
        where label_time_rank = ceil((label_times - 1) * 0.5) + 1
    ) as label_median_hi,
        max(time_per_label_s) filter (
        where label_time_rank = floor((label_times - 1) * 0.9) + 1
    ) as label_p90_lo,
    max(time_per_label_s) filter (
        where label_time_rank = ceil((label_times - 1) * 0.9) + 1
    ) as label_p90_hi,
        any_value(expected_time_per_task_s) as expected_time_per_task_s,
        count(*) filter (
            where lead_time_s >= 2 * expected_time_per_task_s
        ) as tasks_over_expected
    from ranked
    group by project_key, annotator, completed_day

),

final as (

    select
        project_key::string as project_key,
        annotator::string as annotator,
        completed_day as day,
        tasks::bigint as tasks,
        labels::bigint as labels,
        mean_time_per_task_s::double as mean_time_per_task_s,
        round(cast(task_median_lo + (task_median_hi - task_median_lo) * ((task_times - 1) * 0.5 - floor((task_times - 1) * 0.5)) as decimal(38, 12)), 6)::double as median_time_per_task_s,
        round(cast(task_p90_lo + (task_p90_hi - task_p90_lo) * ((task_times - 1) * 0.9 - floor((task_times - 1) * 0.9)) as decimal(38, 12)), 6)::double as p90_time_per_task_s,
        mean_time_per_label_s::double as mean_time_per_label_s,
        round(cast(label_median_lo + (label_median_hi - label_median_lo) * ((label_times - 1) * 0.5 - floor((label_times - 1) * 0.5)) as decimal(38, 12)), 6)::double as median_time_per_label_s,
        round(cast(label_p90_lo + (label_p90_hi - label_p90_lo) * ((label_times - 1) * 0.9 - floor((label_times - 1) * 0.9)) as decimal(38, 12)), 6)::double as p90_time_per_label_s,
        expected_time_per_task_s::double as expected_time_per_task_s,
        tasks_over_expected::bigint as tasks_over_expected
    from per_day

)

select * from final
);
