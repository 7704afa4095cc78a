"""An agreement's audit trail narrowed by date (London's days), person, kind of change and words of what it says."""

from datetime import UTC, date, datetime
from unittest import mock

import pytest
from django.db import transaction

from s75.audit.selectors import BY_SYSTEM, AuditChoice, audit_kinds, audit_people, audit_trail
from s75.audit.services import audit_record
from tests.factories import UserFactory, complete_agreement

pytestmark = pytest.mark.django_db


def _record(*, at: datetime, actor, action: str, agreement, after: dict) -> None:
    with mock.patch("django.utils.timezone.now", return_value=at), transaction.atomic():
        audit_record(actor=actor, action=action, obj=agreement, agreement=agreement, after=after)


@pytest.fixture
def trail():
    agreement = complete_agreement()
    pat = UserFactory(first_name="Pat", last_name="Manager")
    kim = UserFactory(first_name="Kim", last_name="Finance")
    # 23:30 on 30 June in UTC is half past midnight on 1 July in London.
    _record(at=datetime(2024, 6, 30, 23, 30, tzinfo=UTC), actor=pat, action="ledger_import", agreement=agreement,
            after={"file": "gl-march.csv", "sha256": "ab", "rows_total": 4210, "rows_posted": 4210,
                   "rows_already_posted": 0, "total": "£1,234,567.89", "entries": 12})
    _record(at=datetime(2024, 6, 29, 10, 0, tzinfo=UTC), actor=pat, action="ledger_import", agreement=agreement,
            after={"file": "gl-february.csv", "sha256": "cd", "rows_total": 12, "rows_posted": 12,
                   "rows_already_posted": 0, "total": "£5.00", "entries": 1})
    _record(at=datetime(2024, 7, 2, 9, 0, tzinfo=UTC), actor=kim, action="period_close", agreement=agreement,
            after={"period": "2024-25/M03"})
    return agreement, pat, kim


def _sentences(agreement, **choice) -> list[str]:
    return [line.sentence for line in audit_trail(agreement=agreement, choice=AuditChoice(**choice))
            if not line.sentence.startswith("The system")]  # the agreement's own making, by the factory


def test_unnarrowed_the_trail_is_every_event_newest_first(trail):
    agreement, _, _ = trail
    assert _sentences(agreement) == [
        "Kim Finance closed the period 2024-25/M03",
        "Pat Manager imported gl-march.csv: 4,210 lines, £1,234,567.89",
        "Pat Manager imported gl-february.csv: 12 lines, £5.00",
    ]


def test_dates_are_londons_days_from_and_to_inclusive(trail):
    agreement, _, _ = trail
    assert _sentences(agreement, since=date(2024, 7, 1), until=date(2024, 7, 1)) == [
        "Pat Manager imported gl-march.csv: 4,210 lines, £1,234,567.89",
    ]
    assert _sentences(agreement, until=date(2024, 6, 30)) == ["Pat Manager imported gl-february.csv: 12 lines, £5.00"]
    assert _sentences(agreement, since=date(2024, 7, 2)) == ["Kim Finance closed the period 2024-25/M03"]


def test_by_person_and_by_kind_of_change(trail):
    agreement, pat, kim = trail
    assert _sentences(agreement, person=str(kim.pk)) == ["Kim Finance closed the period 2024-25/M03"]
    assert len(_sentences(agreement, person=str(pat.pk), action="ledger_import")) == 2
    assert _sentences(agreement, person=str(kim.pk), action="ledger_import") == []
    made_by_system = audit_trail(agreement=agreement, choice=AuditChoice(person=BY_SYSTEM))
    assert len(made_by_system) > 0 and all(line.who == "The system" for line in made_by_system)


def test_words_find_an_import_by_its_file_or_by_what_the_sentence_says(trail):
    agreement, _, _ = trail
    assert _sentences(agreement, words="gl-march") == ["Pat Manager imported gl-march.csv: 4,210 lines, £1,234,567.89"]
    assert _sentences(agreement, words="IMPORTED february") == ["Pat Manager imported gl-february.csv: 12 lines, £5.00"]
    assert len(_sentences(agreement, words="general-ledger import")) == 2  # the kind of change
    assert _sentences(agreement, words="imported kim") == []  # every word must be found


def test_the_choices_are_the_people_and_kinds_of_the_agreements_own_trail(trail):
    agreement, pat, kim = trail
    assert audit_people(agreement=agreement) == [(str(kim.pk), "Kim Finance"), (str(pat.pk), "Pat Manager"),
                                                 (BY_SYSTEM, "The system")]
    kinds = dict(audit_kinds(agreement=agreement))
    assert kinds["ledger_import"] == "General-ledger import"
    assert kinds["period_close"] == "Period closed"
    other = complete_agreement(reference="another-s75")
    assert "period_close" not in dict(audit_kinds(agreement=other))
