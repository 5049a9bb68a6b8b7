{#- The category of an issue: its tag when the source has one, else the first rule its free
    text matches (case-insensitive), else 'other'. Order matters: occlusion before size. -#}
{% macro issue_category(tag_column, text_column) -%}
    coalesce(
        {{ tag_column }},
        case
            when regexp_matches(lower({{ text_column }}), 'blur|out of focus|can''?t see') then 'blurry_image'
            when regexp_matches(lower({{ text_column }}), 'occlu|hidden|covered|behind') then 'occluded_object'
            when regexp_matches(lower({{ text_column }}), 'too (big|large|loose)|past the object|(includes|covers)( a lot of)? background') then 'label_too_large'
            when regexp_matches(lower({{ text_column }}), 'ontology|no class|nothing fits|missing (class|category)|label set|two classes') then 'ontology_mismatch'
            when regexp_matches(lower({{ text_column }}), 'guideline|instruction|unclear|ambiguous|clarif') then 'unclear_guideline'
            when regexp_matches(lower({{ text_column }}), 'wrong|mislabel|does not match|relabel') then 'wrong_label'
            else 'other'
        end
    )
{%- endmacro %}
