# One task runner for people and CI. `make run` and `make test` are the README's
# two set-up commands: each creates .venv and installs what it needs.
PY ?= python3
BENCH_ARGS ?=  # e.g. make bench BENCH_ARGS=--quick
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench install install-test clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/pip install -q -e ".[test]"

run: install
	$(BIN)/rag ingest data/
	$(BIN)/rag list

test: install-test
	$(BIN)/ruff check rag tests benchmarks
	$(BIN)/pytest -q

bench: install-test
	$(BIN)/python benchmarks/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .rag-index
