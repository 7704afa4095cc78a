"""Local development and the demo started by ``make run``: SQLite under var/, DEBUG on, a per-checkout key."""

import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = True


def _dev_secret_key() -> str:
    """A random key kept in var/ so sessions survive restarts; never used in production."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _dev_secret_key()
