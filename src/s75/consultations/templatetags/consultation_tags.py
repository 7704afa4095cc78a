"""Template filters of the consultation pages: text with a few marks, file sizes, London times."""

from django import template
from django.utils import timezone

from ..text import render_text

register = template.Library()


@register.filter
def consultation_text(text: str):
    return render_text(text or "")


@register.filter
def london_time(moment) -> str:
    """``4 March 2021, 12:00pm`` in Europe/London."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y}, {local.hour % 12 or 12}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


@register.filter
def file_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"
