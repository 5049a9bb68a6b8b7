-- Bare-DuckDB reference, part 1 (written by hand): the landed files as raw tables.
--
-- What a team would write without the platform: one read_json over every JSON Lines file,
-- typed by DuckDB, no quarantine and no GX (the generated data is clean: the benchmark checks
-- that the warehouse quarantined nothing). __LANDING__ and __SEEDS__ are replaced by the
-- benchmark with the landing folder and dbt/seeds. The generated data has only event logs:
-- the raw tables of other tools are created empty with the warehouse's DDL (raw_tables.py)
-- by the script that runs this one (duckdb_reference.py).
set TimeZone = 'UTC';
create schema if not exists raw;
create schema if not exists staging;
create schema if not exists intermediate;
create schema if not exists core;
create schema if not exists marts;
create schema if not exists seeds;

create or replace table raw.events as
with

source as (

    select *, row_number() over () as file_order
    from read_json(
        '__LANDING__/**/*.jsonl',
        format = 'newline_delimited',
        records = true,
        filename = true,
        columns = {
            event_id: 'VARCHAR', event_type: 'VARCHAR', occurred_at: 'TIMESTAMPTZ',
            source_tool: 'VARCHAR', project_id: 'VARCHAR', task_id: 'VARCHAR',
            annotation_id: 'VARCHAR', actor: 'VARCHAR', actor_role: 'VARCHAR',
            stage: 'VARCHAR', duration_s: 'DOUBLE', labels: 'JSON', object_count: 'INTEGER',
            vertex_count: 'INTEGER', issue_id: 'VARCHAR', issue_tag: 'VARCHAR',
            text: 'VARCHAR', guideline_version: 'VARCHAR', is_ground_truth: 'BOOLEAN',
            confidence: 'DOUBLE'
        }
    )

)

select
    event_id,
    event_type,
    timezone('UTC', occurred_at) as occurred_at,
    source_tool,
    project_id,
    task_id,
    annotation_id,
    actor,
    actor_role,
    stage,
    duration_s,
    labels::varchar as labels,
    coalesce(object_count, json_array_length(labels))::integer as object_count,
    coalesce(
        vertex_count,
        list_sum(json_extract(labels, '$[*].vertices')::integer[])
    )::integer as vertex_count,
    issue_id,
    issue_tag,
    text,
    guideline_version,
    is_ground_truth,
    confidence,
    -- Paths relative to the landing folder, lines numbered from 1 within each file (the
    -- scan keeps file order), as the warehouse records them.
    substr(filename, length('__LANDING__') + 2) as _source_file,
    file_order - min(file_order) over (partition by filename) + 1 as _record_number,
    '' as _file_hash
from source;

create or replace table seeds.project_expected_times as
select * from read_csv(
    '__SEEDS__/project_expected_times.csv', header = true,
    columns = {project_key: 'VARCHAR', expected_time_per_task_s: 'DOUBLE'}
);

create or replace table seeds.rate_card as
select * from read_csv(
    '__SEEDS__/rate_card.csv', header = true,
    columns = {match_type: 'VARCHAR', match_value: 'VARCHAR', pricing: 'VARCHAR', rate: 'DOUBLE'}
);

create or replace table seeds.project_budgets as
select * from read_csv(
    '__SEEDS__/project_budgets.csv', header = true,
    columns = {project_key: 'VARCHAR', budget: 'DOUBLE'}
);

create or replace table seeds.identities as
select * from read_csv(
    '__SEEDS__/identities.csv', header = true,
    columns = {source_system: 'VARCHAR', tool_user: 'VARCHAR', person: 'VARCHAR'}
);

create or replace table seeds.source_figures as
select * from read_csv(
    '__SEEDS__/source_figures.csv', header = true,
    columns = {source_system: 'VARCHAR', figure: 'VARCHAR', availability: 'VARCHAR', note: 'VARCHAR'}
);
