# Chime: `make run` for the demo on http://127.0.0.1:8000 (PORT=8123 for another port), `make test` for the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV := DJANGO_DEBUG=true CHIME_DEMO_MODE=true
PORT ?= 8000

.PHONY: run test lint format migrations-check seed-scale

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
