"""Reading an agreement file (YAML or JSON) into the document it holds, and the problems found in a file.

The format is the document :func:`s75.agreements.document.agreement_document` writes, described for finance
officers in ``docs/agreement-file.md``. A file that cannot be read at all is reported with the line and column of
the mistake; :mod:`.file_checks` reports what is wrong with what it says, and :mod:`.file_loading` loads it.
"""

import json
from collections.abc import Hashable
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml

from s75.core.files import SafeYamlLoader


@dataclass(frozen=True)
class FileProblem:
    """One thing wrong with a file: where (``schedules[2].contributions[0].amount``, or a line and column for a
    file that cannot be read at all; blank for the file as a whole) and what, in words a finance officer can act on."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class AgreementFileError(Exception):
    """A file that cannot be loaded; ``errors`` lists every problem found: those with the file's shape (the
    schema's) first, then those with what it says, each group in the order of the file."""

    def __init__(self, errors: list[FileProblem]):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))



class _YamlLoader(SafeYamlLoader):
    """Safe YAML without aliases that keeps dates as text, for the checks to read, and refuses a key given twice in
    one mapping."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(key_node, deep=deep) for key_node, _ in node.value]
        seen = set()
        for key, (key_node, _) in zip(keys, node.value, strict=True):
            if not isinstance(key, Hashable):
                continue  # the safe loader refuses it with its own message
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark, f"the key {key!r} is given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


TOO_DEEP = "the file nests lists or fields too deeply to read: no agreement file does"


class _DuplicateKey(ValueError):
    pass


def _json_object(pairs: list[tuple[str, object]]) -> dict:
    result = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(f"the key {key!r} is given twice in one object")
        result[key] = value
    return result


def _parse_text(text: str, *, as_json: bool):
    if as_json:
        try:
            return json.loads(text, object_pairs_hook=_json_object)
        except json.JSONDecodeError as error:
            raise AgreementFileError([FileProblem(f"line {error.lineno}, column {error.colno}", error.msg)]) from error
        except _DuplicateKey as error:
            raise AgreementFileError([FileProblem("", str(error))]) from error
        except RecursionError as error:
            raise AgreementFileError([FileProblem("", TOO_DEEP)]) from error
    try:
        return yaml.load(text, Loader=_YamlLoader)  # noqa: S506 (a SafeLoader)
    except RecursionError as error:
        raise AgreementFileError([FileProblem("", TOO_DEEP)]) from error
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        context = f" ({error.context})" if error.context and error.problem else ""
        raise AgreementFileError([FileProblem(where, f"{error.problem or error.context}{context}")]) from error
    except yaml.YAMLError as error:
        raise AgreementFileError([FileProblem("", f"the file is not YAML: {error}")]) from error


def agreement_file_read(path: str | Path | Traversable) -> dict:
    """The document in an agreement file: JSON when the name ends ``.json``, YAML otherwise; UTF-8, BOM or not.

    ``path`` may also be a package resource (``importlib.resources.files(...)``). A file that cannot be read
    raises :class:`AgreementFileError`, with the line and column of a syntax error.
    """
    path = Path(path) if isinstance(path, str) else path
    try:
        data = path.read_bytes()
    except OSError as error:
        raise AgreementFileError([FileProblem("", f"cannot read {path}: {error.strerror}")]) from error
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise AgreementFileError(
            [FileProblem(f"line {line}", "the file is not UTF-8 text: save it as UTF-8 and load it again")]
        ) from error
    document = _parse_text(text, as_json=path.name.lower().endswith(".json"))
    if not isinstance(document, dict):
        raise AgreementFileError(
            [FileProblem("", "the file must hold one agreement: fields that start with format: s75-agreement/1")]
        )
    return document
