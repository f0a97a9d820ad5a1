# Two commands for users: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-test db seed check clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is needed; set PYTHON=python3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/pybabel compile --use-fuzzy -d registry/translations
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## Create or migrate the database, load the seed data and the demo accounts.
db: install
	$(FLASK) db upgrade
	$(FLASK) seed
	$(FLASK) demo

## Serve the registry on http://127.0.0.1:5000 after setting everything up.
run: db
	$(FLASK) run --host $(HOST) --port $(PORT)

## Install what the tests need and run the whole suite.
test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## List the inconsistencies of the seeded registry.
check: install
	$(FLASK) registry check

clean:
	rm -rf $(VENV) instance .pytest_cache
