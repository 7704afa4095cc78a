"""Browser tests: Debian's Chromium driven by Playwright's sync API against pytest-django's live server.

Playwright's sync API runs an event loop in the test's thread, which Django's async-safety check would take
for async code; the test thread only sets up data, so the check is turned off for these tests.

The live server needs committed data, so these tests run on a transactional database that is emptied after each
one: the data the migrations and the session loaded (funding streams, reference organisations, roles) goes too.
``pytest_runtest_teardown`` below puts it back, so the tests that run after these find the database as they expect.
On SQLite the emptying deletes rows, which the append-only triggers refuse, so they are lifted for it.
"""

import importlib
import os

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from playwright.sync_api import sync_playwright

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
SESSION_DATA = pytest.StashKey[str]()
# The migrations that install the database's guards (append-only tables, closed periods), lifted for the emptying.
GUARDS = [
    importlib.import_module("s75.audit.migrations.0002_append_only"),
    importlib.import_module("s75.ledger.migrations.0002_database_guards"),
    importlib.import_module("s75.ledger.migrations.0004_line_references_checked_per_statement"),
    importlib.import_module("s75.reports.migrations.0002_append_only"),
    importlib.import_module("s75.settlement.migrations.0002_final_runs_locked"),
    importlib.import_module("s75.consultations.migrations.0002_survey_frozen"),
    importlib.import_module("s75.commissioning.migrations.0002_database_guards"),
    importlib.import_module("s75.audit.migrations.0003_no_truncate"),
    importlib.import_module("s75.ledger.migrations.0009_no_truncate"),
    importlib.import_module("s75.reports.migrations.0004_no_truncate"),
    importlib.import_module("s75.settlement.migrations.0003_no_truncate"),
    importlib.import_module("s75.commissioning.migrations.0003_no_truncate"),
    importlib.import_module("s75.ledger.migrations.0010_partitioned_lines"),  # the partitions' guards, the ids held
]


@pytest.fixture(scope="session")
def session_data(django_db_setup, django_db_blocker) -> str:
    """Everything the session's database holds before the first browser test, as Django's test runner saves it."""
    with django_db_blocker.unblock():
        return connection.creation.serialize_db_to_string()


@pytest.fixture(autouse=True)
def _session_data_restored_after(request, session_data, django_db_blocker):
    request.node.stash[SESSION_DATA] = session_data


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    if SESSION_DATA not in item.stash:
        return (yield)
    blocker = item.funcargs["django_db_blocker"]
    with blocker.unblock(), connection.schema_editor() as editor:
        for guard in reversed(GUARDS):  # later guards use earlier ones' functions (the audit's refusal)
            guard.backwards(None, editor)
    try:
        return (yield)
    finally:
        # After the session's last test the test database is gone, so there is nothing to put back.
        if nextitem is not None:
            with blocker.unblock():
                call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
                connection.creation.deserialize_db_from_string(item.stash[SESSION_DATA])
                # The flush restarted PostgreSQL's sequences and the rows came back with their ids: move the
                # sequences past them, or the next test's first insert collides with a restored row.
                with connection.cursor() as cursor:
                    for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                        cursor.execute(statement)
                with connection.schema_editor() as editor:
                    for guard in GUARDS:
                        guard.forwards(None, editor)


# What Chromium writes to the console when a page breaks its Content-Security-Policy (an inline script or style, a
# resource from elsewhere) or names a feature its Permissions-Policy does not know.
POLICY_COMPLAINTS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")


@pytest.fixture
def page():
    """A page of a fresh Chromium; a test fails if any page it opened broke the site's Content-Security-Policy or
    Permissions-Policy, as the browser's console reports."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        complaints = []
        new_page = context.new_page()
        new_page.on("console", lambda message: complaints.append(f"{new_page.url}: {message.text}")
                    if any(words in message.text for words in POLICY_COMPLAINTS) else None)
        yield new_page
        context.close()
        browser.close()
    assert complaints == []
