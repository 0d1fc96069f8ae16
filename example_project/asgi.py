"""The demo as one ASGI application: Socket.IO at /socket.io/ (frappe_api.realtime), Django for the rest."""

import os

from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_project.settings")

django_application = get_asgi_application()
if settings.DEBUG:
    django_application = ASGIStaticFilesHandler(django_application)

from frappe_api.realtime.server import realtime_application  # noqa: E402 - Django must be set up first

application = realtime_application(django_application)
