"""Every page a demo user may open is reachable by following links from the home page, answers, and passes axe.

With the demo loaded, each demo user signs in and the walk follows every same-site ``<a href>`` breadth-first from
``/``, each address (path and query) once, without submitting a form or signing out. It records the URL pattern of
every address it reaches. The test fails when:

- a pattern the user may open is not reached: a page reachable only by typing its address. The patterns a user
  cannot reach by a link (a form's POST, an object they cannot see, a permission they lack, a state of the demo's
  data) are listed below with the reason for each; a listed pattern that the walk does reach fails too, so that the
  list stays true;
- a link answers anything but 200 (or a redirect within the site): a 404 or a 500 from a link is a bug;
- a download (a spreadsheet, CSV, PDF or Word file) answers with the wrong content type; downloads are checked, not
  parsed;
- axe-core finds a WCAG 2.0/2.1/2.2 A or AA violation on a page.

The walk itself is plain HTTP through Django's test client, which reaches the thousands of addresses of the demo
(every month's dashboard and forms, every filter of the ledger's lines) in well under a minute per user. axe runs in
Chromium against the live server on the first page the walk reaches of each pattern, for each user: the pages of one
pattern come from one template and differ only in their figures (another month, another schedule), while a run of
axe takes most of a second, so running it on all 3,300 of them would take some forty minutes per database, against
two or three for one page per pattern and user (about 190). The sign-in page, where each user starts, is checked
too, and a few pages of each user are saved as screenshots in test-artifacts/link-walk/.

The Django admin's own pages are not walked beyond its index: they are Django's, one per model and object.
"""

import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from s75.accounts.selectors import second_factor_offered
from s75.demo.services import DEMO_PASSWORD, DEMO_USERS
from tests.browser.axe import axe_violations
from tests.walk import Walk, every_pattern

User = get_user_model()

ARTIFACTS = Path("test-artifacts") / "link-walk"

MANAGER, ICB_FINANCE, HOST_FINANCE = "luton.manager", "blmk.finance", "luton.finance"
COMMISSIONER, BOARD_MEMBER, AUDITOR, ADMIN = "bexley.commissioner", "leics.board", "luton.auditor", "admin"
BCF_MANAGER, NHS_ENGLAND, LEAD_COMMISSIONER = "leics.manager", "nhse.bcf", "hants.manager"
LUTON_FINANCE_AND_AUDIT = (ICB_FINANCE, HOST_FINANCE, AUDITOR)
LUTON_USERS = (MANAGER, *LUTON_FINANCE_AND_AUDIT)
NO_FUND = (COMMISSIONER, BOARD_MEMBER)

# Patterns that no link reaches, for any user.
NOT_LINKED = {
    "logout": "signing out is the header's Sign out button, a POST",
    "agreements:transition": "a POST: the buttons on the agreement page that move it on",
    "ledger:fund_open": "a POST: the agreement page's button that opens the fund",
    "ledger:period_close": "a POST: the fund page's button that closes a month",
    "ledger:entry_reverse": "a POST: the entry page's reversal form",
    "monitoring:action_status": "a POST: the recovery plan's buttons that change an action's status",
    "reports:generate": "a POST: the reports page's form",
    "reports:reproduce": "a POST: a report's Produce again button",
    "settlement:approve": "a POST: a partner's approval of a settlement run",
    "reports:run_progress": "JSON the report's progress page polls, not a page",
    "imports:run_progress": "JSON the import's progress page polls, not a page",
    "imports:run_post": "a POST: a checked file's Import the file button",
    "reports:run": "the demo has made no report: one is made by the reports page's POST",
    "reports:file": "the demo has made no report: one is made by the reports page's POST",
    "settlement:run": "the demo has no settlement run: one is computed by the settlement page's POST",
    "settlement:pdf": "the demo has no settlement run: one is computed by the settlement page's POST",
    "settlement:xlsx": "the demo has no settlement run: one is computed by the settlement page's POST",
    "imports:run": "the demo's import was posted by `s75 load-demo`, not uploaded through the pages (a POST)",
    "imports:run_problems": "the demo's import was posted by `s75 load-demo`, not uploaded through the pages (a POST)",
    "imports:import_problems": "the demo's import has no problems, and the list is linked only when there are some",
    "budgets:receipt_record": "every demo instalment (Luton's 2013-14) is paid in full; the others have none set",
    "ledger:instalments_overdue_xlsx": "no demo instalment is overdue; the download is linked beside the table",
    "governance:paper_download": "the demo's papers are titles or links elsewhere, with no file uploaded",
    "governance:board_members_xlsx": "no demo board has members recorded; the download is linked beside the table",
    "bcf:condition": "a POST: the plan page's confirmation of a national condition",
    "bcf:explanation": "a POST: the plan page's explanation of a failing check",
    "bcf:metric_actual": "a POST: the plan page's actual of a metric, while the plan is in delivery",
    "bcf:sign_off": "a POST: the plan page's choice of the board's decision",
    "bcf:move": "a POST: the plan page's lifecycle buttons",
    "bcf:import_checked": "a POST: a checked workbook's Import the file button",
    "consult:survey_check": "reached after the About you page's POST: the survey's pages are forms",
    "consult:survey_done": "reached after the check-answers page's POST, which sends the response",
    "consult:document": "the demo's consultations have no documents uploaded",
    "consultations:question_add": "both demo consultations have opened, so their surveys can no longer change",
    "consultations:question_remove": "a POST, offered only before a consultation opens; both demo ones have opened",
    "consultations:answer_tag": "a POST: the analysis page's Save the themes button",
    "consultations:note_add": "a POST: the analysis page's Add the note button",
    "commissioning:recharge_post": "a POST: the statement's button that posts the recharge",
    "commissioning:recharge_reverse": "a POST: the statement's reversal form",
    "commissioning:dispute_mark": "a POST: the statement's form that marks a line disputed",
    "commissioning:dispute_resolve": "a POST: the buttons of the statement's open disputes",
    "api_tokens:revoke": "a POST: the API tokens page's Revoke button, and no demo user has a token",
    "two_factor_verify": "the second step of signing in, for a user with a second factor; no demo user has one",
    "two_factor_remove": "a POST offered once a second factor is set up; no demo user has one",
}
# Pages axe does not check, and why.
AXE_NOT_CHECKED = {
    "api:console": "Swagger UI's own page (vendored from drf-spectacular-sidecar), whose colours, nested controls "
                   "and small targets fail WCAG 2.2 AA; /api/v1/docs/ is its conforming version and links to it",
}


def _for(users, reason: str) -> dict[str, str]:
    return dict.fromkeys(users, reason)


NEEDS_MANAGE = "needs agreements.manage_agreement, which finance leads, auditors and board members lack"
LUTON_ENDED = "Luton's agreement has ended: its terms no longer change"
NO_FUND_REASON = "the agreements they see (Bexley, Leicestershire) have no fund open: opening one is a POST"
LUTON_NO_MEETINGS = "the demo's Luton board has no meetings, so no meeting, decision or decision list"
NEEDS_POST_LEDGER = "needs ledger.post_ledger, the pooled fund manager's"
EDIT_TERMS = {**_for(LUTON_FINANCE_AND_AUDIT + (BOARD_MEMBER,), NEEDS_MANAGE), MANAGER: LUTON_ENDED}
FUND_PAGE = _for(NO_FUND, NO_FUND_REASON)

NO_PLANS = _for(LUTON_USERS + (COMMISSIONER,),
                "the agreements they see (Luton, Bexley) govern no Better Care Fund plan, so no Better Care Fund link")
BCF_PLAN_PAGES = ("bcf:list", "bcf:list_xlsx", "bcf:detail", "bcf:workbook", "bcf:quarterly_workbook")
NEEDS_MANAGE_PLAN = "needs bcf.manage_plan, which board members and NHS England's assurers lack"
NATIONAL = "needs bcf.view_national (NHS England) or an ICB's organisation"

NO_CONSULTATION = _for(LUTON_USERS + (BOARD_MEMBER, BCF_MANAGER, NHS_ENGLAND),
                       "their organisations run no consultation in the demo (only Bexley's and Hampshire's do)")
CONSULTATION_STAFF_PAGES = ("consultations:detail", "consultations:edit", "consultations:faq_add",
                            "consultations:contact_add", "consultations:document_add", "consultations:preview",
                            "consultations:response_record", "consultations:outcome", "consultations:erase",
                            "consultations:responses_xlsx", "consultations:responses_csv",
                            "consultations:analysis", "consultations:theme_add")

# Patterns that the named users cannot reach by a link, and why.
NOT_OPEN_TO: dict[str, dict[str, str]] = {
    **dict.fromkeys(CONSULTATION_STAFF_PAGES, NO_CONSULTATION),
    "consultations:outcome": {**NO_CONSULTATION, **_for((COMMISSIONER, ADMIN), (
        "Bexley's outcome is published and Hampshire's consultation is open: the form to publish an outcome is "
        "offered only for a closed consultation"))},
    "consultations:list": _for((NHS_ENGLAND,), "linked from an agreement's page, and NHS England sees no agreement"),
    "consultations:create": {**_for(LUTON_FINANCE_AND_AUDIT + (BOARD_MEMBER,),
                                    "needs consultations.manage_consultation"),
                             NHS_ENGLAND: "linked from an agreement's page, and NHS England sees no agreement"},
    **{pattern: NO_PLANS for pattern in BCF_PLAN_PAGES if pattern != "bcf:list"},
    "bcf:list": _for(LUTON_USERS, "Luton's agreement governs no Better Care Fund plan, so no Better Care Fund link"),
    "bcf:create": {**_for(LUTON_USERS, "Luton's agreement is not a Better Care Fund agreement"),
                   **_for((BOARD_MEMBER, NHS_ENGLAND), NEEDS_MANAGE_PLAN)},
    "bcf:upload": {**NO_PLANS, **_for((BOARD_MEMBER, NHS_ENGLAND), NEEDS_MANAGE_PLAN)},
    "bcf:national": {**NO_PLANS, **_for((BOARD_MEMBER, BCF_MANAGER), NATIONAL)},
    "bcf:national_xlsx": {**NO_PLANS, **_for((BOARD_MEMBER, BCF_MANAGER), NATIONAL)},
    "agreements:create": _for(LUTON_FINANCE_AND_AUDIT + (BOARD_MEMBER,), NEEDS_MANAGE),
    "agreements:edit": EDIT_TERMS,
    "agreements:party_add": EDIT_TERMS,
    "agreements:schedule_create": EDIT_TERMS,
    "agreements:schedule_edit": EDIT_TERMS,
    "budgets:contribution_set": EDIT_TERMS,
    "riskshare:terms_edit": EDIT_TERMS,
    "agreements:renew": EDIT_TERMS,
    "agreements:approval_record": {
        **_for(LUTON_FINANCE_AND_AUDIT + (BOARD_MEMBER,), NEEDS_MANAGE), MANAGER: LUTON_ENDED,
        COMMISSIONER: "Bexley's agreement is in force: every approval it needed is recorded",
    },
    **{pattern: _for((BOARD_MEMBER, BCF_MANAGER, NHS_ENGLAND),
                     "no agreement they see is a lead-commissioning arrangement (Leicestershire's are pooled funds)")
       for pattern in ("commissioning:packages", "commissioning:statement")},
    **{pattern: _for(LUTON_USERS + (COMMISSIONER, BOARD_MEMBER, BCF_MANAGER, NHS_ENGLAND),
                     "the demo's care packages are Hampshire's, which they do not see")
       for pattern in ("commissioning:package", "commissioning:packages_xlsx", "commissioning:statement_xlsx",
                       "commissioning:statement_pdf")},
    "commissioning:import": {
        **_for(LUTON_FINANCE_AND_AUDIT + (COMMISSIONER,), NEEDS_POST_LEDGER),
        **_for((BOARD_MEMBER, BCF_MANAGER, NHS_ENGLAND),
               "no agreement they see is a lead-commissioning arrangement (Leicestershire's are pooled funds)")},
    "agreements:audit": _for(NO_FUND, "needs audit.view_audit_trail"),
    "agreements:audit_xlsx": _for(NO_FUND, "needs audit.view_audit_trail"),
    "budgets:instalments_generate": _for(LUTON_FINANCE_AND_AUDIT + NO_FUND, NEEDS_POST_LEDGER),
    "budgets:instalments_xlsx": _for(NO_FUND, "no instalments are set for Bexley or Leicestershire in the demo"),
    "documents:clause_edit": {**_for(LUTON_FINANCE_AND_AUDIT + NO_FUND, "needs documents.edit_clause_templates"),
                              ADMIN: "the administrator belongs to no organisation, so has no clause set to edit"},
    "governance:board_create": _for(LUTON_FINANCE_AND_AUDIT + (BOARD_MEMBER,), "needs governance.manage_governance"),
    "governance:meeting_create": _for(LUTON_FINANCE_AND_AUDIT + (BOARD_MEMBER,), "needs governance.manage_governance"),
    "governance:member_add": _for(LUTON_FINANCE_AND_AUDIT + (BOARD_MEMBER,), "needs governance.manage_governance"),
    "governance:paper_add": {**_for(LUTON_USERS, LUTON_NO_MEETINGS),
                             BOARD_MEMBER: "needs governance.manage_governance"},
    "governance:decision_record": {**_for(LUTON_USERS, LUTON_NO_MEETINGS),
                                   BOARD_MEMBER: "needs governance.record_decision"},
    "governance:decision_approval": {**_for(LUTON_USERS, LUTON_NO_MEETINGS), BOARD_MEMBER: NEEDS_MANAGE},
    "governance:meeting_detail": _for(LUTON_USERS, LUTON_NO_MEETINGS),
    "governance:meeting_decisions_xlsx": _for(LUTON_USERS, LUTON_NO_MEETINGS),
    "governance:board_meetings_xlsx": _for(LUTON_USERS, LUTON_NO_MEETINGS),
    "governance:meeting_list_xlsx": _for(LUTON_USERS, LUTON_NO_MEETINGS),
    "governance:decision_detail": _for(LUTON_USERS, LUTON_NO_MEETINGS),
    "governance:decision_list_xlsx": _for(LUTON_USERS, LUTON_NO_MEETINGS),
    "governance:forward_plan_xlsx": _for(LUTON_USERS + (BOARD_MEMBER,),
                                         "no decision of theirs is planned, so the forward plan has no table"),
    "monitoring:commentary": {**_for(LUTON_FINANCE_AND_AUDIT, NEEDS_POST_LEDGER), **FUND_PAGE},
    "monitoring:forecast": {**_for(LUTON_FINANCE_AND_AUDIT, NEEDS_POST_LEDGER), **FUND_PAGE},
    "monitoring:profile": {**_for(LUTON_FINANCE_AND_AUDIT, NEEDS_POST_LEDGER), **FUND_PAGE},
    "monitoring:recovery": {**_for(LUTON_FINANCE_AND_AUDIT, NEEDS_POST_LEDGER), **FUND_PAGE},
    "monitoring:consent": {
        **_for((MANAGER, AUDITOR), "needs monitoring.record_consent, a partner finance lead's"),
        HOST_FINANCE: "the host records no consent: only the ICB's (formerly the CCG's) is needed", **FUND_PAGE,
    },
    **{pattern: {**_for(LUTON_FINANCE_AND_AUDIT, NEEDS_POST_LEDGER), **FUND_PAGE} for pattern in (
        "imports:upload", "imports:mapping_new", "imports:mapping_edit", "imports:cost_centres",
    )},
    **{pattern: FUND_PAGE for pattern in (
        "imports:history", "imports:history_xlsx", "imports:import", "imports:mappings",
        "ledger:fund", "ledger:lines", "ledger:lines_csv", "ledger:lines_xlsx", "ledger:entry",
        "ledger:expenditure_xlsx", "ledger:trial_balance_xlsx",
        "monitoring:dashboard", "monitoring:table_xlsx",
        "reports:list", "settlement:list",
    )},
}

LEICS_NO_FUND = "Leicestershire's agreements have no fund open: opening one is a POST"
for _pattern in ("imports:cost_centres", "imports:history", "imports:history_xlsx", "imports:import",
                 "imports:mapping_edit", "imports:mapping_new", "imports:mappings", "imports:upload", "ledger:entry",
                 "ledger:expenditure_xlsx", "ledger:fund", "ledger:lines", "ledger:lines_csv", "ledger:lines_xlsx",
                 "ledger:trial_balance_xlsx", "monitoring:commentary", "monitoring:consent",
                 "monitoring:dashboard", "monitoring:forecast", "monitoring:profile", "monitoring:recovery",
                 "monitoring:table_xlsx", "reports:list", "settlement:list"):
    NOT_OPEN_TO[_pattern] = {**NOT_OPEN_TO.get(_pattern, {}), BCF_MANAGER: LEICS_NO_FUND}
for _pattern, _reason in (
        ("agreements:renew", "Leicestershire's agreements are not within their notice period"),
        ("budgets:instalments_xlsx", "no instalments are set for Leicestershire in the demo"),
        ("governance:forward_plan_xlsx", "no decision of theirs is planned, so the forward plan has no table")):
    NOT_OPEN_TO[_pattern] = {**NOT_OPEN_TO.get(_pattern, {}), BCF_MANAGER: _reason}
# NHS England is party to no agreement: it sees the Better Care Fund's plans and the national view, nothing else.
for _pattern in (
        "agreements:detail", "agreements:schedule_detail", "agreements:approval_record", "agreements:as_at",
        "agreements:audit", "agreements:audit_xlsx",
        "agreements:create", "agreements:edit", "agreements:list_xlsx", "agreements:party_add", "agreements:renew",
        "agreements:schedule_create", "agreements:schedule_edit", "budgets:contribution_set",
        "budgets:financial_schedule", "budgets:financial_schedule_xlsx", "budgets:instalments",
        "budgets:instalments_generate", "budgets:instalments_xlsx", "documents:agreement_docx", "documents:clause_edit",
        "documents:template_set", "documents:template_sets", "governance:board_create", "governance:board_detail",
        "governance:board_list_xlsx", "governance:board_meetings_xlsx", "governance:decision_approval",
        "governance:decision_detail", "governance:decision_list_xlsx", "governance:decision_record",
        "governance:forward_plan_xlsx", "governance:meeting_create", "governance:meeting_decisions_xlsx",
        "governance:meeting_detail", "governance:meeting_list_xlsx", "governance:member_add", "governance:paper_add",
        "imports:cost_centres", "imports:history", "imports:history_xlsx", "imports:import", "imports:mapping_edit",
        "imports:mapping_new", "imports:mappings", "imports:upload", "ledger:entry", "ledger:expenditure_xlsx",
        "ledger:fund", "ledger:lines", "ledger:lines_csv", "ledger:lines_xlsx", "ledger:trial_balance_xlsx",
        "monitoring:commentary", "monitoring:consent", "monitoring:dashboard",
        "monitoring:forecast", "monitoring:profile", "monitoring:recovery", "monitoring:table_xlsx", "reports:list",
        "riskshare:terms_edit", "settlement:list"):
    NOT_OPEN_TO[_pattern] = {**NOT_OPEN_TO.get(_pattern, {}),
                             NHS_ENGLAND: "NHS England is party to no agreement: it sees plans only"}

# Hampshire's lead commissioner sees one agreement, out for consultation, whose ledger holds only the recharges.
for _pattern, _reason in (
        ("agreements:renew", "Hampshire's agreement is out for consultation, not in force: nothing to renew"),
        *((_bcf, "Hampshire's agreement governs no Better Care Fund plan") for _bcf in (
            "bcf:create", "bcf:detail", "bcf:list", "bcf:list_xlsx", "bcf:quarterly_workbook", "bcf:upload",
            "bcf:workbook")),
        ("bcf:national", NATIONAL), ("bcf:national_xlsx", NATIONAL),
        ("budgets:instalments_xlsx", "no instalments are set for Hampshire in the demo"),
        *((_consultation, "Hampshire's consultation is open, with no responses yet") for _consultation in (
            "consultations:analysis", "consultations:erase", "consultations:outcome", "consultations:responses_csv",
            "consultations:responses_xlsx", "consultations:theme_add")),
        *((_governance, "the demo records no board for Hampshire") for _governance in (
            "governance:board_detail", "governance:board_list_xlsx", "governance:board_meetings_xlsx",
            "governance:decision_approval", "governance:decision_detail", "governance:decision_list_xlsx",
            "governance:decision_record", "governance:forward_plan_xlsx", "governance:meeting_create",
            "governance:meeting_decisions_xlsx", "governance:meeting_detail", "governance:meeting_list_xlsx",
            "governance:member_add", "governance:paper_add")),
        ("imports:import", "Hampshire's ledger holds only the recharges: no file was imported"),
        ("imports:mapping_edit", "Hampshire's ledger holds only the recharges: no column mapping was saved"),
        ("monitoring:consent", "needs monitoring.record_consent, a partner finance lead's"),
        ("monitoring:recovery", "Hampshire's ledger shows no overspend, so no recovery plan")):
    NOT_OPEN_TO[_pattern] = {**NOT_OPEN_TO.get(_pattern, {}), LEAD_COMMISSIONER: _reason}

# The first page reached of each of these patterns is saved as a screenshot for each user.
SCREENSHOTS = ("agreements:list", "agreements:detail", "ledger:fund", "monitoring:dashboard", "governance:board_detail")


def _sign_in(page, base_url: str, username: str) -> list[str]:
    """Sign in through the sign-in form, after checking that page with axe."""
    page.context.clear_cookies()
    page.goto(f"{base_url}/sign-in/")
    violations = [f"{v} on /sign-in/" for v in axe_violations(page)]
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path != "/sign-in/", f"{username} could not sign in"
    return violations


def _check_pages(page, base_url: str, username: str, pages: dict[str, str]) -> list[str]:
    """axe on each page, by pattern; the problems found, and screenshots of a few."""
    problems = []
    for pattern, address in pages.items():
        if pattern in AXE_NOT_CHECKED:
            continue
        response = page.goto(base_url + address)
        if response is None or response.status != 200:
            problems.append(f"{address} answers {response and response.status} in Chromium")
            continue
        problems += [f"{violation} on {address}" for violation in axe_violations(page)]
        if pattern in SCREENSHOTS or address == "/":
            name = pattern.replace(":", "-").strip("/") or "home"
            page.screenshot(path=ARTIFACTS / f"{username}-{name}.png", full_page=True)
    return problems


@pytest.mark.browser
@pytest.mark.long  # about 11 minutes: every link as each of 11 demo users, axe on each template
def test_every_page_a_demo_user_may_open_is_linked_and_accessible(live_server, page, subtests):
    call_command("load_reference_data", verbosity=0)
    call_command("load_demo", verbosity=0)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    patterns = every_pattern()
    unknown = {pattern for pattern in (*NOT_LINKED, *NOT_OPEN_TO) if pattern not in patterns}
    assert not unknown, f"listed patterns the site does not have: {sorted(unknown)}"

    for user in DEMO_USERS:
        with subtests.test(msg=user.username):
            started = time.monotonic()
            client = Client()
            assert client.login(username=user.username, password=DEMO_PASSWORD)
            walk = Walk(client)
            walk.run()
            walk.reached.add("login")  # where each user starts, in Chromium below
            walked = time.monotonic() - started

            not_open = {pattern for pattern, users in NOT_OPEN_TO.items() if user.username in users}
            if user.username != ADMIN:
                not_open.add("admin:index")
            if not second_factor_offered(User.objects.get(username=user.username)):
                not_open.add("two_factor_setup")  # offered to staff and pooled fund managers
            # The API's endpoints answer a token in JSON, not a browser's links (tests/api, tests/test_role_matrix.py);
            # its documentation is linked from the account page's API tokens, and Swagger UI from the documentation.
            api = {pattern for pattern in patterns
                   if pattern.startswith(("api:", "/api/")) and pattern not in ("api:docs", "api:console")}
            expected = patterns - set(NOT_LINKED) - not_open - api
            unreached = sorted(expected - walk.reached)
            listed_but_reached = sorted((set(NOT_LINKED) | not_open) & walk.reached)

            problems = _sign_in(page, live_server.url, user.username)
            problems += _check_pages(page, live_server.url, user.username, walk.pages)
            print(f"{user.username}: {walk.addresses} addresses, {len(walk.reached)} patterns, walk {walked:.0f} s, "
                  f"axe on {len(walk.pages)} pages {time.monotonic() - started - walked:.0f} s")

            failures = []
            if unreached:
                failures.append(f"no link reaches these patterns: {unreached}")
            if listed_but_reached:
                failures.append(f"the walk reaches these, which the test lists as out of reach: {listed_but_reached}")
            failures += walk.problems
            failures += problems
            assert not failures, f"{user.username}:\n" + "\n".join(failures)
