"""Remove site chrome from a parsed page before its text is taken.

Everything here is general: tags, ARIA roles and words in class/id names that
mark ads, share widgets, consent banners, newsletter boxes, "most popular" and
"related" boxes, comment sections, bylines and timestamps. No rule names a site.

Removing the element that holds the article would be worse than leaving some
chrome in, so these are never removed: the ancestors of ``<h1>``, ``<main>`` and
``itemprop=articleBody`` (and of any element marked :data:`KEEP_ATTRIBUTE`); any
element holding more than half of the text in the page's ``<p>`` elements; and
a box named for chrome that holds no prose (ads, sharing, newsletters, related
links) when it does hold a paragraph of prose. Real pages wrap their article in
"share-container" or "body-ad-wrapper". Nor are many small removals allowed to
add up to the article: if together they would leave less than a paragraph of
the page's paragraph text, only tags, roles and hidden elements go. A chrome
word that the page uses as its components' class prefix ("cmp-text": Adobe's
components, not a consent platform) marks nothing.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Sequence

import lxml.html

__all__ = ["CHROME_TAGS", "KEEP_ATTRIBUTE", "SOCIAL_EMBED_CLASSES", "remove_chrome"]

KEEP_ATTRIBUTE = "data-redline-keep"
"""Elements with this attribute, and their ancestors, are never removed."""

CHROME_TAGS = frozenset(
    "aside audio button canvas dialog embed footer frame frameset iframe input menu nav"
    " noscript object script select style svg template textarea video".split()
)
_CHROME_ROLES = frozenset(
    "alertdialog banner complementary contentinfo dialog menu menubar navigation search"
    " toolbar".split()
)
_NEVER_REMOVED_TAGS = frozenset({"html", "body", "main", "article"})
# Headings carry class and id names made from their own text; a chrome box's
# heading goes with the box. Likewise, names inside a <p> never remove its words.
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Tags of the elements that hold or are the article; see _is_anchor for the rest.
_ANCHOR_TAGS = frozenset({"h1", "main"})
SOCIAL_EMBED_CLASSES = frozenset(
    "twitter-tweet twitter-video instagram-media tiktok-embed bluesky-embed text-post-media"
    " mastodon-embed".split()
)

# A class or id names chrome if one of its words is in these sets or two
# consecutive words are in _CHROME_PAIRS ("ad-slot", "mostPopular", "skip-link").
# Boxes named with a terse word never hold prose: one that does (a page wrapping
# its article in "body-ad-wrapper") is kept. Comment sections, consent banners
# and author boxes do hold prose.
_TERSE_CHROME_WORDS = frozenset(
    # ads and promotion
    "ad ads advert adverts advertisement advertisements advertising adslot adunit dfp"
    " sponsor sponsored promo promoted outbrain taboola"
    # sharing
    " share shares sharing sharebar social addthis sharethis"
    # newsletter and subscription prompts
    " newsletter newsletters subscribe subscription signup"
    # other stories
    " related recommended recommendations popular mostpopular mostread trending"
    # navigation and overlays
    " breadcrumb breadcrumbs skiplink toolbar modal popup"
    # image credits and live counters, which change from one render to the next
    " credit credits viewcount pageviews".split()
)
_PROSE_CHROME_WORDS = frozenset(
    # consent banners
    "cookie cookies consent gdpr cmp onetrust"
    # comments
    " comment comments disqus respond"
    # bylines and timestamps, read from the page's metadata instead
    " byline author authors date dates timestamp time pubdate".split()
)
_CHROME_PAIRS = frozenset(
    {("most", "read"), ("most", "viewed"), ("most", "shared"), ("skip", "link"), ("skip", "to")}
)
# Whole class names of text that only screen readers get ("Opens in a new window").
_SCREEN_READER_CLASSES = frozenset(
    "sr-only visually-hidden visuallyhidden screen-reader-text screen-reader-only"
    " element-invisible a11y-hidden".split()
)
# Class names that describe the page's content rather than a part of it
# (WordPress adds "tag-<topic>" and "category-<topic>" to the article).
_DESCRIPTIVE_CLASS = re.compile(r"^(?:tag|category|categories|has|is|with|no|post-format)[-_]")
_WORD_BOUNDARY = re.compile(r"[^a-zA-Z0-9]+|(?<=[a-z])(?=[A-Z])")
_MAX_NAME_WORDS = 3  # not counting numbers: "div-gpt-ad-1234-0" is an ad slot, not a slug
# A box whose heading asks for a sign-up is a newsletter box, however it is named.
_PROMPT_HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_PROMPT_HEADING = re.compile(
    r"^(?:get|sign up (?:for|to)|subscribe to|join)\b.{0,40}\bnewsletters?\b"
    r"|^(?:newsletters?|subscribe|sign up)\W*$",
    re.IGNORECASE,
)
_MAX_CHROME_SHARE = 0.5
_MIN_COMPONENTS = 4
_PROSE_PARAGRAPH_CHARS = 150


class _Chrome(enum.IntEnum):
    """How sure it is that an element is chrome, in increasing order."""

    NOT = enum.auto()
    NAMED_TERSE = enum.auto()
    """Named for chrome that never holds prose (ads, share buttons, related links)."""
    NAMED_PROSE = enum.auto()
    """Named for a comment section, consent banner, byline or timestamp."""
    CERTAIN = enum.auto()
    """A chrome tag or role, hidden, or text for screen readers alone."""


def remove_chrome(root: lxml.html.HtmlElement) -> None:
    """Remove the chrome from the tree under ``root`` (never ``root`` itself), in place.

    If all the chrome found would, removed together, leave less than a paragraph of the
    page's ``<p>`` text where there was more, only chrome by tag, role or hiding goes:
    a marker taken for chrome on this page names its content (many small removals add
    up to the article as surely as one large one). What is left is the article, whatever
    the chrome around it holds from one render to the next: ads cannot flip the choice.
    """
    anchors, candidates = _scan(root)
    protected = _protected(root, anchors)
    prefixes = _component_prefixes(root, protected)
    page_chars = _paragraph_chars(root)
    removed, removed_chars = _removable(candidates, protected, prefixes, page_chars)
    if page_chars - removed_chars < _PROSE_PARAGRAPH_CHARS <= page_chars:
        certain = [(element, kind) for element, kind in candidates if kind is _Chrome.CERTAIN]
        removed, _ = _removable(certain, protected, prefixes, page_chars)
    for element in removed:
        element.drop_tree()
    for embed in root.iter("blockquote"):
        if SOCIAL_EMBED_CLASSES & set(embed.classes):
            _keep_only_paragraphs(embed)


def _scan(
    root: lxml.html.HtmlElement,
) -> tuple[list[lxml.html.HtmlElement], list[tuple[lxml.html.HtmlElement, _Chrome]]]:
    """The anchors of :func:`_protected` under ``root``, and the chrome with its kind.

    Both in document order, found in one walk over the tree: walking it is what costs.
    """
    anchors: list[lxml.html.HtmlElement] = []
    chrome: list[tuple[lxml.html.HtmlElement, _Chrome]] = []
    for element in root.iterdescendants():
        if not isinstance(element, lxml.html.HtmlElement):
            continue
        if _is_anchor(element):
            anchors.append(element)
        if _may_be_chrome(element) and (kind := _chrome_kind(element)) is not _Chrome.NOT:
            chrome.append((element, kind))
        elif (box := _prompt_box(element)) is not None:
            chrome.append((box, _Chrome.NAMED_TERSE))
    return anchors, chrome


def _prompt_box(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The box ``element`` heads if it is a sign-up prompt's heading ("Get our newsletter")."""
    if element.tag not in _PROMPT_HEADING_TAGS:
        return None
    box = element.getparent()
    if box is None or box.tag in _NEVER_REMOVED_TAGS:
        return None
    return box if _PROMPT_HEADING.search(element.text_content().strip()) else None


def _is_anchor(element: lxml.html.HtmlElement) -> bool:
    """True for the elements that hold, or are, the article: see :func:`_protected`."""
    get = element.get
    return (
        element.tag in _ANCHOR_TAGS
        or get("role") == "main"
        or get("itemprop") == "articleBody"
        or get(KEEP_ATTRIBUTE) is not None
    )


def _may_be_chrome(element: lxml.html.HtmlElement) -> bool:
    """True for every element that :func:`_chrome_kind` may call chrome, and few others; cheap."""
    get = element.get
    tag = element.tag
    if tag in CHROME_TAGS or tag == "form" or get("role") is not None:
        return True
    classes, name, label = get("class"), get("id"), get("aria-label")
    return (
        get("aria-hidden") is not None
        or (classes is not None and _classes_kind(classes) is not _Chrome.NOT)
        or (name is not None and _id_or_label_kind(name) is not _Chrome.NOT)
        or (label is not None and _id_or_label_kind(label) is not _Chrome.NOT)
    )


def _protected(
    root: lxml.html.HtmlElement, anchors: list[lxml.html.HtmlElement]
) -> set[lxml.html.HtmlElement]:
    """``root``, ``anchors`` and their ancestors: removing them could remove the article."""
    protected = {root, *anchors}
    for anchor in anchors:
        protected.update(anchor.iterancestors())
    return protected


def _component_prefixes(
    root: lxml.html.HtmlElement, protected: set[lxml.html.HtmlElement]
) -> frozenset[str]:
    """Chrome words this page uses as the prefix of its components' class names.

    A CMS names its components with one prefix ("cmp-container", "cmp-text",
    "cmp-title"), which may be a chrome word elsewhere ("cmp": a consent platform).
    A word is such a prefix if it begins :data:`_MIN_COMPONENTS` distinct class names
    and one of them is on an element that holds the article (an ancestor of its
    heading or body): no ad, comment or banner holds the article.
    """
    components: dict[str, set[str]] = {}
    for element in protected:
        for name in (element.get("class") or "").split():
            word = _first_chrome_word(name)
            if word is not None:
                components.setdefault(word, set())
    if not components:
        return frozenset()
    for classes in root.xpath("//@class"):
        for name in str(classes).split():
            word = _first_chrome_word(name)
            if word in components:
                components[word].add(name.lower())
    return frozenset(word for word, names in components.items() if len(names) >= _MIN_COMPONENTS)


@functools.lru_cache(maxsize=8192)
def _first_chrome_word(name: str) -> str | None:
    """The first word of a compound class name, if it is a chrome word."""
    words = _words(name)
    if len(words) < 2 or _words_kind(words[:1]) is _Chrome.NOT:
        return None
    return words[0]


def _named_by(element: lxml.html.HtmlElement, prefixes: frozenset[str]) -> bool:
    """True if ``element`` is chrome only by class names that begin with ``prefixes``."""
    others = [
        name
        for name in (element.get("class") or "").split()
        if _first_chrome_word(name) not in prefixes
    ]
    if _classes_kind(" ".join(others)) is not _Chrome.NOT:
        return False
    return all(
        _id_or_label_kind(name) is _Chrome.NOT
        for name in (element.get("id"), element.get("aria-label"))
        if name is not None
    )


def _removable(
    candidates: Sequence[tuple[lxml.html.HtmlElement, _Chrome]],
    protected: set[lxml.html.HtmlElement],
    prefixes: frozenset[str],
    page_chars: int,
) -> tuple[list[lxml.html.HtmlElement], int]:
    """The outermost ``candidates`` (in document order) to remove, and their paragraph text.

    Not removed: ``protected`` elements, a box named for terse chrome that holds prose,
    one named only by a component prefix, and any holding more than half of the page's
    paragraph text. An element inside one chosen goes with it, and is not measured.
    """
    most_text = page_chars * _MAX_CHROME_SHARE
    chosen: dict[lxml.html.HtmlElement, None] = {}
    chars = 0
    for element, kind in candidates:
        if element in protected or element in chosen:
            continue
        if any(ancestor in chosen for ancestor in element.iterancestors()):
            continue
        if kind is _Chrome.NAMED_TERSE and _holds_prose(element):
            continue
        if prefixes and kind is not _Chrome.CERTAIN and _named_by(element, prefixes):
            continue
        held = _paragraph_chars(element)
        if held <= most_text:
            chosen[element] = None
            chars += held
    return list(chosen), chars


def _paragraph_chars(element: lxml.html.HtmlElement) -> int:
    return sum(len(paragraph.text_content()) for paragraph in element.iter("p"))


def _holds_prose(element: lxml.html.HtmlElement) -> bool:
    return any(
        len(paragraph.text_content()) >= _PROSE_PARAGRAPH_CHARS for paragraph in element.iter("p")
    )


def _chrome_kind(element: lxml.html.HtmlElement) -> _Chrome:
    tag = element.tag
    if tag in _NEVER_REMOVED_TAGS:
        return _Chrome.NOT
    get = element.get
    if (
        tag in CHROME_TAGS
        or (tag == "form" and element.find(".//p") is None)
        or (get("role") or "").strip().lower() in _CHROME_ROLES
        or (get("aria-hidden") or "").strip().lower() == "true"
    ):
        return _Chrome.CERTAIN
    if tag in _HEADINGS:
        return _Chrome.NOT
    kind = _classes_kind(get("class") or "")
    for key in ("id", "aria-label"):
        if kind < _Chrome.NAMED_PROSE and (name := get(key)) is not None:
            kind = max(kind, _id_or_label_kind(name))
    if kind is not _Chrome.NOT and next(element.iterancestors("p"), None) is not None:
        return _Chrome.NOT  # words of a paragraph stay, whatever their markup is named
    return kind


@functools.lru_cache(maxsize=8192)
def _classes_kind(classes: str) -> _Chrome:
    """What a class attribute says; pages repeat their class attributes, hence the cache."""
    return max(map(_class_kind, classes.split()), default=_Chrome.NOT)


@functools.lru_cache(maxsize=8192)
def _class_kind(name: str) -> _Chrome:
    """What a class name says; pages repeat their class names, hence the cache."""
    if _DESCRIPTIVE_CLASS.match(name):
        return _Chrome.NOT
    if name.lower() in _SCREEN_READER_CLASSES:
        return _Chrome.CERTAIN
    return _words_kind(_words(name))


@functools.lru_cache(maxsize=8192)
def _id_or_label_kind(name: str) -> _Chrome:
    """What an id or aria-label says; long ones are slugs or text ("h-what-is-social-shopping")."""
    words = _words(name)
    named = [word for word in words if not word.isdigit()]
    return _words_kind(words) if len(named) <= _MAX_NAME_WORDS else _Chrome.NOT


def _words(name: str) -> list[str]:
    return [word.lower() for word in _WORD_BOUNDARY.split(name) if word]


def _words_kind(words: list[str]) -> _Chrome:
    if not _PROSE_CHROME_WORDS.isdisjoint(words):
        return _Chrome.NAMED_PROSE
    if not _TERSE_CHROME_WORDS.isdisjoint(words) or (
        len(words) > 1 and not _CHROME_PAIRS.isdisjoint(zip(words, words[1:], strict=False))
    ):
        return _Chrome.NAMED_TERSE
    return _Chrome.NOT


def _keep_only_paragraphs(embed: lxml.html.HtmlElement) -> None:
    """Reduce an embedded social post to its quoted text, dropping attribution and date."""
    paragraphs = embed.findall("p")
    embed.text = None
    for child in list(embed):
        if child not in paragraphs:
            embed.remove(child)
    for paragraph in paragraphs:
        paragraph.tail = None
