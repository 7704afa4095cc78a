"""The API's documentation as a page of the site: the OpenAPI description that drf-spectacular makes, read into the
operations, parameters, answers and shapes a reader needs and shown in the site's own accessible templates.

Swagger UI, which lets a reader try a request, is at ``docs/console/``. Its page does not meet WCAG 2.2 AA (colours
below the contrast ratio, links nested in buttons, small targets), so this page is the conforming version, and the
one the site links to."""

import functools
from dataclasses import dataclass

from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")
# How the page heads the endpoints' tags, where capitalising the tag is not enough.
TAG_NAMES = {"bcf": "Better Care Fund"}


@dataclass(frozen=True)
class Field:
    name: str
    where: str  # path, query, header or a shape's field
    required: bool
    kind: str
    description: str


@dataclass(frozen=True)
class Answer:
    status: str
    description: str
    kind: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    description: str
    parameters: list[Field]
    body: str
    answers: list[Answer]


@dataclass(frozen=True)
class Section:
    tag: str
    operations: list[Operation]

    @property
    def heading(self) -> str:
        return TAG_NAMES.get(self.tag, self.tag.capitalize())


@dataclass(frozen=True)
class Shape:
    name: str
    fields: list[Field]


@dataclass(frozen=True)
class Reference:
    title: str
    description: str
    sections: list[Section]
    shapes: list[Shape]


def _kind(schema: dict) -> str:
    """A schema as a reader would say it: "integer (int64), -10¹⁴ to 10¹⁴", "list of LedgerLine", "one of: a, b"."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "enum" in schema:
        return "one of: " + ", ".join(str(value) for value in schema["enum"] if value not in ("", None))
    for combined in ("oneOf", "anyOf", "allOf"):
        if combined in schema:
            return " or ".join(_kind(part) for part in schema[combined])
    kind = schema.get("type", "any")
    if isinstance(kind, list):
        kind = " or ".join(str(part) for part in kind)
    if kind == "array":
        return f"list of {_kind(schema.get('items', {}))}"
    if "format" in schema:
        kind += f" ({schema['format']})"
    limits = [f"{word} {schema[key]:,}" for key, word in (("minimum", "from"), ("maximum", "to")) if key in schema]
    if schema.get("minLength") == 1:
        limits.append("not empty")
    elif "minLength" in schema:
        limits.append(f"at least {schema['minLength']:,} characters")
    if "maxLength" in schema:
        limits.append(f"at most {schema['maxLength']:,} characters")
    return ", ".join([kind, *limits])


def _content_kind(content: dict) -> str:
    return "; ".join(f"{media}: {_kind(body.get('schema', {}))}" for media, body in content.items())


def _operation(path: str, method: str, operation: dict) -> Operation:
    parameters = [Field(name=parameter["name"], where=parameter["in"], required=parameter.get("required", False),
                        kind=_kind(parameter.get("schema", {})), description=parameter.get("description", ""))
                  for parameter in operation.get("parameters", [])]
    body = _content_kind(operation.get("requestBody", {}).get("content", {}))
    answers = [Answer(status=status, description=answer.get("description", ""),
                      kind=_content_kind(answer.get("content", {})))
               for status, answer in operation.get("responses", {}).items()]
    return Operation(method=method.upper(), path=path, anchor=operation["operationId"],
                     summary=operation.get("summary", ""), description=operation.get("description", ""),
                     parameters=parameters, body=body, answers=answers)


def _shape(name: str, schema: dict) -> Shape:
    required = set(schema.get("required", []))
    return Shape(name=name, fields=[
        Field(name=field, where="", required=field in required, kind=_kind(definition),
              description=definition.get("description", "") + (" Read only." if definition.get("readOnly") else ""))
        for field, definition in schema.get("properties", {}).items()
    ])


@functools.cache
def api_reference() -> Reference:
    """The API's operations by tag, in the order of their paths, and the shapes they send and answer with."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    sections: dict[str, list[Operation]] = {}
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                tag = (item[method].get("tags") or ["other"])[0]
                sections.setdefault(tag, []).append(_operation(path, method, item[method]))
    shapes = [_shape(name, definition) for name, definition in schema.get("components", {}).get("schemas", {}).items()
              if definition.get("properties")]
    return Reference(title=schema["info"]["title"], description=schema["info"].get("description", ""),
                     sections=[Section(tag=tag, operations=operations) for tag, operations in sections.items()],
                     shapes=shapes)
