"""Settings of the benchmark project: production-like (DEBUG off, persistent connections, Redis), one database.

``BENCH_DB`` picks the database: ``sqlite`` (``bench/.work/bench.sqlite3``),
``postgres`` (``BENCH_PG_NAME``, default ``frappe_api_bench``, on ``BENCH_PG_HOST``, default 127.0.0.1)
or ``mariadb`` (``BENCH_MYSQL_NAME``, default ``frappe_api_bench``, on ``BENCH_MYSQL_HOST``).
Every contender is served by this one project, with the same middleware.
"""

import os
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent
WORK_DIR = BENCH_DIR / ".work"
BENCH_DB = os.environ.get("BENCH_DB", "sqlite")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "bench-only-insecure-secret-key")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "rest_framework",
    "django_filters",
    "oauth2_provider",
    "frappe_api",
    "benchapp",
]

# Django's default stack (startproject), the same for every contender.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "benchproject.urls"
WSGI_APPLICATION = "benchproject.wsgi.application"
TEMPLATES = []

PERSISTENT_CONNECTIONS = 600  # seconds a worker keeps its database connection (CONN_MAX_AGE)
if BENCH_DB == "postgres":
    DATABASES = {"default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("BENCH_PG_NAME", "frappe_api_bench"),
        "USER": os.environ.get("BENCH_PG_USER", "postgres"),
        "HOST": os.environ.get("BENCH_PG_HOST", "127.0.0.1"),
        "PORT": os.environ.get("BENCH_PG_PORT", "5432"),
        "CONN_MAX_AGE": PERSISTENT_CONNECTIONS,
    }}
elif BENCH_DB == "sqlite":
    DATABASES = {"default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": WORK_DIR / "bench.sqlite3",
        "CONN_MAX_AGE": PERSISTENT_CONNECTIONS,
        # Django 5.1's advice for SQLite serving concurrent writers: WAL, immediate transactions, a busy timeout.
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20,
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
    }}
elif BENCH_DB == "mariadb":
    DATABASES = {"default": {
        "ENGINE": "django.db.backends.mysql",
        "NAME": os.environ.get("BENCH_MYSQL_NAME", "frappe_api_bench"),
        "USER": os.environ.get("BENCH_MYSQL_USER", "root"),
        "HOST": os.environ.get("BENCH_MYSQL_HOST", "127.0.0.1"),
        "PORT": os.environ.get("BENCH_MYSQL_PORT", "3306"),
        "CONN_MAX_AGE": PERSISTENT_CONNECTIONS,
        "OPTIONS": {"charset": "utf8mb4"},
    }}
else:
    raise RuntimeError(f"BENCH_DB must be sqlite, postgres or mariadb, not {BENCH_DB!r}")

# Sessions and frappe_api's registry version in Redis, as `make serve-prod` runs them.
CACHES = {"default": {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
    "KEY_PREFIX": f"frappe_api_bench_{BENCH_DB}",
}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_NAME = "sid"

# The usual DRF stack, for contender (b): session authentication, JSON only, django-filter, limit/offset pages.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 20,
}

FRAPPE_API = {}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"},
                "frappe_api": {"handlers": ["console"], "level": "WARNING"}},
}
