"""Production: everything secret or risky comes from the environment, with no fallback."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import databases_from_env, env_flag

if env_flag("S75_DEBUG"):
    raise ImproperlyConfigured("DEBUG must be off in production: unset S75_DEBUG.")
try:
    SECRET_KEY = os.environ["S75_SECRET_KEY"]
except KeyError as exc:
    raise ImproperlyConfigured("Production refuses to start without S75_SECRET_KEY in the environment.") from exc
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("S75_SECRET_KEY must be at least 50 characters, of at least 5 different ones: make one "
                               "with `python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`.")
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("Production refuses to start without DATABASE_URL (PostgreSQL) in the environment.")
if not os.environ.get("S75_REDIS_URL"):
    raise ImproperlyConfigured("Production refuses to start without S75_REDIS_URL (Redis, such as "
                               "redis://127.0.0.1:6379/0) in the environment.")

DEBUG = False
# A streaming replica at S75_REPLICA_URL, if any, serves read-only requests (docs/adr/0014-read-replica.md).
DATABASES = databases_from_env("", conn_max_age=60)
DATABASE_ROUTERS = ["s75.core.replica.ReplicaRouter"] if "replica" in DATABASES else []
# One cache shared by every worker of every server, so that what one draws (the monitoring dashboard's kept parts)
# serves them all; sessions are read from it and written through to the database, so that signing out ends a
# session everywhere at once and a restarted Redis signs nobody out.
CACHES = {**CACHES, "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",  # noqa: F405
                                "LOCATION": os.environ["S75_REDIS_URL"], "KEY_PREFIX": "s75"}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
WHITENOISE_AUTOREFRESH = False
WHITENOISE_USE_FINDERS = False
SECURE_SSL_REDIRECT = os.environ.get("S75_SECURE_SSL_REDIRECT", "true").lower() == "true"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
# The site's own host and any under it are HTTPS only (HSTS set on s75.example.gov.uk covers only the hosts below
# that one, never the council's other sites).
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The reverse proxy that terminates HTTPS appends the client's address to X-Forwarded-For (README, "Serve in
# production"); set S75_PROXY_HOPS to the number of proxies in front of gunicorn.
S75_PROXY_HOPS = int(os.environ.get("S75_PROXY_HOPS", "1"))
# Mail (renewal alerts, consultation receipts) goes to the SMTP server named here, never to the log, which would keep
# respondents' addresses beyond their erasure.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("S75_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("S75_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("S75_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("S75_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("S75_EMAIL_USE_TLS", "false").lower() == "true"
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("S75_FROM_EMAIL", "s75@localhost")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
