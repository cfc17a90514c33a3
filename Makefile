# The two commands: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
INSTALLED_DEV := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 5000
# `make run` writes what its steps and the server say here, and prints only what it is doing. It serves
# with IFR_ENV=development, which alone offers the development sign-in ("sign in as any demo user").
RUN_LOG := instance/make-run.log
SHOW_LOG_AND_FAIL = { echo "make run: that step failed; the end of $(RUN_LOG):" >&2; tail -n 25 $(RUN_LOG) >&2; exit 1; }

.PHONY: run test test-unit test-integration test-faults test-browser install install-dev assets migrate data lint docs screenshots bench bench-quick soak clean

run:
	@mkdir -p instance && : > $(RUN_LOG)
	@echo "make run: installing the runtime into $(VENV)/ and the design system (log: $(RUN_LOG))"
	@$(MAKE) --no-print-directory install assets >> $(RUN_LOG) 2>&1 || $(SHOW_LOG_AND_FAIL)
	@echo "make run: migrating the database"
	@$(MAKE) --no-print-directory migrate >> $(RUN_LOG) 2>&1 || $(SHOW_LOG_AND_FAIL)
	@echo "make run: loading the reference and demo data"
	@$(MAKE) --no-print-directory data >> $(RUN_LOG) 2>&1 || $(SHOW_LOG_AND_FAIL)
	@echo "make run: serving on http://$(HOST):$(PORT)/ : open it and sign in as any demo user (Ctrl-C stops it)"
	@IFR_ENV=development $(BIN)/ifr-service serve --host $(HOST) --port $(PORT) >> $(RUN_LOG) 2>&1 || $(SHOW_LOG_AND_FAIL)

# The lint stage, then the suite's tiers, fastest first (tests/tiers.py; docs/operations.md#testing).
# PYTEST_ARGS go to each tier: a selection with nothing in a tier (pytest's exit status 5) passes it.
test: lint test-unit test-integration test-faults test-browser

PYTEST_TIER = $(BIN)/pytest -m $(1) $(PYTEST_ARGS) || [ $$? -eq 5 ]

test-unit: install-dev assets
	$(call PYTEST_TIER,unit)

test-integration: install-dev assets
	$(call PYTEST_TIER,integration)

test-faults: install-dev assets
	$(call PYTEST_TIER,faults)

test-browser: install-dev assets
	$(call PYTEST_TIER,browser)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(INSTALLED_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(INSTALLED)

install: $(INSTALLED)

install-dev: $(INSTALLED_DEV)

# The NHS.UK frontend (and axe-core for the accessibility tests), as package-lock.json pins them.
assets: install
	$(BIN)/ifr-service assets install

migrate: install
	$(BIN)/ifr-service db upgrade

data: install
	$(BIN)/ifr-service reference load
	$(BIN)/ifr-service demo load

# ruff, then deptry twice: the running service (ifr_service/, migrations/) imports only its runtime
# dependencies, each declared directly and each used; the whole tree (tests, benchmarks, tools) imports
# nothing that is declared nowhere or that only another package brings. pyproject.toml says more.
# Then import-linter: the layers and the import graph's other contracts (.importlinter;
# docs/architecture.md#layers), imports inside functions included.
DEPTRY_WHOLE_TREE := --exclude '\.venv|node_modules|\.git|docs|build' --ignore DEP002,DEP004
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/deptry --no-ansi .
	$(BIN)/deptry --no-ansi . $(DEPTRY_WHOLE_TREE)
	$(BIN)/lint-imports --no-logo --no-cache

docs: install
	$(BIN)/ifr-service docs workflows

# The main pages, as docs/screenshots/*.png (needs Debian's chromium).
screenshots: install-dev assets
	$(BIN)/python -m tools.screenshots

# Speed at national scale on PostgreSQL and Redis (started when missing): benchmarks/results/latest.*
bench: install-dev
	$(BIN)/python -m benchmarks --cases 1000000

bench-quick: install-dev
	$(BIN)/python -m benchmarks --cases 100000

# The production stack for 10 minutes at a steady mixed load (not part of test): benchmarks/results/soak.*
# SOAK_ARGS="--minutes 1" for a short run.
soak: install-dev
	$(BIN)/python -m benchmarks.soak $(SOAK_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache node_modules ifr_service/web/static
