"""The realtime process alone: ``uvicorn frappe_api.realtime.asgi:application`` (``DJANGO_SETTINGS_MODULE``
set), behind the site's ``/socket.io/`` path; any number of them share ``REALTIME_REDIS_URL``."""

import gc

import django

django.setup(set_prefix=False)

from .server import realtime_application  # noqa: E402 - Django must be set up first

application = realtime_application()

# Everything imported at startup (Django, the models, python-socketio) moves to the permanent generation, so
# a full collection no longer walks it: with 1,000 sockets those walks paused the event loop for 100-180 ms
# and made the tail of the delivery latency (bench/realtime.md).
gc.freeze()
