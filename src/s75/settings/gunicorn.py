"""Gunicorn's settings for serving s75 in production (``make serve``)::

    gunicorn --config python:s75.settings.gunicorn s75.wsgi

Django runs with ``s75.settings.prod`` (``s75.wsgi``'s default), so S75_SECRET_KEY and DATABASE_URL come from the
environment; ``collectstatic`` must have been run. Here: S75_BIND (default ``127.0.0.1:8000``, for a reverse proxy
on the same machine that terminates HTTPS) and S75_WORKERS.
"""

import os

bind = os.environ.get("S75_BIND", "127.0.0.1:8000")
# Synchronous workers, one process each, so pages are drawn in parallel on every core: a page is mostly Python
# (the GIL allows one thread at a time per process) and its database queries take well under a millisecond each.
# Gunicorn's rule of thumb, twice the cores and one, keeps a core busy while another worker waits on the database.
workers = int(os.environ.get("S75_WORKERS") or 2 * (os.cpu_count() or 1) + 1)
# Django is imported once, before the workers are forked, so they share its memory and start at once.
preload_app = True
