"""Settings of the demo project. The database comes from ``DATABASE_URL`` (SQLite by default)."""

import os
from pathlib import Path

import dj_database_url
from django.conf import global_settings

from frappe_api.cors import FRAPPE_CORS_ALLOW_HEADERS
from frappe_api.oauth.settings import CLIENT_SECRET_HASHER, PROVIDER_SETTINGS

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "demo-only-insecure-secret-key-change-me")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "oauth2_provider",
    "corsheaders",
    "frappe_api",
    "frappe_api.oauth",
    "frappe_api.realtime",
    "drf_spectacular_sidecar",  # Swagger UI for /api/docs, served locally
    "example_project.demo",
]

MIDDLEWARE = [
    "frappe_api.middleware.APIErrorMiddleware",  # first: every error under /api/ is Frappe JSON
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "frappe_api.middleware.SecureCookiesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "frappe_api.requestlog.RequestLogMiddleware",
    "frappe_api.middleware.LegacyCommandMiddleware",
]

ROOT_URLCONF = "example_project.urls"

# Frappe clients read the session from the `sid` cookie.
SESSION_COOKIE_NAME = "sid"
SESSION_COOKIE_SECURE = os.environ.get("DJANGO_SECURE_COOKIES", "0") == "1"
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Front ends served elsewhere (Frappe's allow_cors): exact origins, with credentials, for the API only.
CORS_ALLOWED_ORIGINS = [o for o in os.environ.get("FRAPPE_CORS_ORIGINS", "").split(",") if o]
CORS_ALLOW_CREDENTIALS = True
CORS_URLS_REGEX = r"^/(api|files|private/files)/.*$"
CORS_ALLOW_HEADERS = FRAPPE_CORS_ALLOW_HEADERS  # the headers Frappe's front-end libraries send
CORS_PREFLIGHT_MAX_AGE = 86400
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "example_project.wsgi.application"
# `make run` serves this (manage.py runasgi): Socket.IO at /socket.io/, Django for the rest.
ASGI_APPLICATION = "example_project.asgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # A kept connection the database dropped (restart, failover) is replaced before use, not failed on.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    DATABASES["default"].setdefault("OPTIONS", {}).update({"charset": "utf8mb4"})
    DATABASES["default"]["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("REDIS_URL"):
    # Shared by every worker and machine: registry versions, rate limits, lockouts, sessions. Short timeouts:
    # an unreachable Redis must cost a request milliseconds, not hang it (frappe_api serves on without it).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["REDIS_URL"],
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
    # Django's cached_db sessions, read from and written to the database alone while the cache is unreachable.
    SESSION_ENGINE = "frappe_api.sessions"

# Django's validators check every new password set through a reset link or update_password.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Password reset mail (frappe.core.doctype.user.user.reset_password): printed on the console in the demo.
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost")

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
if not DEBUG:
    try:  # WhiteNoise serves the admin's static files when DEBUG is off (make serve-prod)
        import whitenoise  # noqa: F401

        MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                          "whitenoise.middleware.WhiteNoiseMiddleware")
    except ImportError:
        pass
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

FRAPPE_API = {
    # The realtime namespace clients connect to: FrappeProvider's siteName, frappe-ui's window.site_name.
    "SITE_NAME": os.environ.get("FRAPPE_SITE_NAME", "127.0.0.1"),
    # Several web and realtime processes share their events through Redis; one process (make run) needs none.
    "REALTIME_REDIS_URL": os.environ.get("REALTIME_REDIS_URL") or None,
    "REALTIME_CHANNEL": os.environ.get("FRAPPE_REALTIME_CHANNEL", "frappe_api_realtime"),
}

# OAuth 2 / OpenID Connect at Frappe's URLs (frappe_api.oauth, on django-oauth-toolkit).
OAUTH2_PROVIDER = {**PROVIDER_SETTINGS}
# Generated client secrets get a fast keyed hash; user passwords keep Django's slow default (listed first).
PASSWORD_HASHERS = [*global_settings.PASSWORD_HASHERS, CLIENT_SECRET_HASHER]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "frappe_api": {"handlers": ["console"], "level": "WARNING"},
        # Unhandled exceptions (with their traceback) on stderr, DEBUG or not.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
