"""Settings shared by every environment. Environment modules override what differs."""

import os
from pathlib import Path

import dj_database_url

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
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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


def database_from_env(default_url: str, *, conn_max_age: int = 0) -> dict:
    """The database named by ``DATABASE_URL``, else ``default_url``. Connections close after each request unless
    ``conn_max_age`` says otherwise (production keeps them; a threaded development server must not)."""
    config = dj_database_url.parse(os.environ.get("DATABASE_URL") or default_url, conn_max_age=conn_max_age)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # Parameters sent apart from the statement (not written into it), so that psycopg can prepare a statement a
        # connection has run five times and PostgreSQL stops planning it afresh: a page's queries are the same on
        # every request, and planning them was most of the database's work for a cached dashboard (bench/README.md).
        # A kept connection keeps its prepared statements, so no connection pooler in transaction mode in between.
        config.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
    return config


DATABASES = {"default": database_from_env(f"sqlite:///{VAR_DIR / 's75.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["s75.accounts.backends.UserBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home:index"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

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
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}

# Outside production, static files are served from the apps as they are (no collectstatic step).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
