# CloudManager developer commands. `make run` and `make test` are the README's two commands.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi
RUN_ENV := CM_ENV=development
LINT_PATHS := cloudmanager tests wsgi.py $(wildcard bench) $(wildcard scripts/*.py)

.PHONY: run test lint format install install-dev migrate seed worker bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt constraints.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt constraints.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Start the app on SQLite with inline jobs and demo data.
run: install
	$(RUN_ENV) $(BIN)/flask db upgrade
	$(RUN_ENV) $(BIN)/flask seed-demo
	@echo ""
	@echo "  CloudManager is starting at http://$(HOST):$(PORT)/"
	@echo "  Sign in as admin@demo.example.com with the password demo-password-2026"
	@echo "  (every demo user enrols TOTP at first sign-in; see README)."
	@echo ""
	$(RUN_ENV) $(BIN)/flask run --host $(HOST) --port $(PORT)

## Run the test suite (SQLite, inline jobs; Postgres/Redis when TEST_* are set),
## in one process per CPU (up to 4). PYTEST_ARGS="-n 0 -k name" runs in one process.
PYTEST_ARGS ?= -n auto --maxprocesses 4
test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/black --check $(LINT_PATHS)
	$(BIN)/flake8 $(LINT_PATHS)

format: install-dev
	$(BIN)/black $(LINT_PATHS)

migrate: install
	$(RUN_ENV) $(BIN)/flask db upgrade

seed: install
	$(RUN_ENV) $(BIN)/flask seed-demo

worker: install
	$(BIN)/rq worker --url $${REDIS_URL:-redis://127.0.0.1:6379/0} --worker-class cloudmanager.infra.worker.AppWorker --with-scheduler high default low

clean:
	rm -rf $(VENV) instance .pytest_cache
