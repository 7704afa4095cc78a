"""How an agreement's status shows on pages: one GOV.UK tag colour per lifecycle state."""

from django import template
from django.utils.html import format_html

from s75.agreements.models import AgreementStatus

register = template.Library()

TAG_COLOURS = {
    AgreementStatus.DRAFT: "govuk-tag--grey",
    AgreementStatus.CONSULTATION: "govuk-tag--yellow",
    AgreementStatus.APPROVED: "govuk-tag--turquoise",
    AgreementStatus.IN_FORCE: "govuk-tag--green",
    AgreementStatus.ENDED: "govuk-tag--purple",
}


@register.simple_tag
def status_tag(status: str) -> str:
    return format_html('<strong class="govuk-tag {}">{}</strong>', TAG_COLOURS[status], AgreementStatus(status).label)


def _shown(value) -> str:
    if value is None or value == "":
        return "blank"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@register.simple_tag
def audit_changes(before, after) -> list[dict]:
    """The fields an audit event changed, each with its value before and after as text; ``None`` where the field
    had no value on that side (it was created or removed)."""
    before, after = before or {}, after or {}
    changes = []
    for field in dict.fromkeys([*before, *after]):
        if field in before and field in after and before[field] == after[field]:
            continue
        changes.append({
            "field": field,
            "before": _shown(before[field]) if field in before else None,
            "after": _shown(after[field]) if field in after else None,
        })
    return changes


@register.filter
def widget_attr(field, name: str) -> str:
    """An HTML attribute the form set on a field's widget (``govuk-input--width-10``, ``numeric``), or ``""``."""
    return field.field.widget.attrs.get(name, "")
