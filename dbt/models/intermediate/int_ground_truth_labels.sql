-- The labels of the annotations on ground-truth tasks, one row per label (an annotation
-- without labels once, with a null class): each task's gold answer (the latest submitted
-- ground-truth annotation, when a source marked several) and every other submitted answer.
-- The input of agreement with ground truth (mart_agreement_ground_truth, mart_confusion_*).
-- A table, not a view: both Python models read it, and as a view each evaluated the window
-- over every submitted annotation again.
{{ config(materialized='table') }}

with

submitted as (

    select * from {{ ref('fct_annotations') }}
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
    {{ list_item('labels.bbox', 1) }} as box_x,
    {{ list_item('labels.bbox', 2) }} as box_y,
    {{ list_item('labels.bbox', 3) }} as box_width,
    {{ list_item('labels.bbox', 4) }} as box_height,
    labels.confidence as label_confidence
from compared
left join {{ ref('fct_labels') }} as labels using (annotation_key)
