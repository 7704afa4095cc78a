"""Each commissioning act reads in the audit trail as plain words."""

from datetime import date
from decimal import Decimal

from s75.audit.models import AuditEvent
from s75.commissioning.models import DisputeOutcome, EndReason
from s75.commissioning.recharges import dispute_mark, dispute_resolve, recharge_post, recharge_reverse
from s75.commissioning.services import package_change, package_end
from s75.core.fiscal import FinancialMonth, FinancialYear
from tests.audit.test_wording import assert_reads_as_words

from .conftest import place


def test_every_commissioning_act_reads_as_words(fund, package, contract, council, nhs):
    april, may = FinancialMonth(FinancialYear(2024), 1), FinancialMonth(FinancialYear(2024), 2)
    joint = place(contract, "PKG-J", [(council, 5000), (nhs, 5000)])
    package_change(actor=None, package=package, effective_from=date(2024, 6, 1), pence_per_unit=2100,
                   units_per_week=Decimal(10))
    package_end(actor=None, package=joint, end_date=date(2024, 9, 30), end_reason=EndReason.NO_LONGER_NEEDED)
    dispute = dispute_mark(actor=None, package=package, party=nhs, month=may, reason="Hours not delivered")
    dispute_resolve(actor=None, dispute=dispute, outcome=DisputeOutcome.WITHDRAWN)
    recharge = recharge_post(actor=None, agreement=fund.agreement, party=nhs, month=april, today=date(2024, 7, 1))
    recharge_reverse(actor=None, recharge=recharge, reason="Invoice corrected")
    actions = {"provider_create", "contract_create", "package_create", "package_change", "package_end",
               "dispute_mark", "dispute_resolve", "recharge_post", "recharge_reverse"}
    events = AuditEvent.objects.filter(action__in=actions)
    assert set(events.values_list("action", flat=True)) == actions
    for event in events:
        assert_reads_as_words(event)
