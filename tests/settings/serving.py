"""s75 served as ``make serve`` serves it, for the fault tests: gunicorn with ``s75.settings.gunicorn`` and the
production settings, on a test's scratch database (PostgreSQL) and Redis, over plain HTTP on a free loopback port
(a proxy terminates HTTPS in production); and a client that signs in through the sign-in form.

``python -m tests.settings.serving setup`` (in the scratch database's environment) adds the fund's pooled fund
manager with a password, and an entry to reverse, and prints the entry's id."""

import http.client
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from tests.ledger.importfiles import ROOT

HOST = "127.0.0.1"
USERNAME, PASSWORD = "fault.manager", "s75-fault-password"  # noqa: S105 - a throwaway user in a scratch database


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path

    def workers(self) -> list[int]:
        """The gunicorn workers' process ids."""
        return sorted(int(pid) for pid in Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
                      .read_text().split())

    def errors(self) -> list[str]:
        """The exceptions the server logged."""
        return [line for line in self.log.read_text().splitlines() if re.match(r"^[\w.]+(Error|Exception): ", line)]


@contextmanager
def production_server(scratch, folder: Path, redis_url: str, *, workers: int | None = None):
    """gunicorn serving the scratch database with the production settings; ``workers`` as S75_WORKERS (default:
    the setting's own, twice the cores and one)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port = probe.getsockname()[1]
    env = {**scratch.env, "DJANGO_SETTINGS_MODULE": "s75.settings.prod", "S75_SECRET_KEY": secrets.token_urlsafe(50),
           "S75_REDIS_URL": redis_url, "S75_SECURE_SSL_REDIRECT": "false", "S75_BIND": f"{HOST}:{port}",
           "S75_VAR_DIR": str(folder)}
    if workers:
        env["S75_WORKERS"] = str(workers)
    collected = subprocess.run([sys.executable, "-m", "s75", "collectstatic", "--no-input", "-v0"], env=env, cwd=ROOT,
                               capture_output=True, text=True)
    assert collected.returncode == 0, collected.stderr
    log = folder / "gunicorn.log"
    with log.open("w") as stream:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "python:s75.settings.gunicorn",
                                    "--control-socket", str(folder / "gunicorn.ctl"), "s75.wsgi"], env=env, cwd=ROOT,
                                   stdout=stream, stderr=subprocess.STDOUT)
    server = Server(port, process, log)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, log.read_text()[-3000:]
            try:
                with socket.create_connection((HOST, port), timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start within two minutes"
                time.sleep(0.2)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Client:
    """One browser: its own connection to the server, kept between requests as a browser keeps it, and cookies."""

    port: int
    cookies: dict = field(default_factory=dict)
    connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        """The response's status and body (or redirect); a connection the server dropped is opened again for the
        next request, and this one's failure raised."""
        headers = {"Cookie": "; ".join(f"{key}={value}" for key, value in self.cookies.items())}
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.connection is None:
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            self.connection.request(method, path, body=None if form is None else urlencode(form), headers=headers)
            response = self.connection.getresponse()
            body = response.read().decode()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = None
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        return response.status, response.headers.get("Location") or body

    def post_form(self, page: str, action: str, form: dict) -> tuple[int, str]:
        """Fetch ``page`` for its form's token, then post ``form`` to ``action`` as the browser would."""
        status, body = self.request("GET", page)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        assert status == 200 and token, f"{page} answered {status}"
        return self.request("POST", action, {"csrfmiddlewaretoken": token[1], **form})

    def sign_in(self) -> "Client":
        status, where = self.post_form("/sign-in/", "/sign-in/", {"username": USERNAME, "password": PASSWORD})
        assert status == 302 and "sessionid" in self.cookies, f"signing in answered {status}: {where[:500]}"
        return self

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def _setup() -> None:
    import django

    django.setup()
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.contrib.auth.models import Group

    from s75.accounts.models import User
    from s75.accounts.services import roles_sync
    from s75.ledger.models import AccountRole, Fund
    from s75.ledger.services import LineSpec, entry_post

    fund = Fund.objects.select_related("agreement").get()
    roles_sync()
    user = User.objects.create(username=USERNAME, first_name="Fault", last_name="Manager",
                               organisation=fund.agreement.parties.get(is_host=True).organisation)
    # Hashed as production hashes it: the test settings' faster hasher is not among production's.
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save()
    user.groups.set([Group.objects.get(name="Pooled fund manager")])
    expenditure = fund.accounts.filter(role=AccountRole.EXPENDITURE).first()
    cash = fund.accounts.get(role=AccountRole.CASH)
    entry = entry_post(actor=None, fund=fund, period=fund.periods.get(financial_year=2024, number=1),
                       description="An invoice to reverse", lines=[LineSpec(expenditure, 100_00),
                                                                   LineSpec(cash, -100_00)])
    print(entry.pk)


if __name__ == "__main__" and sys.argv[1:] == ["setup"]:
    _setup()
