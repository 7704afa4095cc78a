"""The status of a consultation from its times, around the Europe/London clock change."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from s75.consultations.models import Consultation
from s75.consultations.status import consultation_status

LONDON = ZoneInfo("Europe/London")


def _consultation(opens_at, closes_at, published_at=None) -> Consultation:
    return Consultation(opens_at=opens_at, closes_at=closes_at, outcome_published_at=published_at)


def test_each_status_in_turn():
    consultation = _consultation(datetime(2020, 12, 10, 12, tzinfo=LONDON), datetime(2021, 3, 4, 12, tzinfo=LONDON))
    assert consultation_status(consultation, now=datetime(2020, 12, 10, 11, 59, tzinfo=LONDON)) == "forthcoming"
    assert consultation_status(consultation, now=datetime(2020, 12, 10, 12, tzinfo=LONDON)) == "open"
    assert consultation_status(consultation, now=datetime(2021, 3, 4, 11, 59, tzinfo=LONDON)) == "open"
    assert consultation_status(consultation, now=datetime(2021, 3, 4, 12, tzinfo=LONDON)) == "closed"
    consultation.outcome_published_at = datetime(2021, 4, 1, 9, tzinfo=LONDON)
    assert consultation_status(consultation, now=datetime(2021, 3, 31, tzinfo=LONDON)) == "closed"
    assert consultation_status(consultation, now=datetime(2021, 4, 1, 9, tzinfo=LONDON)) == "outcome_published"


@pytest.mark.parametrize(("now_utc", "expected"), [
    # Clocks go forward at 01:00 UTC on 28 March 2021: 01:30 UTC is 02:30 BST, an hour after 01:30 local.
    (datetime(2021, 3, 28, 0, 29, tzinfo=UTC), "open"),
    (datetime(2021, 3, 28, 0, 30, tzinfo=UTC), "closed"),
])
def test_closing_at_a_london_time_after_the_clocks_go_forward(now_utc, expected):
    closes = datetime(2021, 3, 28, 0, 30, tzinfo=UTC)
    assert closes.astimezone(LONDON).strftime("%H:%M %Z") == "00:30 GMT"
    consultation = _consultation(datetime(2021, 3, 1, tzinfo=LONDON), closes)
    assert consultation_status(consultation, now=now_utc) == expected


def test_closes_at_01_30_utc_on_the_day_the_clocks_go_forward():
    # 01:30 UTC on 28 March 2021 is 02:30 BST: the clocks went forward at 01:00 UTC. A reader in London saw 00:59
    # GMT then 02:00 BST, so "01:30 local" never happened; the status follows the instant, not the wall clock.
    closes = datetime(2021, 3, 28, 1, 30, tzinfo=UTC)
    assert closes.astimezone(LONDON).strftime("%H:%M %Z") == "02:30 BST"
    consultation = _consultation(datetime(2021, 3, 1, tzinfo=LONDON), closes)
    assert consultation_status(consultation, now=datetime(2021, 3, 28, 2, 15, tzinfo=LONDON)) == "open"
    assert consultation_status(consultation, now=datetime(2021, 3, 28, 2, 30, tzinfo=LONDON)) == "closed"


def test_closing_in_the_hour_repeated_when_the_clocks_go_back():
    # On 31 October 2021 01:30 London happens twice: fold=0 is BST (00:30 UTC), fold=1 is GMT (01:30 UTC).
    first = datetime(2021, 10, 31, 1, 30, tzinfo=LONDON)
    second = datetime(2021, 10, 31, 1, 30, fold=1, tzinfo=LONDON)
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)
    consultation = _consultation(datetime(2021, 10, 1, tzinfo=LONDON), first)
    assert consultation_status(consultation, now=datetime(2021, 10, 31, 1, 0, tzinfo=UTC)) == "closed"
    consultation.closes_at = second
    assert consultation_status(consultation, now=datetime(2021, 10, 31, 1, 0, tzinfo=UTC)) == "open"
