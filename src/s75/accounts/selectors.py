"""Reads about users: whether they may, or must, have a second factor, and the device they have."""

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

# The role whose holders, besides staff, may set up a second factor when it is not required of everyone: they post
# to the ledger and close periods.
SECOND_FACTOR_ROLE = "Pooled fund manager"


def second_factor_required(user) -> bool:
    """Whether the user must give a second factor (everyone, when ``S75_REQUIRE_2FA`` is on)."""
    return settings.S75_REQUIRE_2FA


def second_factor_offered(user) -> bool:
    """Whether the account page offers the user a second factor: staff and pooled fund managers, or everyone when
    it is required."""
    return (second_factor_required(user) or user.is_staff
            or user.groups.filter(name=SECOND_FACTOR_ROLE).exists())


def second_factor_device(user, *, confirmed: bool) -> TOTPDevice | None:
    """The user's authenticator: the one they set up (``confirmed``) or the one they are setting up."""
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()
