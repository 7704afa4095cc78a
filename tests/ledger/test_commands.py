"""`s75 import-ledger` and `s75 ledger-mapping`: the same service as the pages, with the user's scope; and
`s75 import-ledger` in processes of its own, killed part-way or run twice at once."""

import json
import signal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from s75.audit.models import AuditEvent
from s75.ledger.models import JournalLine, LedgerImport
from tests.factories import UserFactory

from .importfiles import (
    assert_consistent,
    generated_rows,
    import_fund,
    ledger_counts,
    ledger_csv,
    progress,
    row,
    rows_total,
    wait_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund():
    return import_fund()


def command(command_name, *args, **options):
    out, err = StringIO(), StringIO()
    call_command(command_name, *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_an_import_prints_what_it_posted_per_schedule_and_period(fund, tmp_path):
    path = ledger_csv(tmp_path / "gl.csv", [
        row("2024-04-01", "CC100", "1,000.00", "A"), row("2024-05-01", "CC200", "250.50", "B"),
        row("2024-05-02", "CC101", "(0.50)", "C"),
    ])
    out, _ = command("import_ledger", str(path), fund=str(fund.pk))
    record = LedgerImport.objects.get()
    assert out.splitlines() == [
        f"Posted as import {record.pk}.",
        "Rows: 3; posted: 3; already posted: 0; total: £1,250.00",
        "",
        "Schedule                 Period            Rows            Amount",
        "1 Joint Equipment Store  2024-25/M01          1         £1,000.00",
        "1 Joint Equipment Store  2024-25/M02          1           (£0.50)",
        "2 Reablement             2024-25/M02          1           £250.50",
    ]


def test_a_rejected_file_prints_every_problem_and_fails(fund, tmp_path):
    path = ledger_csv(tmp_path / "gl.csv", [row(amount="12.345", line_id="A"), row(day="2024-13-01", line_id="B")])
    with pytest.raises(CommandError, match=r"gl.csv was rejected \(2 problems\): nothing was posted."):
        _, err = command("import_ledger", str(path), fund=str(fund.pk), quiet=True)
    assert not JournalLine.objects.exists()


def test_problems_go_to_stderr_one_a_line(fund, tmp_path, capsys):
    path = ledger_csv(tmp_path / "gl.csv", [row(amount="12.345", line_id="A"), row(day="2024-13-01", line_id="B")])
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_ledger", str(path), fund=str(fund.pk), quiet=True, stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        "row 2, column Amount: 12.345 has fractions of a penny: give at most two decimal places",
        "row 3, column Posting Date: 2024-13-01 is not a date: there is no month 13",
    ]


def test_a_file_with_lines_in_a_year_with_no_budget_is_held_unless_post_anyway_says_why(fund, tmp_path):
    path = ledger_csv(tmp_path / "gl.csv", [row("2025-04-30", amount="12.00", line_id="A")])
    for dry_run in (True, False):
        err = StringIO()
        with pytest.raises(CommandError, match=r"gl.csv is held back, nothing was posted: .* run the import again "
                                               r"with --post-anyway"):
            call_command("import_ledger", str(path), fund=str(fund.pk), quiet=True, dry_run=dry_run, stdout=StringIO(),
                         stderr=err)
        assert err.getvalue().startswith("1 row (£12.00) falls in 2025-26, but the agreement records no contributions")
    assert not JournalLine.objects.exists()
    with pytest.raises(CommandError, match="--post-anyway needs a reason"):
        command("import_ledger", str(path), fund=str(fund.pk), quiet=True, post_anyway=" ")
    out, _ = command("import_ledger", str(path), fund=str(fund.pk), quiet=True, post_anyway="Budget agreed late")
    assert out.startswith(f"Posted as import {LedgerImport.objects.get().pk}.")
    assert AuditEvent.objects.get(action="ledger_import").reason == "Budget agreed late"


def test_a_file_posted_before_says_which_import_posted_it_and_what_to_do(fund, tmp_path):
    path = ledger_csv(tmp_path / "gl.csv", [row()])
    command("import_ledger", str(path), fund=str(fund.pk), quiet=True)
    err = StringIO()
    with pytest.raises(CommandError, match="rejected"):
        call_command("import_ledger", str(path), fund=str(fund.pk), quiet=True, stdout=StringIO(), stderr=err)
    first = LedgerImport.objects.get(status="posted")
    assert "this file was posted already, by the system operator on" in err.getvalue()
    assert f"as import {first.pk} ('gl.csv', 1 row), so it is not posted twice. To correct" in err.getvalue()


def test_an_empty_file_says_it_is_empty(fund, tmp_path):
    (tmp_path / "gl.csv").write_bytes(b"")
    err = StringIO()
    with pytest.raises(CommandError, match=r"gl.csv was rejected \(1 problem\): nothing was posted."):
        call_command("import_ledger", str(tmp_path / "gl.csv"), fund=str(fund.pk), quiet=True, stdout=StringIO(),
                     stderr=err)
    assert err.getvalue() == "the file is empty (0 bytes): export it again from the finance system\n"


def test_a_dry_run_shows_the_totals_and_posts_nothing(fund, tmp_path):
    out, _ = command("import_ledger", str(ledger_csv(tmp_path / "gl.csv", generated_rows(12))), fund=str(fund.pk),
                     dry_run=True, quiet=True)
    assert out.startswith("Dry run: nothing was posted.\nRows: 12; would post: 12; already posted: 0;")
    assert not JournalLine.objects.exists() and not LedgerImport.objects.exists()


def test_progress_goes_to_stderr_and_to_a_progress_file(fund, tmp_path, monkeypatch):
    monkeypatch.setattr("s75.ledger.import_checks.PROGRESS_EVERY", 50)
    progress_file = tmp_path / "progress.json"
    _, err = command("import_ledger", str(ledger_csv(tmp_path / "gl.csv", generated_rows(200))), fund=str(fund.pk),
                     progress_file=str(progress_file))
    assert "200 rows checked; posting them to the ledger" in err
    progress = json.loads(progress_file.read_text())
    assert (progress["stage"], progress["done"]) == ("posting", 200)


def test_the_mapping_is_chosen_by_name_when_the_fund_has_several(fund, tmp_path):
    call_command("ledger_mapping", fund=str(fund.pk), name="second", columns="posting_date=Date,cost_centre=CC,"
                 "amount=Value", stdout=StringIO())
    path = ledger_csv(tmp_path / "gl.csv", [row()])
    with pytest.raises(CommandError, match="say which column mapping to use: 'finance', 'second'"):
        command("import_ledger", str(path), fund=str(fund.pk))
    with pytest.raises(CommandError, match=r"no column mapping called 'third' \(its mappings: 'finance', 'second'\)"):
        command("import_ledger", str(path), fund=str(fund.pk), mapping="third")
    command("import_ledger", str(path), fund=str(fund.pk), mapping="finance", quiet=True)
    assert LedgerImport.objects.get().mapping_name == "finance"


def test_a_user_sees_only_their_funds_and_needs_the_permission_to_post(fund, tmp_path):
    party = fund.agreement.parties.get(is_host=True)
    path = ledger_csv(tmp_path / "gl.csv", [row()])
    outsider = UserFactory(role="Pooled fund manager")
    with pytest.raises(CommandError, match=f"No fund {fund.pk} was found."):
        command("import_ledger", str(path), fund=str(fund.pk), user=outsider.username)
    board = UserFactory(role="Board member", organisation=party.organisation)
    with pytest.raises(CommandError, match="may not post to the ledger"):
        command("import_ledger", str(path), fund=str(fund.pk), user=board.username)
    command("import_ledger", str(path), fund=str(fund.pk), user=board.username, dry_run=True, quiet=True)
    manager = UserFactory(role="Pooled fund manager", organisation=party.organisation)
    command("import_ledger", str(path), fund=str(fund.pk), user=manager.username, quiet=True)
    assert LedgerImport.objects.get().created_by == manager


def test_ledger_mapping_saves_columns_and_cost_centres_and_shows_them(fund, tmp_path):
    centres = tmp_path / "centres.csv"
    centres.write_text("cost centre,schedule\nCC300,2\nCC100,Reablement\n", encoding="utf-8")
    out, _ = command("ledger_mapping", fund=str(fund.pk), name="finance",
                     columns="posting_date=Date, cost_centre=Cost Centre,amount=Net", cost_centres=str(centres))
    assert out.splitlines() == ["Column mapping 'finance' saved.", "Cost centres: 1 added, 1 changed, 0 removed."]
    out, _ = command("ledger_mapping", fund=str(fund.pk))
    assert out.splitlines() == [
        "Column mapping 'finance': posting_date=Date, cost_centre=Cost Centre, amount=Net",
        "Cost centre CC100 → schedule 2 Reablement",
        "Cost centre CC101 → schedule 1 Joint Equipment Store",
        "Cost centre CC200 → schedule 2 Reablement",
        "Cost centre CC300 → schedule 2 Reablement",
    ]


def test_ledger_mapping_says_what_is_wrong(fund, tmp_path):
    with pytest.raises(CommandError, match="'amount' is not field=Heading"):
        command("ledger_mapping", fund=str(fund.pk), columns="posting_date=Date,amount")
    with pytest.raises(CommandError, match="say which column holds the cost centre"):
        command("ledger_mapping", fund=str(fund.pk), columns="posting_date=Date,amount=Amount")
    centres = tmp_path / "centres.csv"
    centres.write_text("CC1,9\nCC2\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        command("ledger_mapping", fund=str(fund.pk), cost_centres=str(centres))
    assert str(refused.value).splitlines() == [
        "line 1: the agreement has no schedule '9' (its schedules: 1 Joint Equipment Store; 2 Reablement)",
        "line 2: give a cost centre and a schedule, separated by a comma",
    ]


# In processes of their own, against a database of this module's own: a process killed part-way leaves nothing
# posted, and two imports into one fund at once both post exactly once.

BIG = 300_000


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    return ledger_csv(tmp_path_factory.mktemp("files") / "year.csv", generated_rows(BIG))


@pytest.mark.parametrize("stage", ["reading", "posting"])
def test_an_import_killed_part_way_posts_nothing_and_the_file_imports_afterwards(scratch, big_file, tmp_path,
                                                                                  stage):
    before = ledger_counts(scratch)
    progress_file = tmp_path / "progress.json"
    process = scratch.popen("import-ledger", str(big_file), "--fund", str(scratch.fund_id), "--quiet",
                            "--progress-file", str(progress_file))
    try:
        if stage == "reading":
            wait_for(lambda: progress(progress_file).get("done", 0) > 0, seconds=120, what="rows to be read")
        else:
            wait_for(lambda: progress(progress_file).get("stage") == "posting" or process.poll() is not None,
                     seconds=300, what="the posting to start")
            assert process.poll() is None, "the import finished before it could be killed while posting"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)
        process.stdout.close()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    assert ledger_counts(scratch) == before
    if stage == "posting":
        done = scratch.s75("import-ledger", str(big_file), "--fund", str(scratch.fund_id), "--quiet", timeout=600)
        assert done.returncode == 0, done.stderr
        assert f"Rows: {BIG:,}; posted: {BIG:,}; already posted: 0;" in done.stdout
        lines, _, posted = ledger_counts(scratch)
        expenditure = scratch.query(
            "SELECT COUNT(*), SUM(l.amount_pence) FROM ledger_journalline l JOIN ledger_account a "
            "ON a.id = l.account_id WHERE a.role = 'expenditure'")[0]
        assert expenditure == (BIG, rows_total(generated_rows(BIG)))
        assert posted == before[2] + 1
        assert_consistent(scratch)


def test_two_imports_into_one_fund_at_once_both_post_once_with_balances_right(scratch, tmp_path):
    files = [ledger_csv(tmp_path / f"{name}.csv", generated_rows(40_000, prefix=name)) for name in ("AA", "BB")]
    before = ledger_counts(scratch)
    commands = [("import-ledger", str(path), "--fund", str(scratch.fund_id), "--quiet") for path in files]
    if scratch.url.startswith("postgres"):
        processes = [scratch.popen(*command) for command in commands]
        results = [(process.wait(timeout=600), *process.communicate()) for process in processes]
    else:  # SQLite has one writer: the two run one after the other
        results = [(done.returncode, done.stdout, done.stderr) for done in (scratch.s75(*c) for c in commands)]
    for returncode, stdout, stderr in results:
        assert returncode == 0, stderr
        assert "Rows: 40,000; posted: 40,000; already posted: 0;" in stdout
    lines, entries, posted = ledger_counts(scratch)
    assert posted == before[2] + 2
    by_file = dict(scratch.query(
        "SELECT substr(source_line_id, 1, 2), COUNT(*) FROM ledger_journalline WHERE source_line_id LIKE 'AA%' "
        "OR source_line_id LIKE 'BB%' GROUP BY substr(source_line_id, 1, 2)"))
    assert by_file == {"AA": 40_000, "BB": 40_000}
    assert_consistent(scratch)
    if scratch.url.startswith("postgres"):
        # They did run at the same time: each began before the other finished, and the fund's lock took turns.
        (first, second) = scratch.query(
            "SELECT started_at, finished_at FROM ledger_ledgerimport WHERE status = 'posted' ORDER BY id DESC LIMIT 2")
        assert first[0] < second[1] and second[0] < first[1]


def test_the_same_file_imported_twice_at_once_posts_once(scratch, tmp_path):
    if not scratch.url.startswith("postgres"):
        pytest.skip("SQLite takes one writer at a time: the same file one after the other is tested elsewhere")
    path = ledger_csv(tmp_path / "twice.csv", generated_rows(20_000, prefix="TW"))
    processes = [scratch.popen("import-ledger", str(path), "--fund", str(scratch.fund_id), "--quiet")
                 for _ in range(2)]
    results = sorted((process.wait(timeout=600), *process.communicate()) for process in processes)
    assert [returncode for returncode, _, _ in results] == [0, 1]
    assert "this file was posted already" in results[1][2]
    (count,) = scratch.query("SELECT COUNT(*) FROM ledger_journalline WHERE source_line_id LIKE 'TW%'")[0]
    assert count == 20_000
    assert_consistent(scratch)
