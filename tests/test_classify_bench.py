"""The labelled edit pairs are well formed, and bench/classify.py scores a classifier right."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from redline.model import ArticleText, ChangeCard, ChangeKind, SentenceCounts

ROOT = Path(__file__).parents[1]
EDITS = ROOT / "bench" / "edits" / "edits.jsonl"
VOCABULARY = {kind.value for kind in ChangeKind}


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("classify_bench", ROOT / "bench" / "classify.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


bench = load_bench()


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return [json.loads(line) for line in EDITS.read_text(encoding="utf-8").splitlines()]


def squashed(version: dict[str, Any]) -> tuple[str, str, tuple[str, ...]]:
    return (
        " ".join(version["title"].split()),
        " ".join((version["byline"] or "").split()),
        tuple(" ".join(p.split()) for p in version["paragraphs"]),
    )


def test_every_kind_has_at_least_25_examples_and_the_set_400(rows: list[dict[str, Any]]) -> None:
    counts = Counter(kind for row in rows for kind in row["kinds"])
    assert {kind: counts[kind] for kind in VOCABULARY if counts[kind] < 25} == {}
    assert len(rows) >= 400


def test_every_label_is_in_the_vocabulary_and_ids_are_unique(rows: list[dict[str, Any]]) -> None:
    assert {kind for row in rows for kind in row["kinds"]} <= VOCABULARY
    assert len({row["id"] for row in rows}) == len(rows)
    assert all(row["note"] and row["source"]["url"].startswith("http") for row in rows)


def test_versions_differ_except_in_the_no_card_cases(rows: list[dict[str, Any]]) -> None:
    no_card = [row for row in rows if not row["kinds"]]
    assert len(no_card) >= 20
    for row in rows:
        same = squashed(row["before"]) == squashed(row["after"])
        assert same == (not row["kinds"]), row["id"]
        assert (row["before"] != row["after"]) or not row["kinds"], row["id"]


def test_a_revert_names_the_version_it_returns_to(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        assert ("revert" in row["kinds"]) == (row["revert_of"] is not None), row["id"]


def test_stealth_never_comes_with_a_correction(rows: list[dict[str, Any]]) -> None:
    assert not [row["id"] for row in rows if {"stealth", "correction"} <= set(row["kinds"])]


class Oracle:
    """A classifier that answers with the labels, less ``drop`` and plus ``add``."""

    def __init__(self, examples: list[Any], drop: str = "", add: str = "") -> None:
        self.kinds = {(e.before, e.after): set(e.kinds) for e in examples}
        self.drop, self.add = drop, add

    def __call__(
        self, old: ArticleText, new: ArticleText, *, revert_of: int | None = None
    ) -> ChangeCard:
        kinds = (self.kinds[(old, new)] - {self.drop}) | ({self.add} if self.add else set())
        return ChangeCard(
            kinds=tuple(kind for kind in ChangeKind if kind.value in kinds),
            significance=0.0 if kinds <= {"typo", "moved", "lede"} else 0.8,
            summary="; ".join(sorted(kinds)) or "No change.",
            reasons=(),
            sentences=SentenceCounts(),
            words_changed=0.0,
            numbers=(),
            revert_of=revert_of,
            classifier_version="oracle-1",
        )


@pytest.fixture(scope="module")
def examples() -> list[Any]:
    return list(bench.load(EDITS))


def run_main(
    monkeypatch: pytest.MonkeyPatch, oracle: Oracle, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str]:
    monkeypatch.setattr(bench, "load_classifier", lambda name: (oracle, "oracle-1"))
    code = bench.main(["--repeat", "2", *args])
    return code, capsys.readouterr().out


def test_a_classifier_that_agrees_with_every_label_passes_the_check(
    examples: list[Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run_main(monkeypatch, Oracle(examples), capsys, "--check", "--show-errors")
    assert code == 0
    assert f"exact match of kinds: {len(examples)}/{len(examples)} = 100.0%" in out
    assert "by kinds 100.0%" in out
    assert "no errors" in out
    table = [line.split() for line in out.splitlines()]
    rows = {fields[0]: fields[1:5] for fields in table if fields and fields[0] in VOCABULARY}
    assert set(rows) == VOCABULARY
    assert all(support == tp and fp == fn == "0" for support, tp, fp, fn in rows.values())


def test_a_missed_kind_fails_the_check_and_shows_its_errors(
    examples: list[Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    oracle = Oracle(examples, drop="numbers")
    code, out = run_main(
        monkeypatch, oracle, capsys, "--check", "--show-errors", "--only", "numbers-0"
    )
    assert code == 1
    assert "numbers: precision 1.000, recall 0.000" in out
    assert "numbers-001:" in out and "missing ['numbers']" in out


def test_a_kind_on_a_no_card_case_fails_the_check(
    examples: list[Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run_main(
        monkeypatch, Oracle(examples, add="typo"), capsys, "--check", "--only", "none-"
    )
    assert code == 1
    assert "none-identical-001: a no-card case got ['typo']" in out
    assert "no card (identical or whitespace only): 0/25 got no kinds" in out


def test_the_timing_covers_every_example_and_every_run(examples: list[Any]) -> None:
    calls: Counter[str] = Counter()
    oracle = Oracle(examples)

    def counting(old: ArticleText, new: ArticleText, *, revert_of: int | None = None) -> ChangeCard:
        calls[new.title] += 1
        return oracle(old, new, revert_of=revert_of)

    few = examples[:7]
    outcomes = bench.run(few, counting, 3)
    assert sum(calls.values()) == 21
    assert [o.example for o in outcomes] == few and all(o.seconds >= 0 for o in outcomes)


def test_the_real_classifier_runs_on_a_few_examples(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("redline.cards")
    assert bench.main(["--repeat", "1", "--only", "typo-00"]) == 0
    out = capsys.readouterr().out
    assert "typo-00" not in out  # no --show-errors: the table only
    assert "time per change (ms)" in out and out.count("\n") > len(VOCABULARY)


DATASETS = Path(os.environ.get("REDLINE_DATASETS", ROOT.parent / "shared" / "datasets"))


@pytest.mark.skipif(not (DATASETS / "wcxb-news").is_dir(), reason="the WCXB datasets are not here")
def test_the_committed_set_is_what_the_generator_makes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regenerating from the datasets gives the committed file, every label checked (lint.py)."""
    monkeypatch.syspath_prepend(str(ROOT / "bench" / "edits"))
    before = set(sys.modules)
    try:
        generate = importlib.import_module("generate")
        made = [json.dumps(e.to_json(), ensure_ascii=False) for e in generate.build(DATASETS, 11)]
    finally:
        for name in set(sys.modules) - before:  # the generator's modules have plain names
            del sys.modules[name]
    assert made == EDITS.read_text(encoding="utf-8").splitlines()
