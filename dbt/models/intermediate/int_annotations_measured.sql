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
from {{ ref('fct_annotations') }} as annotations
left join {{ ref('int_annotations_classified') }} as primary_class using (annotation_key)
left join {{ ref('int_annotations_first_reviewed') }} as reviewed using (annotation_key)
where annotations.is_submitted and not annotations.is_ground_truth
