"""Signing in and what a signed-in user may do: Django's ``ModelBackend`` (settings ``AUTHENTICATION_BACKENDS``),
with the reads every page makes cut to what it needs.

Every page shows the user's organisation and decides what they may see from it, so the user is read with it; and
their permissions, which Django reads in two queries (their own, then their roles'), are read in one. Both reads are
plain SQL, since every request makes them and the ORM takes several times longer to build them than the database
takes to answer (bench/README.md).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections, router

# The permissions granted to the user directly or through one of their roles (groups). Raw SQL because the ORM
# takes longer to build this query than the database takes to answer it, and every page that shows a right asks.
_PERMISSIONS_SQL = """
SELECT content_type.app_label, permission.codename
  FROM {permission} permission
  JOIN {content_type} content_type ON content_type.id = permission.content_type_id
 WHERE permission.id IN (SELECT permission_id FROM {user_permissions} WHERE user_id = %s
                         UNION
                         SELECT granted.permission_id FROM {group_permissions} granted
                           JOIN {user_groups} member ON member.group_id = granted.group_id
                          WHERE member.user_id = %s)
"""


# The user with their organisation, if any: each table's concrete columns, in field order.
_USER_SQL = """
SELECT {user_columns}, {organisation_columns}
  FROM {user} u LEFT JOIN {organisation} o ON o.id = u.organisation_id
 WHERE u.id = %s
"""


def _columns(model, alias: str, quote) -> str:
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


def _instance(model, values, connection):
    """A ``model`` instance from a row of its concrete fields' columns, each value converted as the ORM converts it
    (the database backend's converters, then the field's own)."""
    fields = model._meta.concrete_fields
    converted = []
    for field, value in zip(fields, values, strict=True):
        column = field.get_col(model._meta.db_table)
        for converter in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
            value = converter(value, column, connection)
        converted.append(value)
    return model.from_db(connection.alias, [field.attname for field in fields], converted)


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        """The user of a session, with their organisation, in one statement."""
        user_model = get_user_model()
        organisation_model = user_model._meta.get_field("organisation").related_model
        db = connections[router.db_for_read(user_model)]
        quote = db.ops.quote_name
        with db.cursor() as cursor:
            cursor.execute(_USER_SQL.format(
                user_columns=_columns(user_model, "u", quote),
                organisation_columns=_columns(organisation_model, "o", quote),
                user=quote(user_model._meta.db_table), organisation=quote(organisation_model._meta.db_table),
            ), [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        split = len(user_model._meta.concrete_fields)
        user = _instance(user_model, row[:split], db)
        user.organisation = None if user.organisation_id is None else _instance(organisation_model, row[split:], db)
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        """The user's permissions and their roles', ``{"app_label.codename"}``, in one query, kept on the user object
        as ``ModelBackend`` keeps them (so for the request); every permission for a superuser, none for an inactive
        or anonymous user."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list("content_type__app_label", "codename")
            else:
                user_model = get_user_model()
                with connection.cursor() as cursor:
                    cursor.execute(_PERMISSIONS_SQL.format(
                        permission=Permission._meta.db_table, content_type=ContentType._meta.db_table,
                        user_permissions=user_model.user_permissions.through._meta.db_table,
                        group_permissions=Group.permissions.through._meta.db_table,
                        user_groups=user_model.groups.through._meta.db_table,
                    ), [user_obj.pk, user_obj.pk])
                    rows = cursor.fetchall()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache
