# The two commands: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
INSTALLED_DEV := $(VENV)/.installed-dev

.PHONY: run test install install-dev assets migrate data lint docs screenshots bench bench-quick soak clean

run: install assets migrate data
	$(BIN)/ifr-service serve --host 127.0.0.1 --port 5000

test: install-dev assets lint
	$(BIN)/pytest $(PYTEST_ARGS)

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
DEPTRY_WHOLE_TREE := --exclude '\.venv|node_modules|\.git|docs|build' --ignore DEP002,DEP004
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/deptry --no-ansi .
	$(BIN)/deptry --no-ansi . $(DEPTRY_WHOLE_TREE)

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
