"""Settings of a second worker process in the multi-process tests: the demo's, with DEBUG off and a file cache
shared with the other worker (``WORKER_CACHE_DIR``)."""

import os

from example_project.settings import *  # noqa: F403

DEBUG = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                      "LOCATION": os.environ["WORKER_CACHE_DIR"]}}
