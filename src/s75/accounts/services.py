"""Writes for users and roles."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .roles import ROLE_PERMISSIONS


@transaction.atomic
def roles_sync() -> list[Group]:
    """Create or refresh one group per role with exactly the permissions of :data:`ROLE_PERMISSIONS`."""
    groups = []
    for role, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = []
        for code in codes:
            app_label, codename = code.split(".")
            permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(permissions)
        groups.append(group)
    return groups
