"""Production settings refuse to start without a secret key, a database or Redis, or with DEBUG on; the locale is
British. With them, the cache and the sessions are in Redis (a server of the tests' own): the dashboard's kept parts
are shared there, and a session ends everywhere at sign-out but survives Redis losing it."""

import json
import os
import subprocess
import sys

import pytest
import redis
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from s75.ledger.models import AccountRole
from s75.ledger.services import LineSpec, entry_post, fund_open
from tests.factories import UserFactory, complete_agreement

LOAD_PROD = "import django.conf as c, s75.settings.prod as p; print(p.DEBUG, p.LANGUAGE_CODE, p.TIME_ZONE)"
PROD_STORES = "import json, s75.settings.prod as p; print(json.dumps([p.CACHES['default'], p.SESSION_ENGINE]))"
ENVIRONMENT = {"S75_SECRET_KEY": "production-key-" + "0123456789" * 4, "DATABASE_URL": "postgres://db/s75",
               "S75_REDIS_URL": "redis://cache:6379/0"}
# What the test run itself sets and a production run does not: the browser tests' conftest lifts Django's async-safety
# check for the whole run (Playwright's loop stays in the test thread), which the deployment check rightly refuses.
TEST_ONLY_VARIABLES = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def run_with(env: dict, code: str = LOAD_PROD) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("S75_")}
    return subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True)


def test_refuses_without_a_secret_key():
    result = run_with({key: value for key, value in ENVIRONMENT.items() if key != "S75_SECRET_KEY"})
    assert result.returncode != 0
    assert "refuses to start without S75_SECRET_KEY" in result.stderr


def test_refuses_with_debug_on():
    result = run_with({**ENVIRONMENT, "S75_DEBUG": "true"})
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


def test_refuses_a_short_or_repetitive_key():
    assert "at least 50 characters" in run_with({**ENVIRONMENT, "S75_SECRET_KEY": "short"}).stderr
    assert "at least 5 different" in run_with({**ENVIRONMENT, "S75_SECRET_KEY": "k" * 60}).stderr


def test_the_deployment_check_finds_nothing():
    """Django's ``check --deploy`` on the production settings, with the environment a production run sets (README,
    "Serve in production"): no warning, none silenced but django-axes' wish to count failures per address too
    (settings/base.py says why)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("S75_") and k not in TEST_ONLY_VARIABLES}
    result = subprocess.run(
        [sys.executable, "-m", "s75", "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean, **ENVIRONMENT, "DJANGO_SETTINGS_MODULE": "s75.settings.prod"}, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_refuses_without_a_database_url():
    result = run_with({**ENVIRONMENT, "DATABASE_URL": ""})
    assert "refuses to start without DATABASE_URL" in result.stderr


def test_refuses_without_redis():
    result = run_with({**ENVIRONMENT, "S75_REDIS_URL": ""})
    assert result.returncode != 0
    assert "refuses to start without S75_REDIS_URL" in result.stderr


def test_starts_with_a_key_debug_off_in_british_english():
    result = run_with(ENVIRONMENT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "en-gb", "Europe/London"]


# Production's cache and sessions, on a Redis of the tests' own -------------------------------------------------

@pytest.fixture
def production_stores(redis_url, settings):
    """This test process's cache and sessions as production sets them from S75_REDIS_URL, Redis emptied first."""
    result = run_with({**ENVIRONMENT, "S75_REDIS_URL": redis_url}, PROD_STORES)
    assert result.returncode == 0, result.stderr
    cache, session_engine = json.loads(result.stdout)
    settings.CACHES = {**settings.CACHES, "default": cache}
    settings.SESSION_ENGINE = session_engine
    server = redis.Redis.from_url(redis_url)
    server.flushdb()
    yield server
    server.flushdb()
    server.close()


def signed_in(user) -> Client:
    browser = Client()
    response = browser.post(reverse("login"), {"username": user.username, "password": "correct horse battery"})
    assert response.status_code == 302
    return browser


@pytest.mark.django_db
def test_signing_out_ends_the_session_for_every_server(production_stores):
    browser, other_server = signed_in(UserFactory()), Client()
    other_server.cookies = browser.cookies
    assert other_server.get(reverse("account")).status_code == 200
    assert browser.post(reverse("logout")).status_code == 302
    response = other_server.get(reverse("account"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_a_session_outlives_redis_losing_it(production_stores):
    browser = signed_in(UserFactory())
    assert list(production_stores.scan_iter(match="*:django.contrib.sessions.cached_db*"))
    production_stores.flushdb()
    assert browser.get(reverse("account")).status_code == 200


@pytest.mark.django_db
def test_the_dashboard_is_kept_in_redis_and_a_posting_shows_at_once(production_stores):
    fund = fund_open(actor=None, agreement=complete_agreement())
    browser = Client()
    browser.force_login(UserFactory(role="Pooled fund manager", organisation=fund.agreement.host.organisation))
    accounts = {account.role: account for account in fund.accounts.all()}

    def forecast_after_posting(pounds: int) -> str:
        entry_post(actor=None, fund=fund, period=fund.periods.get(financial_year=2024, number=6),
                   description="Equipment", lines=[LineSpec(accounts[AccountRole.EXPENDITURE], pounds * 100),
                                                   LineSpec(accounts[AccountRole.CREDITORS], -pounds * 100)])
        page = browser.get(f"{reverse('monitoring:dashboard', args=[fund.pk])}?period=2024-25/M06").content.decode()
        return page[page.index('id="headline"'):page.index('id="by-month"')]

    assert 'data-figure="forecast">£180,000<' in forecast_after_posting(90_000)
    prefix = django_settings.CACHES["default"]["KEY_PREFIX"]
    assert list(production_stores.scan_iter(match=f"{prefix}:*:monitoring:dashboard:*"))
    assert 'data-figure="forecast">£240,000<' in forecast_after_posting(30_000)


def test_a_replica_url_routes_read_only_requests_to_a_kept_and_checked_replica():
    code = ("import json, s75.settings.prod as p; r = p.DATABASES['replica']; "
            "print(json.dumps([p.DATABASE_ROUTERS, r['HOST'], r['CONN_MAX_AGE'], r['CONN_HEALTH_CHECKS']]))")
    result = run_with({**ENVIRONMENT, "S75_REPLICA_URL": "postgres://replica/s75"}, code)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [["s75.core.replica.ReplicaRouter"], "replica", 60, True]
    without = run_with(ENVIRONMENT, "import s75.settings.prod as p; print(list(p.DATABASES), p.DATABASE_ROUTERS)")
    assert without.stdout.split() == ["['default']", "[]"]
