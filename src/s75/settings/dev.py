"""Local development and the demo started by ``make run``: SQLite under var/, a per-checkout key.

DEBUG is off unless ``S75_DEBUG`` turns it on, so that the demo shows the product's own pages for a page not found
and a server error, as production does (WhiteNoise serves the static files either way); a developer who wants
Django's debug pages runs ``S75_DEBUG=1 make run``. Server errors are printed to the console (base.LOGGING).
"""

import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR, env_flag

DEBUG = env_flag("S75_DEBUG")


def _dev_secret_key() -> str:
    """A random key kept in var/ so sessions survive restarts; never used in production."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _dev_secret_key()
