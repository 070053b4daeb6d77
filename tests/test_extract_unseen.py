"""Extraction on kinds of page it was not tuned on (issue 14): chrome removal that would
delete the article, component prefixes, and short texts given a second reading."""

from __future__ import annotations

import lxml.html
import pytest

from redline.extract import _generic, extract_article
from redline.extract._clean import _PROSE_CHROME_WORDS

URL = "https://news.example/2026/12/story"
PARAGRAPHS = [
    f"Paragraph {n} of the story tells what the council decided on Tuesday evening, who"
    f" voted for the plan and why the residents of the northern district objected to it."
    for n in range(1, 9)
]


HEADLINE = "<h1>Council approves the plan</h1>"


def page(body: str) -> str:
    return (
        "<!DOCTYPE html><html><head><title>Council approves the plan</title></head><body>"
        f"<header><nav><a href='/'>Home</a></nav></header>{body}"
        "<footer><p>© The Example News. All rights reserved.</p></footer></body></html>"
    )


# trafilatura drops boxes named for comments by itself (include_comments=False)
@pytest.mark.parametrize("word", sorted(_PROSE_CHROME_WORDS - {"comment", "comments"}))
def test_many_small_boxes_named_for_chrome_do_not_add_up_to_the_article(word: str) -> None:
    """Each box holds an eighth of the text, under the per-box guard; together, all of it."""
    boxes = "".join(f"<div class='{word}'><p>{text}</p></div>" for text in PARAGRAPHS)
    article = extract_article(page(f"<div><h2>Council approves the plan</h2>{boxes}</div>"), URL)
    assert article.paragraphs == tuple(PARAGRAPHS)


def test_a_real_comment_section_is_still_removed() -> None:
    comments = "".join(
        f"<div class='comment'><p>Reader {n} says this is a disgrace and the council should"
        f" resign, every one of them, before the next election comes round.</p></div>"
        for n in range(3)
    )
    body = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    article = extract_article(page(f"<article>{HEADLINE}{body}</article>{comments}"), URL)
    assert article.paragraphs == tuple(PARAGRAPHS)
    assert "disgrace" not in article.text


def test_a_chrome_word_used_as_the_page_s_component_prefix_marks_nothing() -> None:
    """Adobe's components are named cmp-*: "cmp" is no consent platform on such a page."""
    plain = "".join(f"<p>{text}</p>" for text in PARAGRAPHS[:6])
    boxed = "".join(f"<div class='cmp-text'><p>{text}</p></div>" for text in PARAGRAPHS[6:])
    body = (
        "<div class='cmp-container'><div class='cmp-title'><h1>Council approves the plan</h1>"
        f"</div><div class='cmp-image'></div>{plain}{boxed}</div>"
        "<div class='cookie-banner'><p>We use cookies to improve your experience on our"
        " site. By continuing to browse you agree to our use of cookies.</p></div>"
    )
    article = extract_article(page(body), URL)
    assert article.paragraphs == tuple(PARAGRAPHS)
    assert "cookies" not in article.text


def test_a_word_that_prefixes_no_component_holding_the_article_still_marks_chrome() -> None:
    """Four cmp-* names on a consent banner outside the article: the banner goes."""
    banner = (
        "<div class='cmp-banner cmp-wrapper'><div class='cmp-body'><p>We and our 842 partners"
        " store and access information on your device to show you personalised ads.</p></div>"
        "<div class='cmp-buttons'>Accept</div></div>"
    )
    body = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    article = extract_article(page(f"<article>{HEADLINE}{body}</article>{banner}"), URL)
    assert "partners" not in article.text


# --- the fast/full/recall choice, read through what trafilatura's three readings return ---

TEXT = ["x" * 1000]  # the page's paragraph text: 1,000 characters in <p> elements


def choose(monkeypatch: pytest.MonkeyPatch, readings: dict[str, int]) -> tuple[int, list[str]]:
    """generic_paragraphs' text length when fast, full and recall readings give these lengths."""
    asked: list[str] = []

    def reading(tree: object, url: str, *, fast: bool, recall: bool = False) -> list[str]:
        name = "fast" if fast else "recall" if recall else "full"
        asked.append(name)
        return ["y" * readings[name]] if readings[name] else []

    monkeypatch.setattr(_generic, "_trafilatura_paragraphs", reading)
    tree = lxml.html.fromstring(f"<html><body><p>{TEXT[0]}</p></body></html>")
    return _generic.text_length(_generic.generic_paragraphs(tree, URL)), asked


@pytest.mark.parametrize(
    ("readings", "length", "asked"),
    [
        ({"fast": 900, "full": 5000, "recall": 0}, 900, ["fast"]),  # near the <p> text
        ({"fast": 500, "full": 2700, "recall": 0}, 2700, ["fast", "full"]),  # fast is partial
        ({"fast": 500, "full": 300, "recall": 0}, 500, ["fast", "full"]),  # full finds less
        ({"fast": 3000, "full": 800, "recall": 0}, 800, ["fast", "full"]),  # fast misread
        ({"fast": 0, "full": 200, "recall": 950}, 950, ["fast", "full", "recall"]),
        ({"fast": 100, "full": 0, "recall": 50}, 100, ["fast", "full", "recall"]),
    ],
)
def test_a_short_text_is_read_again_and_the_fuller_reading_kept(
    monkeypatch: pytest.MonkeyPatch, readings: dict[str, int], length: int, asked: list[str]
) -> None:
    assert choose(monkeypatch, readings) == (length, asked)


def test_a_text_short_after_cleaning_gets_a_reading_of_the_uncleaned_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cleaning that breaks the page for trafilatura: the uncleaned page is read too."""
    real = _generic.generic_paragraphs

    def broken_by_cleaning(
        tree: lxml.html.HtmlElement, url: str, *, stated: int | None = None
    ) -> list[str]:
        found = real(tree, url, stated=stated)
        return found if tree.find(".//div[@class='social']") is not None else found[:1]

    monkeypatch.setattr("redline.extract.generic_paragraphs", broken_by_cleaning)
    body = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    html = page(f"<div><h2>Council</h2>{body}<div class='social'>Share</div></div>")
    assert extract_article(html, URL).paragraphs == tuple(PARAGRAPHS)


# --- prose list items left out: the recall reading, kept if it keeps the text ------------

STEPS = [
    f"Step {n}: open the settings, choose the account you want to change, and confirm the"
    f" new password twice before you sign out of every other device."
    for n in range(1, 4)
]


def read_with_lists(
    monkeypatch: pytest.MonkeyPatch, recall: list[str], items: str
) -> tuple[list[str], list[str]]:
    """generic_paragraphs over a page of two paragraphs and ``items``, when the precise
    reading gives the two paragraphs alone and the recall reading gives ``recall``."""
    asked: list[str] = []
    recall_text = recall

    def by_mode(tree: object, url: str, *, fast: bool, recall: bool = False) -> list[str]:
        asked.append("recall" if recall else "fast" if fast else "full")
        return recall_text if recall else PARAGRAPHS[:2]

    monkeypatch.setattr(_generic, "_trafilatura_paragraphs", by_mode)
    body = "".join(f"<p>{text}</p>" for text in PARAGRAPHS[:2])
    tree = lxml.html.fromstring(
        f"<html><body><article>{body}<ul>{items}</ul></article></body></html>"
    )
    return _generic.generic_paragraphs(tree, URL), asked


def test_prose_list_items_left_out_send_for_the_recall_reading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    items = "".join(f"<li>{step}</li>" for step in STEPS)
    fuller = [*PARAGRAPHS[:2], *STEPS]
    assert read_with_lists(monkeypatch, fuller, items) == (fuller, ["fast", "recall"])


def test_a_recall_reading_that_loses_the_text_is_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    items = "".join(f"<li>{step}</li>" for step in STEPS)
    assert read_with_lists(monkeypatch, STEPS, items) == (PARAGRAPHS[:2], ["fast", "recall"])


def test_lists_of_links_or_short_items_send_for_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    links = "".join(f"<li><a href='/{n}'>{step}</a></li>" for n, step in enumerate(STEPS))
    short = "".join(f"<li>Item {n}</li>" for n in range(20))
    found = read_with_lists(monkeypatch, [], links + short)
    assert found == (PARAGRAPHS[:2], ["fast"])


# --- dates -----------------------------------------------------------------------------

ARTICLE = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)


def test_a_date_the_markup_does_not_state_is_found_in_the_page() -> None:
    """htmldate reads the URL, time elements and dated text: here, the URL."""
    html = page(f"<article>{HEADLINE}{ARTICLE}</article>")
    assert (
        extract_article(html, "https://news.example/2024/03/12/council").published == "2024-03-12"
    )


def test_a_meta_published_tag_with_a_written_date_is_the_date() -> None:
    meta = '<meta name="published" content="July 17, 2025">'
    html = page(f"<article>{HEADLINE}{ARTICLE}</article>").replace("</head>", f"{meta}</head>")
    assert extract_article(html, URL).published == "2025-07-17"


def test_a_page_with_no_date_anywhere_has_none() -> None:
    html = page(f"<article>{HEADLINE}{ARTICLE}</article>")
    assert extract_article(html, "https://news.example/story").published is None
