"""Settings shared by every environment. Environment modules override what differs."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# var/ sits beside the checkout's src/ (or the working directory when installed elsewhere).
VAR_DIR = Path(os.environ.get("S75_VAR_DIR", Path.cwd() / "var"))


def env_flag(name: str) -> bool:
    """Whether the environment variable ``name`` is set to 1, true, yes or on."""
    return os.environ.get(name, "").lower() in {"1", "true", "yes", "on"}


DEBUG = False
ALLOWED_HOSTS: list[str] = os.environ.get("S75_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "s75.core",
    "s75.accounts",
    "s75.audit",
    "s75.organisations",
    "s75.agreements",
    "s75.budgets",
    "s75.riskshare",
    "s75.ledger",
    "s75.jobs",
    "s75.monitoring",
    "s75.commissioning",
    "s75.documents",
    "s75.governance",
    "s75.consultations",
    "s75.reports",
    "s75.settlement",
    "s75.bcf",
    "s75.home",
    "s75.demo",
    "s75.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session is read, so that a read-only request reads it from the replica, and after it is saved, so
    # that a request that saved it keeps its client on the primary for a while (unused without a replica).
    "s75.core.replica.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "s75.core.middleware.SecurityHeadersMiddleware",
    "s75.accounts.middleware.IdleTimeoutMiddleware",
    "s75.accounts.middleware.SecondFactorMiddleware",
    # Last, as django-axes asks: it turns a sign-in refused for too many failures into the page that says so.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "s75.urls"
WSGI_APPLICATION = "s75.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_from_url(url: str, *, conn_max_age: int = 0) -> dict:
    """The database at ``url``. Connections close after each request unless ``conn_max_age`` says otherwise
    (production keeps them; a threaded development server must not). A kept connection is checked before a request
    reuses it, so one the database dropped (a restart, a failover) is opened again instead of failing that request."""
    config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=conn_max_age > 0)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # Parameters sent apart from the statement (not written into it), so that psycopg can prepare a statement a
        # connection has run five times and PostgreSQL stops planning it afresh: a page's queries are the same on
        # every request, and planning them was most of the database's work for a cached dashboard (bench/README.md).
        # A kept connection keeps its prepared statements, so no connection pooler in transaction mode in between.
        config.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
    return config


def databases_from_env(default_url: str, *, conn_max_age: int = 0) -> dict:
    """The primary database named by ``DATABASE_URL``, else ``default_url``, and, when ``S75_REPLICA_URL`` names
    one, a streaming replica of it (PostgreSQL), the ``replica`` alias, for read-only requests
    (s75.core.replica)."""
    databases = {"default": database_from_url(os.environ.get("DATABASE_URL") or default_url,
                                              conn_max_age=conn_max_age)}
    replica_url = os.environ.get("S75_REPLICA_URL")
    if replica_url:
        replica = database_from_url(replica_url, conn_max_age=conn_max_age)
        if {databases["default"]["ENGINE"], replica["ENGINE"]} != {"django.db.backends.postgresql"}:
            raise ImproperlyConfigured("S75_REPLICA_URL names a streaming replica of the PostgreSQL database at "
                                       "DATABASE_URL: both must be postgres:// URLs, or unset S75_REPLICA_URL.")
        # A replica that does not answer is given up on quickly (its reads go to the primary) unless the URL says
        # otherwise; the test suite reads its own test database through the alias.
        replica["OPTIONS"].setdefault("connect_timeout", 2)
        replica["TEST"] = {"MIRROR": "default"}
        databases["replica"] = replica
    return databases


DATABASES = databases_from_env(f"sqlite:///{VAR_DIR / 's75.sqlite3'}")
# A replica's reads are routed (docs/adr/0014-read-replica.md): no later than S75_REPLICA_MAX_LAG_SECONDS behind the
# primary, asked every S75_REPLICA_CHECK_SECONDS; a client that wrote reads the primary for their sum.
DATABASE_ROUTERS = ["s75.core.replica.ReplicaRouter"] if "replica" in DATABASES else []
S75_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("S75_REPLICA_MAX_LAG_SECONDS", "5"))
S75_REPLICA_CHECK_SECONDS = float(os.environ.get("S75_REPLICA_CHECK_SECONDS", "2"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# The lockout check first (django-axes), which refuses a sign-in while its username is locked out; then the user.
AUTHENTICATION_BACKENDS = ["s75.accounts.backends.LockoutBackend", "s75.accounts.backends.UserBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home:index"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "s75.accounts.passwords.PatternPasswordValidator"},
]

# Failed sign-ins (django-axes, counted in the database): after 5 failures for one username it is locked out for
# S75_LOCKOUT_MINUTES, from whichever address, and every further failure starts the wait again. Locking the username
# rather than the address stops guessing spread across many addresses, and spares the colleagues who share an
# organisation's one outgoing address; what it costs is that a stranger can keep a user out for a while.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("S75_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
# django-axes warns when the address is not among them (a client rotating its user agent or cookies); the username
# alone already counts every failure for it, from any client. Locking an address as well would lock out everyone behind
# a council's or a trust's one outgoing address after five failures among them.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "s75.accounts.views.signing_in_paused"
# Successful sign-ins are not logged by django-axes (the user's last_login says when), only the failures it counts.
AXES_DISABLE_ACCESS_LOG = True

# A session ends after S75_IDLE_MINUTES without a request (s75.accounts.middleware), and in any case
# SESSION_COOKIE_AGE after signing in, however busy (the expiry is fixed at sign-in: s75.accounts.signals).
S75_IDLE_MINUTES = int(os.environ.get("S75_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = int(os.environ.get("S75_SESSION_HOURS", "12")) * 3600

# A second factor (TOTP, django-otp): staff and pooled fund managers may set one up; with S75_REQUIRE_2FA everyone
# must, and is sent to set it up before any other page.
S75_REQUIRE_2FA = env_flag("S75_REQUIRE_2FA")
OTP_TOTP_ISSUER = "s75 partnership agreements"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# One cache for every process of the machine, the worker's included: a task's progress (s75.jobs.progress) is
# written there by the worker and read by the site. Production uses Redis (settings/prod.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": VAR_DIR / "cache"}}

# Background tasks are kept in the database and run by `s75 worker` (docs/adr/0003-background-tasks.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Sessions in the database, so that signing out ends a session for every process at once; production keeps them in
# its shared cache too (prod.py).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts, styles, images and fonts from the site itself only, no inline script
# or style (the pages keep theirs in static files), no plugins, no framing, forms posted only to the site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# The browser features no page uses, turned off for every page (s75.core.middleware).
S75_PERMISSIONS_POLICY = ("accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
                          "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()")

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = "s75@localhost"

# Months before an agreement's end date when a renewal alert is raised, unless the agreement says otherwise.
S75_RENEWAL_NOTICE_MONTHS = 6

# Online consultation responses allowed (count, window in seconds): from one address to one consultation, and to one
# consultation from everyone. A deployment behind one shared address (or a load test) raises the first.
S75_CONSULTATION_RATE_PER_ADDRESS = (int(os.environ.get("S75_CONSULTATION_RESPONSES_PER_ADDRESS", "10")), 3600)
S75_CONSULTATION_RATE_PER_CONSULTATION = (int(os.environ.get("S75_CONSULTATION_RESPONSES_PER_MINUTE", "3000")), 60)
# The reverse proxies in front of the site that append the client's address to X-Forwarded-For: the limits per address
# count the address the nearest of them saw. None in the embedded default (the site is its own server); production
# runs behind one (prod.py).
S75_PROXY_HOPS = int(os.environ.get("S75_PROXY_HOPS", "0"))

# The REST API (docs/adr/0009-rest-api.md): personal tokens only, each limited to S75_API_RATE requests, answers in
# JSON, refusals in one shape.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["s75.api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["s75.api.permissions.TokenAllows"],
    "DEFAULT_THROTTLE_CLASSES": ["s75.api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser", "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_SCHEMA_CLASS": "s75.api.schema.S75AutoSchema",
    "EXCEPTION_HANDLER": "s75.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
S75_API_RATE = os.environ.get("S75_API_RATE", "600/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "s75 API",
    "DESCRIPTION": "Section 75 agreements, their pooled funds, ledgers, imports and monitoring. Send a personal token "
                   "(made on your account page) as `Authorization: Bearer s75_…`.",
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the drf-spectacular-sidecar package's static files: the documentation needs no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Server errors go to the console (gunicorn's error log, or the terminal of `make run`), since there are no ADMINS to
# mail them to and Django prints them only when DEBUG is on.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"},
                # Reads sent to the primary because the replica is down or behind, and back again.
                "s75.core.replica": {"handlers": ["console"], "level": "WARNING"}},
}

# Outside production, static files are served from the apps as they are (no collectstatic step).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
