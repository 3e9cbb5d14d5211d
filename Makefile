# Two commands: `make run` and `make test`. Both start from `make setup` (idempotent).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1:8000
# The task worker of the configured tasks backend (settings: TASKS_BACKEND).
WORKER := $(if $(filter redis,$(TASKS_BACKEND)),run_redis_tasks --continuous,db_worker)

.PHONY: setup run test lint bench clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12) and "Python 3.12 or newer is required")'
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): $(PY) requirements.txt requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(INSTALLED)

setup: $(INSTALLED)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

run: setup
	$(PY) manage.py seed_demo
	@trap 'kill 0' EXIT INT TERM; \
	$(PY) manage.py $(WORKER) & \
	$(PY) manage.py runserver $(HOST)

test: setup
	$(PY) -m pytest

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .

bench: setup
	$(PY) -m bench

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
