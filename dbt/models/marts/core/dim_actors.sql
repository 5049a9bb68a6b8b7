-- Everyone who appears in the data: authors, reviewers, editors, issue authors, event actors;
-- one row per person across tools (an email is one person in every tool: person_identity).
with

appearances as (

    select
        annotator as actor,
        completed_at as seen_at,
        'annotator' as role,
        project_key
    from {{ ref('fct_annotations') }}
    union all
    select
        reviewer,
        reviewed_at,
        'reviewer' as role,
        project_key
    from {{ ref('fct_reviews') }}
    where reviewer is not null
    union all
    select
        editor,
        corrected_at,
        'editor' as role,
        project_key
    from {{ ref('fct_corrections') }}
    union all
    select
        author,
        raised_at,
        'issue_author' as role,
        project_key
    from {{ ref('fct_issues') }}
    union all
    select
        actor,
        occurred_at,
        coalesce(actor_role, 'unknown') as role,
        project_key
    from {{ ref('int_events_unioned') }}

),

final as (

    select
        actor,
        actor = 'system' as is_system,
        min(seen_at) as first_seen_at,
        max(seen_at) as last_seen_at,
        string_agg(distinct role, ', ' order by role) as roles,
        -- The tools the person worked in (a project key starts with its source).
        string_agg(distinct source_system, ', ' order by source_system) as sources

    from (
        select
            *,
            split_part(project_key, ':', 1) as source_system
        from appearances
    ) as sourced
    where actor is not null
    group by actor

)

select * from final
