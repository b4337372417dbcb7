# identity-graph: `make demo` and `make test` work on a fresh machine (they create .venv and install).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SERVE ?= 1
CHROMIUM ?= /usr/bin/chromium

.PHONY: install demo test lint format typecheck bench browser clean help

help:  ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the package with its test tools

browser:  ## make sure Debian's chromium is there for the browser tests
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: run 'sudo apt-get install chromium' (browser tests need it)"; exit 1; fi; }

demo: install  ## load the bundled sample, resolve, show a profile, serve the UI (SERVE=0 to stop after printing)
	$(BIN)/idgraph --db demo.db demo $(if $(filter 0,$(SERVE)),--no-serve,--serve)

test: install browser  ## run the whole test suite (the Neo4j store's on ArcadeDB's Bolt server, from the dev extra)
	$(BIN)/python -m pytest

lint: install  ## ruff
	$(BIN)/ruff check identity_graph connectors matchers tests benchmarks
	$(BIN)/ruff format --check identity_graph connectors matchers tests benchmarks

format: install  ## ruff format
	$(BIN)/ruff format identity_graph connectors matchers tests benchmarks
	$(BIN)/ruff check --fix identity_graph connectors matchers tests benchmarks

typecheck: install  ## mypy --strict
	$(BIN)/mypy

# The bench extra (splink, recordlinkage, ...) is installed once, and again only when pyproject.toml changes.
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install -q -e ".[bench]"
	touch $(BENCH_STAMP)

bench: install $(BENCH_STAMP)  ## speed and accuracy benchmarks, then the Bolt store beside SQLite, printed as tables
	$(BIN)/python -m benchmarks $(if $(filter 1,$(QUICK)),--quick,)
	$(BIN)/python -m identity_graph.store.neo4j.bench $(if $(filter 1,$(QUICK)),--quick,)

clean:  ## remove the virtual environment and generated files
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm .pytest_cache .mypy_cache .ruff_cache
