-- The identities seed with emails compared as the warehouse compares them (lowercased), so a
-- row matches however the tool or the seed's author capitalised them.
select
    source_system,
    {{ person_identity('tool_user') }} as tool_user,
    {{ person_identity('person') }} as person
from {{ ref('identities') }}
