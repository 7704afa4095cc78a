# s75: `make run` sets up and serves the demo; `make serve` serves production with gunicorn; `make test` runs the
# suite on SQLite and PostgreSQL, and `make test-long` its long load, fuzz and fault tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
S75 := $(BIN)/s75
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
# The browser tests' accessibility checker, from the npm registry at the version package-lock.json pins.
AXE := node_modules/axe-core/axe.min.js

.PHONY: install demo run serve test test-sqlite test-postgres test-long lint clean

$(BIN)/activate: pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "s75 needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test]"
	touch $(BIN)/activate

$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error >/dev/null
	touch $(AXE)

# Everything the tests need; the demo and production need only the Python environment.
install: $(BIN)/activate $(AXE)

demo: $(BIN)/activate
	$(S75) migrate --no-input -v0
	$(S75) load-reference-data
	$(S75) load-demo

# The server with the background worker beside it (scripts/with-worker): Ctrl+C stops both.
run: demo
	@echo ""
	@echo "s75 is at http://$(HOST):$(PORT)/, with its background worker (stop both with Ctrl+C)"
	@echo ""
	scripts/with-worker $(S75) runserver --noreload $(HOST):$(PORT)

# Production: S75_SECRET_KEY and DATABASE_URL from the environment (see README.md, "Serve in production").
serve: $(BIN)/activate
	DJANGO_SETTINGS_MODULE=s75.settings.prod $(S75) collectstatic --no-input -v0
	DJANGO_SETTINGS_MODULE=s75.settings.prod scripts/with-worker $(BIN)/gunicorn --config python:s75.settings.gunicorn s75.wsgi

lint: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=s75.settings.test $(S75) makemigrations --check --dry-run -v1

# The suite without the tests marked long (loads, fuzzing, faults), which `make test-long` runs on both databases.
# pytest-xdist runs it in one process per core (TEST_WORKERS), each test file whole in one of them.
TEST_WORKERS ?= auto
PARALLEL = -n $(TEST_WORKERS) --dist loadfile
test-sqlite: install
	DATABASE_URL= $(BIN)/pytest $(PARALLEL) -m "not long"

test-postgres: install
	TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/python scripts/test_postgres.py $(PARALLEL) -m "not long"

test: lint test-sqlite test-postgres

test-long: install
	DATABASE_URL= $(BIN)/pytest $(PARALLEL) -m long
	TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/python scripts/test_postgres.py $(PARALLEL) -m long

clean:
	rm -rf $(VENV) node_modules var test-artifacts .pytest_cache .hypothesis
