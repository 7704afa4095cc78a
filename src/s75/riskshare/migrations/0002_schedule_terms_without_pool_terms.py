"""A schedule's own risk-share terms no longer carry caps, offsetting or a contingency reserve (docs/risk-share.md):
the settlement never applied them, so clearing them changes no figure. Each set of terms cleared gets an audit
record saying what it held, so that the partners can move a cap to the fund's terms if that is what they meant."""

from django.db import migrations
from django.db.models import Q

REASON = ("A schedule's terms carry no caps, offsetting or contingency reserve: these work across the whole pool for "
          "the year and are set in the fund's terms. They were never applied to this schedule, so clearing them "
          "changes no settlement figure.")


def _held(terms) -> dict:
    return {
        "offset_first": terms.offset_first, "contingency_reserve_pence": terms.contingency_reserve_pence,
        "caps": [{"party_id": term.party_id, "cap_pence": term.cap_pence,
                  "cap_percent": None if term.cap_percent is None else str(term.cap_percent)}
                 for term in terms.party_terms.order_by("party_id")
                 if term.cap_pence is not None or term.cap_percent is not None],
    }


def clear_pool_terms_on_schedules(apps, schema_editor):
    RiskShareTerms = apps.get_model("riskshare", "RiskShareTerms")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    carrying = RiskShareTerms.objects.filter(schedule__isnull=False).filter(
        Q(offset_first=True) | Q(contingency_reserve_pence__gt=0) | Q(party_terms__cap_pence__isnull=False)
        | Q(party_terms__cap_percent__isnull=False)
    ).distinct()
    for terms in carrying:
        before = _held(terms)
        terms.offset_first, terms.contingency_reserve_pence = False, 0
        terms.save(update_fields=["offset_first", "contingency_reserve_pence", "modified_at"])
        terms.party_terms.filter(fixed_percent__isnull=True).delete()
        terms.party_terms.update(cap_pence=None, cap_percent=None)
        AuditEvent.objects.create(
            action="risk_share_terms_cleared_of_pool_terms", object_type="riskshare.RiskShareTerms",
            object_id=str(terms.pk), object_repr=f"Risk share for schedule {terms.schedule_id}",
            agreement_id=terms.agreement_id, before=before, after=_held(terms), reason=REASON,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("riskshare", "0001_initial"),
        ("audit", "0002_append_only"),
    ]

    operations = [migrations.RunPython(clear_pool_terms_on_schedules, migrations.RunPython.noop)]
