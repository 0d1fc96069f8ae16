"""Settings for frappe_api, read from ``settings.FRAPPE_API`` with documented defaults.

Use the single ``api_settings`` object everywhere: ``frappe_api.conf.api_settings.MAX_PAGE_LENGTH``.

``override_settings(FRAPPE_API={...})`` works in tests: the object reloads on
Django's ``setting_changed`` signal.

A few settings an operator may change at runtime, in the admin's *API Settings*
row (``RUNTIME_SETTINGS``): for these ``api_settings`` answers the row's value
when one is stored, else the ``FRAPPE_API`` one. ``frappe_api.runtime`` supplies
the row (``use_runtime_source``, at app start), so this module imports nothing
from frappe_api; ``api_settings.configured(name)`` is the ``FRAPPE_API`` value alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

DEFAULTS: dict[str, Any] = {
    # --- DRF policies used by every frappe_api view ------------------------
    # Authentication classes (dotted paths); a host's own DRF classes may be added.
    "AUTHENTICATION_CLASSES": [
        "frappe_api.auth.token.TokenAuthentication",
        "frappe_api.auth.oauth.BearerAuthentication",
        "frappe_api.auth.session.SessionAuthentication",
        "frappe_api.auth.token.RejectUnusedAuthorization",
    ],
    # Throttle classes (dotted paths) applied to every frappe_api view.
    "THROTTLE_CLASSES": ["frappe_api.throttling.RequestBudgetThrottle"],
    # --- Lists -------------------------------------------------------------
    # Rows a list answers when the client names no page length (Frappe: 20).
    "DEFAULT_PAGE_LENGTH": 20,
    # The most rows one list call answers, also for limit_page_length=0.
    "MAX_PAGE_LENGTH": 10000,
    # First day of the week for the `timespan` operator's "this week" (Frappe's default).
    "FIRST_DAY_OF_WEEK": "Sunday",
    # Who may use `debug=1`: a dotted path to a function(user) -> bool.
    "DEBUG_PERMISSION": "frappe_api.permissions.is_superuser",
    # Most items one bulk call (v2 bulk_delete/bulk_update/bulk_insert) takes.
    "MAX_BULK_ITEMS": 500,
    # --- Request parsing ---------------------------------------------------
    # Deepest nesting accepted in a JSON parameter or body.
    "MAX_JSON_DEPTH": 8,
    # Most filter conditions in one filters/or_filters parameter.
    "MAX_FILTERS": 50,
    # Most values in one `in`/`not in` list.
    "MAX_IN_VALUES": 1000,
    # --- Remote method calls ---------------------------------------------
    # Modules imported at start so their @whitelist functions are callable.
    "METHOD_MODULES": [],
    # Frappe method name -> dotted path of your function (imported at start),
    # e.g. {"erpnext.api.get_stock": "shop.api.stock_levels"}.
    "METHOD_ALIASES": {},
    # --- Files -------------------------------------------------------------
    # Largest upload in bytes; larger ones answer 413.
    "MAX_FILE_SIZE": 10 * 1024 * 1024,
    # MIME types users without desk access (non-staff) may upload (Frappe's list).
    "RESTRICTED_UPLOAD_MIME_TYPES": [
        "image/png", "image/jpeg", "application/pdf", "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
        "text/plain", "video/quicktime", "video/mp4", "text/csv",
    ],
    # Let Guest upload files (Frappe's allow_guests_to_upload_files).
    "ALLOW_GUEST_UPLOADS": False,
    # Hosts a `file_url` may point at (the server never fetches them); same-site paths always pass.
    "ALLOWED_FILE_URL_HOSTS": [],
    # --- Operations --------------------------------------------------------
    # A global budget per user (per IP for Guest): {"limit": 1000, "window": 3600}; None: no budget.
    "REQUEST_BUDGET": None,
    # Write an "API Request Log" row for every /api/ call (needs RequestLogMiddleware).
    "LOG_API_REQUESTS": False,
    # --- Errors ------------------------------------------------------------
    # Put the full traceback in `exc` (Frappe's default is on; ours is off).
    "SHOW_TRACEBACK": False,
    # --- Registry ----------------------------------------------------------
    # Django cache alias holding the registry version shared by all workers.
    "CACHE_ALIAS": "default",
    # Prefix of every cache key frappe_api writes.
    "CACHE_PREFIX": "frappe_api",
    # --- Login -------------------------------------------------------------
    # Failed logins allowed per user and per IP inside the window (0 disables the lockout).
    "LOGIN_ATTEMPTS": 10,
    # The window, and the lockout once it is exceeded, in seconds.
    "LOGIN_LOCKOUT_SECONDS": 60,
    # Password reset mails one IP, and one account, may ask for per hour (Frappe's password_reset_limit).
    "PASSWORD_RESET_LIMIT": 3,
    # Where a logged-in user's front end lives (Frappe's home_page).
    "HOME_PAGE": "/app",
    # The login page guests are sent to (OAuth authorize), and the query parameter carrying where to go back.
    # frappe_api serves Frappe's own /login; point these at your site's page instead if you have one
    # (e.g. "/accounts/login/" and "next").
    "LOGIN_URL": "/login",
    "LOGIN_REDIRECT_FIELD": "redirect-to",
    # --- OAuth 2 (the frappe_api.oauth app) ------------------------------
    # The scopes applications may be granted, with the text the consent page shows for each.
    "OAUTH_SCOPES": {
        "all": "Full access to your account, with your roles and permissions",
        "openid": "Your identity: full name, email and roles",
    },
    # The scope a Bearer token needs for the API (/api/resource, /api/method, /api/v2).
    "OAUTH_API_SCOPE": "all",
    # The scopes a new OAuth application may request (Frappe's OAuth Client default).
    "OAUTH_DEFAULT_CLIENT_SCOPES": "all openid",
    # Failed client authentications (a wrong client_secret, an unknown client_id) allowed per client_id and per
    # IP inside the window; past it the token, revocation and introspection endpoints answer 429 for the window,
    # even to the right secret (0 disables the throttle).
    "OAUTH_CLIENT_AUTH_ATTEMPTS": 10,
    "OAUTH_CLIENT_AUTH_LOCKOUT_SECONDS": 60,
    # --- Realtime (the frappe_api.realtime app) -------------------------
    # The site name: clients connect to the Socket.IO namespace "/<SITE_NAME>" (FrappeProvider's siteName,
    # frappe-ui's window.site_name).
    "SITE_NAME": "localhost",
    # Redis shared by the web workers and every realtime process (None: one process, an in-process manager).
    "REALTIME_REDIS_URL": None,
    # The Redis pub/sub channel realtime messages travel on, and the prefix of the keys it keeps.
    "REALTIME_CHANNEL": "frappe_api_realtime",
    # --- OpenAPI (/api/openapi.json, /api/docs) ---------------------------
    # Answer every caller, Guest included, the full document (a developer portal); otherwise each caller sees
    # only the DocTypes and methods it may use.
    "OPENAPI_PUBLIC": False,
    # The document's info.title.
    "OPENAPI_TITLE": "Frappe API",
    # --- Users -------------------------------------------------------------
    # The user name of anonymous requests.
    "GUEST_USER": "Guest",
    # --- Site --------------------------------------------------------------
    # The API's time zone (Frappe's System Settings time_zone); None: Django's TIME_ZONE.
    "TIME_ZONE": None,
    # Lifetime of a login session in seconds (Frappe's session_expiry); None: Django's SESSION_COOKIE_AGE.
    "SESSION_EXPIRY_SECONDS": None,
}

# The settings the admin's API Settings row may change at runtime (see ``APISettings.use_runtime_source``).
RUNTIME_SETTINGS = frozenset({
    "LOGIN_ATTEMPTS", "LOGIN_LOCKOUT_SECONDS", "SHOW_TRACEBACK", "LOG_API_REQUESTS", "ALLOW_GUEST_UPLOADS",
    "MAX_PAGE_LENGTH", "REQUEST_BUDGET", "TIME_ZONE", "SESSION_EXPIRY_SECONDS",
})

# Answers a runtime setting: (name, the FRAPPE_API value) -> the value in force.
RuntimeSource = Callable[[str, Any], Any]


IMPORT_STRINGS = ("AUTHENTICATION_CLASSES", "THROTTLE_CLASSES", "DEBUG_PERMISSION")


class APISettings:
    """Lazy view over ``settings.FRAPPE_API`` falling back to ``DEFAULTS``, with the runtime source (the admin's
    API Settings row) laid over ``RUNTIME_SETTINGS``."""

    def __init__(self, defaults: dict[str, Any] | None = None) -> None:
        self.defaults = defaults or DEFAULTS
        self._cache: dict[str, Any] = {}
        self._runtime_source: RuntimeSource | None = None

    @property
    def user_settings(self) -> dict[str, Any]:
        return getattr(settings, "FRAPPE_API", {}) or {}

    def use_runtime_source(self, source: RuntimeSource | None) -> None:
        """Answer ``RUNTIME_SETTINGS`` through ``source(name, configured_value)`` (None: ``FRAPPE_API`` alone)."""
        self._runtime_source = source

    def __getattr__(self, attr: str) -> Any:
        value = self.configured(attr)
        if attr in RUNTIME_SETTINGS and self._runtime_source is not None:
            return self._runtime_source(attr, value)
        return value

    def configured(self, attr: str) -> Any:
        """The ``FRAPPE_API`` value of ``attr`` (or its default), without the runtime source."""
        if attr not in self.defaults:
            raise AttributeError(f"Invalid frappe_api setting: {attr!r}")
        try:
            return self._cache[attr]
        except KeyError:
            value = self.user_settings.get(attr, self.defaults[attr])
            if attr in IMPORT_STRINGS:
                if isinstance(value, (list, tuple)):
                    value = [import_string(item) if isinstance(item, str) else item for item in value]
                elif isinstance(value, str):
                    value = import_string(value)
            self._cache[attr] = value
            return value

    def reload(self) -> None:
        """Forget cached values so the next read sees current Django settings."""
        self._cache.clear()


api_settings = APISettings(DEFAULTS)


def _reload_api_settings(*, setting: str, **kwargs: Any) -> None:
    if setting == "FRAPPE_API":
        api_settings.reload()


setting_changed.connect(_reload_api_settings, weak=False, dispatch_uid="frappe_api_reload_settings")
