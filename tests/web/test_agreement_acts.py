"""The agreement page offers an act only where the lifecycle's rules let the service make it: each act offered
succeeds, and each the service would refuse is not offered (a move that is not ready is listed with what it needs)."""

import re
from datetime import date

import pytest
from django.db import transaction
from django.urls import reverse

from s75.agreements.models import AgreementStatus
from s75.agreements.renewal import agreement_renew
from s75.agreements.services import (
    AgreementError,
    VariationDetails,
    agreement_transition,
    agreement_update,
    approval_record,
)

from .luton import luton_approve, luton_bring_into_force

pytestmark = pytest.mark.django_db

STAGES = ["draft", "approvable", "approved", "in_force"]


def _at_stage(stage, agreement, actor):
    if stage == "in_force":
        return luton_bring_into_force(actor=actor, agreement=agreement)
    if stage in {"approvable", "approved"}:
        luton_approve(actor=actor, agreement=agreement)
    if stage == "approved":
        agreement_transition(actor=actor, agreement=agreement, to_status=AgreementStatus.APPROVED, reason="Approved")
    return agreement


def _succeeds(act) -> bool:
    """Whether the service makes the act, which is then undone so that the next can be tried on the same state."""
    try:
        with transaction.atomic():
            act()
            transaction.set_rollback(True)
    except AgreementError:
        return False
    return True


@pytest.mark.parametrize("stage", STAGES)
def test_each_move_offered_succeeds_and_no_move_that_would_be_refused_is_offered(
    stage, manager_client, luton, luton_manager,
):
    agreement = _at_stage(stage, luton, luton_manager)
    page = manager_client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    offered = set(re.findall(r'name="move" type="radio" value="([^"]+)"', page))
    moves = {"draft": ["consultation", "approved"], "approvable": ["consultation", "approved"],
             "approved": ["draft", "in_force"], "in_force": ["ended:expired", "ended:terminated", "ended:superseded"]}
    for move in moves[stage]:
        to_status, _, end_reason = move.partition(":")
        works = _succeeds(lambda to_status=to_status, end_reason=end_reason: agreement_transition(
            actor=luton_manager, agreement=agreement, to_status=to_status, end_reason=end_reason, reason="Because"))
        assert (move in offered) == works, move  # both judged as at today
    assert offered, "every stage of Luton's agreement has a move that is ready"


@pytest.mark.parametrize("stage", STAGES)
def test_change_approval_and_renewal_are_offered_exactly_when_the_service_allows_them(
    stage, manager_client, luton, luton_manager,
):
    agreement = _at_stage(stage, luton, luton_manager)
    page = manager_client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    variation = VariationDetails(effective_from=date(2014, 4, 1), description="New title") if stage == "in_force" \
        else None
    may_change = _succeeds(lambda: agreement_update(actor=luton_manager, agreement=agreement, title="New",
                                                        variation=variation))
    assert (reverse("agreements:edit", args=[agreement.pk]) in page) == may_change
    party = agreement.parties.first()
    may_approve = _succeeds(lambda: approval_record(actor=luton_manager, agreement=agreement, party=party,
                                                    decided_on=date(2013, 3, 25), decision_maker="Executive"))
    assert (reverse("agreements:approval_record", args=[agreement.pk]) in page) == may_approve
    may_renew = _succeeds(lambda: agreement_renew(actor=luton_manager, agreement=agreement, reference="luton-renewed",
                                                  start_date=date(2016, 4, 1), end_date=date(2019, 3, 31)))
    assert (reverse("agreements:renew", args=[agreement.pk]) in page) == may_renew


def test_a_move_not_ready_is_listed_with_what_it_needs(manager_client, luton):
    page = manager_client.get(reverse("agreements:detail", args=[luton.pk])).content.decode()
    assert 'value="consultation"' in page and 'value="approved"' not in page
    unready = page[page.index("Not yet possible"):]
    assert "Luton Borough Council has not recorded its approval" in unready


def test_an_approved_agreement_cannot_be_edited_until_it_is_reopened(manager_client, luton, luton_manager):
    _at_stage("approved", luton, luton_manager)
    assert manager_client.get(reverse("agreements:edit", args=[luton.pk])).status_code == 403
