-- Per project and annotator: what their annotations cost, per task, per label and per accepted
-- label, and how much of it went to work later rejected or corrected.
with

authoring as (

    select
        project_key,
        person as annotator,
        {{ exact_sum('cost') }} as authoring_cost,
        {{ exact_sum('cost', "filter (where is_reworked)") }} as rework_cost
    from {{ ref('int_work_priced') }}
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
    from {{ ref('fct_annotations') }}
    where not was_cancelled
    group by project_key, annotator

)

select
    authoring.project_key::varchar as project_key,
    authoring.annotator::varchar as annotator,
    round(authoring.authoring_cost, 2)::double as cost,
    coalesce(output.submitted, 0)::bigint as submitted,
    coalesce(output.labels, 0)::bigint as labels,
    coalesce(output.accepted_labels, 0)::bigint as accepted_labels,
    (authoring.authoring_cost / nullif(output.submitted, 0))::double as cost_per_task,
    (authoring.authoring_cost / nullif(output.labels, 0))::double as cost_per_label,
    (authoring.authoring_cost / nullif(output.accepted_labels, 0))::double
        as cost_per_accepted_label,
    round(coalesce(authoring.rework_cost, 0), 2)::double as rework_cost
from authoring
left join output using (project_key, annotator)
