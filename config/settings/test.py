"""Settings for the test suite: same as production but fast hashing and in-line tasks."""

import os

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PEERPATH_LINK_RATE_LIMIT = 5

# Several suites may share one PostgreSQL server: PEERPATH_TEST_DB_NAME keeps them apart.
if os.environ.get("PEERPATH_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["PEERPATH_TEST_DB_NAME"]}  # noqa: F405
