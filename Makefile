# django-frappe-api: `make run` serves the demo, `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Where frappe-react-sdk and frappe-ui look for the realtime server when the page has a port (their default).
SOCKET_PORT ?= 9000

.PHONY: venv run test test-postgres test-mariadb test-all migrate seed serve-prod bench bench-realtime clean

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,postgres,realtime]"
	touch $(BIN)/activate

venv: $(BIN)/activate

migrate: venv
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# One uvicorn process serves the demo and its realtime server (no Redis needed): the site on $(PORT) with
# Socket.IO at /socket.io/, and Socket.IO again on $(SOCKET_PORT), where front ends served on a port look for it.
run: seed
	$(BIN)/python manage.py runasgi $(HOST):$(PORT) $(HOST):$(SOCKET_PORT)

# pytest, then the import contracts in pyproject.toml ([tool.importlinter]; docs/architecture.md).
test: venv
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)
	$(BIN)/lint-imports

test-postgres: venv
	DATABASE_URL=$${POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/frappe_api} $(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-mariadb: venv
	$(BIN)/pip install --quiet "mysqlclient>=2.2.1"
	DATABASE_URL=$${MARIADB_URL:-mysql://root@127.0.0.1:3306/frappe_api} $(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-all: test test-postgres test-mariadb

# The production shape, locally: gunicorn workers, DEBUG off, PostgreSQL, Redis for cache and sessions, and a
# realtime process (uvicorn) on $(SOCKET_PORT) that the web workers reach through Redis.
# --limit-request-line 0: long GET lists reach Django, which answers JSON 413 beyond DATA_UPLOAD_MAX_MEMORY_SIZE
# (gunicorn would answer an HTML 400 past 4094 bytes).
PROD_ENV = DJANGO_DEBUG=0 DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-serve-prod-local-secret-change-me} \
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/frappe_api_prod} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/1} DATABASE_CONN_MAX_AGE=600
WORKERS ?= 4

serve-prod: venv
	$(BIN)/pip install --quiet -e ".[prod]"
	$(PROD_ENV) $(BIN)/python manage.py create_database
	$(PROD_ENV) $(BIN)/python manage.py migrate --noinput
	$(PROD_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(PROD_ENV) $(BIN)/python manage.py seed_demo
	$(PROD_ENV) REALTIME_REDIS_URL=$${REALTIME_REDIS_URL:-$${REDIS_URL:-redis://127.0.0.1:6379/1}} \
		DJANGO_SETTINGS_MODULE=example_project.settings sh -c '\
		$(BIN)/uvicorn frappe_api.realtime.asgi:application --host $(HOST) --port $(SOCKET_PORT) \
		--ws-per-message-deflate false & realtime=$$!; \
		trap "kill $$realtime" EXIT INT TERM; \
		$(BIN)/gunicorn example_project.wsgi --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - \
		--limit-request-line 0'

# The benchmark (README, "Benchmark"): plain Django, DRF and frappe_api on SQLite and PostgreSQL, about 30 minutes.
# Needs PostgreSQL and Redis on 127.0.0.1; BENCH_ARGS is passed on (e.g. BENCH_ARGS=--quick for a smoke run).
bench: venv
	$(BIN)/pip install --quiet "gunicorn>=22" "matplotlib>=3.8" "pyinstrument>=4.6" "psycopg[binary]>=3.1" "redis>=5.0"
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk) \
		|| echo "wrk could not be installed: bench/run.py falls back to its Python load generator"
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The realtime benchmark (README, "Realtime"): 1,000 socket.io clients across two realtime processes, about a minute.
# Needs Redis (REDIS_URL, default redis://127.0.0.1:6379/13) and Node 20+ (socket.io-client from tests/js).
bench-realtime: venv
	cd tests/js && npm ci --ignore-scripts --no-audit --no-fund
	$(BIN)/python bench/realtime.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .import_linter_cache .grimp_cache
