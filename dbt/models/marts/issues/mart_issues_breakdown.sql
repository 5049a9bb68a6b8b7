-- Issues and comments counted along each axis a manager asks about: by category, by label
-- class, by author. One row per project, axis and value, with open vs resolved.
with

issues as (

    select * from {{ ref('fct_issues') }}

),

-- An issue is about the classes of the annotation it was raised on, or of every submitted
-- annotation on its task when it names none: an issue on a task with a bus and a car counts
-- once for "bus" and once for "car".
annotation_classes as (

    select distinct
        annotation_key,
        task_key,
        class_name
    from {{ ref('fct_labels') }}
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
    {{ median_of('time_to_resolve_s', 'is_resolved') }} as median_time_to_resolve_s,
    min(raised_at)::timestamp as first_raised_at,
    max(raised_at)::timestamp as last_raised_at
from along_axes
where value is not null
group by all
