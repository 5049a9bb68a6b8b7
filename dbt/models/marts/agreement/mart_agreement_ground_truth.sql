-- Agreement with ground truth: on tasks where the source marked a gold annotation, does each
-- annotator's submitted work agree with it on which classes are present? Per annotator and
-- class, plus one all-classes row per annotator.
with

annotations as (

    select * from {{ ref('fct_annotations') }}
    where is_submitted

),

gold_classes as (

    select distinct
        annotations.task_key,
        labels.class_name
    from annotations
    inner join {{ ref('fct_labels') }} as labels using (annotation_key)
    where annotations.is_ground_truth and labels.class_name is not null

),

checked as (

    select annotations.*
    from annotations
    where
        not annotations.is_ground_truth
        and annotations.task_key in (
            select gold.task_key from annotations as gold
            where gold.is_ground_truth
        )

),

checked_classes as (

    select distinct
        checked.annotation_key,
        checked.task_key,
        labels.class_name
    from checked
    inner join {{ ref('fct_labels') }} as labels using (annotation_key)
    where labels.class_name is not null

),

-- Every class the gold or this annotator drew on the task (not what others drew).
classes_in_play as (

    select
        checked.annotation_key,
        gold_classes.class_name
    from checked
    inner join gold_classes using (task_key)
    union
    select
        annotation_key,
        class_name
    from checked_classes

),

comparisons as (

    select
        checked.project_key,
        checked.annotator,
        checked.annotation_key,
        checked.task_key,
        checked.confidence,
        classes_in_play.class_name,
        gold.class_name is not null as in_gold,
        mine.class_name is not null as in_annotation
    from checked
    inner join classes_in_play using (annotation_key)
    left join gold_classes as gold
        on checked.task_key = gold.task_key and classes_in_play.class_name = gold.class_name
    left join checked_classes as mine
        on
            checked.annotation_key = mine.annotation_key
            and classes_in_play.class_name = mine.class_name

),

aggregated as (

    select
        project_key,
        annotator,
        class_name,
        grouping(class_name) = 1 as is_all_classes,
        count(distinct task_key) as gold_tasks,
        count(*) as comparisons,
        count(*) filter (where in_gold = in_annotation) as agreements,
        count(*) filter (where in_gold and not in_annotation) as missed,
        count(*) filter (where in_annotation and not in_gold) as extra,
        {{ exact_avg('confidence', "filter (where in_gold = in_annotation)") }}
            as mean_confidence_agreeing,
        {{ exact_avg('confidence', "filter (where in_gold <> in_annotation)") }}
            as mean_confidence_disagreeing
    from comparisons
    group by grouping sets ((project_key, annotator, class_name), (project_key, annotator))

)

select
    project_key::varchar as project_key,
    annotator::varchar as annotator,
    class_name::varchar as class_name,
    is_all_classes::boolean as is_all_classes,
    gold_tasks::bigint as gold_tasks,
    comparisons::bigint as comparisons,
    agreements::bigint as agreements,
    (agreements / comparisons)::double as agreement_rate,
    {{ wilson_bound('agreements', 'comparisons', 'low') }}::double as agreement_rate_low,
    {{ wilson_bound('agreements', 'comparisons', 'high') }}::double as agreement_rate_high,
    missed::bigint as missed,
    extra::bigint as extra,
    mean_confidence_agreeing::double as mean_confidence_agreeing,
    mean_confidence_disagreeing::double as mean_confidence_disagreeing
from aggregated
