# Chime: `make run` for the demo on http://127.0.0.1:8000 (PORT=8123 for another port), `make test` for the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV := DJANGO_DEBUG=true CHIME_DEMO_MODE=true
PORT ?= 8000
PYTEST_ARGS ?= -n 2

LOCK := .ci/requirements.lock
PIP := $(PY) -m pip install -q --disable-pip-version-check

.PHONY: run test test-dates lint format migrations-check audit lock bench load scan chromium manage restore-drill

# Create the virtualenv with the Python named in .python-version and install Chime with its test tools, at the exact
# releases in $(LOCK) (pyproject.toml says what Chime needs; the lock says which releases run and are audited).
$(STAMP): pyproject.toml $(LOCK)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PIP) -c $(LOCK) --upgrade pip
	$(PIP) -c $(LOCK) -e '.[dev]'
	@touch $(STAMP)

# Move every dependency to its newest release that pyproject.toml allows, and write those releases to $(LOCK).
lock: $(STAMP)
	$(PIP) --upgrade --upgrade-strategy eager pip -e '.[dev]'
	$(PY) -m pip freeze --all --exclude-editable > $(LOCK)
	@touch $(STAMP)

# The development values, for commands typed by hand afterwards (`.venv/bin/python manage.py …` reads .env when
# the environment does not set DJANGO_DEBUG itself). Written once; edit it freely, it is git-ignored.
.env:
	@printf '%s\n' '# Development values for manage.py, written by `make run` (git-ignored; never used by gunicorn).' \
		'DJANGO_DEBUG=true' 'CHIME_DEMO_MODE=true' > $@

run: $(STAMP) .env
	@$(DEV) $(PY) manage.py migrate --noinput -v0
	@$(DEV) CHIME_BASE_URL=http://127.0.0.1:$(PORT) $(PY) manage.py seed_demo --logins
	@$(DEV) $(PY) manage.py escalate_overdue --in-background
	@$(DEV) $(PY) manage.py checkpoint_audit_chain --in-background
	@$(DEV) $(PY) manage.py delete_expired_drafts --in-background
	@$(DEV) $(PY) manage.py prepare_report_figures --in-background
	@echo "Chime is starting on http://127.0.0.1:$(PORT) with its background worker (Ctrl+C stops both)"
	@$(DEV) CHIME_BASE_URL=http://127.0.0.1:$(PORT) exec $(PY) manage.py run_with_worker 127.0.0.1:$(PORT)

migrations-check: $(STAMP)
	@$(DEV) $(PY) manage.py makemigrations --check --dry-run -v1

# After the whole suite, the tests marked `dates` run again as if today were a month's start, a year's start,
# 29 February and a Sunday when the clocks go forward (tests/conftest.py moves the clock for each run of each such
# test), so the suite passes on any day of the year. One process for all the days, reading only the files that hold
# such tests (`make test-dates` alone).
TEST_DAYS ?= 2027-03-01 2027-01-01 2028-02-29 2027-03-28
DATE_TESTS = $(shell grep -rl --include='test_*.py' 'pytest.mark.dates' tests)

test: $(STAMP) migrations-check chromium
	$(PY) -m pytest $(PYTEST_ARGS)
	@$(MAKE) --no-print-directory test-dates

# The browser tests drive the system's Chromium (tests/conftest.py, CHROMIUM_PATH). When it is missing, install
# it from Debian's packages if we may (as root, or through sudo without a password); otherwise stop with the one
# command to run. No browser test is ever skipped for want of a browser under `make test`.
CHROMIUM_PATH ?= /usr/bin/chromium
chromium:
	@command -v "$(CHROMIUM_PATH)" >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; \
		else echo "The browser tests need Chromium: run \`sudo apt-get install -y chromium\`, then \`make test\` again."; exit 1; fi; \
		command -v apt-get >/dev/null || { echo "The browser tests need Chromium: install it, then run \`make test CHROMIUM_PATH=/path/to/chromium\`."; exit 1; }; \
		echo "Chromium is missing: installing Debian's package (about 25 s)"; \
		$$sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q chromium; }

# Any management command with the development values, e.g. `make manage CMD="verify_audit_chain"`.
manage: $(STAMP)
	@$(DEV) $(PY) manage.py $(CMD)

test-dates: $(STAMP)
	CHIME_TEST_DAYS="$(TEST_DAYS)" $(PY) -m pytest -q -p no:xdist -m dates $(DATE_TESTS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Security checks: bandit (no high-severity findings allowed), then pip-audit over the locked releases, with
# PyPI's advisories for whatever pip-audit could not look up (see README "Security checks").
audit: $(STAMP)
	$(VENV)/bin/bandit -q -r chime sessions ethics -lll
	$(PY) tests/audit/run.py

# Time the main pages on a small and a large data set (built once, in their own databases). See README "Performance".
# `make bench SCALE=10x`: the large set beside one ten times its size (5 million sessions; long to build, not default).
SCALE ?=
bench: $(STAMP)
	$(PY) tests/bench/run.py $(if $(filter 10x,$(SCALE)),--10x)

# Back up the large benchmark set, restore it into a fresh database, compare every table's row count and verify the
# audit chain against the backup's checkpoint; prints the times and the backup's size. See README "Backups".
restore-drill: $(STAMP)
	$(PY) tests/drill/run.py

# 50 practitioners for 60 s against gunicorn on the large data set, then again with PostgreSQL restarted mid-run.
# See README "Load and faults". Results: .bench/load.json.
load: $(STAMP)
	$(PY) tests/load/run.py

# An authenticated wapiti scan of the app under gunicorn with production settings on 127.0.0.1 (about 10 minutes).
# See README "Security scan". Results: .bench/scan.json. Installs Debian's wapiti when it is missing.
scan: $(STAMP)
	@command -v wapiti >/dev/null || { apt-cache show wapiti >/dev/null 2>&1 || apt-get update; apt-get install -y wapiti; }
	$(PY) tests/scan/run.py
