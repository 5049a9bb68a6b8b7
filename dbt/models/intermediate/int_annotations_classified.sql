-- The primary class of every annotation with objects: the class with most objects in it (ties
-- by name). Rejection rates and times per class are attributed to it.
with

class_counts as (

    select
        annotation_key,
        class_name,
        count(*) as objects
    from {{ ref('fct_labels') }}
    where class_name is not null
    group by annotation_key, class_name

)

select
    annotation_key,
    class_name as primary_class
from class_counts
qualify row_number() over (partition by annotation_key order by objects desc, class_name asc) = 1
