-- Submitted annotations that drew polygons, with their polygon vertex counts and first review:
-- the input of the label-fidelity cost (mart_fidelity_cost).
with

polygons as (

    select
        annotation_key,
        count(*) as polygons,
        sum(vertex_count) as polygon_vertices
    from {{ ref('fct_labels') }}
    where shape_type = 'polygon' and vertex_count > 0
    group by annotation_key

)

select
    annotations.project_key,
    annotations.annotation_key,
    annotations.annotator,
    annotations.lead_time_s,
    annotations.object_count,
    annotations.vertex_count,
    polygons.polygons,
    polygons.polygon_vertices,
    reviewed.annotation_key is not null as is_reviewed,
    coalesce(reviewed.is_rejected, false) as is_rejected
from {{ ref('fct_annotations') }} as annotations
inner join polygons using (annotation_key)
left join {{ ref('int_annotations_first_reviewed') }} as reviewed using (annotation_key)
where
    annotations.is_submitted
    and not annotations.is_ground_truth
    and annotations.lead_time_s is not null
    and not annotations.is_lead_time_implausible
    and annotations.object_count > 0
