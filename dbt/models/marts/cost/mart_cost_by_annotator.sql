-- Per project and annotator: what their annotations cost, per task, per label and per accepted
-- label, and how much of it went to work later rejected or corrected. Sums cover the work whose
-- cost is known (int_work_priced); a person none of whose work has a known time costs null.
with

authoring as (

    select
        project_key,
        person as annotator,
        {{ exact_sum('cost') }} as authoring_cost,
        {{ exact_sum('cost', "filter (where is_reworked)") }} as rework_cost,
        count(*) filter (where is_reworked) as reworked_lines
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
    where not was_cancelled and not is_ground_truth
    group by project_key, annotator

)

select
    authoring.project_key::string as project_key,
    authoring.annotator::string as annotator,
    {{ round_half_up('authoring.authoring_cost', 2) }} as cost,
    coalesce(output.submitted, 0)::bigint as submitted,
    coalesce(output.labels, 0)::bigint as labels,
    coalesce(output.accepted_labels, 0)::bigint as accepted_labels,
    (authoring.authoring_cost / nullif(output.submitted, 0))::double as cost_per_task,
    (authoring.authoring_cost / nullif(output.labels, 0))::double as cost_per_label,
    (authoring.authoring_cost / nullif(output.accepted_labels, 0))::double
        as cost_per_accepted_label,
    {# 0 when nothing was reworked; null when reworked work has no known cost #}
    {{ round_half_up(
        'case when authoring.reworked_lines = 0 then 0 else authoring.rework_cost end', 2
    ) }} as rework_cost
from authoring
left join output using (project_key, annotator)
