#!/usr/bin/env bash
# Schema fuzzing: serve the demo (temporary SQLite database, migrated and seeded) on a free 127.0.0.1 port and run
# schemathesis against its own /api/openapi.json with an Administrator API key: every operation, a bounded number
# of examples each. It fails on any response >= 500 and on any response whose status code, content type, headers
# or body the document does not describe. Needs the repository's .venv (make venv: schemathesis is a test extra).
# One worker: the demo runs on SQLite, whose writers wait on each other (concurrent writes answer 503).
# FUZZ_EXAMPLES (default 10) bounds the examples per operation; FUZZ_SEED (default 20) makes the run repeatable;
# PORT picks the port (default: a free one). FUZZ_LOG_DIR keeps the server's logs.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
py="${PYTHON:-$repo/.venv/bin/python}"
work="$(mktemp -d "${TMPDIR:-/tmp}/schema-fuzz.XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
cd "$repo"
export DATABASE_URL="sqlite:///$work/db.sqlite3" DJANGO_MEDIA_ROOT="$work/media" PYTHONUNBUFFERED=1
"$py" manage.py migrate --noinput -v 0
"$py" manage.py seed_demo >/dev/null
key="$("$py" manage.py frappe_api_keys Administrator)"
port="${PORT:-$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
# gunicorn (a test extra), as in production: Django's runserver reads no chunked request body, and what is left
# of one on a kept-alive connection is answered as a request of its own, an HTML 400 the client takes for the
# next answer.
"$(dirname "$py")/gunicorn" example_project.wsgi --bind "127.0.0.1:$port" --workers 1 --limit-request-line 0 \
  --access-logfile "$work/access.log" >"$work/server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
"$py" - "$base" <<'PY'
import sys, time, urllib.request
for _ in range(150):
    try:
        urllib.request.urlopen(sys.argv[1] + "/api/method/ping", timeout=2)
        break
    except OSError:
        time.sleep(0.2)
else:
    sys.exit("the demo server did not start")
PY
status=0
"$py" -m schemathesis.cli run "$base/api/openapi.json" \
  --header "Authorization: token $key" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --phases "${FUZZ_PHASES:-examples,coverage,fuzzing}" \
  --generation-with-security-parameters false \
  --max-examples "${FUZZ_EXAMPLES:-10}" --seed "${FUZZ_SEED:-20}" --generation-database none \
  --workers 1 --request-timeout 30 --no-color --report junit --report-dir "${FUZZ_REPORT_DIR:-$work/report}" \
  || status=$?
if [ -n "${FUZZ_LOG_DIR:-}" ]; then cp "$work"/*.log "$FUZZ_LOG_DIR"/; fi
if [ "$status" -ne 0 ]; then
  echo "--- server errors (last 80 lines of the server's log)"
  grep -n "Traceback\|Error" "$work/server.log" | tail -80 || true
fi
exit "$status"
