"""Production settings refuse to start without a secret key or with DEBUG on; the locale is British."""

import os
import subprocess
import sys

LOAD_PROD = "import django.conf as c, s75.settings.prod as p; print(p.DEBUG, p.LANGUAGE_CODE, p.TIME_ZONE)"


def run_with(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("S75_")}
    return subprocess.run([sys.executable, "-c", LOAD_PROD], env={**clean, **env}, capture_output=True, text=True)


def test_refuses_without_a_secret_key():
    result = run_with({"DATABASE_URL": "postgres://db/s75"})
    assert result.returncode != 0
    assert "refuses to start without S75_SECRET_KEY" in result.stderr


def test_refuses_with_debug_on():
    result = run_with({"S75_SECRET_KEY": "k" * 50, "S75_DEBUG": "true", "DATABASE_URL": "postgres://db/s75"})
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


def test_refuses_a_short_key():
    assert "at least 32 characters" in run_with({"S75_SECRET_KEY": "short"}).stderr


def test_refuses_without_a_database_url():
    result = run_with({"S75_SECRET_KEY": "k" * 50, "DATABASE_URL": ""})
    assert "refuses to start without DATABASE_URL" in result.stderr


def test_starts_with_a_key_debug_off_in_british_english():
    result = run_with({"S75_SECRET_KEY": "k" * 50, "DATABASE_URL": "postgres://db/s75"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "en-gb", "Europe/London"]
