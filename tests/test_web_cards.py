"""Change cards on the web, on SQLite and PostgreSQL: badges, the diff page's card, feed
titles, and the ``kind=`` and ``min_significance=`` filters on every surface.

The archive here holds one change of each of a few kinds, made the way checks make them
(through the store, which classifies each new version): a typo fixed, a figure changed,
a paragraph added, and an edit undone on two checks in a row (a revert).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs

import feedparser
import pytest

from redline.model import ChangeCard, ChangeKind
from redline.shapes import CHANGE_CARD
from redline.store import Store
from redline.web import create_app, pages
from redline.web.cards import KIND_LEGEND
from test_web_pages import Links
from webarchive import BASE_URL, NOW, T0, Client, article, record

STORY = (
    "The regional government announced a new rail line on Monday.",
    "Turnout in the consultation was 90% of registered households.",
    "The line will link the two largest citys of the region.",
)
TYPO_FIXED = (*STORY[:2], STORY[2].replace("citys", "cities"))
FIGURE_CHANGED = (STORY[0], STORY[1].replace("90%", "95%"), *STORY[2:])
PARAGRAPH_ADDED = (*STORY, "A second consultation on the stations will follow in the spring.")


CHANGES = [("typo", 1), ("figure", 1), ("added", 1), ("reverted", 1), ("reverted", 2)]
"""Every change in the archive: its article's name and the version it made."""


@dataclass(frozen=True)
class CardArchive:
    """The served archive, and the ids of its articles by the change each had."""

    client: Client
    ids: dict[str, int]
    store: Store

    def card(self, name: str, number: int = 1) -> ChangeCard:
        return self.store.cards(self.ids[name])[number]

    def diff(self, name: str, number: int = 1) -> str:
        return f"/articles/{self.ids[name]}/diff/{number - 1}/{number}"


def fill(database_url: str, store: Store) -> dict[str, int]:
    """Four articles, each changed once in its own way, at hours 1 to 4 after T0."""
    ids: dict[str, int] = {}
    edits = {"typo": TYPO_FIXED, "figure": FIGURE_CHANGED, "added": PARAGRAPH_ADDED}
    for hour, (name, edited) in enumerate(edits.items(), start=1):
        found, _ = store.add_article(f"https://news.example/{name}", source="alpha", now=T0)
        record(store, found.id, T0, article(f"Rail line: {name}", *STORY))
        record(store, found.id, T0 + timedelta(hours=hour), article(f"Rail line: {name}", *edited))
        ids[name] = found.id
    reverted, _ = store.add_article("https://news.example/reverted", source="beta", now=T0)
    for minutes, body in enumerate([STORY, FIGURE_CHANGED, STORY, STORY]):
        at = T0 + timedelta(hours=4, minutes=10 * minutes)
        record(store, reverted.id, at, article("Rail line: reverted", *body))
    ids["reverted"] = reverted.id
    return ids


@pytest.fixture
def cards(database_url: str) -> Iterator[CardArchive]:
    store = Store.open(database_url)
    ids = fill(database_url, store)
    app = create_app(database_url, clock=lambda: NOW)
    try:
        yield CardArchive(Client(app), ids, store)
    finally:
        app.state.web.archive.engine.dispose()
        store.close()


def test_the_archive_holds_the_changes_the_tests_need(cards: CardArchive) -> None:
    typo, figure = cards.card("typo"), cards.card("figure")
    assert typo.kinds == (ChangeKind.TYPO,) and typo.significance < 0.3
    assert ChangeKind.NUMBERS in figure.kinds and figure.significance >= 0.5
    assert ChangeKind.ADDED in cards.card("added").kinds
    assert cards.card("reverted", 2).revert_of == 0


def badges(card: ChangeCard) -> list[str]:
    return [
        f'<li class="kind kind-{kind.value}" title="{KIND_LEGEND[kind]}">{kind.value}</li>'
        for kind in card.kinds
    ]


@pytest.mark.parametrize("path", ["/", "/sources/alpha"])
def test_a_listing_shows_each_changes_summary_and_kinds(cards: CardArchive, path: str) -> None:
    page = cards.client.get(path).text
    for name in ("typo", "figure", "added"):
        card = cards.card(name)
        item = re.search(rf'href="{cards.diff(name)}".*?</li>\s*</ul>', page, re.S)
        assert item is not None, name
        assert card.summary in Links(item.group()).words()
        assert all(badge in item.group() for badge in badges(card)), name


def test_the_article_page_shows_each_versions_summary_and_kinds(cards: CardArchive) -> None:
    page = cards.client.get(f"/articles/{cards.ids['reverted']}").text
    for number in (1, 2):
        card = cards.card("reverted", number)
        assert card.summary in Links(page).words()
        assert all(badge in page for badge in badges(card))
    assert page.count('<div class="card">') == 2  # version 0 has no change to describe


def test_every_kind_has_a_legend_the_pages_show() -> None:
    assert set(KIND_LEGEND) == set(ChangeKind)
    assert all(meaning.endswith(".") for meaning in KIND_LEGEND.values())


def test_the_filter_form_lists_every_kind_with_its_meaning(cards: CardArchive) -> None:
    page = cards.client.get("/?kind=typo&kind=numbers").text
    boxes = [attrs for tag, attrs in Links(page).tags if tag == "input"]
    assert [box["value"] for box in boxes if box.get("type") == "checkbox"] == list(ChangeKind)
    checked = [box["value"] for box in boxes if "checked" in box]
    assert checked == ["numbers", "typo"]
    assert all(meaning in Links(page).words() for meaning in KIND_LEGEND.values())


def listed_on_page(cards: CardArchive, path: str) -> set[str]:
    """The changes a page lists, by the name of their article."""
    response = cards.client.get(path)
    assert response.status_code == 200, response.text
    diffs = {href for href in Links(response.text).hrefs() if "/diff/" in href}
    return {name for name in cards.ids if cards.diff(name) in diffs}


def listed_in_feed(cards: CardArchive, path: str) -> set[str]:
    response = cards.client.get(path)
    assert response.status_code == 200, response.text
    links = {entry.link for entry in feedparser.parse(response.content).entries}
    return {name for name in cards.ids if f"{BASE_URL}{cards.diff(name)}" in links}


def listed_by_the_api(cards: CardArchive, path: str) -> set[str]:
    response = cards.client.get(path)
    assert response.status_code == 200, response.text
    changed = {(item["article_id"], item["to"]["number"]) for item in response.json()["items"]}
    return {name for name, article_id in cards.ids.items() if (article_id, 1) in changed}


Lister = Callable[[CardArchive, str], set[str]]

SURFACES: list[tuple[str, Lister]] = [
    ("/", listed_on_page),
    ("/sources/alpha", listed_on_page),
    ("/feed.xml", listed_in_feed),
    ("/feed.atom", listed_in_feed),
    ("/sources/alpha/feed.xml", listed_in_feed),
    ("/api/changes", listed_by_the_api),
]


@pytest.mark.parametrize(("path", "listed"), SURFACES)
def test_every_listing_filters_by_kind_and_significance(
    cards: CardArchive, path: str, listed: Lister
) -> None:
    every = listed(cards, path)
    assert {"typo", "figure", "added"} <= every
    assert "typo" not in listed(cards, f"{path}?min_significance=0.3")
    assert "figure" in listed(cards, f"{path}?min_significance=0.3")
    assert listed(cards, f"{path}?kind=typo") == {"typo"}
    assert listed(cards, f"{path}?kind=typo&kind=added") == {"typo", "added"}
    assert listed(cards, f"{path}?kind=typo&min_significance=0.3") == set()


def test_an_article_feed_filters_too(cards: CardArchive) -> None:
    feed = f"/articles/{cards.ids['typo']}/feed.xml"
    assert listed_in_feed(cards, feed) == {"typo"}
    assert listed_in_feed(cards, f"{feed}?kind=typo") == {"typo"}
    assert listed_in_feed(cards, f"{feed}?min_significance=0.3") == set()


BAD_FILTERS = [
    "kind=typos",
    "kind=typo&kind=Numbers",
    "kind=",
    "min_significance=1.5",
    "min_significance=-0.1",
    "min_significance=nan",
    "min_significance=inf",
    "min_significance=%200.5",
    "min_significance=half",
    "min_significance=",
]


@pytest.mark.parametrize("query", BAD_FILTERS)
@pytest.mark.parametrize(
    "path",
    ["/", "/sources/alpha", "/feed.xml", "/sources/alpha/feed.atom", "/articles/1/feed.xml"],
)
def test_a_bad_filter_is_a_400_page_saying_what_is_valid(
    cards: CardArchive, path: str, query: str
) -> None:
    response = cards.client.get(f"{path}?{query}")
    assert response.status_code == 400
    message = Links(response.text).words()
    expected = "kind= must be one of: " if query.startswith("kind") else "min_significance="
    assert expected in message and "Traceback" not in message
    if query.startswith("kind"):
        assert ", ".join(kind.value for kind in ChangeKind) in message


@pytest.mark.parametrize("query", BAD_FILTERS)
def test_a_bad_filter_is_a_400_from_the_api(cards: CardArchive, query: str) -> None:
    response = cards.client.get(f"/api/changes?{query}")
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert "\n" not in message
    if query.startswith("kind"):
        assert all(kind.value in message for kind in ChangeKind)
    else:
        assert message.startswith("min_significance= must be a number from 0 to 1")


def test_a_filtered_index_keeps_its_filters_from_page_to_page(
    cards: CardArchive, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "PAGE_SIZE", 1)
    seen: list[str] = []
    path: str | None = "/?kind=typo&kind=added&kind=numbers"
    while path is not None:
        links = Links(cards.client.get(path).text)
        seen += [href for href in links.hrefs() if "/diff/" in href]
        older = [href for href in links.hrefs() if "before=" in href]
        if older:
            assert parse_qs(older[0][1:])["kind"] == ["added", "numbers", "typo"]
        path = f"/{older[0]}" if older else None
    asked = {ChangeKind.TYPO, ChangeKind.ADDED, ChangeKind.NUMBERS}
    of_those_kinds = [
        cards.diff(name, number)
        for name, number in CHANGES
        if asked & set(cards.card(name, number).kinds)
    ]
    assert len(seen) == len(set(seen)) and sorted(seen) == sorted(of_those_kinds)
    assert len(seen) >= 3


def test_the_apis_next_path_keeps_every_kind(cards: CardArchive) -> None:
    first = cards.client.get("/api/changes?limit=1&kind=typo&kind=added").json()
    assert first["next"].startswith("/api/changes?limit=1&kind=typo&kind=added&before=")
    second = cards.client.get(first["next"]).json()
    assert [item["change"]["kinds"] for item in first["items"] + second["items"]] == [
        ["added"],
        ["typo"],
    ]


def test_a_filtered_page_links_the_feed_filtered_the_same_way(cards: CardArchive) -> None:
    links = Links(cards.client.get("/sources/alpha?min_significance=0.5&kind=numbers").text)
    feeds = [href for href in links.hrefs("link") + links.hrefs() if "/alpha/feed." in href]
    assert len(feeds) == 4  # RSS and Atom, in the head and in the text
    assert all(href.endswith("?kind=numbers&min_significance=0.5") for href in feeds)


def feed_items(cards: CardArchive, path: str) -> dict[str, Any]:
    """The items of a feed by the name of the article they are of."""
    entries = feedparser.parse(cards.client.get(path).content).entries
    return {
        name: entry
        for entry in entries
        for name in cards.ids
        if entry.link.endswith(cards.diff(name, 2 if name == "reverted" else 1))
    }


@pytest.mark.parametrize("kind", ["xml", "atom"])
def test_a_feed_items_title_and_description_open_with_the_summary(
    cards: CardArchive, kind: str
) -> None:
    items = feed_items(cards, f"/feed.{kind}")
    for name in ("typo", "figure", "added"):
        card = cards.card(name)
        summary = card.summary.rstrip(".")
        assert items[name].title == f"Version 1: {summary} — Rail line: {name}"
        description = items[name].content[0].value if kind == "atom" else items[name].description
        assert description.startswith(f'<p class="redline-summary">{card.summary}</p>')
        assert [tag.term for tag in items[name].tags] == [kind.value for kind in card.kinds]


def test_the_feed_title_says_which_changes_it_holds(cards: CardArchive) -> None:
    feed = feedparser.parse(cards.client.get("/feed.xml?kind=numbers&min_significance=0.5").content)
    assert feed.feed.title == "redline: changes (numbers; significance at least 0.5)"
    assert feed.feed.link == f"{BASE_URL}/?kind=numbers&min_significance=0.5"


@pytest.mark.parametrize("view", ["", "?view=inline"])
def test_the_diff_page_opens_with_the_card_and_a_jump_to_the_first_change(
    cards: CardArchive, view: str
) -> None:
    page = cards.client.get(cards.diff("figure") + view).text
    card = cards.card("figure")
    opening = Links(page[: page.index('<div class="versions-head">')]).words()
    assert card.summary in opening
    assert f"Significance {card.significance:.2f} {card.significance:.2f}: " in opening
    assert "; ".join(card.reasons) in opening
    numbers = [f"{change.old} → {change.new}" for change in card.numbers]
    assert numbers and f"Numbers: {', '.join(numbers)}" in opening
    assert all(badge in page for badge in badges(card))
    assert 'href="#first-change"' in page
    (anchored,) = re.findall(r'<(\w+) id="first-change"[^>]*>([^<]*)<', page)
    assert anchored == ("del", "90")  # the first change: the old figure (the % stayed)
    assert page.index('href="#first-change"') < page.index('id="first-change"')


def test_an_unchanged_headline_is_no_first_change(cards: CardArchive) -> None:
    page = cards.client.get(cards.diff("added")).text
    (anchored,) = re.findall(r'<(\w+) id="first-change"[^>]*>([^<]*)<', page)
    assert anchored == ("ins", PARAGRAPH_ADDED[-1])


def test_a_revert_links_the_version_it_returns_to(cards: CardArchive) -> None:
    reverted = cards.ids["reverted"]
    page = cards.client.get(cards.diff("reverted", 2)).text
    assert "Version 2 returns to the text of version 0." in Links(page).words()
    assert f"/articles/{reverted}/versions/0" in Links(page).hrefs()
    assert '<li class="kind kind-revert"' in page


def test_a_diff_over_several_versions_shows_each_ones_card(cards: CardArchive) -> None:
    page = Links(cards.client.get(f"/articles/{cards.ids['reverted']}/diff/0/2").text).words()
    for number in (1, 2):
        assert f"Version {number} {cards.card('reverted', number).summary}" in page


def test_the_api_changes_carry_their_cards(cards: CardArchive) -> None:
    items = cards.client.get("/api/changes").json()["items"]
    by_version = {(item["article_id"], item["to"]["number"]): item for item in items}
    for name in ("typo", "figure", "added"):
        expected = CHANGE_CARD.dump(cards.card(name))
        assert by_version[(cards.ids[name], 1)]["change"] == expected


def test_an_articles_versions_carry_their_cards_as_show_does(cards: CardArchive) -> None:
    reverted = cards.ids["reverted"]
    versions = cards.client.get(f"/api/articles/{reverted}/versions").json()["items"]
    assert versions[0]["change"] is None
    assert [version["change"] for version in versions[1:]] == [
        CHANGE_CARD.dump(cards.card("reverted", number)) for number in (1, 2)
    ]
    assert versions[2]["change"]["revert_of"] == 0


def test_the_description_names_the_filters_and_the_card(cards: CardArchive) -> None:
    document = cards.client.get("/api/openapi.json").json()
    parameters = {
        parameter["name"]: parameter
        for parameter in document["paths"]["/api/changes"]["get"]["parameters"]
    }
    kind = parameters["kind"]
    assert kind["schema"]["items"]["enum"] == [kind.value for kind in ChangeKind]
    assert kind["explode"] is True and kind["style"] == "form"
    significance = parameters["min_significance"]["schema"]
    assert (significance["minimum"], significance["maximum"]) == (0, 1)
    assert set(document["components"]["schemas"]["ChangeCard"]["required"]) >= {
        "kinds",
        "significance",
        "summary",
        "reasons",
        "sentences",
        "numbers",
        "revert_of",
    }
