"""The learned fast path: confirm that a page still holds the same article, cheaply.

After a full extraction, :func:`learn_rule` learns where the article lives on
the page: the element that holds all its paragraphs (the *container*, named by
its path from ``<html>``), the boxes in and around it whose text the extractor
left out (ads, credits and counters that re-render), and fingerprints of the
paragraph text that rule selects, of the rest of the page's text outside the
container and those boxes, and of every place the headline and byline are read
from (``<h1>``, ``<title>``, ``og:title``, author ``<meta>``, JSON-LD, byline
elements, the site rule's selectors). A rule is kept only if, on the page it
was learned from, it selects exactly the extracted paragraphs.

On the next check :func:`confirms_unchanged` parses the page with lexbor
(selectolax: about a millisecond for a large page, where the full extractor
takes tens) and compares the fingerprints. All equal means the article is
unchanged; anything else (the container gone, a text differs, a new block
anywhere on the page, another headline or byline) is no answer, and the full
extractor decides. The fast path never finds a change, so at worst it delays
one until the next full extraction, which runs every N-th check anyway.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html import unescape
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from ..config import SiteRule
from ..errors import RedlineError
from ..model import ExtractedArticle
from ._boilerplate import without_boilerplate
from ._clean import CHROME_TAGS, SOCIAL_EMBED_CLASSES
from ._headline import SITE_NAME_META
from ._html import page_text
from ._metadata import AUTHOR_META, join_names, linked_authors
from ._sources import linked_objects
from ._text import HTML_LAYOUT, normalize_text

__all__ = ["LearnedRule", "confirms_unchanged", "learn_rule"]

_FORMAT = 1  # of the stored rule: a rule of another format is ignored, as another extractor's
_DIGITS = re.compile(r"\d+")  # ids and classes numbered per render ("cookie-notice-12")
_HEADLINE_META = ("og:title", "twitter:title", *SITE_NAME_META)
_HEADLINE_ELEMENTS = "title, h1, [itemprop=headline]"
_GUARD_ELEMENTS = (
    f"{_HEADLINE_ELEMENTS}, [itemprop=author], a[rel=author], [class*=byline], [class*=author]"
)
# The JSON-LD keys that the headline and byline are read from (publisher: the site's name).
_LINKED_KEYS = frozenset({"@type", "@id", "@graph", "headline", "author", "publisher", "name"})
# Tags of boxes that are a kind of box even without a class or id
_BOX_TAGS = frozenset({"figure", "figcaption", "form", "header", "section"})
_MAX_SKIPPED = 64  # kinds of box left out; more, and the page is not of one layout
_MAX_SIGNATURE_CHARS = 120


@dataclass(frozen=True)
class LearnedRule:
    """Where one article lives on its site's pages, and what its text looked like."""

    extractor_version: str
    """The extractor (and site rule digest) whose extraction this rule reproduces."""
    container: tuple[tuple[str, int], ...]
    """From ``<html>`` down: each element's signature and index among its like siblings."""
    skipped: frozenset[str]
    """Signatures of the elements in and beside the container whose text is not the article's."""
    title: str
    byline: str | None
    text_digest: str
    """Of the paragraphs the rule selects."""
    around_digest: str
    """Of the text blocks of the rest of the page, outside the container."""
    guard_digest: str
    """Of every place the headline and byline are read from."""
    learned_at: str = ""
    """When (ISO 8601): a full extraction runs anyway once the rule is old enough."""

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": _FORMAT,
                "extractor_version": self.extractor_version,
                "container": [list(step) for step in self.container],
                "skipped": sorted(self.skipped),
                "title": self.title,
                "byline": self.byline,
                "text_digest": self.text_digest,
                "around_digest": self.around_digest,
                "guard_digest": self.guard_digest,
                "learned_at": self.learned_at,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str | None) -> LearnedRule | None:
        """The rule stored as ``text``; None if there is none, or it is of another format."""
        if not text:
            return None
        try:
            data = json.loads(text)
            if data.get("format") != _FORMAT:
                return None
            return cls(
                extractor_version=data["extractor_version"],
                container=tuple((str(sig), int(at)) for sig, at in data["container"]),
                skipped=frozenset(data["skipped"]),
                title=data["title"],
                byline=data["byline"],
                text_digest=data["text_digest"],
                around_digest=data["around_digest"],
                guard_digest=data["guard_digest"],
                learned_at=data["learned_at"],
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def learn_rule(
    html: str | bytes,
    extracted: ExtractedArticle,
    *,
    rule: SiteRule | None = None,
    learned_at: str = "",
    previous: LearnedRule | None = None,
) -> LearnedRule | None:
    """A rule that finds ``extracted`` on the page ``html``; None if none does exactly.

    ``previous`` (the rule this one replaces) lends its left-out element kinds: a
    render that shows an ad slot the last one did not is still the same layout.
    """
    try:
        page = _Page.parse(html)
        root = page.root
        if root is None or not extracted.paragraphs:
            return None
        paragraphs = list(extracted.paragraphs)
        container = _container(root, paragraphs)
        if container is None:
            return None
        skipped = _left_out(
            root, container, extracted, set(previous.skipped) if previous else set()
        )
        if skipped is None:
            return None
        learned = LearnedRule(
            extractor_version=extracted.extractor_version,
            container=_path(container, root),
            skipped=skipped,
            title=extracted.title,
            byline=extracted.byline,
            text_digest=_digest(paragraphs),
            around_digest="",
            guard_digest=_guard_digest(page, rule),
            learned_at=learned_at,
        )
        if _selected(container, learned) != paragraphs:
            return None
        around = _digest(_around(root, container, learned))
        return dataclasses.replace(learned, around_digest=around)
    except (RedlineError, SelectolaxError, RecursionError):  # too deep for a walk: no answer
        return None


def _left_out(
    root: LexborNode, container: LexborNode, extracted: ExtractedArticle, skipped: set[str]
) -> frozenset[str] | None:
    """``skipped`` and the kinds of box holding the page's texts that are not the article's;
    None if a left-out text in ``container`` is in no such box.

    A box is the outermost element with a class or id (or a chrome tag) that holds
    no paragraph of the article (nor the container).
    """
    paragraphs = set(extracted.paragraphs)
    blocks = list(_blocks(container, frozenset()))
    holders = {node.mem_id for block in blocks if block.text in paragraphs for node in block.path}
    holders |= {node.mem_id for node in _ancestors(container)}
    for block in blocks:
        if block.text in paragraphs or not _kept([block.text], extracted.title, extracted.byline):
            continue
        box = _box(block, holders)
        if box is None:
            return None  # a text left out for a reason only the extractor knows
        skipped.add(box)
    beside = _blocks(root, frozenset(), without=container)
    skipped.update(box for block in beside if (box := _box(block, holders)) is not None)
    return frozenset(skipped) if len(skipped) <= _MAX_SKIPPED else None


def _ancestors(node: LexborNode) -> Iterator[LexborNode]:
    current = node
    while (parent := current.parent) is not None:
        yield parent
        current = parent


def _box(block: _Block, holders: set[int]) -> str | None:
    """The signature of the outermost named element above ``block`` (below the element
    walked) that is none of ``holders``."""
    for node in block.path[1:]:
        if node.mem_id not in holders and (signature := _signature(node)) != node.tag:
            return signature
    return None


def confirms_unchanged(
    html: str | bytes, learned: LearnedRule, *, rule: SiteRule | None = None
) -> bool:
    """True if the page ``html`` holds the article ``learned`` was learned from, unchanged.

    False is no answer: the full extractor decides.
    """
    try:
        page = _Page.parse(html)
        root = page.root
        container = _find(root, learned.container)
        return (
            root is not None
            and container is not None
            and _digest(_selected(container, learned)) == learned.text_digest
            and _digest(_around(root, container, learned)) == learned.around_digest
            and _guard_digest(page, rule) == learned.guard_digest
        )
    except (RedlineError, SelectolaxError, RecursionError):  # too deep for a walk: no answer
        return False


# --- the page and its text blocks --------------------------------------------


@dataclass(frozen=True)
class _Page:
    tree: LexborHTMLParser

    @classmethod
    def parse(cls, html: str | bytes) -> _Page:
        """``html`` parsed as the extractor reads it (decoded, bounded, references neutralised)."""
        return cls(LexborHTMLParser(page_text(html)))

    @property
    def root(self) -> LexborNode | None:
        return self.tree.root


@dataclass(frozen=True)
class _Block:
    text: str
    """Normalized, not empty."""
    path: tuple[LexborNode, ...]
    """The elements above the text, from the element walked down."""


def _blocks(
    root: LexborNode, skipped: frozenset[str], *, without: LexborNode | None = None
) -> Iterator[_Block]:
    """The text blocks under ``root``, split on block elements as site rules split bodies.

    Site chrome tags (scripts, styles, asides, buttons...), elements whose signature
    is in ``skipped`` and the element ``without`` are left out, with all they hold.
    """
    buffer: list[str] = []
    first: list[tuple[LexborNode, ...]] = []  # the path to where the buffer's text began
    left_out = None if without is None else without.mem_id

    def flush() -> Iterator[_Block]:
        text = normalize_text("".join(buffer))
        if text:
            yield _Block(text, first[0])
        buffer.clear()
        first.clear()

    def visit(node: LexborNode, path: tuple[LexborNode, ...]) -> Iterator[_Block]:
        for child in _children(node):
            tag = child.tag
            if tag == "-text":
                text = child.text_content or ""
                if not first and text.strip():
                    first.append(path)
                buffer.append(text)
                continue
            if tag is None or tag.startswith("-") or tag in CHROME_TAGS:
                continue  # comments, the doctype; chrome that the extractor always removes
            signature = _signature(child)
            if signature in skipped or child.mem_id == left_out:
                continue
            is_block = tag in HTML_LAYOUT.blocks or tag in HTML_LAYOUT.rows
            if is_block:
                yield from flush()
            yield from visit(child, (*path, child))
            if is_block:
                yield from flush()

    yield from visit(root, (root,))
    yield from flush()


def _children(node: LexborNode) -> Iterator[LexborNode]:
    """The nodes the text of ``node`` is read from: its children, but in a social media
    embed its paragraphs only, as the extractor keeps them (the likes and dates go)."""
    if node.tag == "blockquote" and SOCIAL_EMBED_CLASSES & set(
        (node.attributes.get("class") or "").split()
    ):
        return iter(node.css("p"))
    return node.iter(include_text=True)


def _signature(node: LexborNode) -> str:
    """The element's tag, id and classes (their numbers dropped), or its tag if it has neither.

    A box of chrome's tag without a name is ``tag.``: a kind of box all the same.
    """
    attributes = node.attributes
    name = (attributes.get("id") or "").strip()
    classes = (attributes.get("class") or "").split()
    tag = node.tag or ""
    if not (name or classes):
        return f"{tag}." if tag in _BOX_TAGS else tag
    signature = _DIGITS.sub("", f"{tag}#{name}.{'.'.join(sorted(classes))}")
    if len(signature) <= _MAX_SIGNATURE_CHARS:
        return signature
    # a page's attribute may be as long as it likes; the stored rule may not
    return f"{tag}#~{hashlib.sha256(signature.encode('utf-8', 'replace')).hexdigest()[:16]}"


def _kept(texts: Sequence[str], title: str, byline: str | None) -> list[str]:
    """``texts`` as the extractor keeps paragraphs: without chrome lines and the headline."""
    return list(without_boilerplate(texts, title=title, byline=byline))


def _selected(container: LexborNode, learned: LearnedRule) -> list[str]:
    texts = [block.text for block in _blocks(container, learned.skipped)]
    return _kept(texts, learned.title, learned.byline)


def _around(root: LexborNode, container: LexborNode, learned: LearnedRule) -> list[str]:
    """The text of the page outside the container, as the rule reads text.

    The whole page, not the container's neighbours only: a box added anywhere may be
    what the extractor takes for part of the article.
    """
    blocks = _blocks(root, learned.skipped, without=container)
    return _kept([block.text for block in blocks], learned.title, learned.byline)


# --- the container -------------------------------------------------------------


def _container(root: LexborNode, paragraphs: list[str]) -> LexborNode | None:
    """The innermost element holding a block of each paragraph (None if one is missing).

    The first paragraph may lack its block: the extractor cuts a headline glued to it.
    """
    wanted = set(paragraphs)
    paths = [block.path for block in _blocks(root, frozenset()) if block.text in wanted]
    if not paths:
        return None
    common = paths[0]
    for path in paths[1:]:
        n = 0
        while n < min(len(common), len(path)) and common[n].mem_id == path[n].mem_id:
            n += 1
        common = common[:n]
    return common[-1] if common else None


def _path(node: LexborNode, root: LexborNode) -> tuple[tuple[str, int], ...]:
    """``node``'s path from ``root``: each element's signature and index among like siblings."""
    steps: list[tuple[str, int]] = []
    current = node
    while current.mem_id != root.mem_id and (parent := current.parent) is not None:
        signature = _signature(current)
        before = 0
        for sibling in _elements(parent):
            if sibling.mem_id == current.mem_id:
                break
            before += _signature(sibling) == signature
        steps.append((signature, before))
        current = parent
    return tuple(reversed(steps))


def _find(root: LexborNode | None, path: tuple[tuple[str, int], ...]) -> LexborNode | None:
    """The element at ``path`` under ``root``, if the page still has one there."""
    current = root
    for signature, index in path:
        if current is None:
            return None
        alike = (child for child in _elements(current) if _signature(child) == signature)
        current = next((child for n, child in enumerate(alike) if n == index), None)
    return current


def _elements(node: LexborNode) -> Iterator[LexborNode]:
    for child in node.iter(include_text=False):
        if child.tag and not child.tag.startswith("-"):
            yield child


# --- the guards -------------------------------------------------------------


def _guard_digest(page: _Page, rule: SiteRule | None) -> str:
    """A digest of every place the headline and byline are read from.

    The byline elements count only if the JSON-LD people and the author ``<meta>``
    name nobody: the extractor reads them only then, and they hold time stamps
    ("By Jane Doe · 2h ago").
    """
    tree = page.tree
    parts: list[str] = []
    authors: list[str] = []
    for meta in tree.css("meta"):
        attributes = meta.attributes
        key = attributes.get("property") or attributes.get("name") or attributes.get("itemprop")
        key = (key or "").strip().lower()
        content = attributes.get("content") or ""
        if key in _HEADLINE_META or key in AUTHOR_META:
            parts.append(f"meta {key}={content}")
        if key in AUTHOR_META:
            authors.append(unescape(content))
    scripts = [script.text(deep=True) for script in tree.css("script[type='application/ld+json']")]
    parts.extend(f"ld {_linked_summary(text)}" for text in scripts)
    authors += linked_authors(linked_objects(scripts), people=True)
    elements = _HEADLINE_ELEMENTS if join_names(authors) else _GUARD_ELEMENTS
    parts.extend(f"{element.tag} {_element_text(element)}" for element in tree.css(elements))
    if rule is not None:
        for selector in (rule.title, rule.byline):
            for element in tree.css(selector) if selector else ():
                parts.append(f"rule {_element_text(element)}")
    return _digest(parts)


def _element_text(element: LexborNode) -> str:
    content = element.attributes.get("content")
    if content is not None:
        return normalize_text(content)
    return normalize_text(element.text(deep=True, separator=" "))


def _linked_summary(text: str) -> str:
    """The JSON-LD ``text`` with only the keys headline and byline are read from."""
    try:
        data = json.loads(text, strict=False)
    except ValueError:
        return text  # the extractor reads none of it; compared whole, it may change
    return json.dumps(_linked_keys(data), sort_keys=True, ensure_ascii=False)


def _linked_keys(data: Any) -> Any:
    if isinstance(data, list):
        return [_linked_keys(item) for item in data]
    if isinstance(data, dict):
        return {key: _linked_keys(value) for key, value in data.items() if key in _LINKED_KEYS}
    return data


def _digest(texts: Sequence[str]) -> str:
    return hashlib.sha256("\x1f".join(texts).encode("utf-8", "surrogatepass")).hexdigest()
