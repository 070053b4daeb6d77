"""What a page states about itself: ``<meta>`` tags, JSON-LD and marked-up elements."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import lxml.html

from ._html import find_elements
from ._text import normalize_text

__all__ = ["PageSources", "linked_objects", "read_sources"]


@dataclass(frozen=True)
class PageSources:
    """A parsed page with its ``<meta>`` contents and JSON-LD objects at hand."""

    tree: lxml.html.HtmlElement
    meta: dict[str, list[str]]
    """``<meta>`` contents by lower-cased property, name or itemprop, in page order."""
    linked_data: list[dict[str, Any]]
    """The page's JSON-LD objects, article types first."""

    def meta_values(self, keys: Iterable[str]) -> list[str]:
        """The contents of the ``<meta>`` tags named ``keys``, in the order of ``keys``."""
        return [value for key in keys for value in self.meta.get(key, [])]

    def linked_string(self, key: str) -> str | None:
        """The first non-empty string value of ``key`` in the JSON-LD objects."""
        for item in self.linked_data:
            value = item.get(key)
            if isinstance(value, str) and normalize_text(value):
                return normalize_text(html.unescape(value))
        return None

    def element_texts(self, xpath: str) -> Iterator[str]:
        """The normalized text (or ``content`` attribute) of each element ``xpath`` selects.

        The texts of its parts are joined with spaces: markup such as
        ``<span>Jane Doe</span><span>Staff writer</span>`` shows them apart.
        """
        for element in find_elements(self.tree, xpath):
            parts = (
                element.itertext() if element.get("content") is None else [element.get("content")]
            )
            yield normalize_text(" ".join(part for part in parts if isinstance(part, str)))


def read_sources(tree: lxml.html.HtmlElement) -> PageSources:
    """Collect the ``<meta>`` tags and JSON-LD of ``tree`` (before its scripts are removed)."""
    return PageSources(tree=tree, meta=_meta_values(tree), linked_data=_linked_data(tree))


def _meta_values(tree: lxml.html.HtmlElement) -> dict[str, list[str]]:
    """Contents are unescaped once more: many pages escape them twice ("&amp;#39;")."""
    values: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        content = normalize_text(html.unescape(meta.get("content", "")))
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        if key and content:
            values.setdefault(key.strip().lower(), []).append(content)
    return values


def _linked_data(tree: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    scripts = find_elements(tree, "//script[@type='application/ld+json']")
    return linked_objects(script.text or "" for script in scripts)


def linked_objects(scripts: Iterable[str]) -> list[dict[str, Any]]:
    """The objects of the JSON-LD ``scripts``, article types first; invalid ones skipped."""
    objects: list[dict[str, Any]] = []
    for text in scripts:
        try:
            objects.extend(_flatten(json.loads(text, strict=False)))
        except ValueError:
            continue
    return sorted(objects, key=lambda item: not _is_article(item))


def _flatten(data: object) -> Iterator[dict[str, Any]]:
    """The objects of a JSON-LD document, including those of its ``@graph``."""
    for item in data if isinstance(data, list) else [data]:
        if isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                yield from (node for node in graph if isinstance(node, dict))


def _is_article(item: dict[str, Any]) -> bool:
    types = item.get("@type")
    names = types if isinstance(types, list) else [types]
    return any(isinstance(name, str) and name.endswith(("Article", "Posting")) for name in names)
