with

tasks as (

    select * from {{ ref('fct_tasks') }}

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
