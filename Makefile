# prasa — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
INDEX  ?= prasa-index
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test bench bench-scale index clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

## Build the index of the bundled sample corpus and serve it on http://$(HOST):$(PORT)
run: $(VENV)/.installed
	bash .ci/system-deps dictionaries || echo "prasa: cross-language search stays off (FreeDict dictionaries not installed)"
	$(BIN)/prasa reindex sample --index $(INDEX) --reference-date 2024-12-31
	$(BIN)/prasa stats --index $(INDEX)
	$(BIN)/prasa serve --index $(INDEX) --host $(HOST) --port $(PORT)

## Build the sample index only
index: $(VENV)/.installed
	$(BIN)/prasa reindex sample --index $(INDEX) --reference-date 2024-12-31

## Install with test extras (and the Debian packages the tests drive), lint, run the tests
test: $(VENV)/.installed-test
	bash .ci/system-deps
	$(BIN)/ruff check indexer search web tests bench
	$(BIN)/python -m pytest -q

## Benchmarks, quality and load figures on ../shared (see README); about 35 minutes
bench: $(VENV)/.installed-test
	$(BIN)/python bench/stempel_tables.py
	bash .ci/system-deps
	$(BIN)/python bench/lucene_parity.py
	$(BIN)/python bench/speed.py
	$(BIN)/python bench/research.py
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/tune_langs.py
	$(BIN)/python bench/orgs_precision.py
	$(BIN)/python bench/reprints.py
	$(BIN)/python bench/crosslang.py
	$(BIN)/python bench/load.py --seconds 30

## Archive scale: 1M items, change detection, watch freshness, queries, serving (about 30 minutes)
bench-scale: $(VENV)/.installed-test
	$(BIN)/python bench/scale.py

clean:
	rm -rf $(VENV) $(INDEX) .pytest_cache .ruff_cache
