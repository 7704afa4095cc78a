"""Clause bodies: checked and rendered with Django's template engine, then read as paragraphs and bullets.

A body is plain text with placeholders (``{{ host.name }}``, ``{% for party in parties %}``). After rendering, a
blank line ends a paragraph and a line starting ``- `` is a bullet. The engine does not escape HTML: the text
goes into a Word document, not a web page.

A body is written by a user, so its language is bounded: only the tags and filters listed here (none that pads,
repeats or multiplies text, none that loads other libraries or reads files), and a clause's loops stop, with a
clear message, after ``MAX_REPEATS`` repetitions or ``MAX_LOOP_TEXT`` characters. A body longer than ``MAX_BODY``
is refused.
"""

from dataclasses import dataclass

from django.template import (
    Context,
    Engine,
    Library,
    Node,
    NodeList,
    TemplateSyntaxError,
    defaultfilters,
    defaulttags,
)

MAX_BODY = 20_000
MAX_REPEATS = 10_000
MAX_LOOP_TEXT = 200_000
TAGS = ("comment", "firstof", "if", "templatetag", "verbatim", "with")
FILTERS = ("capfirst", "cut", "date", "default", "default_if_none", "divisibleby", "first", "last", "length",
           "lower", "pluralize", "slice", "time", "title", "truncatewords", "upper", "wordcount", "yesno")
BULLET = "- "
_SPENT = "s75_clause_loops"

register = Library()


class ClauseTooLong(Exception):
    """A clause whose loops ran past the bounds; the message says so in words an editor can act on."""


class _CountedLoopBody(Node):
    """A ``{% for %}`` loop's body, counting every repetition and the text it writes against the clause's bounds."""

    child_nodelists = ("nodelist",)

    def __init__(self, nodelist: NodeList):
        self.nodelist = nodelist

    def render(self, context):
        spent = context.render_context.get(_SPENT)
        if spent is None:
            spent = context.render_context[_SPENT] = {"repeats": 0, "text": 0}
        spent["repeats"] += 1
        if spent["repeats"] > MAX_REPEATS:
            raise ClauseTooLong(f"its loops repeat more than {MAX_REPEATS:,} times: check its {{% for %}} tags")
        text = self.nodelist.render(context)
        spent["text"] += len(text)
        if spent["text"] > MAX_LOOP_TEXT:
            raise ClauseTooLong(f"its loops write more than {MAX_LOOP_TEXT:,} characters: check its {{% for %}} tags")
        return text


@register.tag("for")
def counted_for(parser, token):
    node = defaulttags.do_for(parser, token)
    node.nodelist_loop = NodeList([_CountedLoopBody(node.nodelist_loop)])
    return node


@register.filter("join")
def list_join(value, separator):
    """Join a list's items; text is left as it is (joining text on itself is how a few bytes become gigabytes)."""
    if isinstance(value, str):
        return value
    return defaultfilters.join(value, separator, autoescape=False)


register.tags.update({name: defaulttags.register.tags[name] for name in TAGS})
register.filters.update({name: defaultfilters.register.filters[name] for name in FILTERS})


class _ClauseEngine(Engine):
    default_builtins = ["s75.documents.clauses"]


ENGINE = _ClauseEngine(autoescape=False)


@dataclass(frozen=True)
class Block:
    text: str
    bullet: bool


def _rendered(body: str, context: dict) -> str:
    return ENGINE.from_string(body).render(Context(context, autoescape=False))


def clause_body_problem(body: str) -> str | None:
    """Why ``body`` cannot be used as a clause template, or ``None`` when it can. Besides reading it, it is drawn
    up once with no agreement, which stops loops over fixed text that would run away whatever the agreement."""
    if not body.strip():
        return "Enter the clause's text"
    if len(body) > MAX_BODY:
        return f"The clause is {len(body):,} characters long: a clause may have at most {MAX_BODY:,}"
    try:
        _rendered(body, {})
    except TemplateSyntaxError as error:
        return f"The clause's placeholders cannot be read: {error}"
    except ClauseTooLong as error:
        return f"The clause cannot be drawn up: {error}"
    return None


def clause_render(body: str, context: dict) -> list[Block]:
    """The clause's paragraphs and bullets for one agreement, empty ones left out; ``ClauseTooLong`` when its
    loops run past the bounds."""
    text = _rendered(body, context)
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
