"""The settings of `make run`: DEBUG off unless ``S75_DEBUG`` turns it on, so that the demo shows the product's own
page for a page not found, and its static files still served (by WhiteNoise), as a real `s75 runserver` shows."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

S75 = shutil.which("s75", path=str(Path(sys.executable).parent))


def _dev_env(var_dir: Path, **extra: str) -> dict:
    env = {**os.environ, "S75_VAR_DIR": str(var_dir), "DATABASE_URL": "", "DJANGO_SETTINGS_MODULE": "s75.settings.dev"}
    env.pop("S75_DEBUG", None)
    return {**env, **extra}


PRINT_DEBUG = "import django; from django.conf import settings; django.setup(); print(settings.DEBUG)"


def _debug(var_dir: Path, **extra: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", PRINT_DEBUG],
        env=_dev_env(var_dir, **extra), capture_output=True, text=True, check=True,
    ).stdout.strip()


def test_debug_is_off_unless_s75_debug_turns_it_on(tmp_path):
    assert _debug(tmp_path) == "False"
    assert _debug(tmp_path, S75_DEBUG="1") == "True"
    assert _debug(tmp_path, S75_DEBUG="no") == "False"


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - a server of the test's own
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def dev_server(tmp_path):
    """``s75 runserver`` with the development settings on a free port, as `make run` starts it."""
    subprocess.run([S75, "migrate", "-v0"], env=_dev_env(tmp_path), check=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([S75, "runserver", "--noreload", f"127.0.0.1:{port}"], env=_dev_env(tmp_path),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _get(f"{url}/sign-in/")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("s75 runserver did not start")
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_demo_shows_the_products_page_not_found_and_serves_its_static_files(dev_server):
    status, page = _get(f"{dev_server}/no-such-page/")
    assert status == 404
    assert "<title>Page not found – s75 partnership agreements</title>" in page
    assert "Django" not in page and "URLconf" not in page
    status, icon = _get(f"{dev_server}/static/s75/favicon.svg")
    assert status == 200 and icon.startswith("<svg")
    assert _get(f"{dev_server}/static/vendor/govuk-frontend/govuk-frontend.min.css")[0] == 200
