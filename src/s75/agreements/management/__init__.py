"""What the agreement commands share: who a command acts as.

With ``--user USERNAME`` (or ``S75_USER`` in the environment) a command acts as that user and sees only what
the user may see; without either it runs as the system operator, someone with shell access to the server.
"""

import os

from django.core.management.base import CommandError

from s75.accounts.models import User
from s75.agreements.models import Agreement
from s75.agreements.selectors import agreements_by_reference, agreements_visible_to

SYSTEM_OPERATOR_HELP = (
    "Act as this user (default: the S75_USER environment variable). Without either, the command runs as the "
    "system operator, someone with shell access to the server, and is not limited to one user's agreements."
)


def add_user_argument(parser) -> None:
    parser.add_argument("--user", metavar="USERNAME", help=SYSTEM_OPERATOR_HELP)


def command_user(options: dict) -> User | None:
    """The user named by ``--user`` or ``S75_USER``; ``None`` for the system operator."""
    username = options.get("user") or os.environ.get("S75_USER") or None
    if username is None:
        return None
    user = User.objects.select_related("organisation").filter(username=username).first()
    if user is None:
        raise CommandError(f"No user is called {username!r}.")
    if not user.is_active:
        raise CommandError(f"The user {username!r} is not active.")
    return user


def command_agreement(user: User | None, wanted: str) -> Agreement:
    """The agreement with this id or reference, if ``user`` may see it; otherwise a ``CommandError``."""
    if wanted.isdigit():
        matches = list(agreements_visible_to(user=user).filter(pk=int(wanted)))
    else:
        matches = agreements_by_reference(user=user, reference=wanted, held_by=getattr(user, "organisation", None))
    if not matches:
        raise CommandError(f"No agreement {wanted!r} was found.")
    if len(matches) > 1:
        raise CommandError(f"More than one agreement you can see has the reference {wanted!r}: give its id instead "
                           "(`s75 agreements` lists them).")
    return matches[0]
