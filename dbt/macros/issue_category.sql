{#- The category of an issue: its tag when the source has one, else the first rule its free
    text matches (case-insensitive), else 'other'. Order matters: occlusion before size. -#}
{% macro issue_category(tag_column, text_column) -%}
    {%- set text = "lower(" ~ text_column ~ ")" %}
    coalesce(
        {{ tag_column }},
        case
            when {{ matches_regex(text, "'blur|out of focus|can''?t see'") }} then 'blurry_image'
            when {{ matches_regex(text, "'occlu|hidden|covered|behind'") }} then 'occluded_object'
            when {{ matches_regex(text, "'too (big|large|loose)|past the object|(includes|covers)( a lot of)? background'") }} then 'label_too_large'
            when {{ matches_regex(text, "'ontology|no class|nothing fits|missing (class|category)|label set|two classes'") }} then 'ontology_mismatch'
            when {{ matches_regex(text, "'guideline|instruction|unclear|ambiguous|clarif'") }} then 'unclear_guideline'
            when {{ matches_regex(text, "'wrong|mislabel|does not match|relabel'") }} then 'wrong_label'
            else 'other'
        end
    )
{%- endmacro %}
