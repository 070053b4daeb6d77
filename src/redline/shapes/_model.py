"""Declaring a JSON shape once: the dict it makes of a value, and its JSON Schema.

A :class:`Shape` is a named list of :class:`Field`\\ s; each field has its JSON key, its
JSON Schema, and how to make its JSON value of the value. :func:`shape` declares most
fields by attribute name alone (``"id url version_count"``, ``"url=article_url"`` for a
key that is not the attribute's name): the attribute's type annotation gives the schema
and the conversion (a datetime is an ISO 8601 string, an enum its value). :func:`field`
declares a computed one, with the type it gives; :func:`one` and :func:`many` hold other
shapes, by ``$ref``, which :func:`schemas` gathers for OpenAPI's ``components.schemas``.
As the dict and the schema come from one declaration, they cannot disagree.
"""

from __future__ import annotations

import enum
import inspect
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from ..store.tables import MAX_ID

__all__ = [
    "Field",
    "ID",
    "MAX_ID",
    "Shape",
    "field",
    "many",
    "one",
    "schemas",
    "shape",
]

T = TypeVar("T")
U = TypeVar("U")
T_contra = TypeVar("T_contra", contravariant=True)

JsonSchema = dict[str, Any]
Convert = Callable[[Any], object]

ID: JsonSchema = {"type": "integer", "minimum": 0, "maximum": MAX_ID}
"""An id, a count or a version number: every whole number redline stores."""


@dataclass(frozen=True)
class Field(Generic[T_contra]):
    """One key of a shape: its JSON Schema and how to make its JSON value of a value."""

    key: str
    schema: JsonSchema
    dump: Callable[[T_contra], object]
    optional: bool = False
    """Left out of the document where its value is None (and so not ``required``)."""
    refers_to: tuple[Shape[Any], ...] = ()
    """The shapes its schema names by ``$ref``."""


class Shape(Generic[T_contra]):
    """A JSON object made of a value: named, so that schemas can refer to it."""

    def __init__(self, name: str, description: str, fields: Iterable[Field[T_contra]]) -> None:
        self.name, self.description = name, description
        self.fields = tuple(fields)
        keys = [entry.key for entry in self.fields]
        if len(set(keys)) != len(keys):
            raise ValueError(f"shape {name} declares a key twice: {keys}")

    def __repr__(self) -> str:
        return f"Shape({self.name!r})"

    def dump(self, value: T_contra) -> dict[str, Any]:
        """``value`` as a JSON-ready dict, its keys in declaration order."""
        document = {}
        for entry in self.fields:
            data = entry.dump(value)
            if data is not None or not entry.optional:
                document[entry.key] = data
        return document

    def schema(self) -> JsonSchema:
        """The JSON Schema of this shape's documents: exactly its keys, no others."""
        return {
            "type": "object",
            "description": self.description,
            "required": [entry.key for entry in self.fields if not entry.optional],
            "properties": {entry.key: entry.schema for entry in self.fields},
            "additionalProperties": False,
        }

    def ref(self) -> JsonSchema:
        """A reference to this shape in OpenAPI's ``components.schemas``."""
        return {"$ref": f"#/components/schemas/{self.name}"}

    def select(self, name: str, description: str, keys: str) -> Shape[T_contra]:
        """Only ``keys`` (space-separated) of this shape, in this shape's order."""
        chosen = keys.split()
        return Shape(name, description, (entry for entry in self.fields if entry.key in chosen))

    def through(self, _whole: type[U], part: Callable[[U], T_contra]) -> tuple[Field[U], ...]:
        """This shape's fields, read from the ``part`` of a larger value (of type ``_whole``)."""
        return tuple(_through(entry, part) for entry in self.fields)


def _through(entry: Field[T], part: Callable[[U], T]) -> Field[U]:
    dump = entry.dump
    return Field(
        entry.key, entry.schema, lambda value: dump(part(value)), entry.optional, entry.refers_to
    )


def shape(
    kind: type[T],
    *parts: str | Field[T] | tuple[Field[T], ...],
    name: str | None = None,
    description: str | None = None,
) -> Shape[T]:
    """The shape of ``kind``'s values: by default named as the class and described by it.

    ``parts`` in order: strings of attribute names (``key=attribute`` to rename), fields,
    and tuples of fields (another shape's, as :meth:`Shape.through` gives them).
    """
    hints = typing.get_type_hints(kind)
    fields: list[Field[T]] = []
    for part in parts:
        if isinstance(part, str):
            fields += (_attribute(kind, hints, spec) for spec in part.split())
        else:
            fields += part if isinstance(part, tuple) else (part,)
    summary = (inspect.getdoc(kind) or "").split("\n\n")[0].replace("\n", " ")
    return Shape(name or kind.__name__, description or summary, fields)


def _attribute(kind: type[T], hints: dict[str, Any], spec: str) -> Field[T]:
    key, _, attribute = spec.partition("=")
    attribute = attribute or key
    if attribute not in hints:
        raise TypeError(f"{kind.__name__} has no attribute {attribute!r} to make {key!r} of")
    schema, convert = _json_type(hints[attribute])
    return Field(key, schema, lambda value: convert(getattr(value, attribute)))


def field(
    key: str,
    kind: object,
    read: Callable[[T], object],
    *,
    optional: bool = False,
    description: str | None = None,
) -> Field[T]:
    """A key whose value ``read`` computes, of type ``kind`` (``int``, ``str | None``, ...)."""
    schema, convert = _json_type(kind)
    notes = {} if description is None else {"description": description}
    return Field(key, schema | notes, lambda value: convert(read(value)), optional)


def one(
    key: str, read: Callable[[T], U | None], part: Shape[U], *, nullable: bool = False
) -> Field[T]:
    """Another shape's document, of the part ``read`` gives; ``nullable``: or null, where
    ``read`` gives None."""
    schema = {"anyOf": [part.ref(), {"type": "null"}]} if nullable else part.ref()

    def dump(value: T) -> object:
        found = read(value)
        if found is None and not nullable:
            raise ValueError(f"{key} is None, and its shape {part.name} is not nullable")
        return None if found is None else part.dump(found)

    return Field(key, schema, dump, refers_to=(part,))


def many(key: str, read: Callable[[T], Iterable[U]], item: Shape[U]) -> Field[T]:
    """A list of another shape's documents."""
    schema = {"type": "array", "items": item.ref()}

    def dump(value: T) -> object:
        return [item.dump(entry) for entry in read(value)]

    return Field(key, schema, dump, refers_to=(item,))


def _same(value: object) -> object:
    return value


_PLAIN: dict[object, tuple[JsonSchema, Convert]] = {
    bool: ({"type": "boolean"}, _same),
    int: (ID, _same),
    float: ({"type": "number", "minimum": 0}, _same),
    str: ({"type": "string"}, _same),
    datetime: ({"type": "string", "format": "date-time"}, datetime.isoformat),
}


def _json_type(kind: Any) -> tuple[JsonSchema, Convert]:
    """The JSON Schema of a Python type, and how to make a value of it JSON."""
    arguments = typing.get_args(kind)
    origin = typing.get_origin(kind)
    if kind in _PLAIN:
        return _PLAIN[kind]
    if origin in (types.UnionType, typing.Union) and type(None) in arguments:
        return _nullable(*(argument for argument in arguments if argument is not type(None)))
    if isinstance(kind, type) and issubclass(kind, enum.StrEnum):
        return {"type": "string", "enum": [member.value for member in kind]}, str
    if origin is Literal:
        return {"type": "string", "enum": list(arguments)}, str
    if origin is tuple and arguments[-1:] == (...,):
        items, convert = _json_type(arguments[0])
        return {"type": "array", "items": items}, lambda value: [convert(item) for item in value]
    if origin is tuple:
        return _fixed(arguments)
    raise TypeError(f"no JSON type for {kind!r}")


def _nullable(kind: Any) -> tuple[JsonSchema, Convert]:
    schema, convert = _json_type(kind)
    if isinstance(schema.get("type"), str):
        nullable = schema | {"type": [schema["type"], "null"]}
        if "enum" in schema:  # an enum holds every value allowed, null too
            nullable["enum"] = [*schema["enum"], None]
    else:
        nullable = {"anyOf": [schema, {"type": "null"}]}
    return nullable, lambda value: None if value is None else convert(value)


def _fixed(kinds: tuple[Any, ...]) -> tuple[JsonSchema, Convert]:
    """A tuple of fixed length, as a JSON array of that length."""
    typed = [_json_type(kind) for kind in kinds]
    schema = {
        "type": "array",
        "prefixItems": [items for items, _ in typed],
        "minItems": len(kinds),
        "maxItems": len(kinds),
    }
    return schema, lambda value: [
        convert(item) for (_, convert), item in zip(typed, value, strict=True)
    ]


def schemas(roots: Iterable[Shape[Any]]) -> dict[str, JsonSchema]:
    """The schemas of ``roots`` and of every shape they refer to, by name."""
    found: dict[str, Shape[Any]] = {}
    for reached in _reached(roots):
        if found.setdefault(reached.name, reached) is not reached:
            raise ValueError(f"two shapes are named {reached.name}")
    return {name: found[name].schema() for name in sorted(found)}


def _reached(roots: Iterable[Shape[Any]]) -> Iterator[Shape[Any]]:
    seen: set[int] = set()
    waiting = list(roots)
    while waiting:
        current = waiting.pop()
        if id(current) not in seen:
            seen.add(id(current))
            yield current
            waiting += [target for entry in current.fields for target in entry.refers_to]
