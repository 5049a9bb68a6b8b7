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
    from {{ ref('fct_annotations') }}
    union all
    select
        reviewer,
        reviewed_at,
        'reviewer' as role,
        project_key,
        false as is_ground_truth
    from {{ ref('fct_reviews') }}
    where reviewer is not null
    union all
    select
        editor,
        corrected_at,
        'editor' as role,
        project_key,
        false as is_ground_truth
    from {{ ref('fct_corrections') }}
    union all
    select
        author,
        raised_at,
        'issue_author' as role,
        project_key,
        false as is_ground_truth
    from {{ ref('fct_issues') }}
    union all
    select
        actor,
        occurred_at,
        coalesce(actor_role, 'unknown') as role,
        project_key,
        null as is_ground_truth
    from {{ ref('int_events_unioned') }}

),

tool_users as (

    -- The ids a tool names the person by where that is not their email (Labelbox, Encord
    -- and the event log name people by email): <tool>:<instance>/<id>.
    select
        actor,
        'label_studio:' || {{ instance_prefix('instance') }} || user_id::string as tool_id
    from {{ ref('int_label_studio_users_resolved') }}
    union all
    select
        actor,
        'cvat:' || user_id || coalesce(' (' || username || ')', '') as tool_id
    from {{ ref('int_cvat_users_resolved') }}

),

tool_ids as (

    select
        actor,
        {{ sorted_distinct_join('tool_id', "', '") }} as tool_ids
    from tool_users
    group by actor

),

people as (

    select
        actor,
        actor = 'system' as is_system,
        min(seen_at) as first_seen_at,
        max(seen_at) as last_seen_at,
        {{ sorted_distinct_join('role', "', '") }} as roles,
        -- The tools the person worked in (a project key starts with its source).
        {{ sorted_distinct_join('source_system', "', '") }} as sources,
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
