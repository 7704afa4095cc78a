"""Writes for users and roles, and for a user's second factor (a TOTP authenticator, django-otp)."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from s75.audit.services import audit_record

from .roles import ROLE_PERMISSIONS

AUTHENTICATOR_NAME = "Authenticator app"


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


@transaction.atomic
def second_factor_start(*, user) -> TOTPDevice:
    """The authenticator the user is setting up, with its secret: the one started before if any, else a new one.
    It counts for nothing until confirmed with a code from it (:func:`second_factor_confirm`)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


@transaction.atomic
def second_factor_confirm(*, user, code: str) -> TOTPDevice | None:
    """Confirm the authenticator being set up if ``code`` is its current code, replacing any the user had; None if
    the code is wrong (django-otp slows down repeated wrong codes)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(code):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, action="second_factor_set_up", obj=user)
    return device


@transaction.atomic
def second_factor_remove(*, user, actor) -> None:
    """Remove the user's authenticators: they sign in with their password alone (unless a second factor is
    required of everyone, when they set one up again at their next sign-in)."""
    TOTPDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="second_factor_remove", obj=user)
