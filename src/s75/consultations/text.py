"""A consultation's full text, FAQ answers and outcome: plain text with a few marks, shown as GOV.UK markup.

``## Heading`` and ``### Heading`` are headings, lines starting ``- `` or ``* `` are a bulleted list, a blank line
ends a paragraph, and ``[words](https://…)`` is a link (web and mailto addresses only). Everything else is text:
the input is escaped before any markup is added, so no HTML typed in reaches the page.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https?://|mailto:)[^\s)]+)\)")
_BULLET = re.compile(r"^\s*(?:[-*•])\s+")


def _inline(text: str) -> str:
    return _LINK.sub(lambda match: f'<a class="govuk-link" href="{match.group(2)}">{match.group(1)}</a>',
                     escape(text))


def render_text(text: str) -> SafeString:
    """``text`` as headings, paragraphs, bulleted lists and links; escaped throughout."""
    blocks: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(f'<p class="govuk-body">{" ".join(_inline(line) for line in paragraph)}</p>')
            paragraph.clear()
        if items:
            blocks.append('<ul class="govuk-list govuk-list--bullet">'
                          + "".join(f"<li>{_inline(item)}</li>" for item in items) + "</ul>")
            items.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("### "):
            flush()
            blocks.append(f'<h3 class="govuk-heading-s">{_inline(line[4:])}</h3>')
        elif line.startswith("## "):
            flush()
            blocks.append(f'<h2 class="govuk-heading-m">{_inline(line[3:])}</h2>')
        elif _BULLET.match(line):
            if paragraph:
                flush()
            items.append(_BULLET.sub("", line))
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return mark_safe("\n".join(blocks))  # noqa: S308 - every piece of the input was escaped by _inline
