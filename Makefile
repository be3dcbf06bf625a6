# Two commands on a fresh machine:
#   make run    set up .venv and start the service with the checker page on http://127.0.0.1:8000
#   make test   set up .venv (with test tools and Debian's Chromium) and run lint + the whole suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench evaluate browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.run-installed
	$(BIN)/notalone serve

# Browser tests drive Debian's Chromium through Playwright; no browser is downloaded.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "install Debian's chromium package (sudo apt-get install chromium) for the browser tests"; fi; }

lint: $(VENV)/.test-installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports

test: $(VENV)/.test-installed browser lint
	$(BIN)/python -m pytest

bench: $(VENV)/.run-installed
	$(BIN)/python benchmarks/throughput.py

# Regenerates docs/benchmarks.md and docs/conversations.md from ../shared/datasets (an hour).
evaluate: $(VENV)/.run-installed
	$(BIN)/notalone evaluate --all --markdown --seeds 5 --output docs/benchmarks.md
	$(BIN)/notalone evaluate --conversations --all --markdown --output docs/conversations.md

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build dist src/*.egg-info
