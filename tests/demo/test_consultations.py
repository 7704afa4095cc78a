"""The demo's consultations: Bexley's from the seed, closed, with its generated responses; Hampshire's open with its
five CCGs; loaded once however often run, and the same responses every time."""

from datetime import datetime
from importlib import resources
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from s75.agreements.file_loading import agreement_load
from s75.agreements.file_reading import agreement_file_read
from s75.consultations.models import Channel, Consultation, Response
from s75.consultations.status import consultation_status
from s75.demo.consultations import consultations_demo_load
from s75.demo.governance import governance_demo_load
from s75.demo.services import DEMO_FILES

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def partnerships():
    for filename in DEMO_FILES:
        agreement_load(actor=None, document=agreement_file_read(resources.files("s75.demo").joinpath("data", filename)))
    governance_demo_load()


def test_bexley_closed_with_its_responses_and_hampshire_open(partnerships):
    consultations_demo_load()
    now = timezone.now()
    bexley = Consultation.objects.get(slug="bexley-s75-renewal-2021")
    assert (bexley.opens_at, bexley.closes_at) == (datetime(2020, 12, 10, 12, tzinfo=LONDON),
                                                   datetime(2021, 3, 4, 12, tzinfo=LONDON))
    assert consultation_status(bexley, now=now) == "outcome_published"
    assert bexley.outcome_decision.minute_reference == "Demo 21/12"
    assert bexley.outcome_summary.startswith("We asked whether the Council and the CCG")
    assert [contact.name for contact in bexley.contacts.all()] == ["Alison Rogers", "Steven Burgess"]
    assert bexley.responses.count() == 320
    assert bexley.responses.exclude(channel=Channel.ONLINE).exists()
    assert bexley.themes.count() == 6 and bexley.themes.filter(answers__isnull=False).distinct().count() == 6
    hampshire = Consultation.objects.get(slug="hampshire-lead-commissioning")
    assert consultation_status(hampshire, now=now) == "open"
    assert hampshire.partners.count() == 6
    references = sorted(Response.objects.values_list("channel", "received_at"))
    consultations_demo_load()
    assert sorted(Response.objects.values_list("channel", "received_at")) == references
