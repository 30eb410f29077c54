# Newsroom: `make run` to try it, `make test` to check it. See README.md.
PYTHON_VERSION := $(shell cat .python-version)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTHON ?= python$(PYTHON_VERSION)
# Local development defaults; every one can be overridden from the environment.
export DEBUG ?= true
export DJANGO_SETTINGS_MODULE ?= newsroom.settings

.PHONY: run test lint format migrate demo bench clean

# One venv, two stamps: .installed has what the site needs to run (requirements.txt), .installed-dev
# adds the tests and tools (requirements-dev.txt). Each is redone only when its file changes.
$(BIN)/.installed: requirements.txt .python-version
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python $(PYTHON_VERSION) (e.g. pyenv install $(PYTHON_VERSION))." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(BIN)/.installed-dev: requirements-dev.txt $(BIN)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

var:
	@mkdir -p var

migrate: $(BIN)/.installed var
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo --if-empty

# The development server and, beside it, one worker for background tasks (photo renditions,
# republication counts), both reloading on code changes. Ctrl-C reaches both: the worker
# finishes the task it is running, and make waits for it. If the server stops by itself, the
# worker is stopped too.
run: demo
	@echo "Serving http://127.0.0.1:$(PORT)/ (admin at /admin/) with a task worker. Ctrl-C stops both."
	@trap 'interrupted=1' INT TERM; \
	$(BIN)/python manage.py db_worker & worker=$$!; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT); status=$$?; \
	[ -n "$$interrupted" ] || kill -TERM $$worker 2>/dev/null; \
	wait $$worker; exit $$status

# Import contracts and the checked modules are listed in pyproject.toml. mypy's Django plugin reads
# the settings, so it runs with DEBUG on (no SECRET_KEY needed).
lint: $(BIN)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache --no-logo
	DEBUG=true $(BIN)/mypy

format: $(BIN)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Test-only JavaScript tools (axe-core for the accessibility tests), from package-lock.json
# into the git-ignored node_modules/. Reinstalled only when the lock file changes.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: apt-get install npm (or nodejs)." >&2; exit 1; }
	npm ci --no-audit --no-fund --silent
	@touch $@

# Tests run with DEBUG off, as production does (over plain HTTP on the test client);
# DATABASE_URL picks PostgreSQL, SQLite otherwise.
test: lint $(BIN)/.installed-dev node_modules/.installed
	DEBUG=false SECRET_KEY=tests-only-not-a-secret SECURE_SSL_REDIRECT=false \
		$(BIN)/python -m pytest $(PYTEST_ARGS)

# The inner loop: no lint, no browser, not the slowest tests (pyproject.toml's markers), on SQLite
# with the cache in memory whatever the environment says. `make test` before pushing.
.PHONY: test-fast
test-fast: $(BIN)/.installed-dev
	env -u DATABASE_URL -u REDIS_URL DEBUG=false SECRET_KEY=tests-only-not-a-secret \
		SECURE_SSL_REDIRECT=false $(BIN)/python -m pytest -m "not browser and not slow" $(PYTEST_ARGS)

# The benchmark (bench/run.py): needs PostgreSQL on 127.0.0.1 (BENCH_DATABASE_URL) and, for the
# cache, Redis (BENCH_REDIS_URL); installs wrk from Debian if it is missing. BENCH_ARGS="--help".
bench: $(BIN)/.installed
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	@# The default BENCH_DATABASE_URL logs in as "newsroom": make that role on a fresh machine.
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='newsroom'" 2>/dev/null | grep -q 1 \
		|| psql -h 127.0.0.1 -U postgres -qc "CREATE ROLE newsroom LOGIN CREATEDB" 2>/dev/null || true
	env -u DEBUG $(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache
