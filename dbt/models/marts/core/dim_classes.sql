-- Label classes per project (the same name in two projects is two classes: ontologies differ).
with

labels as (

    select * from {{ ref('fct_labels') }}
    where class_key is not null

),

final as (

    select
        class_key,
        any_value(project_key) as project_key,
        any_value(class_name) as class_name,
        count(*) as objects,
        {{ sorted_distinct_join('shape_type', "', '") }} as shape_types

    from labels
    group by class_key

)

select * from final
