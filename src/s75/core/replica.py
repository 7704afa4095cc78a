"""Reads on a streaming replica (docs/adr/0014-read-replica.md): the ``replica`` database alias, when
``S75_REPLICA_URL`` names one, serves the reads of read-only requests; everything else uses the primary.

A request may read from the replica only when it is a GET or HEAD, its client wrote nothing in the last
``replica_pin_seconds()`` (the ``PIN_COOKIE`` the middleware sets after a POST or any write says so), it has itself
written nothing yet, the read is outside a transaction on the primary, and the replica answers and lags no more than
``S75_REPLICA_MAX_LAG_SECONDS``. Anything outside a request (the background worker, commands) reads the primary.
Whether the replica is fit is asked at most every ``S75_REPLICA_CHECK_SECONDS`` per process; when it is not, reads go
to the primary and a warning is logged. A read-only request whose replica went away under it is answered again from
the primary.
"""

import logging
import math
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

REPLICA = "replica"
# The time until which a client's reads stay on the primary, in seconds since the epoch, sent back by its browser.
PIN_COOKIE = "s75_primary_until"
SAFE_METHODS = {"GET", "HEAD"}
# The replica's lag: none when it has replayed all the WAL it received (or is not a standby at all), else the age of
# the last transaction it replayed; none replayed since it started and WAL waiting counts as too far behind.
LAG_SQL = ("SELECT CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() "
           "THEN 0 ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 'Infinity') END")

logger = logging.getLogger(__name__)


@dataclass
class Route:
    """Where the current request's reads may go, and what it has done so far. Whether the replica is fit is asked at
    its first read and holds for the rest of it, so that one request reads one database (a version read before the
    data it versions is never newer than the data)."""

    replica_allowed: bool
    wrote: bool = False
    read_replica: bool | None = None


_route: ContextVar[Route | None] = ContextVar("s75_replica_route", default=None)


@dataclass
class Health:
    fit: bool = True
    checked_at: float = float("-inf")


_health = Health()
_health_lock = threading.Lock()


def replica_pin_seconds() -> float:
    """How long a client's reads stay on the primary after it wrote: long enough that a replica lagging no more than
    the bound, as last seen, has replayed the write."""
    return settings.S75_REPLICA_MAX_LAG_SECONDS + settings.S75_REPLICA_CHECK_SECONDS


def replica_fit(*, force: bool = False) -> bool:
    """Whether the replica answers and lags no more than the bound, as last asked (at most every
    ``S75_REPLICA_CHECK_SECONDS``, or now with ``force``)."""
    now = time.monotonic()
    with _health_lock:
        if not force and now - _health.checked_at < settings.S75_REPLICA_CHECK_SECONDS:
            return _health.fit
        _health.checked_at = now
    fit = _replica_check()
    with _health_lock:
        if fit and not _health.fit:
            logger.warning("Reads go to the replica again: it answers and is within %s s of the primary.",
                           settings.S75_REPLICA_MAX_LAG_SECONDS)
        _health.fit = fit
    return fit


def _replica_check() -> bool:
    replica = connections[REPLICA]
    where = f"{replica.settings_dict['HOST']}:{replica.settings_dict['PORT']}"
    try:
        with replica.cursor() as cursor:
            cursor.execute(LAG_SQL)
            (lag,) = cursor.fetchone()
    except DatabaseError as error:
        replica.close_if_unusable_or_obsolete()
        logger.warning("Reads go to the primary: the replica at %s cannot be reached (%s). Check that it runs.",
                       where, type(error).__name__)
        return False
    if lag > settings.S75_REPLICA_MAX_LAG_SECONDS:
        logger.warning("Reads go to the primary: the replica at %s is %.1f s behind, more than "
                       "S75_REPLICA_MAX_LAG_SECONDS (%s s). Check its replay (pg_stat_wal_receiver, "
                       "pg_is_wal_replay_paused()).", where, lag, settings.S75_REPLICA_MAX_LAG_SECONDS)
        return False
    return True


class ReplicaRouter:
    """Writes, and reads that are not a read-only request's, go to the primary (``default``); the rest to the
    replica while it is fit. Both aliases hold the same rows, so objects read from either may be related."""

    def db_for_read(self, model, **hints):
        route = _route.get()
        if route is None or not route.replica_allowed or route.wrote or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        if route.read_replica is None:
            route.read_replica = replica_fit()
        return REPLICA if route.read_replica else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        route = _route.get()
        if route is not None:
            route.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """Lets a read-only request read from the replica (``ReplicaRouter``); pins a client that wrote to the primary
    for ``replica_pin_seconds()``; answers again from the primary a read-only request whose replica failed it.
    Unused without a replica."""

    def __init__(self, get_response):
        if REPLICA not in settings.DATABASES:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        route = Route(replica_allowed=request.method in SAFE_METHODS and not self._pinned(request))
        token = _route.set(route)
        try:
            response = self.get_response(request)
        finally:
            _route.reset(token)
        if route.wrote or request.method not in SAFE_METHODS:
            until = math.ceil(time.time() + replica_pin_seconds())
            response.set_cookie(PIN_COOKIE, str(until), max_age=math.ceil(replica_pin_seconds()), httponly=True,
                                samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        return response

    @staticmethod
    def _pinned(request) -> bool:
        try:
            return float(request.COOKIES.get(PIN_COOKIE, "0")) > time.time()
        except ValueError:
            return False

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.s75_view = (view_func, view_args, view_kwargs)

    def process_exception(self, request, exception):
        route = _route.get()
        if (route is None or not route.read_replica or route.wrote or not isinstance(exception, DatabaseError)
                or not hasattr(request, "s75_view") or replica_fit(force=True)):
            return None
        route.read_replica = False
        view_func, view_args, view_kwargs = request.s75_view
        response = view_func(request, *view_args, **view_kwargs)
        return response.render() if hasattr(response, "render") else response
