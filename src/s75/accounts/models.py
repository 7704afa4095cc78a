"""A user belongs to one organisation; what they may do comes from their roles (Django groups)."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="Users see only the agreements this organisation (or an organisation it succeeded) is party to.",
    )
    job_title = models.CharField(max_length=200, blank=True)
    # When the user's record was last saved (not on signing in, which saves only ``last_login``): pages that keep
    # what they show under a version of its data, such as a commentary's author on the fund dashboard, read it.
    modified_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.get_full_name() or self.username
