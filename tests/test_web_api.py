"""The JSON API: every route, paging, errors as JSON, and its OpenAPI description."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.routing import Route

from redline.diff import diff_versions
from redline.extract import EXTRACTOR_VERSION, ExtractedArticle
from redline.shapes import DIFF, VersionDiff
from redline.store import Store
from webarchive import ADDED, HOSTILE_URL, NOW, Served, served


@pytest.fixture
def archive(database_url: str) -> Iterator[Served]:
    with served(database_url) as opened:
        yield opened


def get(archive: Served, path: str) -> Any:
    response = archive.client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def every_page(archive: Served, path: str) -> list[Any]:
    """The items of a listing, following its ``next`` paths to the end."""
    items: list[Any] = []
    following: str | None = path
    while following is not None:
        page = get(archive, following)
        items += page["items"]
        following = page["next"]
    return items


def test_articles_come_newest_first_a_page_at_a_time(archive: Served) -> None:
    ids = archive.ids
    articles = every_page(archive, "/api/articles?limit=1")
    assert [article["id"] for article in articles] == [ids.stopped, ids.hostile, ids.bridge]
    assert articles[1]["url"] == HOSTILE_URL and articles[2]["version_count"] == 3
    assert (
        get(archive, "/api/articles?limit=1")["next"]
        == f"/api/articles?limit=1&before={ids.stopped}"
    )


def test_articles_of_one_source(archive: Served) -> None:
    (article,) = get(archive, "/api/articles?source=The%20Daily")["items"]
    assert article["id"] == archive.ids.stopped and article["status"] == "stopped"


def test_one_article_and_its_versions(archive: Served) -> None:
    article = get(archive, f"/api/articles/{archive.ids.bridge}")
    assert article["title"] == "Harbour bridge approved after decade of debate at last"
    versions = get(archive, f"/api/articles/{archive.ids.bridge}/versions")
    assert [version["number"] for version in versions["items"]] == [0, 1, 2]
    assert versions["items"][1]["seen_at"] == "2026-11-01T11:00:00+00:00"
    assert versions["next"] is None


def test_one_version_with_its_text(archive: Served) -> None:
    version = get(archive, f"/api/articles/{archive.ids.bridge}/versions/2")
    assert version["paragraphs"][-1] == ADDED and version["byline"] == "Maria Okafor"


def test_a_diff_is_the_library_diff_as_json(database_url: str) -> None:
    with served(database_url) as opened:
        data = get(opened, f"/api/articles/{opened.ids.bridge}/diff/0/2")
    store = Store.open(database_url)
    versions = store.versions(1)
    store.close()
    assert data == DIFF.dump(VersionDiff(diff_versions(versions[0], versions[2]), 0, 2))


def test_changes_newest_first_a_page_at_a_time(archive: Served) -> None:
    changes = every_page(archive, "/api/changes?limit=2")
    assert [(change["article_id"], change["to"]["number"]) for change in changes] == [
        (archive.ids.bridge, 2),
        (archive.ids.hostile, 1),
        (archive.ids.bridge, 1),
    ]
    assert changes[2]["from"]["title"] == "Harbour bridge approved after decade of debate"
    only = get(archive, "/api/changes?source=hostile")["items"]
    assert [change["article_id"] for change in only] == [archive.ids.hostile]


def test_sources(archive: Served) -> None:
    names = [source["name"] for source in get(archive, "/api/sources")["items"]]
    assert names == ["The Daily", "example", "hostile"]


def test_search_a_page_at_a_time(archive: Served) -> None:
    hits = every_page(archive, "/api/search?q=harbour+BRIDGE&limit=2")
    assert [(hit["article_id"], hit["version"]["number"]) for hit in hits] == [
        (archive.ids.bridge, 2),
        (archive.ids.bridge, 1),
        (archive.ids.bridge, 0),
    ]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/articles/999", 404),
        ("/api/articles/abc", 404),
        ("/api/articles/1/versions/7", 404),
        ("/api/articles/999/versions", 404),
        ("/api/articles/1/diff/0/7", 404),
        ("/api/nothing/here", 404),
        ("/api/articles/1/diff/2/1", 400),
        ("/api/articles?limit=0", 400),
        ("/api/articles?limit=201", 400),
        ("/api/articles?limit=many", 400),
        ("/api/changes?before=abc", 400),
        ("/api/changes?before=999999", 400),
        ("/api/search", 400),
        ("/api/search?q=%20%21%3F", 400),
    ],
)
def test_errors_are_json_with_the_right_status(archive: Served, path: str, status: int) -> None:
    response = archive.client.get(path)
    assert response.status_code == status
    assert response.json()["error"]["status"] == status
    assert response.json()["error"]["message"]


def test_a_json_answer_not_changed_since_answers_304(archive: Served) -> None:
    first = archive.client.get("/api/changes")
    again = archive.client.get("/api/changes", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def resolve(document: dict[str, Any], reference: str) -> Any:
    node: Any = document
    for part in reference.removeprefix("#/").split("/"):
        node = node[part]
    return node


def test_the_openapi_description_covers_every_api_route(archive: Served) -> None:
    document = get(archive, "/api/openapi.json")
    assert document["openapi"].startswith("3.1")
    routes = {
        route.path
        for route in archive.app.routes
        if isinstance(route, Route) and route.path.startswith("/api/")
    }
    assert set(document["paths"]) == routes - {"/api/openapi.json"}
    for path, item in document["paths"].items():
        declared = {p["name"] for p in item["get"]["parameters"] if p["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", path)), path
    references = re.findall(r'"\$ref": "([^"]+)"', str(document).replace("'", '"'))
    assert references and all(resolve(document, reference) for reference in references)


def test_the_openapi_description_names_the_prefix(database_url: str) -> None:
    with served(database_url, root_path="/archive") as opened:
        document = get(opened, "/archive/api/openapi.json")
    assert document["servers"] == [{"url": "/archive"}]


def test_a_re_extraction_moves_last_modified_so_no_stale_304(
    archive: Served, database_url: str
) -> None:
    path = f"/api/articles/{archive.ids.bridge}/versions/0"
    seen = archive.client.get(path).headers["last-modified"]
    assert archive.client.get(path, headers={"If-Modified-Since": seen}).status_code == 304
    store = Store.open(database_url)
    repaired = ExtractedArticle(
        "Bridge", None, None, ("A repaired text.",), "generic", EXTRACTOR_VERSION
    )
    assert store.replace_text(archive.ids.bridge, 0, repaired, NOW)
    store.close()
    again = archive.client.get(path, headers={"If-Modified-Since": seen})
    assert again.status_code == 200 and again.json()["paragraphs"] == ["A repaired text."]
