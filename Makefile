# Chime: `make run` for the demo on http://127.0.0.1:8000 (PORT=8123 for another port), `make test` for the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV := DJANGO_DEBUG=true CHIME_DEMO_MODE=true
PORT ?= 8000
PYTEST_ARGS ?= -n 2

.PHONY: run test lint format migrations-check audit bench load scan

# Create the virtualenv with the Python named in .python-version and install Chime with its test tools.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	@$(DEV) $(PY) manage.py migrate --noinput -v0
	@$(DEV) $(PY) manage.py seed_demo --logins
	@$(DEV) $(PY) manage.py escalate_overdue --in-background
	@echo "Chime is starting on http://127.0.0.1:$(PORT) with its background worker (Ctrl+C stops both)"
	@$(DEV) CHIME_BASE_URL=http://127.0.0.1:$(PORT) exec $(PY) manage.py run_with_worker 127.0.0.1:$(PORT)

migrations-check: $(STAMP)
	@$(DEV) $(PY) manage.py makemigrations --check --dry-run -v1

test: $(STAMP) migrations-check
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Security checks: bandit (no high-severity findings allowed) and pip-audit (known vulnerabilities in dependencies).
audit: $(STAMP)
	$(VENV)/bin/bandit -q -r chime sessions ethics -lll
	$(VENV)/bin/pip-audit --skip-editable --progress-spinner off

# Time the main pages on a small and a large data set (built once, in their own databases). See README "Performance".
bench: $(STAMP)
	$(PY) tests/bench/run.py

# 50 practitioners for 60 s against gunicorn on the large data set, then again with PostgreSQL restarted mid-run.
# See README "Load and faults". Results: .bench/load.json.
load: $(STAMP)
	$(PY) tests/load/run.py

# An authenticated wapiti scan of the app under gunicorn with production settings on 127.0.0.1 (about 10 minutes).
# See README "Security scan". Results: .bench/scan.json. Installs Debian's wapiti when it is missing.
scan: $(STAMP)
	@command -v wapiti >/dev/null || { apt-cache show wapiti >/dev/null 2>&1 || apt-get update; apt-get install -y wapiti; }
	$(PY) tests/scan/run.py
