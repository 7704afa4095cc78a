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


@register.filter
def widget_attr(field, name: str) -> str:
    """An HTML attribute the form set on a field's widget (``govuk-input--width-10``, ``numeric``), or ``""``."""
    return field.field.widget.attrs.get(name, "")
