#!/usr/bin/env bash
# The package as a user gets it: build the sdist and the wheel, `twine check` them, install the wheel into a
# clean venv, create a fresh `django-admin startproject`, follow README "Using it in your project" (and the
# OAuth section's settings), register one model, migrate, serve it on a free 127.0.0.1 port and drive
# /login, the OAuth consent page and /api/resource over HTTP. Needs python3 (with venv) and PyPI.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/wheel-smoke.XXXXXX")"
server_pid=""

cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
log() { printf -- '--- %s\n' "$*"; }

log "building the sdist and the wheel from the working tree"
mkdir "$work/src"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard \
  | xargs -0 -I{} sh -c 'test -e "{}" && echo "{}"' | tar -cf - -T -) | tar -xf - -C "$work/src"
python3 -m venv "$work/tools"
"$work/tools/bin/pip" install --quiet --disable-pip-version-check build twine
if ! "$work/tools/bin/python" -m build --sdist --wheel --outdir "$work/dist" "$work/src" >"$work/build.log" 2>&1; then
  cat "$work/build.log"; exit 1
fi
if grep -i "deprecat" "$work/build.log"; then echo "the build uses deprecated configuration (above)"; exit 1; fi
"$work/tools/bin/twine" check --strict "$work/dist"/*

log "checking what the archives hold"
"$work/tools/bin/python" - "$work/dist" <<'PY'
import pathlib, sys, tarfile, zipfile
dist = pathlib.Path(sys.argv[1])
needed = ["frappe_api/py.typed", "frappe_api/templates/frappe_api/login.html",
          "frappe_api/templates/frappe_api/page.html",
          "frappe_api/oauth/templates/frappe_api/oauth/authorize.html",
          "frappe_api/migrations/0001_initial.py", "frappe_api/oauth/migrations/0001_initial.py"]
[wheel] = dist.glob("*.whl")
[sdist] = dist.glob("*.tar.gz")
in_wheel = set(zipfile.ZipFile(wheel).namelist())
in_sdist = {name.split("/", 1)[1] for name in tarfile.open(sdist).getnames() if "/" in name}
missing = [f"{kind}: {name}" for kind, names in (("wheel", in_wheel), ("sdist", in_sdist))
           for name in needed if name not in names]
strays = sorted(name for name in in_wheel if name.split("/")[0] in ("tests", "example_project", "bench"))
if missing or strays:
    sys.exit(f"missing: {missing}; not ours to ship: {strays}")
print(f"{wheel.name}: {len(in_wheel)} files; {sdist.name}: {len(in_sdist)} files")
PY

log "installing the wheel into a clean venv"
python3 -m venv "$work/venv"
py="$work/venv/bin/python"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "$work/dist"/*.whl
cd "$work"
"$py" -c 'import frappe_api, sys; sys.exit(0 if "site-packages" in frappe_api.__file__ else frappe_api.__file__)'

log "a fresh project, set up as README says"
"$work/venv/bin/django-admin" startproject smoke
cd smoke
"$py" manage.py startapp shop
cat >> smoke/settings.py <<'PY'

# --- README "Using it in your project", and the OAuth section's settings
from django.conf import global_settings  # noqa: E402
from frappe_api.oauth.settings import CLIENT_SECRET_HASHER, PROVIDER_SETTINGS  # noqa: E402

INSTALLED_APPS += ["rest_framework", "oauth2_provider", "frappe_api", "frappe_api.oauth", "shop"]
SESSION_COOKIE_NAME = "sid"
SESSION_ENGINE = "frappe_api.sessions"
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
                  "frappe_api.middleware.SecureCookiesMiddleware")
MIDDLEWARE.insert(0, "frappe_api.middleware.APIErrorMiddleware")
MIDDLEWARE.append("frappe_api.middleware.LegacyCommandMiddleware")
OAUTH2_PROVIDER = {**PROVIDER_SETTINGS}
PASSWORD_HASHERS = [*global_settings.PASSWORD_HASHERS, CLIENT_SECRET_HASHER]
PY
cat > smoke/urls.py <<'PY'
from django.contrib import admin
from django.urls import include, path

urlpatterns = [path("admin/", admin.site.urls), path("", include("frappe_api.urls"))]
PY
cat > shop/models.py <<'PY'
from django.db import models

import frappe_api
from frappe_api.models import Document


@frappe_api.register(doctype="Book", title_field="title", naming_rule="field:title")
class Book(Document):
    title = models.CharField(max_length=140, unique=True)
    price = models.DecimalField(max_digits=12, decimal_places=2, default=0)
PY
"$py" manage.py check --fail-level WARNING
"$py" manage.py makemigrations shop -v0
"$py" manage.py migrate --noinput -v0
DJANGO_SUPERUSER_PASSWORD=smoke-pass "$py" manage.py createsuperuser --noinput --username admin --email a@example.com
api_key="$("$py" manage.py frappe_api_keys admin)"
port="$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$py" manage.py shell -c "
from django.contrib.auth import get_user_model
from oauth2_provider.models import Application
Application.objects.create(name='Smoke Client', client_id='smoke-client', client_secret='s' * 40,
    client_type='confidential', authorization_grant_type='authorization-code', algorithm='HS256',
    redirect_uris='http://127.0.0.1:$port/callback', user=get_user_model().objects.get(username='admin'))
"

log "serving on 127.0.0.1:$port"
"$py" manage.py runserver --noreload "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 50); do
  "$py" -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
  sleep 0.2
done

log "driving /login, the consent page and /api/resource"
if ! "$py" - "http://127.0.0.1:$port" "$api_key" <<'PY'; then
import http.cookiejar, json, re, sys, urllib.error, urllib.parse, urllib.request

base, api_key = sys.argv[1], sys.argv[2]
jar = http.cookiejar.CookieJar()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def call(path, data=None, headers=None, method=None):
    body = urllib.parse.urlencode(data).encode() if isinstance(data, dict) else data
    request = urllib.request.Request(base + path, data=body, headers=headers or {}, method=method)
    try:
        with opener.open(request) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def expect(condition, what, detail=""):
    if not condition:
        sys.exit(f"FAILED: {what}\n{detail[:2000]}")
    print(f"ok: {what}")


def csrf_input(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


status, _, html = call("/login")
expect(status == 200 and 'name="usr"' in html and 'name="pwd"' in html, "GET /login shows the login form", html)
status, headers, html = call("/login", {"csrfmiddlewaretoken": csrf_input(html), "usr": "admin", "pwd": "smoke-pass"})
expect(status in (200, 302), "POST /login logs in", f"{status} {html}")
status, _, body = call("/api/method/frappe.auth.get_logged_user")
expect((status, json.loads(body)) == (200, {"message": "admin"}), "the session cookie is logged in", body)

csrftoken = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
status, _, body = call("/api/resource/Book", json.dumps({"title": "Dune", "price": 19.99}).encode(),
                       {"Content-Type": "application/json", "X-CSRFToken": csrftoken})
expect(status == 200 and json.loads(body)["data"]["name"] == "Dune", "POST /api/resource/Book (session)", body)
status, _, body = call("/api/resource/Book?fields=%5B%22name%22%2C%22price%22%5D")
expect((status, json.loads(body)) == (200, {"data": [{"name": "Dune", "price": 19.99}]}),
       "GET /api/resource/Book lists it", body)
status, _, body = call("/api/resource/Book/Dune", headers={"Authorization": f"token {api_key}"})
expect(status == 200 and json.loads(body)["data"]["title"] == "Dune", "GET /api/resource/Book/Dune (API key)", body)
status, _, body = call("/api/resource/Nope")
expect(status == 404 and "DoesNotExistError" in body, "an unknown DocType is Frappe's JSON 404", body)

redirect_uri = base + "/callback"
query = urllib.parse.urlencode({"client_id": "smoke-client", "response_type": "code", "scope": "openid all",
                                "state": "xyz", "redirect_uri": redirect_uri})
status, _, html = call(f"/api/method/frappe.integrations.oauth2.authorize?{query}")
expect(status == 200 and "Confirm Access" in html and "Smoke Client" in html, "the OAuth consent page", html)
form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
form["allow"] = "true"
status, headers, html = call(f"/api/method/frappe.integrations.oauth2.authorize?{query}", form)
location = headers.get("Location", "")
expect(status == 302 and location.startswith(redirect_uri + "?"), "Allow redirects with a code", f"{status} {html}")
code = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["code"][0]
status, _, body = call("/api/method/frappe.integrations.oauth2.get_token", {
    "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
    "client_id": "smoke-client", "client_secret": "s" * 40})
expect(status == 200 and "access_token" in json.loads(body), "the code buys a token", body)
bearer = {"Authorization": "Bearer " + json.loads(body)["access_token"]}
status, _, body = call("/api/resource/Book", headers=bearer)
expect(status == 200 and json.loads(body)["data"] == [{"name": "Dune"}], "the Bearer token reads the API", body)
PY
  echo "--- server log"; cat "$work/server.log"
  exit 1
fi
log "the wheel works"
