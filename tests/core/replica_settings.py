"""The test settings with production's database connections (settings/prod.py): kept between requests and checked
before reuse, and a replica at S75_REPLICA_URL, for the process the replica's tests drive (tests/core/replica.py)."""

from s75.settings.base import databases_from_env
from s75.settings.test import *  # noqa: F403

DATABASES = databases_from_env("", conn_max_age=60)
DATABASE_ROUTERS = ["s75.core.replica.ReplicaRouter"]
