-- Everyone who appears in the data: authors, reviewers, editors, issue authors, event actors.
with

appearances as (

    select
        annotator as actor,
        completed_at as seen_at,
        'annotator' as role
    from {{ ref('fct_annotations') }}
    union all
    select
        reviewer,
        reviewed_at,
        'reviewer' as role
    from {{ ref('fct_reviews') }}
    where reviewer is not null
    union all
    select
        editor,
        corrected_at,
        'editor' as role
    from {{ ref('fct_corrections') }}
    union all
    select
        author,
        raised_at,
        'issue_author' as role
    from {{ ref('fct_issues') }}
    union all
    select
        actor,
        occurred_at,
        coalesce(actor_role, 'unknown') as role
    from {{ ref('int_events_unioned') }}

),

final as (

    select
        actor,
        actor = 'system' as is_system,
        min(seen_at) as first_seen_at,
        max(seen_at) as last_seen_at,
        string_agg(distinct role, ', ' order by role) as roles

    from appearances
    where actor is not null
    group by actor

)

select * from final
