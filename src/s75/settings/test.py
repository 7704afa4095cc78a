"""The test suite: SQLite by default, PostgreSQL when ``DATABASE_URL`` names it (``make test`` runs both)."""

import atexit
import os
import shutil
import tempfile

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key-not-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Each test run gets its own PostgreSQL database, so runs side by side (two checkouts, CI) do not collide.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": f"test_s75_{os.getpid()}"}  # noqa: F405

# Tasks run as they are enqueued, in the test's own process and transaction. The process tests, which run a real
# `s75 worker` against a database of their own, name the database backend here and for the worker.
TASKS = {"default": {
    "BACKEND": os.environ.get("S75_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
}}

# A folder of files for a cache, as on a server, so that a process test and the worker it starts share the tasks'
# progress: it names the folder in S75_CACHE_DIR. Any other run has a folder of its own, removed when it ends.
_cache_dir = os.environ.get("S75_CACHE_DIR")
if not _cache_dir:
    _cache_dir = tempfile.mkdtemp(prefix="s75-test-cache-")
    atexit.register(shutil.rmtree, _cache_dir, ignore_errors=True)
CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": _cache_dir}}
