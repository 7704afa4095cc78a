import json
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from s75.agreements.document import agreement_document
from s75.agreements.file_reading import agreement_file_read
from s75.agreements.models import Agreement
from s75.organisations.selectors import organisation_get_by_code
from tests.factories import UserFactory

LUTON_FILE = Path(__file__).parent / "data" / "luton-s75-2013.yaml"


def run(*args, **options) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    call_command(*args, stdout=stdout, stderr=stderr, **options)
    return stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def luton(db) -> Agreement:
    run("load_agreement", str(LUTON_FILE))
    return Agreement.objects.get(reference="luton-s75-2013")


@pytest.fixture
def outsider(db):
    """A pooled fund manager at a council that is no party to the Luton agreement."""
    return UserFactory(username="outsider", organisation=organisation_get_by_code(code="E06000055"),
                       role="Pooled fund manager")


@pytest.fixture
def icb_manager(db):
    """A pooled fund manager at the ICB that succeeded NHS Luton CCG."""
    return UserFactory(username="icb-manager", organisation=organisation_get_by_code(code="QHG"),
                       role="Pooled fund manager")


@pytest.mark.django_db
def test_load_agreement_prints_the_agreement_it_created():
    stdout, stderr = run("load_agreement", str(LUTON_FILE))

    agreement = Agreement.objects.get()
    assert stdout == f"Loaded agreement {agreement.pk}: luton-s75-2013 (Luton Section 75 and 76 Agreement), in force.\n"
    assert stderr == ""


@pytest.mark.django_db
def test_load_agreement_prints_every_problem_and_loads_nothing(tmp_path):
    document = agreement_file_read(LUTON_FILE)
    document["schedules"][0]["contributions"][0]["amount"] = "44,500.001"
    document["approvals"][1]["decided_on"] = "2013-02-30"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document), encoding="utf-8")
    stderr = StringIO()

    with pytest.raises(CommandError, match=r"broken.json: 2 problems; nothing was loaded\.$"):
        call_command("load_agreement", str(broken), stdout=StringIO(), stderr=stderr)

    assert stderr.getvalue().splitlines() == [
        "schedules[0].contributions[0].amount: '44,500.001' has fractions of a penny: give at most two decimal places",
        "approvals[1].decided_on: '2013-02-30' is not a date: write it as YYYY-MM-DD, e.g. 2024-04-01",
    ]
    assert not Agreement.objects.exists()


@pytest.mark.django_db
def test_load_agreement_reports_a_syntax_error_with_its_line_and_column(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: s75-agreement/1\nparties:\n  - organisation: [QHG\n", encoding="utf-8")
    stderr = StringIO()

    with pytest.raises(CommandError, match="1 problem;"):
        call_command("load_agreement", str(broken), stdout=StringIO(), stderr=stderr)

    assert stderr.getvalue() == "line 4, column 1: expected ',' or ']', but got '<stream end>' (while parsing a flow " \
                                "sequence)\n"


@pytest.mark.django_db
def test_load_agreement_as_a_user_needs_the_permission_and_a_place_among_the_parties(outsider, icb_manager):
    UserFactory(username="reader", organisation=icb_manager.organisation)

    with pytest.raises(CommandError, match="reader may not load agreements"):
        run("load_agreement", str(LUTON_FILE), user="reader")
    with pytest.raises(CommandError, match="is not a party to this agreement"):
        run("load_agreement", str(LUTON_FILE), user="outsider")
    assert not Agreement.objects.exists()

    run("load_agreement", str(LUTON_FILE), user="icb-manager")
    assert Agreement.objects.get().created_by == icb_manager


def test_an_unknown_user_is_refused(db):
    with pytest.raises(CommandError, match="No user is called 'nobody'"):
        run("agreements", user="nobody")


def test_agreements_lists_every_agreement_for_the_system_operator(luton):
    stdout, _ = run("agreements")

    assert stdout.splitlines() == [
        "Reference       Title                              Status    Term                        Partners",
        "luton-s75-2013  Luton Section 75 and 76 Agreement  In force  01 Apr 2013 to 31 Mar 2016  Luton Borough "
        "Council, NHS Luton Clinical Commissioning Group",
    ]


def test_agreements_as_json(luton):
    stdout, _ = run("agreements", "--json")

    assert json.loads(stdout) == [{
        "id": luton.pk, "reference": "luton-s75-2013", "title": "Luton Section 75 and 76 Agreement",
        "status": "in_force", "term": {"start": "2013-04-01", "end": "2016-03-31"},
        "partners": [
            {"organisation": "E06000032", "name": "Luton Borough Council", "host": True},
            {"organisation": "06P", "name": "NHS Luton Clinical Commissioning Group", "host": False},
        ],
    }]


def test_agreements_shows_a_user_only_what_they_may_see(luton, outsider, icb_manager, monkeypatch):
    assert run("agreements", user="outsider")[0] == "No agreements.\n"
    assert json.loads(run("agreements", "--json", user="icb-manager")[0])[0]["reference"] == "luton-s75-2013"

    monkeypatch.setenv("S75_USER", "outsider")
    assert json.loads(run("agreements", "--json")[0]) == []


def test_export_agreement_writes_the_document_as_yaml_or_json(luton):
    expected = agreement_document(agreement=luton)

    as_yaml, _ = run("export_agreement", "luton-s75-2013")
    as_json, _ = run("export_agreement", str(luton.pk), format="json")

    assert yaml.safe_load(as_yaml)["agreement"]["terms"]["fund_management"] == (
        expected["agreement"]["terms"]["fund_management"]
    )
    assert "  fund_management: |\n      The Council hosts the pooled fund. The pooled fund manager" in as_yaml
    assert json.loads(as_json) == expected


def test_export_agreement_is_scoped_to_what_the_user_may_see(luton, outsider, icb_manager):
    with pytest.raises(CommandError, match="No agreement 'luton-s75-2013' was found"):
        run("export_agreement", "luton-s75-2013", user="outsider")
    with pytest.raises(CommandError, match=f"No agreement '{luton.pk}' was found"):
        run("export_agreement", str(luton.pk), user="outsider")
    with pytest.raises(CommandError, match="No agreement 'elsewhere' was found"):
        run("export_agreement", "elsewhere")

    stdout, _ = run("export_agreement", "luton-s75-2013", user="icb-manager")
    assert stdout.startswith("format: s75-agreement/1\nagreement:\n  reference: luton-s75-2013\n")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["luton.yaml", "luton.json"])
def test_a_file_exported_by_the_command_loads_back_to_the_same_document(tmp_path, name):
    out = tmp_path / name
    with transaction.atomic():
        run("load_agreement", str(LUTON_FILE))
        stdout, _ = run("export_agreement", "luton-s75-2013", out=str(out))
        exported = agreement_document(agreement=Agreement.objects.get())
        transaction.set_rollback(True)
    assert stdout == f"Wrote luton-s75-2013 to {out}.\n"
    assert out.read_text(encoding="utf-8").startswith("{" if name.endswith(".json") else "format:")

    run("load_agreement", str(out))

    assert agreement_document(agreement=Agreement.objects.get()) == exported


def test_help_says_who_a_command_runs_as_without_a_user(db, capsys):
    for command in ("agreements", "load_agreement", "export_agreement"):
        with pytest.raises(SystemExit):
            call_command(command, "--help")
        assert "runs as the system operator" in " ".join(capsys.readouterr().out.split())


def test_renew_agreement_drafts_the_renewal_with_the_successor_icb(outsider):
    from datetime import date

    from s75.agreements.models import Agreement
    from s75.demo.services import demo_load

    demo_load()
    with pytest.raises(CommandError, match="No agreement 'bexley-s75-2021' was found"):
        call_command("renew_agreement", "bexley-s75-2021", "--reference=x", "--start=2027-04-01",
                     "--end=2030-03-31", f"--user={outsider.username}")
    out = StringIO()
    renew = ["renew_agreement", "bexley-s75-2021", "--reference=bexley-s75-2027", "--start=2027-04-01",
             "--end=2030-03-31"]
    call_command(*renew, stdout=out)
    assert "Drafted bexley-s75-2027" in out.getvalue()
    renewal = Agreement.objects.get(reference="bexley-s75-2027")
    assert (renewal.start_date, renewal.status, renewal.predecessor.reference) == (
        date(2027, 4, 1), "draft", "bexley-s75-2021"
    )
    assert [p.organisation.code for p in renewal.parties.all()] == ["E09000004", "QKK"]
    with pytest.raises(CommandError, match="'bexley-s75-2027' is already used in Bexley's register: choose another"):
        call_command(*renew)
