# Entry points. `make demo` and `make test` work on a fresh clone (they create .venv/).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install demo test test-fast dev lint clean bench

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,label-studio,spark]"
	touch $(INSTALLED)

install: $(INSTALLED)

demo: $(INSTALLED)  ## generate demo data, run one night, print the report's path
	$(BIN)/annolytics demo

test: $(INSTALLED)  ## every tier: unit, integration and the slow end-to-end nights (CI runs this)
	$(BIN)/python -m pytest

test-fast: $(INSTALLED)  ## the unit and integration tiers only (tests/unit, tests/integration)
	$(BIN)/python -m pytest -m "not slow"

EVENTS ?= 1000000
bench: $(INSTALLED)  ## full, incremental and empty nights vs bare DuckDB and pandas (benchmarks/)
	$(BIN)/annolytics bench --events $(EVENTS)

dev: $(INSTALLED)  ## Dagster UI over workspace.yaml
	$(BIN)/dagster dev

lint: $(INSTALLED)  ## ruff (Python) and sqlfluff (the dbt models, dbt/.sqlfluff)
	$(BIN)/ruff check dagster_project tests
	$(BIN)/ruff format --check dagster_project tests
	cd dbt && ../$(BIN)/sqlfluff lint models

clean:
	rm -rf data reports/site reports/site.* dbt/target dbt/logs
