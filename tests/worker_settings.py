"""Settings of a second worker process in the multi-process tests: the demo's, with DEBUG off and a file cache
shared with the other worker (``WORKER_CACHE_DIR``), or Redis (``WORKER_REDIS_URL``, keys under
``WORKER_CACHE_KEY_PREFIX``)."""

import os

from example_project.settings import *  # noqa: F403

DEBUG = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                      "LOCATION": os.environ.get("WORKER_CACHE_DIR", "")}}
if os.environ.get("WORKER_REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["WORKER_REDIS_URL"],
                          "KEY_PREFIX": os.environ.get("WORKER_CACHE_KEY_PREFIX", "")}}
