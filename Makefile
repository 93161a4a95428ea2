# The two commands: `make run` and `make test`. Everything else is a step they use.

SHELL := /bin/bash
# The interpreter that creates .venv: Python 3.11, 3.12 or 3.13 (CI runs 3.11). Override it with
# `make SYSTEM_PYTHON=/path/to/python3.12 …`; a new one needs `make clean` first.
SYSTEM_PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 \
	|| command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-stamp
# Development defaults; a real deployment sets its own environment instead.
DEV_ENV := DEBUG=$${DEBUG:-true}
# The test suite picks its brokers and caches itself (TEST_REDIS_URL, TEST_RABBITMQ_URL). Celery
# lets CELERY_BROKER_URL from the environment override any broker an app is given, so a
# deployment's variables left in the shell would redirect the tests' workers: drop them.
TEST_ENV := env -u CELERY_BROKER_URL -u REDIS_URL $(DEV_ENV)
# The PostgreSQL run of the test suite (pytest-django creates and drops test_<name>).
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/shop
HOST ?= 127.0.0.1
PORT ?= 8000
# Test runs record coverage (configured in pyproject.toml) and a JUnit report per database.
COVERAGE := $(PY) -m coverage
COVERAGE_DIR := var/coverage
RESULTS_DIR := var/test-results
PYTEST_ARGS ?= -p no:cacheprovider

.PHONY: run test test-fast bootstrap db hooks lint static-checks coverage-erase test-sqlite \
	test-postgres coverage chromium screenshots bench bench-smoke bench-tools bench-events bench-edge \
	fuzz lock clean up down prod-check

# The relay and the server each run as a job of their own (set -m): Ctrl-C reaches only the
# recipe's shell, whose trap stops both jobs (the server's autoreloader child included) and exits
# quietly. If either process ends by itself, the other is stopped too.
run: db ## Serve the shop on http://127.0.0.1:8000 with the embedded defaults.
	@$(DEV_ENV) $(PY) manage.py demo
	@echo "Serving http://$(HOST):$(PORT)/  (API docs /api/docs/, admin /admin/; Ctrl-C stops)"
	@set -m; \
	$(DEV_ENV) $(PY) manage.py events relay --run-periodic & relay=$$!; \
	$(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT) & web=$$!; \
	stop() { kill -TERM -- -$$relay -$$web 2>/dev/null; wait 2>/dev/null; }; \
	trap 'stop; exit 0' INT TERM; \
	wait -n; status=$$?; stop; exit $$status

# The production-like run (deploy/up.py): TOPOLOGY's services against this machine's
# PostgreSQL, RabbitMQ and Redis, DEBUG off, under honcho. Ctrl-C stops it; `make down` stops one
# running elsewhere, `make down DROP=1` also drops its databases, roles and var/up/.
TOPOLOGY ?= monolith
up: bootstrap ## Serve TOPOLOGY production-like behind the nginx gateway, with Flower and a mail catcher.
	@$(PY) -m deploy.up start --topology $(TOPOLOGY)

down: bootstrap
	@$(PY) -m deploy.up down $(if $(DROP),--drop)

# `check --deploy` with the production settings: DEBUG off, the SECRET_KEY and JWT key of
# PROD_ENV (made once by `manage.py production_env` when missing), static files collected.
PROD_ENV ?= var/up/production.env
prod-check: bootstrap ## Django's deployment checks with the production environment.
	@DEBUG=true $(PY) manage.py production_env $(PROD_ENV)
	@set -a && . $(PROD_ENV) && set +a && ALLOWED_HOSTS=$${ALLOWED_HOSTS:-localhost} \
		$(PY) manage.py collectstatic --no-input -v 0 && \
		ALLOWED_HOSTS=$${ALLOWED_HOSTS:-localhost} \
		$(PY) manage.py check --deploy --fail-level WARNING

test: bootstrap static-checks lint coverage-erase test-sqlite test-postgres coverage ## Everything CI runs.

# Checked before anything is installed, so a wrong interpreter costs seconds, not an install.
$(PY):
	@"$(SYSTEM_PYTHON)" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' \
		2>/dev/null || { \
		echo "make: SYSTEM_PYTHON='$(SYSTEM_PYTHON)' is not Python 3.11, 3.12 or 3.13" \
			"($$("$(SYSTEM_PYTHON)" --version 2>/dev/null || echo 'no such interpreter'))."; \
		echo "make: point it at one, e.g. make SYSTEM_PYTHON=/usr/bin/python3.12 run"; exit 1; } >&2
	$(SYSTEM_PYTHON) -m venv $(VENV)

# Reinstalls only when the lock file or the package metadata changed.
$(STAMP): requirements.lock pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

bootstrap: $(STAMP)

# The git hooks of .pre-commit-config.yaml: every hook runs a tool from .venv, offline.
hooks: bootstrap
	$(BIN)/pre-commit install --install-hooks

db: bootstrap
	$(DEV_ENV) $(PY) manage.py migrate --noinput -v 0
	$(DEV_ENV) $(PY) manage.py ensure_dev_keys

static-checks: bootstrap
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEV_ENV) $(BIN)/mypy src contexts config

# Each step names the rule it enforces and how to fix a failure. The committed artefacts it
# checks are regenerated with `manage.py contextmap`, `manage.py openapi_contracts --write` and
# `manage.py enforcement`. lint_architecture runs the import contracts, the system checks and the
# boundary checks and prints each finding as `path:line:col: ID message`, or as a GitHub
# annotation under GitHub Actions.
lint: bootstrap ## Architecture lint: contracts, system and boundary checks, OpenAPI, context map, CI files.
	$(DEV_ENV) $(PY) manage.py lint_architecture
	$(DEV_ENV) $(PY) manage.py enforcement --check
	$(DEV_ENV) $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null
	$(DEV_ENV) $(PY) manage.py contextmap --check
	$(DEV_ENV) $(PY) manage.py openapi_contracts --check
	$(DEV_ENV) $(PY) manage.py topology check --every
	$(PY) -m deploy.manifests check
	$(BIN)/pre-commit validate-config .pre-commit-config.yaml
	$(BIN)/actionlint

coverage-erase:
	rm -rf $(COVERAGE_DIR) && mkdir -p $(COVERAGE_DIR) $(RESULTS_DIR)

# The SQLite pass leaves out the slow suites (real processes, topologies, browsers, fuzzing):
# they run once, in the PostgreSQL pass, which every deployment shape uses.
test-sqlite: db
	$(TEST_ENV) $(COVERAGE) run -m pytest $(PYTEST_ARGS) -m "not slow" \
		--junitxml=$(RESULTS_DIR)/sqlite.xml

# The loop while editing: no lint, no coverage, SQLite only, nothing marked slow (README, Testing).
test-fast: db ## The tests not marked slow, once, on SQLite.
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS) -m "not slow"

test-postgres: db
	@status=0; $(PY) -m tests.support.probe "$(TEST_POSTGRES_URL)" || status=$$?; \
	if [ $$status -eq 0 ]; then \
		$(TEST_ENV) DATABASE_URL="$(TEST_POSTGRES_URL)" \
			$(COVERAGE) run -m pytest $(PYTEST_ARGS) --junitxml=$(RESULTS_DIR)/postgresql.xml; \
	elif [ $$status -ne 1 ]; then exit $$status; fi

# One figure for both database runs and every process they started; the whole table, sorted
# from the least covered module up, is var/coverage/report.txt, the browsable one html/.
coverage: bootstrap ## Combine the data of the last test runs: total, least-covered modules, HTML.
	$(COVERAGE) combine --quiet
	$(COVERAGE) report > $(COVERAGE_DIR)/report.txt
	$(COVERAGE) html --quiet
	$(COVERAGE) xml --quiet -o $(COVERAGE_DIR)/coverage.xml
	@echo "Least-covered modules (the full table: $(COVERAGE_DIR)/report.txt):"
	@head -n 14 $(COVERAGE_DIR)/report.txt
	@echo "Coverage of src/ and contexts/ (lines and branches, both runs, subprocesses included):" \
		"$$($(COVERAGE) report --format=total)%  (HTML: $(COVERAGE_DIR)/html/index.html)"

# The browser tests (tests/browser) drive Debian's chromium with Playwright; Playwright's own
# browser downloads are never used. Installing the package needs root (sudo otherwise).
chromium:
	@command -v chromium >/dev/null || { \
		sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
		$$sudo apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends chromium; }

screenshots: db chromium ## Look at the API docs and the admin's event flow in chromium: var/screenshots/*.png
	$(DEV_ENV) DATABASE_URL="$(TEST_POSTGRES_URL)" SCREENSHOT_DIR=var/screenshots \
		$(PY) -m pytest $(PYTEST_ARGS) tests/browser
	@ls -1 var/screenshots/*.png

bench-events: db
	$(DEV_ENV) $(PY) bench/events.py

# The shop side by side with plain DRF and plain Celery (docs/performance.md). BENCH_QUICK=1, or
# `make bench-smoke`, is a short run that proves the harness works; its figures mean little.
bench: bootstrap bench-tools
	$(PY) bench/sidebyside.py

bench-smoke: bootstrap bench-tools
	BENCH_QUICK=1 $(PY) bench/sidebyside.py

# wrk, the load generator, from the distribution's packages when it is missing.
bench-tools:
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -q wrk >/dev/null; } \
		|| { echo "wrk is missing: install it (apt-get install wrk)"; exit 1; }

# The costliest request per endpoint against gunicorn: CPU time and peak memory of the worker.
bench-edge: db
	$(PY) bench/edge.py

# The long schemathesis run (all checks, valid and invalid data, as anonymous, customer and
# staff) against gunicorn; FUZZ_EXAMPLES per operation and mode (default 120). docs/edge.md.
fuzz: db
	$(PY) bench/fuzz.py

lock: ## Re-pin every dependency after editing requirements.in.
	$(PY) -m pip install --quiet -r requirements.in
	(echo "# Generated by 'make lock' from requirements.in; do not edit by hand."; \
	 $(PY) -m pip freeze --exclude-editable) > requirements.lock

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
