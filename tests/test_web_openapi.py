"""The JSON API answers exactly as /api/openapi.json says: schemathesis, run in process.

Schemathesis generates requests from the description (valid ones and invalid ones) and
runs every check it has on each answer: no server error, every status, content type,
header and body as declared, valid requests accepted and invalid ones refused, a 405
with ``Allow`` for a method a path does not have. It calls the ASGI app directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from schemathesis import engine
from schemathesis.core.failures import Failure
from schemathesis.engine import events
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR
from sqlalchemy import text

from redline.store.queries import search_terms
from webarchive import Served, served

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261101,
        "generation": {
            "mode": "all",
            "max-examples": 25,
            "deterministic": True,  # derandomized: the same requests every run
            "database": "none",
        },
    }
)


@pytest.fixture
def archive(database_url: str) -> Iterator[Served]:
    with served(database_url) as opened:
        yield opened


@pytest.fixture
def version_ids(archive: Served) -> set[int]:
    """The ids of the archive's versions: the cursors /api/changes takes."""
    with archive.app.state.web.archive.engine.connect() as connection:
        return set(connection.scalars(text("SELECT id FROM versions")))


def refused_beyond_the_schema(case: schemathesis.Case[Any], version_ids: set[int]) -> bool:
    """Whether a request the description allows is one the app must still refuse (400).

    Three rules no JSON Schema can state, so the description states them in words with
    their 400: a diff goes from an older version to a newer one (``old < new``),
    ``before=`` of /api/changes names a version (that listing runs by time seen, so the
    cursor must be found), and a search holds a word in any script (an ECMA-262 ``\\w``,
    which is all JSON Schema has, is ASCII alone). Only requests made as valid ones can
    break them.
    """
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return False
    if case.path.endswith("/diff/{old}/{new}"):
        return int(case.path_parameters["old"]) >= int(case.path_parameters["new"])
    if case.path == "/api/search":
        return not search_terms(str((case.query or {}).get("q", "")))
    before = (case.query or {}).get("before")
    return case.path == "/api/changes" and before is not None and int(before) not in version_ids


def disagreements(schema: schemathesis.BaseSchema) -> Iterator[str]:
    """Every failed check and every error of a schemathesis run, in words."""
    for event in engine.from_schema(schema).execute():
        if isinstance(event, events.NonFatalError):
            yield f"error in {event.label}: {event.info.format()}"
        elif isinstance(event, events.FatalError):
            yield f"schemathesis failed: {event.exception!r}"
        elif isinstance(event, events.ScenarioFinished):
            yield from _failed_checks(event)


def _failed_checks(scenario: events.ScenarioFinished) -> Iterator[str]:
    for case_id, checks in scenario.recorder.checks.items():
        case = scenario.recorder.cases[case_id].value
        request = f"{scenario.phase.value}: {case.method} {case.formatted_path} {case.query}"
        for check in checks:
            if check.status is engine.Status.FAILURE:
                title = check.failure_info.failure.title if check.failure_info else ""
                yield f"{request}: {check.name}: {title}"


def test_every_answer_is_as_the_description_says(archive: Served, version_ids: set[int]) -> None:
    """Schemathesis's own runner (as ``st run`` runs it) over the app, in process.

    Every phase: the description's examples, coverage (boundary values, invalid values,
    methods the paths do not have), fuzzing, and stateful sequences following the links;
    every check, from no server error to bodies and headers as declared.
    """
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", archive.app, config=CONFIG)

    @schema.hook
    def filter_failure(
        context: schemathesis.HookContext,
        failure: Failure,
        case: schemathesis.Case[Any],
        response: schemathesis.Response,
    ) -> bool:
        """Keep every failure but a 400 for breaking one of the two rules stated in words."""
        stated = refused_beyond_the_schema(case, version_ids) and response.status_code == 400
        return not (isinstance(failure, RejectedPositiveData) and stated)

    assert list(disagreements(schema)) == []


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """``schema``, or what its ``$ref`` names in ``document``."""
    reference = schema.get("$ref")
    if reference is None:
        return schema
    node: Any = document
    for part in reference.removeprefix("#/").split("/"):
        node = node[part]
    return resolve(document, node)


def missing_keys(document: dict[str, Any], schema: dict[str, Any], data: Any) -> list[str]:
    """The keys ``schema`` requires that ``data`` lacks, at any depth, as paths."""
    schema = resolve(document, schema)
    if isinstance(data, list):
        return [
            f"[{index}]{key}"
            for index, item in enumerate(data)
            for key in missing_keys(document, schema.get("items", {}), item)
        ]
    if not isinstance(data, dict):
        return []
    missing = [f".{key}" for key in schema.get("required", []) if key not in data]
    for key, value in data.items():
        inner = schema.get("properties", {}).get(key, {})
        missing += [f".{key}{path}" for path in missing_keys(document, inner, value)]
    return missing


def test_every_answer_carries_every_key_the_description_requires(archive: Served) -> None:
    document = archive.client.get("/api/openapi.json").json()
    bridge = archive.ids.bridge
    paths = {
        "/api/articles": "/api/articles?limit=2",
        "/api/articles/{article_id}": f"/api/articles/{bridge}",
        "/api/articles/{article_id}/versions": f"/api/articles/{bridge}/versions",
        "/api/articles/{article_id}/versions/{number}": f"/api/articles/{bridge}/versions/2",
        "/api/articles/{article_id}/diff/{old}/{new}": f"/api/articles/{bridge}/diff/0/2",
        "/api/changes": "/api/changes?limit=2",
        "/api/sources": "/api/sources",
        "/api/search": "/api/search?q=bridge",
    }
    assert set(paths) == set(document["paths"])
    for template, path in paths.items():
        response = archive.client.get(path)
        declared = document["paths"][template]["get"]["responses"]["200"]
        schema = declared["content"]["application/json"]["schema"]
        body = response.json()
        assert response.status_code == 200 and body, path
        assert missing_keys(document, schema, body) == [], path
        required = [name for name, header in declared["headers"].items() if header["required"]]
        assert required and all(response.headers.get(name) for name in required), path
    error = archive.client.get(f"/api/articles/{bridge}/diff/2/0")
    assert error.status_code == 400
    assert missing_keys(document, {"$ref": "#/components/schemas/Error"}, error.json()) == []


def test_a_method_a_path_does_not_have_is_a_405_naming_the_ones_it_has(archive: Served) -> None:
    response = archive.client.request("DELETE", f"/api/articles/{archive.ids.bridge}")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD"}
    assert response.json() == {"error": {"status": 405, "message": "Method Not Allowed"}}
    assert archive.client.request("HEAD", "/api/sources").status_code == 200


def test_the_description_is_made_of_the_shapes_the_routes_answer_with(archive: Served) -> None:
    document = archive.client.get("/api/openapi.json").json()
    OPENAPI_31_VALIDATOR.validate(document)  # the OpenAPI 3.1 meta-schema schemathesis ships
    components = document["components"]["schemas"]
    assert {"Article", "Version", "Diff", "Error", "SourceNamePage"} <= set(components)
    assert components["Article"]["additionalProperties"] is False
    before = next(
        parameter
        for parameter in document["paths"]["/api/changes"]["get"]["parameters"]
        if parameter["name"] == "before"
    )
    assert before["schema"]["minimum"] == 1
