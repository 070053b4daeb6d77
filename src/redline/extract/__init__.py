"""Extract an article's headline, byline, date and paragraphs from its HTML page.

The promise is stability: re-renders of an unchanged article give equal
:class:`ExtractedArticle` values, so only real edits make new versions. Site
chrome that changes from one render to the next (ads, timestamps, share counts,
consent banners, newsletter prompts, "most popular" boxes, comments) is removed
from the page before the text is taken, and recognizable lines of it are
removed from the paragraphs afterwards.

A page is an article only if its paragraphs hold at least 100 characters, not
counting white space or the text of the page's links (about two lines of
prose). Section fronts (lists of headline links), empty pages, pages of a few
words and binary data raise :class:`~redline.errors.ExtractionError`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import asdict
from urllib.parse import urlsplit

import lxml.html

from ..config import SiteRule
from ..errors import ExtractionError
from ..model import ExtractedArticle
from ._boilerplate import without_boilerplate
from ._clean import remove_chrome
from ._fastpath import LearnedRule, confirms_unchanged, learn_rule
from ._generic import SHORT_SHARE, generic_paragraphs, paragraph_text_chars, text_length
from ._html import NO_ARTICLE, page_text, parse_html
from ._metadata import read_metadata
from ._site import apply_site_rule, site_paragraphs
from ._text import normalize_text

__all__ = [
    "EXTRACTOR_VERSION",
    "ExtractedArticle",
    "LearnedRule",
    "confirms_unchanged",
    "extract_article",
    "extractor_version",
    "learn_rule",
    "normalize_text",
    "rule_for",
    "unmatched_selectors",
]

EXTRACTOR_VERSION = "5"
"""Changes whenever the output for the same HTML can change."""

_MIN_ARTICLE_CHARS = 100  # of paragraph text, not counting white space or link texts

_SPACES = re.compile(r"\s+")


def extract_article(
    html: str | bytes, url: str, *, rules: Sequence[SiteRule] = ()
) -> ExtractedArticle:
    """Extract the article from ``html``, the page at ``url``.

    Bytes are decoded by their byte order mark or ``<meta>`` charset, else as
    UTF-8 or Windows-1252. The first rule in ``rules`` matching the URL's host
    is applied; its unset or unmatched selectors fall back to the generic path.

    Raises:
        ExtractionError: the page holds no article text.
        PageTooComplexError: the page has too many elements to extract in bounded time.
    """
    text = page_text(html)  # bounded before the site rule's soup and the parse, both costly
    rule = rule_for(url, rules)
    selections = apply_site_rule(text, rule) if rule else None
    tree = parse_html(selections.html if selections else text)
    metadata = read_metadata(tree, url)
    # The head is read and holds no article text, but trafilatura would walk it on each pass.
    for head in tree.findall("head"):
        head.drop_tree()
    remove_chrome(tree)
    title = selections.title if selections and selections.title else metadata.title
    byline = selections.byline if selections and selections.byline else metadata.byline
    if selections and selections.has_body:
        found = site_paragraphs(tree)
    else:
        found = _generic_paragraphs(tree, text, url)
    paragraphs = without_boilerplate(found, title=title, byline=byline)
    if not _has_article_text(paragraphs, tree):
        raise ExtractionError(NO_ARTICLE)
    return ExtractedArticle(
        title=title,
        byline=byline,
        published=metadata.published,
        paragraphs=paragraphs,
        method=f"site:{rule.host}" if rule else "generic",
        extractor_version=extractor_version(rule),
        canonical_url=metadata.canonical_url,
    )


def unmatched_selectors(html: str | bytes, rule: SiteRule) -> tuple[str, ...]:
    """The settings of ``rule`` (``title``, ``body``, ``byline``) whose CSS selector matches
    no element of the page ``html``, after ``drop``: those that fall back to the generic
    path. Raises ExtractionError for an invalid selector."""
    return apply_site_rule(page_text(html), rule).unmatched


def extractor_version(rule: SiteRule | None) -> str:
    """``EXTRACTOR_VERSION``, and with a site rule ``+`` the first 8 hex digits of its digest."""
    if rule is None:
        return EXTRACTOR_VERSION
    described = json.dumps(asdict(rule), sort_keys=True).encode()
    return f"{EXTRACTOR_VERSION}+{hashlib.sha256(described).hexdigest()[:8]}"


def _generic_paragraphs(tree: lxml.html.HtmlElement, text: str, url: str) -> list[str]:
    """The generic path's paragraphs of the cleaned ``tree``, with a second opinion.

    When they are short beside the paragraph text left after cleaning, removing the
    chrome may have broken the page's structure for trafilatura: the uncleaned page
    (``text``, parsed again) is read too, and the longer text kept.
    """
    stated = paragraph_text_chars(tree)
    found = generic_paragraphs(tree, url, stated=stated)
    if text_length(found) >= stated * SHORT_SHARE:
        return found
    uncleaned = parse_html(text)
    for head in uncleaned.findall("head"):
        head.drop_tree()
    return max(found, generic_paragraphs(uncleaned, url), key=text_length)


def rule_for(url: str, rules: Sequence[SiteRule]) -> SiteRule | None:
    """The first of ``rules`` for the host of ``url``, if any."""
    host = urlsplit(url).hostname
    if not host:
        return None
    return next((rule for rule in rules if rule.matches(host)), None)


def _has_article_text(paragraphs: tuple[str, ...], tree: lxml.html.HtmlElement) -> bool:
    """True if ``paragraphs`` hold 100 characters outside white space and link texts."""
    link_texts = {normalize_text(link.text_content()) for link in tree.iter("a")} - {""}
    longest_first = sorted(link_texts, key=len, reverse=True)
    chars = 0
    for paragraph in paragraphs:
        chars += _chars_outside(paragraph, longest_first)
        if chars >= _MIN_ARTICLE_CHARS:
            return True
    return False


def _chars_outside(paragraph: str, link_texts: list[str]) -> int:
    """The characters of ``paragraph``, not counting white space, once ``link_texts`` are cut."""
    for link_text in link_texts:
        if not paragraph:
            break  # all link texts, as on a section front: the rest of the list cannot matter
        paragraph = paragraph.replace(link_text, "")
    return len(_SPACES.sub("", paragraph))
