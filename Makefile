# Two commands for users: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# Every install keeps to the pins in constraints.txt (`make lock` refreshes them); as PIP_CONSTRAINT they hold
# for the build backend that pip sets up for the package too.
PIP_INSTALL := PIP_CONSTRAINT=$(CURDIR)/constraints.txt $(BIN)/python -m pip install --quiet

.PHONY: lint format run test install install-test db seed check lock wheel clean clean-all vnu

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is needed; set PYTHON=python3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

# The editable install also compiles the translations (hatch_build.py).
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt $(VENV)/.installed
	$(PIP_INSTALL) -e '.[test]'
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## Create or migrate the database, load the seed data and the demo accounts.
db: install
	$(FLASK) db upgrade
	$(FLASK) seed
	$(FLASK) demo

## Serve the registry on http://127.0.0.1:5000 after setting everything up, with the mail worker beside it (without
## MAIL_SERVER it writes each message, invitations and password resets too, as an .eml file under instance/mail/).
run: db
	@$(FLASK) mail send --poll 2 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	echo "Mail worker running (pid $$worker); without MAIL_SERVER mail is written to instance/mail/*.eml"; \
	$(FLASK) run --host $(HOST) --port $(PORT)

## Install what the tests need and run the whole suite.
test: install-test lint vnu
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Fetch the Nu Html Checker (vnu-jar, pinned in .ci/vnu) from the npm registry into .cache/vnu; its test runs it
## with the machine's java. Without npm the test is skipped (under CI=true it fails).
vnu:
	@.ci/vnu >/dev/null || echo "vnu-jar not fetched (npm missing?): the Nu Html Checker test will be skipped"

## Lint and format check (ruff, settings in pyproject.toml); `make format` applies the formatting.
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## List the inconsistencies of the seeded registry.
check: install
	$(FLASK) registry check

## Pin the newest versions that pyproject.toml allows into constraints.txt (options: [tool.pip-tools]).
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet pip-tools
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --upgrade pyproject.toml

## Build the wheel into dist/: with templates, static files, migrations, seed data and compiled translations.
wheel: | $(BIN)/python
	PIP_CONSTRAINT=$(CURDIR)/constraints.txt $(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir dist .

## Remove the virtual environment, caches and build artefacts; instance/ (database and keys) stays.
clean:
	rm -rf $(VENV) .cache .pytest_cache .hypothesis build dist *.egg-info test-artifacts registry/translations/*/LC_MESSAGES/*.mo
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

## Also remove instance/: the development database, its secret key and the audit signing key. Asks first;
## CONFIRM=yes answers for you.
clean-all:
	@if [ "$(CONFIRM)" != yes ]; then \
	  printf 'Delete instance/ (the development database, secret key and audit signing key)? [y/N] '; \
	  read answer || answer=; \
	  case "$$answer" in y|Y|yes) ;; *) echo "Nothing deleted."; exit 1 ;; esac; \
	fi
	$(MAKE) clean
	rm -rf instance
