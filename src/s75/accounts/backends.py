"""Signing in and what a signed-in user may do: Django's ``ModelBackend`` (settings ``AUTHENTICATION_BACKENDS``),
with the reads every page makes cut to what it needs.

Every page shows the user's organisation and decides what they may see from it, so the user is read with it; and
their permissions, which Django reads in two queries (their own, then their roles'), are read in one.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

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


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        """The user of a session, with their organisation."""
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("organisation").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
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
