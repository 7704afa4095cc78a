"""Gunicorn's settings for serving s75 in production (``make serve``)::

    gunicorn --config python:s75.settings.gunicorn s75.wsgi

Django runs with ``s75.settings.prod`` (``s75.wsgi``'s default), so S75_SECRET_KEY, DATABASE_URL and S75_REDIS_URL
come from the environment; ``collectstatic`` must have been run. Here: S75_BIND (default ``127.0.0.1:8000``, for a
reverse proxy on the same machine that terminates HTTPS), S75_WORKERS and S75_THREADS.
"""

import os

bind = os.environ.get("S75_BIND", "127.0.0.1:8000")
# Threaded workers, so that a browser's (or the proxy's) connection is kept open between requests instead of being
# set up and torn down for each: a synchronous worker closes it after every response, which cost the cached
# dashboard a fifth of its CPU (bench/README.md). A page is mostly Python, which runs one thread at a time per
# process, so pages are drawn in parallel by processes, and each process's threads overlap their waits on the
# database. A kept connection stays with the process that accepted it, so gunicorn's rule of thumb, twice the cores
# and one, spreads them more evenly than a process per core does (in the benchmark, a 95th percentile of 289 ms
# against 408 ms). Each thread keeps its own database connection (CONN_MAX_AGE).
worker_class = "gthread"
workers = int(os.environ.get("S75_WORKERS") or 2 * (os.cpu_count() or 1) + 1)
threads = int(os.environ.get("S75_THREADS") or 4)
# Django is imported once, before the workers are forked, so they share its memory and start at once.
preload_app = True
# No more kept connections per process than it has threads: gunicorn hands a connection to whichever process
# accepts it first, so with no limit one process may hold twice its share of a proxy's or the load generator's
# connections and answer them at half the speed of the others while another idles (in the benchmark, a 95th
# percentile 1.4 to 1.5 times the mean instead of 1.7 to 2). A further connection waits to be accepted until one
# closes.
worker_connections = threads
