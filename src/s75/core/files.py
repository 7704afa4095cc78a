"""What every reader of a user's YAML or JSON file shares: a YAML loader that refuses aliases, and the check that a
document's text can be stored and shown alike on SQLite and PostgreSQL.

A YAML alias (``*name``) repeats what an anchor names: a few kilobytes of aliases of aliases expand to gigabytes when
read, so no file s75 reads may use them (the value is written out instead). Text must hold no NUL or other control
character but the tab and the line breaks (PostgreSQL refuses NUL; SQLite would keep it), and no lone surrogate
(half of a character, which no database can store); a document may nest at most ``MAX_DEPTH`` levels.
"""

import re

import yaml

MAX_DEPTH = 32
# What is not text: NUL and the other control characters but the tab and the line breaks, and lone surrogates.
NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class SafeYamlLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases at the first one, before anything is expanded."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"the alias *{event.anchor} repeats another value: s75 does not read aliases, write the "
                            "value out in full", event.start_mark)
        return super().compose_node(parent, index)


def text_problems(document, where: str = "") -> list[tuple[str, str]]:
    """``(where, what)`` for each text of ``document`` (keys too) that cannot be stored, and for nesting deeper than
    ``MAX_DEPTH``; ``where`` as ``schedules[2].title``."""
    problems: list[tuple[str, str]] = []
    _walk(document, where, 0, problems)
    return problems


def _walk(value, where: str, depth: int, problems: list[tuple[str, str]]) -> None:
    if depth > MAX_DEPTH:
        problems.append((where, f"the file nests more than {MAX_DEPTH} levels deep: no s75 file does"))
        return
    if isinstance(value, str):
        bad = NOT_TEXT.search(value)
        if bad:
            problems.append((where, f"holds the character U+{ord(bad.group()):04X}, which is not text: remove it "
                                    "(and any like it) and load the file again"))
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{where}.{key}" if where else str(key)
            if isinstance(key, str) and NOT_TEXT.search(key):
                problems.append((where, f"a field's name holds a character that is not text: {key!r}"))
                continue
            _walk(item, inner, depth + 1, problems)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{where}[{index}]", depth + 1, problems)
