"""Change images on the web: /articles/{id}/diff/{from}/{to}.png, its alt text and caching."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from urllib.parse import unquote

import pytest
from PIL import Image

from markup import as_html
from redline.images import render_change_png
from redline.notify import ChangeEvent
from redline.web import diffs
from redline.web.change_images import ALT_TEXT_HEADER, alt_text_header
from redline.web.diffs import LRUCache
from webarchive import ADDED, HOSTILE_TEXT, HOSTILE_TITLE, PARAGRAPHS, Served, served


@pytest.fixture
def archive(database_url: str) -> Iterator[Served]:
    with served(database_url) as opened:
        yield opened


def decoded(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    image.load()
    return image


def alt_of(archive: Served, path: str) -> str:
    return unquote(archive.client.get(path).headers[ALT_TEXT_HEADER])


def test_a_change_image_is_a_png_1200_pixels_wide_whose_alt_text_names_the_change(
    archive: Served,
) -> None:
    response = archive.client.get(f"/articles/{archive.ids.bridge}/diff/1/2.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert decoded(response.content).width == 1200
    alt = unquote(response.headers[ALT_TEXT_HEADER])
    assert f"Added: {ADDED}" in alt and alt.startswith("example, 2026-11-01 14:00 UTC: Harbour")
    assert response.headers["last-modified"] == "Sun, 01 Nov 2026 14:00:00 GMT"


def test_an_image_across_versions_shows_the_headline_and_text_before_and_after(
    archive: Served,
) -> None:
    alt = alt_of(archive, f"/articles/{archive.ids.bridge}/diff/0/2.png")
    assert "Headline before: Harbour bridge approved after decade of debate After:" in alt
    assert f"Before: {PARAGRAPHS[1]} After: {PARAGRAPHS[1].replace('410', '420')}" in alt


def test_the_diff_page_links_the_image_with_its_alt_text(archive: Served) -> None:
    bridge = archive.ids.bridge
    page = archive.client.get(f"/articles/{bridge}/diff/1/2").text
    assert f'<a href="/articles/{bridge}/diff/1/2.png">Share as image</a>' in page
    alt = alt_of(archive, f"/articles/{bridge}/diff/1/2.png")
    assert f'<p class="alt-text">{alt}</p>' in page


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/articles/{bridge}/diff/2/1", 400),
        ("/articles/{bridge}/diff/1/1", 400),
        ("/articles/999/diff/0/1", 404),
        ("/articles/{bridge}/diff/1/9", 404),
        ("/articles/{bridge}/diff/x/1", 404),
        ("/articles/{bridge}/diff/0/-1", 404),
    ],
)
def test_bad_versions_answer_as_the_json_diff_does(archive: Served, path: str, status: int) -> None:
    path = path.format(bridge=archive.ids.bridge)
    assert archive.client.get(f"/api{path}").status_code == status
    assert archive.client.get(f"{path}.png").status_code == status


def test_an_image_is_drawn_once_and_answers_304_when_not_changed(
    archive: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[str] = []

    def counting(change: ChangeEvent) -> bytes:
        drawn.append(change.title)
        return real(change)

    real = render_change_png
    monkeypatch.setattr(diffs, "render_change_png", counting)
    path = f"/articles/{archive.ids.bridge}/diff/1/2.png"
    first = archive.client.get(path)
    assert archive.client.get(path).content == first.content
    again = archive.client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    since = {"If-Modified-Since": first.headers["last-modified"]}
    assert archive.client.get(path, headers=since).status_code == 304
    assert len(drawn) == 1


def test_hostile_text_is_drawn_and_its_alt_text_stays_text(archive: Served) -> None:
    hostile = archive.ids.hostile
    response = archive.client.get(f"/articles/{hostile}/diff/0/1.png")
    assert decoded(response.content).width == 1200
    alt = unquote(response.headers[ALT_TEXT_HEADER])
    assert HOSTILE_TITLE in alt and HOSTILE_TEXT in alt  # the words as written: text
    page = archive.client.get(f"/articles/{hostile}/diff/0/1").text
    start = page.index('<section class="share"')
    share = as_html(page[start : page.index("</section>", start)])
    tags = ["section", "p", "a", "span", "details", "summary", "p"]
    assert [tag for tag, _ in share.elements] == tags  # none from the article's text
    assert HOSTILE_TITLE in share.text


def test_the_alt_text_header_is_cut_to_fit_proxies_at_a_character() -> None:
    assert alt_text_header("Before: 90% After: 95%") == "Before: 90%25 After: 95%25"
    long = alt_text_header("مرحبا بالعالم " * 200)  # 2,800 characters, 6 bytes each encoded
    assert len(long) <= 2000 and long.isascii()
    assert unquote(long, errors="strict").endswith("…")
    assert unquote(long).startswith("مرحبا بالعالم")


def test_askers_of_one_missing_image_at_once_wait_for_one_drawing() -> None:
    cache: LRUCache[str, bytes] = LRUCache(4)
    started, release = threading.Event(), threading.Event()
    drawn: list[str] = []

    def draw() -> bytes:
        drawn.append("png")
        started.set()
        assert release.wait(timeout=30)  # a bound, not a pause: the test sets it at once
        return b"png"

    askers = 8
    together = threading.Barrier(askers)
    got: list[bytes] = []

    def ask() -> None:
        together.wait(timeout=30)
        got.append(cache.get_or_compute("diff/1/2.png", draw))

    threads = [threading.Thread(target=ask) for _ in range(askers)]
    for thread in threads:
        thread.start()
    assert started.wait(timeout=30)
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert got == [b"png"] * askers and drawn == ["png"]
    assert cache.get_or_compute("other", lambda: b"other") == b"other"  # no lock left behind


def test_with_a_base_url_a_diff_page_previews_as_its_image(database_url: str) -> None:
    with served(database_url, base_url="https://news.example.org/archive") as opened:
        bridge = opened.ids.bridge
        page = opened.client.get(f"/articles/{bridge}/diff/1/2").text
        image = f"https://news.example.org/archive/articles/{bridge}/diff/1/2.png"
        assert f'<meta property="og:image" content="{image}">' in page
        alt = unquote(
            opened.client.get(f"/articles/{bridge}/diff/1/2.png").headers[ALT_TEXT_HEADER]
        )
        assert f'<meta property="og:image:alt" content="{alt}">' in page


def test_without_a_base_url_a_diff_page_names_no_host(archive: Served) -> None:
    page = archive.client.get(f"/articles/{archive.ids.bridge}/diff/1/2").text
    assert "og:image" not in page and "http://archive.test" not in page
