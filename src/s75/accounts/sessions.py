"""Sessions in the database, as Django keeps them (``django.contrib.sessions.backends.db``; settings
``SESSION_ENGINE``), read with one plain statement: every request reads its session, and the ORM takes about three
times as long to build that query as the database takes to answer it (bench/README.md). Creating, saving, expiring
and ending a session are Django's own, so signing out ends it at once for every server.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

_SESSION_SQL = "SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s"


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        """The session, unless it has expired or does not exist (then, as Django does, it forgets the key)."""
        connection = connections[router.db_for_read(self.model)]
        with connection.cursor() as cursor:
            cursor.execute(
                _SESSION_SQL.format(table=connection.ops.quote_name(self.model._meta.db_table)),
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=row[0])
