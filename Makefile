# django-frappe-api: `make run` serves the demo, `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: venv run test test-postgres test-mariadb test-all migrate seed clean

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,postgres]"
	touch $(BIN)/activate

venv: $(BIN)/activate

migrate: venv
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	$(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

test: venv
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-postgres: venv
	DATABASE_URL=$${POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/frappe_api} $(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-mariadb: venv
	$(BIN)/pip install --quiet "mysqlclient>=2.2.1"
	DATABASE_URL=$${MARIADB_URL:-mysql://root@127.0.0.1:3306/frappe_api} $(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-all: test test-postgres test-mariadb

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache
