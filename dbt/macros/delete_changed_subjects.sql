{#- Pre-hook of a Python mart that is incremental by subject: on an incremental night, delete
    the rows of every subject whose inputs changed or vanished, i.e. whose stored inputs_hash
    no longer matches a row of `inputs` (a model with project_key, subject_type, subject,
    inputs_hash). The model then computes the subjects missing from the table. -#}
{% macro delete_changed_subjects(inputs) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as stored
        where not exists (
            select 1
            from {{ ref(inputs) }} as inputs
            where inputs.project_key is not distinct from stored.project_key
                and inputs.subject_type = stored.subject_type
                and inputs.subject = stored.subject
                and inputs.inputs_hash = stored.inputs_hash
        )
    {%- endif -%}
{%- endmacro %}
