-- One row per labeled object: each result[] item of each annotation, and one row per class
-- when an item carries several (e.g. multi-choice).
with

annotations as (

    select
        annotation_key,
        result
    from {{ ref('stg_label_studio__annotations') }}

),

items as (

    select
        annotation_key,
        unnest(range(json_array_length(result)::bigint)) as item_index,
        result
    from annotations
    where json_array_length(result) > 0

),

parsed as (

    select
        annotation_key,
        item_index,
        json_extract(result, '$[' || item_index || ']') as item
    from items

),

typed as (

    select
        annotation_key,
        item_index,
        json_extract_string(item, '$.type') as result_type,
        json_extract(item, '$.value') as value
    from parsed

),

classes as (

    select
        annotation_key,
        item_index,
        result_type,
        value,
        coalesce(
            json_extract_string(json_extract(value, '$.' || result_type), '$[*]'),
            []::varchar[]
        ) as class_names
    from typed

),

exploded as (

    select
        annotation_key,
        item_index,
        result_type,
        value,
        unnest(case when len(class_names) = 0 then [null]::varchar[] else class_names end)
            as class_name
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
            when 'polygonlabels' then coalesce(json_array_length(value, '$.points'), 0)
            when 'polylinelabels' then coalesce(json_array_length(value, '$.points'), 0)
            when 'keypointlabels' then 1
            else 0
        end::integer as vertex_count,
        case
            when result_type = 'rectanglelabels'
                then
                    [
                        json_extract(value, '$.x')::double,
                        json_extract(value, '$.y')::double,
                        json_extract(value, '$.width')::double,
                        json_extract(value, '$.height')::double
                    ]
        end as bbox

    from exploded

)

select * from final
