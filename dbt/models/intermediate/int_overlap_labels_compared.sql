-- Pairwise presence comparisons on overlap tasks: for every task two or more people annotated,
-- every class anyone drew on it and every ordered pair of its annotators, whether the two agree
-- that the class is present. Each unordered pair appears twice (once from each side) so a
-- person's weekly disagreement rate reads their own rows; count a pair once with
-- annotator < other_annotator.
with

annotations as (

    select distinct
        project_key,
        task_key,
        annotator,
        annotation_key
    from {{ ref('int_overlap_labels_selected') }}

),

present as (

    select distinct
        task_key,
        annotator,
        class_name
    from {{ ref('int_overlap_labels_selected') }}
    where class_name is not null

),

task_classes as (

    select distinct
        task_key,
        class_name
    from present

),

pairs as (

    select
        mine.project_key,
        mine.task_key,
        mine.annotator,
        mine.annotation_key,
        theirs.annotator as other_annotator
    from annotations as mine
    inner join annotations as theirs
        on mine.task_key = theirs.task_key and mine.annotator <> theirs.annotator

)

select
    pairs.project_key,
    pairs.task_key,
    task_classes.class_name,
    pairs.annotator,
    pairs.other_annotator,
    date_trunc('week', authored.completed_at)::date as work_week,
    authored.guideline_version,
    (mine.class_name is null) <> (theirs.class_name is null) as disagrees
from pairs
inner join task_classes using (task_key)
inner join {{ ref('fct_annotations') }} as authored using (annotation_key)
left join present as mine
    on
        pairs.task_key = mine.task_key
        and pairs.annotator = mine.annotator
        and task_classes.class_name = mine.class_name
left join present as theirs
    on
        pairs.task_key = theirs.task_key
        and pairs.other_annotator = theirs.annotator
        and task_classes.class_name = theirs.class_name
