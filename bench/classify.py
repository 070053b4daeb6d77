"""How well the change card names what an edit is, on a labelled set of real edits, and how fast.

Classifies every pair of versions in ``bench/edits/edits.jsonl`` (built from WCXB
articles, CC-BY-4.0; see ``bench/edits/README.md``) and compares the card's kinds with
the labels. Prints, per kind, the support, true and false positives, false negatives,
precision and recall; the share of examples whose kinds match exactly; the no-card
cases (identical or whitespace-only texts, which must get no kinds); the time per
change (median, p95 and max over the examples, each example's time the median of
``--repeat`` runs, measured with ``time.perf_counter``); and the factual/fluency split
(README: how each side is defined), judged once from the card's kinds and once from its
significance.

    python bench/classify.py [--check] [--show-errors] [--repeat 5] [--only PREFIX]
                             [--classifier redline.cards] [--edits FILE]
                             [--fluency-below 0.3]

``--check`` exits 1 if any kind is under precision 0.95 or recall 0.90, or any no-card
case gets a kind; ``--show-errors`` prints every example whose kinds differ, with what
was expected, what came and the card's summary. Stdlib and redline only.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

from redline.model import ArticleText, ChangeCard, ChangeKind

EDITS = Path(__file__).resolve().parent / "edits" / "edits.jsonl"
KINDS = tuple(kind.value for kind in ChangeKind)
MIN_PRECISION = 0.95
MIN_RECALL = 0.90
FLUENCY_KINDS = frozenset({"typo", "moved", "lede"})


class Classify(Protocol):
    def __call__(
        self, old: ArticleText, new: ArticleText, *, revert_of: int | None = None
    ) -> ChangeCard: ...


@dataclass(frozen=True)
class Text:
    """One version as the set holds it: what ``classify_change`` reads."""

    title: str
    byline: str | None
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Example:
    id: str
    kinds: frozenset[str]
    note: str
    before: Text
    after: Text
    revert_of: int | None


@dataclass(frozen=True)
class Outcome:
    example: Example
    card: ChangeCard
    seconds: float
    """The median of the example's timed runs."""

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(kind.value for kind in self.card.kinds)


@dataclass(frozen=True)
class KindScore:
    kind: str
    support: int
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        claimed = self.true_positives + self.false_positives
        return self.true_positives / claimed if claimed else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.support if self.support else 1.0

    @property
    def passes(self) -> bool:
        return self.precision >= MIN_PRECISION and self.recall >= MIN_RECALL


def _text(data: dict[str, Any]) -> Text:
    return Text(data["title"], data["byline"], tuple(data["paragraphs"]))


def load(path: Path) -> list[Example]:
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        examples.append(
            Example(
                row["id"],
                frozenset(row["kinds"]),
                row["note"],
                _text(row["before"]),
                _text(row["after"]),
                row["revert_of"],
            )
        )
    return examples


def load_classifier(module: str) -> tuple[Classify, str]:
    """``classify_change`` and ``CLASSIFIER_VERSION`` of ``module``, looked up by name so
    that another classifier (a baseline, a branch's) can be scored the same way."""
    loaded = importlib.import_module(module)
    return cast(Classify, loaded.classify_change), str(loaded.CLASSIFIER_VERSION)


def run(examples: Sequence[Example], classify: Classify, repeat: int) -> list[Outcome]:
    """Classifies every example ``repeat`` times, round by round, so that drifting load on
    a shared machine spreads over all examples alike; keeps the first card."""
    cards: list[ChangeCard] = []
    times: list[list[float]] = [[] for _ in examples]
    for round_ in range(repeat):
        for index, example in enumerate(examples):
            started = time.perf_counter()
            card = classify(example.before, example.after, revert_of=example.revert_of)
            times[index].append(time.perf_counter() - started)
            if round_ == 0:
                cards.append(card)
    return [
        Outcome(example, card, statistics.median(runs))
        for example, card, runs in zip(examples, cards, times, strict=True)
    ]


def score(outcomes: Iterable[Outcome]) -> list[KindScore]:
    outcomes = list(outcomes)
    scores = []
    for kind in KINDS:
        expected = [kind in o.example.kinds for o in outcomes]
        got = [kind in o.kinds for o in outcomes]
        pairs = list(zip(expected, got, strict=True))
        scores.append(
            KindScore(
                kind,
                sum(expected),
                sum(e and g for e, g in pairs),
                sum(g and not e for e, g in pairs),
                sum(e and not g for e, g in pairs),
            )
        )
    return scores


def fluency(kinds: frozenset[str]) -> bool | None:
    """True for a fluency edit, False for a factual one, None for no change (README).

    Fluency: nothing but typo fixes, reordering and a reworded first paragraph; a
    headline change counts only when it is a typo fix. ``revert`` takes no side."""
    edit = kinds - {"revert"}
    if not edit:
        return None
    if "headline" in edit and "typo" in edit:
        edit = edit - {"headline"}
    return edit <= FLUENCY_KINDS


def split_accuracy(outcomes: Sequence[Outcome], side: Callable[[Outcome], bool | None]) -> float:
    judged = [o for o in outcomes if fluency(o.example.kinds) is not None]
    right = sum(side(o) == fluency(o.example.kinds) for o in judged)
    return right / len(judged) if judged else 1.0


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _no_card_failures(outcomes: Sequence[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if not o.example.kinds and o.kinds]


def report(outcomes: Sequence[Outcome], scores: Sequence[KindScore], fluency_below: float) -> str:
    lines = [
        f"{'kind':<11} {'support':>7} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>9} {'recall':>7}"
    ]
    for s in scores:
        mark = "" if s.passes else "  <"
        lines.append(
            f"{s.kind:<11} {s.support:>7} {s.true_positives:>4} {s.false_positives:>4} "
            f"{s.false_negatives:>4} {s.precision:>9.3f} {s.recall:>7.3f}{mark}"
        )
    no_card = [o for o in outcomes if not o.example.kinds]
    exact = sum(o.kinds == o.example.kinds for o in outcomes)
    reverts = [o for o in outcomes if o.example.revert_of is not None]
    named = sum(o.card.revert_of == o.example.revert_of for o in reverts)
    ms = [o.seconds * 1000 for o in outcomes]
    lines += [
        "",
        f"no card (identical or whitespace only): {len(no_card) - len(_no_card_failures(outcomes))}"
        f"/{len(no_card)} got no kinds",
        f"exact match of kinds: {exact}/{len(outcomes)} = {exact / len(outcomes):.1%}",
        f"revert_of named: {named}/{len(reverts)}",
        f"time per change (ms): median {statistics.median(ms):.2f}, "
        f"p95 {percentile(ms, 0.95):.2f}, max {max(ms):.2f}",
        "factual/fluency split (Bronner & Monz 2012: 88%): "
        f"by kinds {split_accuracy(outcomes, lambda o: fluency(o.kinds)):.1%}, "
        f"by significance < {fluency_below} "
        f"{split_accuracy(outcomes, lambda o: o.card.significance < fluency_below):.1%}",
    ]
    return "\n".join(lines)


def errors(outcomes: Iterable[Outcome]) -> str:
    lines = []
    for o in outcomes:
        if o.kinds == o.example.kinds:
            continue
        missing = sorted(o.example.kinds - o.kinds)
        extra = sorted(o.kinds - o.example.kinds)
        lines += [
            f"{o.example.id}: {o.example.note}",
            f"  expected {sorted(o.example.kinds)}, got {sorted(o.kinds)}"
            f" (missing {missing}, extra {extra})",
            f"  summary: {o.card.summary}",
        ]
    return "\n".join(lines)


def failed_checks(outcomes: Sequence[Outcome], scores: Sequence[KindScore]) -> list[str]:
    failed = [
        f"{s.kind}: precision {s.precision:.3f}, recall {s.recall:.3f}"
        for s in scores
        if s.support and not s.passes
    ]
    failed += [
        f"{o.example.id}: a no-card case got {sorted(o.kinds)}" for o in _no_card_failures(outcomes)
    ]
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=Path, default=EDITS)
    parser.add_argument("--classifier", default="redline.cards")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="only the examples whose id starts so")
    parser.add_argument("--fluency-below", type=float, default=0.3)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args(argv)
    examples = [e for e in load(args.edits) if e.id.startswith(args.only)]
    if not examples:
        parser.error(f"no example id starts with {args.only!r}")
    classify, version = load_classifier(args.classifier)
    outcomes = run(examples, classify, max(1, args.repeat))
    scores = score(outcomes)
    print(f"{args.classifier} {version}: {len(examples)} examples, {args.repeat} runs each\n")
    print(report(outcomes, scores, args.fluency_below))
    if args.show_errors:
        print("\n" + (errors(outcomes) or "no errors"))
    failed = failed_checks(outcomes, scores)
    if args.check and failed:
        print("\ncheck failed:\n  " + "\n  ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
