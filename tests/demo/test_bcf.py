"""The demo's Better Care Fund: NHS England and its assurer, Leicestershire's manager, and loading it again adds
nothing."""

import pytest
from django.core.management import call_command

from s75.audit.models import AuditEvent
from s75.bcf.models import Allocation, ExpenditureLine, Income, ListItem, MetricValue, Plan
from s75.bcf.permissions import ASSURE_PLAN, VIEW_NATIONAL
from s75.demo.services import demo_load
from s75.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Plan, Income, ExpenditureLine, MetricValue,
                                                                Allocation, ListItem, Organisation)} | {
        "bcf audit": AuditEvent.objects.filter(action__startswith="bcf_").count()}


def test_nhs_england_and_its_assurer(django_user_model):
    demo_load()
    nhse = Organisation.objects.get(ods_code="X24")
    assert (nhse.name, nhse.kind) == ("NHS England", "nhs_england")
    assessor = django_user_model.objects.get(username="nhse.bcf")
    assert assessor.organisation == nhse
    assert assessor.has_perm(ASSURE_PLAN) and assessor.has_perm(VIEW_NATIONAL)
    manager = django_user_model.objects.get(username="leics.manager")
    assert (manager.organisation.ons_code, [group.name for group in manager.groups.all()]) == (
        "E10000018", ["Pooled fund manager"])


def test_loading_the_demo_again_adds_no_bcf_rows():
    demo_load()
    before = counts()
    assert before["Plan"] == 2
    call_command("load_demo", verbosity=0)
    assert counts() == before
