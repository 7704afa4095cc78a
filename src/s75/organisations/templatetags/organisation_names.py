"""``{{ organisation|current_name }}``: an organisation as pages name it, with what took on its functions."""

from django import template

from s75.organisations.selectors import organisation_display_name

register = template.Library()


@register.filter
def current_name(organisation) -> str:
    return organisation_display_name(organisation=organisation)
