# One task runner for people and CI. `make run` and `make test` are the README's
# two set-up commands: each creates .venv and installs what it needs.
PY ?= python3
BENCH_ARGS ?=  # e.g. make bench BENCH_ARGS=--quick
VENV ?= .venv
BIN := $(VENV)/bin
# Keep compiled and assertion-rewritten modules between runs (an environment that turns
# bytecode off makes every test run compile ~400 modules again: 10 s of collection).
export PYTHONDONTWRITEBYTECODE :=

.PHONY: run test test-fast lint bench install install-test browser clean
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Installed again only when pyproject.toml changes (the stamp files record each install).
install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[test]"
	touch $@ $(VENV)/.installed

# The app on the shipped transcript: on first start it builds the index from data/.
run: install
	$(BIN)/rag app

# Style, the pipeline's layering (pyproject.toml [tool.importlinter]), then every test.
lint: install-test
	$(BIN)/ruff check rag tests benchmarks evals app.py
	$(BIN)/lint-imports

test: install-test browser lint
	$(BIN)/pytest -q

# No browser, no server, no slow test: a minute's check while working.
test-fast: install-test lint
	$(BIN)/pytest -q -m "not browser and not server and not slow"

# The browser test drives Debian's chromium (Playwright cannot download browsers here).
browser:
	@command -v chromium >/dev/null || { \
	  echo "installing Debian's chromium for the browser test"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

bench: install-test
	$(BIN)/python benchmarks/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .rag-index
