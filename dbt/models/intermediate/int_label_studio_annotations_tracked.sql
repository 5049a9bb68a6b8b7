-- Label Studio annotations whose export carries their review history (Enterprise: reviews[]
-- or history[]): their reviews and corrections are read from it, not inferred from
-- last_action and updated_by as for the open-source export.
select annotation_key from {{ ref('stg_label_studio__reviews') }}
union
select annotation_key from {{ ref('stg_label_studio__annotation_history') }}
