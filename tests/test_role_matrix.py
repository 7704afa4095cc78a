"""The role matrix: every URL pattern of the site (walked from the resolver, so a new page without an entry fails) ×
every demo role × (its own organisation's object, another organisation's object, no object) → the status expected,
for GET and POST, and a fingerprint of the database showing that no refused POST changed anything.

The objects are the demo's: each of Luton's, Bexley's and Leicestershire's own staff walk the site by its links
(``tests/walk.py``) and every address they reach is an object of theirs. Then:

- a visitor who has not signed in is sent to sign in (GET and POST), except on the public pages;
- staff of the other partnerships, who are parties to none of the owner's agreements, get 403 or 404 for every
  address naming an object (GET, and POST: 403, 404 or 405) and change nothing;
- every address with its object ids replaced by ids that do not exist answers 404 (or 403 where the role may not
  open such pages at all) for the owner;
- the owner's colleagues of every role get a page, a redirect or a 403, never a 404 or a 500.

The patterns no walker reaches are those the link walk lists, with its reasons (``tests/browser/test_link_walk.py``).
"""

import hashlib
from collections import defaultdict
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client
from django.urls import resolve, reverse

from s75.demo.services import DEMO_PASSWORD, DEMO_USERS
from tests.browser.test_link_walk import NOT_LINKED
from tests.walk import Walk, every_pattern

pytestmark = pytest.mark.django_db
User = get_user_model()

# Each owner, the colleagues of its organisation (and the partners' staff who are parties to its agreements), and the
# staff of other partnerships, parties to none of its agreements.
OWNERS = {
    "luton.manager": (("luton.finance", "luton.auditor", "blmk.finance", "admin"),
                      ("bexley.commissioner", "leics.manager", "leics.board", "nhse.bcf")),
    "bexley.commissioner": ((), ("luton.manager", "leics.manager", "luton.auditor")),
    "leics.manager": (("leics.board",), ("luton.manager", "bexley.commissioner", "blmk.finance")),
    "hants.manager": ((), ("luton.manager", "leics.manager", "blmk.finance")),
}
# Patterns with an object that every signed-in user may open: shared registers, not one partnership's.
SHARED = {
    "organisations:detail": "the register of organisations is public knowledge (ODS and ONS codes)",
    "documents:template_set": "the shipped standard clauses, which every organisation reads and starts from",
    "documents:clause_edit": "a shipped clause: a user's edit goes to their own organisation's copy of the set",
}
# Patterns the owners' walks do not reach besides those the link walk lists (it walks as every demo user).
NOT_WALKED = {
    "admin:index": "Django's admin, for the site administrator only (the link walk opens it as admin)",
    "bcf:national": "NHS England's national view, naming no object (the link walk opens it as nhse.bcf)",
    "bcf:national_xlsx": "NHS England's national view, naming no object (the link walk opens it as nhse.bcf)",
    "consultations:outcome": "offered while a consultation is closed and its outcome unpublished; no demo one is",
    "monitoring:consent": "a partner finance lead's consent, offered to blmk.finance (the link walk opens it)",
    "login": "the sign-in page, public",
    "two_factor_verify": "the second step of signing in, public until then",
    "two_factor_remove": "offered once a user has set up a second factor; no demo user has",
}
PUBLIC = ("consult:", "login", "two_factor_verify", "api:docs", "api:console", "api:schema")
NO_SUCH = 987_654_321


# The API's endpoints: each names its owner's object (Luton's agreement and fund, Leicestershire's BCF plan, Bexley's
# consultation) or none; ids of things inside a fund that the demo does not have (an import run, a report) are ids
# that do not exist, and answer 404 to everyone.
API_OBJECTS = {
    "api:agreement": ("luton.manager", "agreement"), "api:agreement_file": ("luton.manager", "agreement"),
    **{f"api:{name}": ("luton.manager", "fund") for name in (
        "fund", "balances", "lines", "mappings", "imports", "import_upload", "consents", "settlement_runs", "reports",
        "monitoring", "import_run", "import_problems", "report_file")},
    "api:bcf_plan": ("leics.manager", "plan"), "api:consultation": ("bexley.commissioner", "consultation"),
}
API_LISTS = ("api:organisations", "api:agreements", "api:agreement_file_in", "api:funds", "api:bcf_plans",
             "api:consultations")
API_PUBLIC = ("api:schema", "api:docs", "api:console")
API_POST_ONLY = ("api:import_upload",)  # GET is 405 before any object is looked at, for everyone
API_NOT_MATRIXED = {
    "/api/v1/": "the API's own 404 for any other address under /api/v1/ (tests/api)",
    "api_tokens:list": "the account page's API tokens, each user's own (tests/api/test_views.py)",
    "api_tokens:revoke": "a POST revoking one's own token; another's is a 404 (tests/api/test_views.py)",
}


def _api_objects() -> dict[str, int]:
    from s75.agreements.models import Agreement
    from s75.bcf.models import Plan
    from s75.consultations.models import Consultation
    from s75.ledger.models import Fund

    luton = Agreement.objects.filter(parties__organisation__ons_code="E06000032", parties__is_host=True).first()
    return {"agreement": luton.pk, "fund": Fund.objects.get(agreement=luton).pk,
            "plan": Plan.objects.filter(agreement__parties__organisation__ons_code="E10000018").first().pk,
            "consultation": Consultation.objects.get(slug__startswith="bexley").pk}


def _api_address(pattern: str, pk: int) -> str:
    extra = {"api:monitoring": {"year": "2013-14", "month": 12}, "api:import_run": {"run_pk": NO_SUCH},
             "api:import_problems": {"run_pk": NO_SUCH}, "api:report_file": {"version_pk": NO_SUCH, "fmt": "pdf"}}
    return reverse(pattern, kwargs={"pk": pk, **extra.get(pattern, {})})


def _api_status(client: Client, method: str, address: str, secret: str | None) -> int:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    response = client.get(address, **headers) if method == "GET" else client.post(address, {}, **headers)
    try:
        return response.status_code
    finally:
        request_finished.disconnect(close_old_connections)
        response.close()
        request_finished.connect(close_old_connections)


def _client(username: str | None) -> Client:
    client = Client()
    if username:
        assert client.login(username=username, password=DEMO_PASSWORD), username
    return client


def _fetch(client: Client, method: str, address: str) -> int:
    response = client.get(address) if method == "GET" else client.post(address, {})
    try:
        return response.status_code if response.status_code not in (301, 302) else (
            302 if urlsplit(response["Location"]).path == reverse("login") else 303)
    finally:
        request_finished.disconnect(close_old_connections)
        response.close()
        request_finished.connect(close_old_connections)


def fingerprint() -> dict[str, str]:
    """A digest of every row of each of s75's own tables (but when each user last signed in and each API token was
    last used, which the matrix's own requests move)."""
    digests = {}
    for model in apps.get_models():
        if model.__module__.startswith("s75."):
            digest = hashlib.sha256()
            fields = [field.attname for field in model._meta.concrete_fields
                      if field.attname not in ("last_login", "last_used_at")]
            for row in model.objects.order_by("pk").values_list(*fields):
                digest.update(repr(row).encode())
            digests[model._meta.label] = digest.hexdigest()
    return digests


def _without_object(address: str) -> str | None:
    match = resolve(urlsplit(address).path)
    numbers = {name: NO_SUCH for name, value in match.kwargs.items() if isinstance(value, int)}
    return reverse(match.view_name, kwargs={**match.kwargs, **numbers}) if numbers else None


def test_every_demo_role_has_its_place_in_the_matrix():
    placed = set(OWNERS) | {user for inside, outside in OWNERS.values() for user in (*inside, *outside)}
    assert placed == {user.username for user in DEMO_USERS}


def _api_tokens() -> dict[str, str]:
    """A read-and-write token of every demo user: its secret."""
    from s75.api.models import TokenScope
    from s75.api.services import api_token_create

    return {user: api_token_create(actor=User.objects.get(username=user), name="Role matrix", scope=TokenScope.WRITE,
                                   days=7).secret
            for user in (user.username for user in DEMO_USERS)}


def _api_matrix(secrets: dict[str, str], problems: list[str], counts: dict) -> None:
    """Every endpoint × every demo user's read-and-write token (and none) × own object, another's, none."""
    objects, client = _api_objects(), Client()
    for pattern in API_PUBLIC:
        counts["API anonymous"] += 1
        if (status := _api_status(client, "GET", reverse(pattern), None)) != 200:
            problems.append(f"anonymous GET {pattern} answered {status}")
    for pattern in API_LISTS:
        for user, secret in [(None, None), *secrets.items()]:
            status = _api_status(client, "GET", reverse(pattern), secret)
            counts["API no object"] += 1
            if status != (401 if secret is None else 405 if pattern == "api:agreement_file_in" else 200):
                problems.append(f"{user or 'anonymous'} GET {pattern} answered {status}")
    for pattern, (owner, kind) in API_OBJECTS.items():
        address = _api_address(pattern, objects[kind])
        inside = {owner, *OWNERS[owner][0], "admin"} if owner in OWNERS else {owner, "admin"}
        if kind == "plan":
            inside |= {"leics.board", "nhse.bcf"}  # NHS England reads every plan
        if kind == "consultation":
            inside = {owner, "admin"}
        sub_object = pattern in ("api:import_run", "api:import_problems", "api:report_file")
        for user, secret in secrets.items():
            for method in ("GET", "POST"):
                status = _api_status(client, method, address, secret)
                if method == "GET" and pattern in API_POST_ONLY:
                    allowed = (405,)
                elif user in inside:
                    allowed = ((404,) if sub_object else (200,)) if method == "GET" else (201, 202, 400, 403, 404, 405)
                else:
                    allowed = (403, 404) if method == "GET" else (403, 404, 405)
                counts["API own organisation's object" if user in inside else "API another organisation's object"] += 1
                if status not in allowed:
                    problems.append(f"{user} {method} {address} ({pattern}) answered {status}")
        missing = _api_address(pattern, NO_SUCH)
        counts["API no object"] += 1
        if (status := _api_status(client, "GET", missing, secrets[owner])) != (
                405 if pattern in API_POST_ONLY else 404):
            problems.append(f"{owner} GET {missing} ({pattern}, no such object) answered {status}")
        counts["API anonymous"] += 1
        if (status := _api_status(client, "GET", address, None)) != 401:
            problems.append(f"anonymous GET {address} ({pattern}) answered {status}")


@pytest.mark.long  # about 4 minutes: over 2,000 requests
def test_every_pattern_every_role_own_other_and_no_object():
    call_command("load_demo", verbosity=0)
    addresses: dict[str, dict[str, str]] = {}  # owner → pattern → the first address reached
    reached = set()
    for owner in OWNERS:
        walk = Walk(_client(owner))
        walk.run()
        reached |= walk.reached
        first = {}
        for pattern, address in walk.pages.items():
            first.setdefault(pattern, address)
        addresses[owner] = first
    patterns = every_pattern()
    api = {name for name in patterns if name.startswith(("api:", "api_tokens:", "/api/"))}
    assert api == set(API_OBJECTS) | set(API_LISTS) | set(API_PUBLIC) | set(API_NOT_MATRIXED), "API without an entry"
    patterns -= api
    assert patterns - reached - set(NOT_LINKED) - set(NOT_WALKED) == set(), "patterns without an entry"
    assert set(NOT_WALKED) & reached == set(), "listed as not walked, but walked"

    problems, counts = [], defaultdict(int)
    clients: dict[str, Client] = {}

    def signed_in(username: str) -> Client:
        if username not in clients:
            clients[username] = _client(username)
        return clients[username]

    secrets = _api_tokens()
    before = fingerprint()
    anonymous = _client(None)
    for owner, (colleagues, outsiders) in OWNERS.items():
        for pattern, address in addresses[owner].items():
            names_object = bool(resolve(urlsplit(address).path).kwargs)
            for method in ("GET", "POST"):
                status = _fetch(anonymous, method, address)
                counts["anonymous"] += 1
                if not pattern.startswith(PUBLIC) and status not in ((302, 403) if method == "POST" else (302,)):
                    problems.append(f"anonymous {method} {address} ({pattern}) answered {status}")
                if not names_object or pattern in SHARED or pattern.startswith(PUBLIC):
                    continue
                for outsider in outsiders:
                    status = _fetch(signed_in(outsider), method, address)
                    counts["another organisation's object"] += 1
                    if status not in ((403, 404, 405) if method == "POST" else (403, 404)):
                        problems.append(f"{outsider} {method} {owner}'s {address} ({pattern}) answered {status}")
            if names_object and (missing := _without_object(address)):
                status = _fetch(signed_in(owner), "GET", missing)
                counts["no object"] += 1
                if status not in (403, 404):
                    problems.append(f"{owner} GET {missing} ({pattern}, no such object) answered {status}")
            for colleague in colleagues:
                status = _fetch(signed_in(colleague), "GET", address)
                counts["own organisation's object"] += 1
                if status not in (200, 303, 403):
                    problems.append(f"{colleague} GET {owner}'s {address} ({pattern}) answered {status}")
    _api_matrix(secrets, problems, counts)
    after = fingerprint()
    assert [table for table in before if after[table] != before[table]] == [], "a refused request changed these"
    print(f"\nrole matrix: {len(patterns)} patterns, {len(reached)} reached by the owners' walks; requests: "
          + ", ".join(f"{count} {case}" for case, count in counts.items()))
    assert problems == [], "\n".join(problems[:80])
