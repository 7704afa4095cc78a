"""Signing in and what a signed-in user may do: Django's ``ModelBackend`` (settings ``AUTHENTICATION_BACKENDS``),
with the reads every page makes cut to what it needs.

Every page shows the user's organisation, decides what they may see from it and the organisations it succeeded,
and what they may do from their permissions (their own and their roles', which Django reads in two queries); so the
user of a session is read with all of these in one statement, plain SQL, since every request makes it and the ORM
takes several times longer to build a query than the database takes to answer it (bench/README.md). A user object
from elsewhere has its permissions read in one query when first asked.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections, router

from s75.organisations.selectors import lineage_cte, user_lineage_noted

# The permissions granted to the user directly or through one of their roles (groups).
_PERMISSIONS_FROM = """
  FROM {permission} permission
  JOIN {content_type} content_type ON content_type.id = permission.content_type_id
 WHERE permission.id IN (SELECT permission_id FROM {user_permissions} WHERE user_id = %s
                         UNION
                         SELECT granted.permission_id FROM {group_permissions} granted
                           JOIN {user_groups} member ON member.group_id = granted.group_id
                          WHERE member.user_id = %s)
"""
_PERMISSIONS_SQL = "SELECT content_type.app_label, permission.codename" + _PERMISSIONS_FROM

# The user with their organisation, if any (each table's concrete columns, in field order), the organisations it
# succeeded and the user's permissions, the last two as text lists (an aggregate of each database's own).
_USER_SQL = """
{lineage}
SELECT {user_columns}, {organisation_columns},
       (SELECT {aggregate} FROM lineage),
       (SELECT {permissions_aggregate} {permissions_from})
  FROM {user} u LEFT JOIN {organisation} o ON o.id = u.organisation_id
 WHERE u.id = %s
"""
_AGGREGATE = {"postgresql": "string_agg({value}, ',')", "sqlite": "group_concat({value}, ',')"}
_USER_ANCHOR = "SELECT organisation_id FROM {user} WHERE id = %s"


def _permission_tables() -> dict[str, str]:
    user_model = get_user_model()
    return {
        "permission": Permission._meta.db_table, "content_type": ContentType._meta.db_table,
        "user_permissions": user_model.user_permissions.through._meta.db_table,
        "group_permissions": Group.permissions.through._meta.db_table,
        "user_groups": user_model.groups.through._meta.db_table,
    }


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
        """The user of a session, with their organisation, its lineage and their permissions, in one statement."""
        user_model = get_user_model()
        organisation_model = user_model._meta.get_field("organisation").related_model
        db = connections[router.db_for_read(user_model)]
        quote, aggregate = db.ops.quote_name, _AGGREGATE[db.vendor]
        user_table = quote(user_model._meta.db_table)
        sql = _USER_SQL.format(
            lineage=lineage_cte(anchor=_USER_ANCHOR.format(user=user_table)),
            user_columns=_columns(user_model, "u", quote),
            organisation_columns=_columns(organisation_model, "o", quote),
            aggregate=aggregate.format(value="CAST(id AS TEXT)"),
            permissions_aggregate=aggregate.format(value="content_type.app_label || '.' || permission.codename"),
            permissions_from=_PERMISSIONS_FROM.format(**_permission_tables()),
            user=user_table, organisation=quote(organisation_model._meta.db_table),
        )
        with db.cursor() as cursor:
            cursor.execute(sql, [user_id] * sql.count("%s"))
            row = cursor.fetchone()
        if row is None:
            return None
        *row, lineage, permissions = row
        split = len(user_model._meta.concrete_fields)
        user = _instance(user_model, row[:split], db)
        user.organisation = None if user.organisation_id is None else _instance(organisation_model, row[split:], db)
        user_lineage_noted(user=user, ids={int(pk) for pk in lineage.split(",")} if lineage else set())
        if user.is_active and not user.is_superuser:  # a superuser holds every permission: get_all_permissions
            user._perm_cache = set(permissions.split(",")) if permissions else set()
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
                with connection.cursor() as cursor:
                    cursor.execute(_PERMISSIONS_SQL.format(**_permission_tables()), [user_obj.pk, user_obj.pk])
                    rows = cursor.fetchall()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache
