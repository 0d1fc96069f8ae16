"""The realtime process alone: ``uvicorn frappe_api.realtime.asgi:application`` (``DJANGO_SETTINGS_MODULE``
set), behind the site's ``/socket.io/`` path; any number of them share ``REALTIME_REDIS_URL``."""

import django

django.setup(set_prefix=False)

from .server import realtime_application  # noqa: E402 - Django must be set up first

application = realtime_application()
