"""The archive's pages, on SQLite and PostgreSQL: wording, diffs, paging, errors, safety."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from email.utils import format_datetime
from html.parser import HTMLParser

import pytest
from sqlalchemy import delete, text

from redline.errors import StoreError
from redline.extract import EXTRACTOR_VERSION, ExtractedArticle
from redline.store import Store
from redline.store.tables import VersionRow
from redline.web import pages
from redline.web.http import SECURITY_HEADERS
from webarchive import ADDED, HOSTILE_URL, NOW, T0, Served, served


@pytest.fixture
def archive(database_url: str) -> Iterator[Served]:
    with served(database_url) as opened:
        yield opened


class Links(HTMLParser):
    """Every tag's attributes, and the page's text without tags."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def hrefs(self, tag: str = "a") -> list[str]:
        return [attrs["href"] or "" for name, attrs in self.tags if name == tag and "href" in attrs]

    def words(self) -> str:
        return " ".join("".join(self.text).split())


def words(served_archive: Served, path: str) -> str:
    response = served_archive.client.get(path)
    assert response.status_code == 200, response.text
    return Links(response.text).words()


def test_the_index_lists_the_latest_changes_newest_first(archive: Served) -> None:
    page = archive.client.get("/").text
    diffs = [href for href in Links(page).hrefs() if "/diff/" in href]
    bridge, hostile = archive.ids.bridge, archive.ids.hostile
    assert diffs == [
        f"/articles/{bridge}/diff/1/2",
        f"/articles/{hostile}/diff/0/1",
        f"/articles/{bridge}/diff/0/1",
    ]
    assert "about 3 hours after the one before" in Links(page).words()
    headline_change = '<del class="redline-delete">Harbour bridge approved after decade of debate'
    assert headline_change in page


def test_listings_page_newest_first_without_repeats(
    archive: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "PAGE_SIZE", 1)
    seen: list[str] = []
    path: str | None = "/"
    while path is not None:
        links = Links(archive.client.get(path).text)
        seen += [href for href in links.hrefs() if "/diff/" in href]
        older = [href for href in links.hrefs() if href.startswith("?before=")]
        path = f"/{older[0]}" if older else None
    assert len(seen) == 3 == len(set(seen))
    assert seen[0] == f"/articles/{archive.ids.bridge}/diff/1/2"


def test_the_article_page_speaks_as_the_seed_page_does(archive: Served) -> None:
    page = words(archive, f"/articles/{archive.ids.bridge}")
    assert (
        "This article is from the source 'example' and was first published or seen on "
        "2026-11-01 09:00 UTC. It last changed about 3 days ago." in page
    )
    assert "You can find the current article at its original source at" in page
    assert "The article has changed 2 times. There is an RSS feed of changes available" in page
    assert "Version 1 2026-11-01 11:00 UTC (about 2 hours later)" in page


def test_a_stopped_article_says_it_will_not_be_checked_again(archive: Served) -> None:
    page = words(archive, f"/articles/{archive.ids.stopped}")
    assert "from the source 'The Daily'" in page
    assert "won't be checked again for changes." in page
    assert "The article has changed 0 times." in page


def test_the_article_page_links_each_version_and_its_diff(archive: Served) -> None:
    bridge = archive.ids.bridge
    hrefs = Links(archive.client.get(f"/articles/{bridge}").text).hrefs()
    assert [f"/articles/{bridge}/versions/{number}" for number in range(3)] == [
        href for href in hrefs if "/versions/" in href
    ]
    assert [href for href in hrefs if "/diff/" in href] == [
        f"/articles/{bridge}/diff/0/1",
        f"/articles/{bridge}/diff/1/2",
    ]
    assert f"/articles/{bridge}/feed.xml" in hrefs


def test_the_side_by_side_diff_lines_up_paragraphs(archive: Served) -> None:
    page = archive.client.get(f"/articles/{archive.ids.bridge}/diff/0/1").text
    rows = re.findall(
        r'<div class="row([^"]*)">\s*<(?:p|h2) class="old"[^>]*>(.*?)</(?:p|h2)>'
        r'\s*<(?:p|h2) class="new"[^>]*>(.*?)</(?:p|h2)>',
        page,
    )
    assert [kind.split() for kind, _, _ in rows] == [
        ["title", "changed"],
        ["same"],
        ["changed"],
        ["same"],
    ]
    _, old_text, new_text = rows[1]
    assert (
        old_text
        == new_text
        == "The city council approved the new harbour bridge on Tuesday evening."
    )
    assert '<del class="redline-delete">410</del>' in rows[2][1]
    assert '<ins class="redline-insert">420</ins>' in rows[2][2]
    assert "Version 0" in page and "Version 1" in page and "(about 2 hours later)" in page


def test_an_added_paragraph_has_nothing_beside_it(archive: Served) -> None:
    page = archive.client.get(f"/articles/{archive.ids.bridge}/diff/1/2").text
    assert (
        f'<p class="old"></p>\n    <p class="new"><ins id="first-change" class="redline-insert">'
        f"{ADDED}</ins></p>" in page
    )


def test_the_diff_links_to_the_changes_either_side_and_to_the_inline_view(archive: Served) -> None:
    bridge = archive.ids.bridge
    first = Links(archive.client.get(f"/articles/{bridge}/diff/0/1").text).hrefs()
    assert f"/articles/{bridge}/diff/1/2" in first
    assert f"/articles/{bridge}/diff/0/1?view=inline" in first
    second = Links(archive.client.get(f"/articles/{bridge}/diff/1/2?view=inline").text).hrefs()
    assert f"/articles/{bridge}/diff/0/1?view=inline" in second
    assert f"/articles/{bridge}/diff/1/2" in second


def test_the_inline_view_shows_one_text_with_the_changes_marked(archive: Served) -> None:
    page = archive.client.get(f"/articles/{archive.ids.bridge}/diff/0/1?view=inline").text
    assert '<div class="redline-diff">' in page and 'class="old"' not in page
    assert "<p>The bridge will cost <del" in page


def test_a_version_page_shows_its_full_text(archive: Served) -> None:
    page = words(archive, f"/articles/{archive.ids.bridge}/versions/2")
    assert "Version 2, seen 2026-11-01 14:00 UTC" in page
    assert ADDED in page and "By Maria Okafor" in page


def test_a_version_page_links_the_page_it_came_from_shown_as_source(archive: Served) -> None:
    version = f"/articles/{archive.ids.bridge}/versions/2"
    assert f"{version}/page" in Links(archive.client.get(version).text).hrefs()
    fetched = archive.client.get(f"{version}/page")
    assert fetched.status_code == 200
    assert fetched.headers["content-type"] == "text/plain; charset=utf-8"  # never run here
    assert fetched.headers["x-content-type-options"] == "nosniff"
    assert "<script>document.title" in fetched.text and ADDED in fetched.text


def test_a_version_without_an_archived_page_links_none(archive: Served) -> None:
    version = f"/articles/{archive.ids.hostile}/versions/0"
    assert f"{version}/page" not in Links(archive.client.get(version).text).hrefs()
    missing = archive.client.get(f"{version}/page")
    assert missing.status_code == 404
    assert "has no archived page for version 0" in missing.text


def test_a_re_extracted_version_shows_the_text_it_replaced(
    archive: Served, database_url: str
) -> None:
    store = Store.open(database_url)
    repaired = ExtractedArticle(
        "Calm", "Maria Okafor", None, ("Nothing here at all.",), "generic", EXTRACTOR_VERSION
    )
    replaced_at = NOW - timedelta(hours=1)
    assert store.replace_text(archive.ids.hostile, 0, repaired, replaced_at)
    store.close()

    response = archive.client.get(f"/articles/{archive.ids.hostile}/versions/0")
    page = Links(response.text).words()
    assert "Nothing here at all." in page  # the text now
    assert "Earlier extractions of this version" in page and "Nothing here." in page
    assert response.headers["last-modified"] == format_datetime(replaced_at, usegmt=True)


def test_the_sources_page_and_a_source_page(archive: Served) -> None:
    hrefs = Links(archive.client.get("/sources").text).hrefs()
    assert {"/sources/example", "/sources/hostile", "/sources/The%20Daily"} <= set(hrefs)
    page = words(archive, "/sources/The%20Daily")
    assert "redline tracks 1 article from the source 'The Daily'" in page
    assert "A story told once" in page and "No changes yet." in page
    assert "Harbour bridge" in words(archive, "/sources/example")


@pytest.mark.parametrize(
    "path",
    [
        "/articles/999",
        "/articles/abc",
        "/articles/-1",
        "/articles/99999999999999999999999999",
        "/articles/1/versions/9",
        "/articles/1/diff/0/9",
        "/articles/999/diff/0/1",
        "/sources/nobody",
        "/no/such/page",
    ],
)
def test_what_does_not_exist_is_a_404_page(archive: Served, path: str) -> None:
    response = archive.client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "404 · Not Found" in response.text and "Traceback" not in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/?before=x",
        "/?before=0",
        "/?before=123456",
        "/sources/example?before=-3",
        "/articles/1/diff/1/0",
        "/articles/1/diff/1/1",
        "/articles/1/diff/0/1?view=sideways",
        "/search?q=" + "x" * 201,
    ],
)
def test_bad_parameters_are_a_400_page(archive: Served, path: str) -> None:
    response = archive.client.get(path)
    assert response.status_code == 400
    assert "400 · Bad Request" in response.text and "Traceback" not in response.text


HOSTILE_PAGES = [
    "/",
    "/sources/hostile",
    "/articles/{id}",
    "/articles/{id}/diff/0/1",
    "/articles/{id}/diff/0/1?view=inline",
    "/articles/{id}/versions/1",
    "/search?q=Breaking",
]


@pytest.mark.parametrize("path", HOSTILE_PAGES)
def test_hostile_titles_text_and_urls_show_as_text(archive: Served, path: str) -> None:
    page = archive.client.get(path.format(id=archive.ids.hostile)).text
    assert "<script" not in page and "<img" not in page and "<b " not in page
    assert "onerror=" not in page.replace("onerror=&#34;", "").replace("onerror=&quot;", "")
    tags = Links(page).tags
    assert not [attrs for _, attrs in tags if any(name.startswith("on") for name in attrs)]
    assert "&lt;script&gt;" in page


def test_the_hostile_url_is_an_escaped_link(archive: Served) -> None:
    page = archive.client.get(f"/articles/{archive.ids.hostile}").text
    assert HOSTILE_URL in Links(page).hrefs()


def test_a_url_that_is_not_http_is_never_a_link(database_url: str) -> None:
    with served(database_url) as opened:
        store = Store.open(database_url)
        sneaky, _ = store.add_article("javascript:alert(5)", source=None, now=T0)
        store.close()
        page = opened.client.get(f"/articles/{sneaky.id}").text
    assert "javascript:alert(5)" in Links(page).words()
    assert not [href for href in Links(page).hrefs() if "javascript" in href]


def test_links_to_tracked_articles_carry_no_referrer_and_no_follow(archive: Served) -> None:
    for article_id in (archive.ids.bridge, archive.ids.hostile):
        tags = Links(archive.client.get(f"/articles/{article_id}").text).tags
        outside = [attrs for name, attrs in tags if name == "a" and "://" in (attrs["href"] or "")]
        assert outside
        assert all(
            set((attrs["rel"] or "").split()) == {"noopener", "noreferrer", "nofollow"}
            for attrs in outside
        )


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/articles/1",
        "/articles/1/diff/0/1",
        "/nope",
        "/feed.xml",
        "/api/articles",
        "/static/redline.css",
        "/?before=x",
    ],
)
def test_every_response_forbids_scripts_and_outside_assets(archive: Served, path: str) -> None:
    policy = archive.client.get(path).headers["content-security-policy"]
    assert "default-src 'none'" in policy and "style-src 'self'" in policy
    assert "script-src" not in policy and "unsafe-inline" not in policy


@pytest.mark.parametrize("path", ["/", "/articles/1", "/articles/1/diff/0/1", "/search?q=bridge"])
def test_pages_need_no_script_inline_style_or_outside_asset(archive: Served, path: str) -> None:
    links = Links(archive.client.get(path).text)
    assert not [tag for tag, _ in links.tags if tag in ("script", "style", "iframe", "img")]
    assert not [attrs for _, attrs in links.tags if "style" in attrs]
    assert all(href.startswith("/") for href in links.hrefs("link"))
    css = archive.client.get("/static/redline.css").text
    assert "@import" not in css and "url(" not in css


CONDITIONAL_PATHS = [
    "/",
    "/sources/example",
    "/articles/1",
    "/articles/1/diff/0/1",
    "/articles/1/versions/0",
    "/search?q=bridge",
]


@pytest.mark.parametrize("path", CONDITIONAL_PATHS)
def test_a_page_not_changed_since_answers_304(archive: Served, path: str) -> None:
    first = archive.client.get(path)
    etag = first.headers["etag"]
    again = archive.client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    weak = archive.client.get(path, headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    assert archive.client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_page_answers_if_modified_since_by_its_last_modified(archive: Served) -> None:
    path = f"/articles/{archive.ids.bridge}/diff/0/1"
    last_modified = archive.client.get(path).headers["last-modified"]
    assert last_modified == "Sun, 01 Nov 2026 11:00:00 GMT"
    assert archive.client.get(path, headers={"If-Modified-Since": last_modified}).status_code == 304
    earlier = format_datetime(T0, usegmt=True)
    assert archive.client.get(path, headers={"If-Modified-Since": earlier}).status_code == 200
    nonsense = {"If-Modified-Since": "yesterday-ish"}
    assert archive.client.get(path, headers=nonsense).status_code == 200


@pytest.mark.parametrize("prefix", ["/archive", ""])
def test_the_app_works_under_a_path_prefix(database_url: str, prefix: str) -> None:
    """Behind a proxy at /archive, which may pass the prefix on or strip it."""
    with served(database_url, root_path="/archive") as opened:
        page = opened.client.get(f"{prefix}/articles/{opened.ids.bridge}")
        links = Links(page.text)
        stylesheet = opened.client.get(f"{prefix}/static/redline.css")
        missing = opened.client.get(f"{prefix}/articles/999")
    assert page.status_code == 200 and stylesheet.status_code == 200
    local = [href for href in links.hrefs() + links.hrefs("link") if "://" not in href]
    assert local and all(href.startswith("/archive/") for href in local)
    assert missing.status_code == 404 and 'href="/archive/"' in missing.text


def test_an_internal_error_is_a_500_page_without_a_traceback(database_url: str) -> None:
    with served(database_url, raise_errors=False) as opened:
        with opened.app.state.web.archive.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        store = Store.open(database_url)
        with store.engine.begin() as connection:
            connection.execute(text("ALTER TABLE versions RENAME TO versions_gone"))
        store.close()
        response = opened.client.get(f"/articles/{opened.ids.bridge}")
    assert response.status_code == 500
    assert "500 · Internal Server Error" in response.text
    assert "Traceback" not in response.text and "versions" not in response.text
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_the_app_cannot_change_the_archive(archive: Served) -> None:
    with pytest.raises(StoreError, match="cannot write to the database .*: read-only"):
        with archive.app.state.web.archive.engine.begin() as connection:
            connection.execute(delete(VersionRow))


def test_the_clock_moves_the_wording_but_not_the_data(archive: Served) -> None:
    assert NOW.isoformat() not in archive.client.get("/").text


def raise_inside(archive: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every article lookup fail as a bug would."""

    def broken(article_id: int) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(archive.app.state.web.archive, "article", broken)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/articles/999", 404),
        ("GET", "/api/articles/999", 404),
        ("GET", "/?before=x", 400),
        ("GET", "/api/changes?limit=0", 400),
        ("POST", "/", 405),
        ("POST", "/api/articles", 405),
        ("GET", "/articles/1", 500),
        ("GET", "/api/articles/1", 500),
    ],
)
def test_an_error_sends_each_security_header_once(
    database_url: str, monkeypatch: pytest.MonkeyPatch, method: str, path: str, status: int
) -> None:
    with served(database_url, raise_errors=False) as opened:
        if status == 500:
            raise_inside(opened, monkeypatch)
        response = opened.client.request(method, path)
    assert response.status_code == status
    for name, value in SECURITY_HEADERS:
        assert response.headers.get_list(name.decode()) == [value.decode()]
    assert (status == 405) == ("allow" in response.headers)
