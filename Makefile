# The two commands a fresh machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= $(CURDIR)/.demo/veracity.db

.PHONY: install demo test bench clean

$(BIN)/veracity: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(BIN)/veracity

install: $(BIN)/veracity

demo: install
	mkdir -p $(dir $(DB))
	$(BIN)/veracity ingest examples --db $(DB)
	$(BIN)/veracity check "Did Chicago cooperate with ICE?" --db $(DB) --verbose

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python benchmarks/bench.py --data ../shared/data --out benchmarks/results

clean:
	rm -rf $(VENV) .demo .pytest_cache
