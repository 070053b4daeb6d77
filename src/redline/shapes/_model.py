"""Declaring a JSON shape once: the dict it makes of a value, and its JSON Schema.

A :class:`Shape` is a named list of :class:`Field`\\ s; each field names its JSON key, its
JSON Schema, and how to read it from the value. A field holding another shape (or a list
of them) refers to it by ``$ref``, so :func:`schemas` can gather every shape a document
reaches into OpenAPI's ``components.schemas``. As the dict and the schema come from the
same declaration, they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

__all__ = [
    "ID",
    "MAX_ID",
    "Field",
    "Shape",
    "array",
    "choice",
    "integers",
    "integer",
    "many",
    "number",
    "one",
    "schemas",
    "string",
    "strings",
    "time",
]

T = TypeVar("T")
U = TypeVar("U")
T_contra = TypeVar("T_contra", contravariant=True)

JsonSchema = dict[str, Any]

MAX_ID = 2**63 - 1
"""The largest id a database column holds."""

ID: JsonSchema = {"type": "integer", "minimum": 0, "maximum": MAX_ID}
"""An id, a count or a version number."""


@dataclass(frozen=True)
class Field(Generic[T_contra]):
    """One key of a shape: its JSON Schema and how to make its JSON value of a value."""

    key: str
    schema: JsonSchema
    dump: Callable[[T_contra], object]
    optional: bool = False
    """Left out of the document where its value is None (and not ``required``)."""
    refers_to: tuple[Shape[Any], ...] = field(default=())
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

    def select(self, name: str, description: str, *keys: str) -> Shape[T_contra]:
        """Only ``keys`` of this shape, in this shape's order."""
        return Shape(name, description, (entry for entry in self.fields if entry.key in keys))

    def through(self, _whole: type[U], part: Callable[[U], T_contra]) -> tuple[Field[U], ...]:
        """This shape's fields, read from the ``part`` of a larger value (of type ``_whole``)."""
        return tuple(_through(entry, part) for entry in self.fields)


def _through(entry: Field[T], part: Callable[[U], T]) -> Field[U]:
    dump = entry.dump
    return Field(
        entry.key, entry.schema, lambda value: dump(part(value)), entry.optional, entry.refers_to
    )


def _typed(kind: str, nullable: bool, **keywords: object) -> JsonSchema:
    return {"type": [kind, "null"] if nullable else kind, **keywords}


def integer(key: str, read: Callable[[T], int | None], *, nullable: bool = False) -> Field[T]:
    """A whole number: an id, a count, a version number or a status code."""
    return Field(key, _typed("integer", nullable, minimum=0, maximum=MAX_ID), read)


def number(key: str, read: Callable[[T], float]) -> Field[T]:
    """A number that may have a fraction: a rate, a duration."""
    return Field(key, _typed("number", False, minimum=0), read)


def string(
    key: str,
    read: Callable[[T], str | None],
    *,
    nullable: bool = False,
    optional: bool = False,
    description: str | None = None,
) -> Field[T]:
    """Text; ``optional`` leaves the key out where it is None."""
    notes = {} if description is None else {"description": description}
    return Field(key, _typed("string", nullable, **notes), read, optional)


def time(key: str, read: Callable[[T], datetime | None], *, nullable: bool = False) -> Field[T]:
    """A moment as ISO 8601; None as null."""

    def iso(value: T) -> str | None:
        moment = read(value)
        return None if moment is None else moment.isoformat()

    return Field(key, _typed("string", nullable, format="date-time"), iso)


def choice(key: str, read: Callable[[T], str], values: Iterable[str]) -> Field[T]:
    """One of ``values`` (an enumeration's, or a Literal's arguments)."""
    schema = {"type": "string", "enum": [str(value) for value in values]}
    return Field(key, schema, lambda value: str(read(value)))


def array(key: str, items: JsonSchema, read: Callable[[T], Iterable[object]]) -> Field[T]:
    """A list of plain values, each of the schema ``items``."""
    return Field(key, {"type": "array", "items": items}, lambda value: list(read(value)))


def strings(key: str, read: Callable[[T], Iterable[str]]) -> Field[T]:
    """A list of texts."""
    return array(key, {"type": "string"}, read)


def integers(key: str, read: Callable[[T], Iterable[int]]) -> Field[T]:
    """A list of ids or numbers."""
    return array(key, ID, read)


def one(key: str, read: Callable[[T], U], shape: Shape[U]) -> Field[T]:
    """Another shape's document, of the part ``read`` gives."""
    return Field(key, shape.ref(), lambda v: shape.dump(read(v)), refers_to=(shape,))


def many(key: str, read: Callable[[T], Iterable[U]], shape: Shape[U]) -> Field[T]:
    """A list of another shape's documents."""
    schema = {"type": "array", "items": shape.ref()}
    return Field(key, schema, lambda v: [shape.dump(item) for item in read(v)], refers_to=(shape,))


def schemas(roots: Iterable[Shape[Any]]) -> dict[str, JsonSchema]:
    """The schemas of ``roots`` and of every shape they refer to, by name."""
    found: dict[str, Shape[Any]] = {}
    for shape in _reached(roots):
        if found.setdefault(shape.name, shape) is not shape:
            raise ValueError(f"two shapes are named {shape.name}")
    return {name: found[name].schema() for name in sorted(found)}


def _reached(roots: Iterable[Shape[Any]]) -> Iterator[Shape[Any]]:
    seen: set[int] = set()
    waiting = list(roots)
    while waiting:
        shape = waiting.pop()
        if id(shape) not in seen:
            seen.add(id(shape))
            yield shape
            waiting += [target for entry in shape.fields for target in entry.refers_to]
