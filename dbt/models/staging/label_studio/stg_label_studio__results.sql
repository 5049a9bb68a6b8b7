-- One row per labeled object: each result[] item of each annotation, and one row per class
-- when an item carries several (e.g. multi-choice).
with

annotations as (

    select
        annotation_key,
        result
    from {{ ref('stg_label_studio__annotations') }}

),

parsed as (

    select
        annotation_key,
        {{ explode_json_array('result', 'item_index', 'item') }}
    from annotations
    where {{ json_array_size('result') }} > 0

),

typed as (

    select
        annotation_key,
        item_index,
        {{ json_text('item', "'$.type'") }} as result_type,
        {{ json_text('item', "'$.value'") }} as value
    from parsed

),

classes as (

    select
        annotation_key,
        item_index,
        result_type,
        value,
        coalesce(
            {{ json_string_list(json_value('value', "'$.' || result_type")) }},
            {{ list_of([], 'string') }}
        ) as class_names
    from typed

),

exploded as (

    select
        annotation_key,
        item_index,
        result_type,
        value,
        {{ explode_list(
            "case when " ~ list_size('class_names') ~ " = 0 then " ~ list_of(['null'], 'string')
            ~ " else class_names end",
            'class_name'
        ) }}
    from classes

),

final as (

    select
        annotation_key,
        item_index::integer as item_index,
        row_number() over (partition by annotation_key order by item_index, class_name)
            as object_index,
        result_type,
        class_name,
        case result_type
            when 'rectanglelabels' then 'bbox'
            when 'polygonlabels' then 'polygon'
            when 'polylinelabels' then 'polyline'
            when 'keypointlabels' then 'keypoint'
            when 'ellipselabels' then 'ellipse'
            when 'brushlabels' then 'mask'
            when 'choices' then 'choice'
            when 'labels' then 'span'
            when 'taxonomy' then 'choice'
            else coalesce(result_type, 'unknown')
        end as shape_type,
        case result_type
            when 'rectanglelabels' then 4
            when 'polygonlabels' then coalesce({{ json_array_size('value', "'$.points'") }}, 0)
            when 'polylinelabels' then coalesce({{ json_array_size('value', "'$.points'") }}, 0)
            when 'keypointlabels' then 1
            else 0
        end::integer as vertex_count,
        case
            when result_type = 'rectanglelabels'
                then
                    {{ list_of([
                        json_value('value', "'$.x'"),
                        json_value('value', "'$.y'"),
                        json_value('value', "'$.width'"),
                        json_value('value', "'$.height'"),
                    ], 'double') }}
        end as bbox

    from exploded

)

select * from final
