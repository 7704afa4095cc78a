"""Gunicorn's settings for serving s75 in production (``make serve``)::

    gunicorn --config python:s75.settings.gunicorn s75.wsgi

Django runs with ``s75.settings.prod`` (``s75.wsgi``'s default), so S75_SECRET_KEY, DATABASE_URL and S75_REDIS_URL
come from the environment; ``collectstatic`` must have been run. Here: S75_BIND (default ``127.0.0.1:8000``, for a
reverse proxy on the same machine that terminates HTTPS), S75_WORKERS and S75_THREADS.
"""

import os

bind = os.environ.get("S75_BIND", "127.0.0.1:8000")
# Threaded workers keep a client's connection open between requests, where a synchronous worker closes it after
# each response; processes draw pages in parallel (Python runs one thread at a time per process) and each process's
# threads overlap their waits on the database. Twice the cores and one spreads kept connections more evenly than a
# process per core (bench/README.md). Each thread keeps its own database connection (CONN_MAX_AGE).
worker_class = "gthread"
workers = int(os.environ.get("S75_WORKERS") or 2 * (os.cpu_count() or 1) + 1)
threads = int(os.environ.get("S75_THREADS") or 4)
# Django is imported once, before the workers are forked, so they share its memory and start at once.
preload_app = True
# No more kept connections per process than it has threads: gunicorn hands a connection to whichever process
# accepts it first, so without a limit one process may hold more than its share and answer them slower while
# another idles (bench/README.md). A further connection waits to be accepted until one closes.
worker_connections = threads
