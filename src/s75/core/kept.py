"""What pages keep in Django's cache (settings ``CACHES``): the key every kept part is stored under, and how long.

A key holds a digest of the product's own code and templates (``drawing``), so that a release that draws a page
differently (a new chart, another way of writing money) never serves what an older release kept in a shared cache
such as Redis, and the version of the data the part was drawn from, which the caller reads first (docs/adr/0004 and
0008): what was kept under an older version is simply never asked for again, and the cache drops it when full or
after a day.

Generation counters (``generation_move``, read by the version statements of the pages that need them) version data
that belongs to no agreement, such as the organisations register and the Better Care Fund's year lists.
"""

from collections.abc import Callable
from functools import cache as once
from hashlib import blake2b
from pathlib import Path

from django.core.cache import cache
from django.db.models import F

from .models import Generation

KEEP_SECONDS = 24 * 60 * 60


def code_digest(root: Path) -> str:
    """A digest of the names and contents of the Python files and templates under ``root``."""
    digest = blake2b(digest_size=8)
    for path in sorted(path for pattern in ("*.py", "*.html") for path in root.rglob(pattern)):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@once
def drawing() -> str:
    """The digest of this release of s75's code and templates, read once per process."""
    return code_digest(Path(__file__).resolve().parent.parent)


def kept_key(namespace: str, kind: str, *parts) -> str:
    """The cache key of a kept part: ``parts`` must hold the version of the data it is drawn from and everything
    else that changes what is drawn (the reader's rights, the filters)."""
    return f"{namespace}:{kind}:{drawing()}:{blake2b(repr(parts).encode(), digest_size=16).hexdigest()}"


def kept(key: str, draw: Callable[[], object]):
    """What is kept under ``key``, else ``draw()``, kept."""
    value = cache.get(key)
    if value is None:
        value = draw()
        cache.set(key, value, KEEP_SECONDS)
    return value


def generation_move(name: str) -> None:
    """Move the counter ``name`` on in the caller's transaction, so that the new value commits with the change it
    versions. The first move makes the counter."""
    if not Generation.objects.filter(name=name).update(version=F("version") + 1):
        _, created = Generation.objects.get_or_create(name=name, defaults={"version": 1})
        if not created:
            Generation.objects.filter(name=name).update(version=F("version") + 1)
