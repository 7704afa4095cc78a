"""Clause bodies: checked and rendered with Django's template engine, then read as paragraphs and bullets.

A body is plain text with placeholders (``{{ host.name }}``, ``{% for party in parties %}``). After rendering, a
blank line ends a paragraph and a line starting ``- `` is a bullet. The engine does not escape HTML: the text
goes into a Word document, not a web page.
"""

from dataclasses import dataclass

from django.template import Context, Engine, TemplateSyntaxError

ENGINE = Engine(autoescape=False)
BULLET = "- "


@dataclass(frozen=True)
class Block:
    text: str
    bullet: bool


def clause_body_problem(body: str) -> str | None:
    """Why ``body`` cannot be used as a clause template, or ``None`` when it can."""
    if not body.strip():
        return "Enter the clause's text"
    try:
        ENGINE.from_string(body)
    except TemplateSyntaxError as error:
        return f"The clause's placeholders cannot be read: {error}"
    return None


def clause_render(body: str, context: dict) -> list[Block]:
    """The clause's paragraphs and bullets for one agreement, empty ones left out."""
    text = ENGINE.from_string(body).render(Context(context, autoescape=False))
    blocks: list[Block] = []
    paragraph: list[str] = []

    def end_paragraph() -> None:
        if paragraph:
            blocks.append(Block(" ".join(paragraph), bullet=False))
            paragraph.clear()

    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            end_paragraph()
        elif line.startswith(BULLET):
            end_paragraph()
            if line[len(BULLET):].strip():
                blocks.append(Block(line[len(BULLET):].strip(), bullet=True))
        else:
            paragraph.append(line)
    end_paragraph()
    return blocks
