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
    {{ list_item('labels.bbox', 1) }} as box_x,
    {{ list_item('labels.bbox', 2) }} as box_y,
    {{ list_item('labels.bbox', 3) }} as box_width,
    {{ list_item('labels.bbox', 4) }} as box_height
from {{ ref('fct_annotations') }} as annotations
inner join {{ ref('fct_tasks') }} as tasks using (task_key)
left join {{ ref('fct_labels') }} as labels using (annotation_key)
where tasks.is_overlap and annotations.is_submitted and not annotations.is_ground_truth
