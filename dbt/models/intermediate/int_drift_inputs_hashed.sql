-- One row per drift subject (an annotator, or a class, within a project) with a hash of every
-- input row mart_drift reads for it. A subject's drift rows depend on its own rows only, so a
-- night recomputes the subjects whose hash changed (and drops those that vanished) and keeps
-- the rest: the rows of an unchanged subject would come out identical.
with

-- Each input row hashed once, with the columns naming its subjects.
weeks as (

    select
        project_key,
        annotator,
        primary_class,
        {{ row_hash([
            "'weeks'", 'work_week', 'time_per_label_s', 'is_rejected', 'guideline_version'
        ]) }} as row_hash
    from {{ ref('int_annotations_measured') }}

),

comparisons as (

    select
        project_key,
        annotator,
        class_name,
        annotator < other_annotator as is_first_side,
        {{ row_hash(["'comparisons'", 'work_week', 'guideline_version', 'disagrees']) }} as row_hash
    from {{ ref('int_overlap_labels_compared') }}

),

subject_rows as (

    -- The weekly series: a person's own annotations, and a class's annotations by primary class.
    select
        project_key,
        'annotator' as subject_type,
        annotator as subject,
        row_hash
    from weeks
    where annotator is not null

    union all

    select
        project_key,
        'class' as subject_type,
        primary_class,
        row_hash
    from weeks
    where primary_class is not null

    union all

    -- Overlap comparisons: a person's own side of each pair, a class's pairs counted once.
    select
        project_key,
        'annotator' as subject_type,
        annotator,
        row_hash
    from comparisons
    where annotator is not null

    union all

    select
        project_key,
        'class' as subject_type,
        class_name,
        row_hash
    from comparisons
    where class_name is not null and is_first_side

)

select
    project_key,
    subject_type,
    subject,
    count(*) as input_rows,
    -- The sum of the rows' hashes does not depend on their order; the count rides along.
    count(*)::string || ':' || sum(row_hash::decimal(38, 0))::string as inputs_hash
from subject_rows
group by project_key, subject_type, subject
