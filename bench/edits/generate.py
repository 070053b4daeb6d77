"""Builds ``edits.jsonl``, the labelled set of edit pairs that ``bench/classify.py`` scores.

    python bench/edits/generate.py [--datasets ../shared/datasets] [--seed 11]

Makes the generated examples (``patterns.py``, ``meta_patterns.py``) from the WCXB
articles, adds the hand-written ones (``hand.toml``), checks every example's labels
against its texts (``lint.py``), and writes them sorted by id, one JSON object a line.
The same datasets and seed always give the same file. Prints the count of every kind.
See README.md for how each kind is labelled.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tomllib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import meta_patterns as meta
import patterns as body
from corpus import PUBLISHERS, Article, Example, load_articles
from handmade import materialise
from lint import problems
from textkit import KINDS, lowercase_vocabulary

HERE = Path(__file__).resolve().parent
DATASETS = HERE.parents[2] / "shared" / "datasets"
PER_ARTICLE = 5
"""At most this many generated examples are made of one article, so that many articles serve."""

PLAN: tuple[tuple[str, body.Pattern, int], ...] = (
    ("numbers", body.number_changed, 30),
    ("numbers-word", body.number_word_changed, 6),
    ("numbers-month", body.month_changed, 6),
    ("numbers-noticed", body.number_with_notice, 20),
    ("numbers-old-notice", body.number_under_old_notice, 6),
    ("typo", body.typo_fixed, 40),
    ("typo-two", body.two_typos_fixed, 8),
    ("typo-headline", body.headline_typo_fixed, 4),
    ("moved-paragraph", body.paragraph_moved, 14),
    ("moved-lede", body.paragraph_moved_to_top, 7),
    ("moved-sentences", body.sentences_swapped, 9),
    ("moved-sentence-across", body.sentence_moved_across, 5),
    ("added-paragraph", body.plain_paragraph_added, 14),
    ("added-figures", body.figure_paragraph_added, 9),
    ("added-sentence", body.plain_sentence_added, 10),
    ("removed-paragraph", body.plain_paragraph_removed, 12),
    ("removed-figures", body.figure_paragraph_removed, 8),
    ("removed-quote", body.quote_removed, 4),
    ("removed-sentence", body.plain_sentence_removed, 12),
    ("correction-notice", meta.notice_added, 10),
    ("correction-changed", meta.notice_changed, 10),
    ("correction-update", meta.update_with_paragraph, 10),
    ("correction-removal", meta.removal_with_notice, 6),
    ("byline", meta.byline_changed, 28),
    ("none-identical", meta.identical, 10),
    ("none-whitespace", meta.whitespace_only, 15),
)
REVERTS = 24


def tier(article: Article) -> int:
    """Publishers' articles first: news, newsroom and magazine pages of wcxb-news."""
    return 0 if article.source.dataset == "wcxb-news" and article.category in PUBLISHERS else 1


def generated(articles: list[Article], vocabulary: frozenset[str], seed: int) -> list[Example]:
    used: Counter[str] = Counter()
    examples: list[Example] = []
    for name, pattern, count in PLAN:
        rng = random.Random(f"{seed}-{name}")
        context = body.Context(rng, vocabulary)
        order = sorted(articles, key=lambda a: (used[a.key] + 2 * tier(a), rng.random()))
        made = 0
        for article in order:
            if made == count:
                break
            if used[article.key] >= PER_ARTICLE or (edit := pattern(article, context)) is None:
                continue
            made += 1
            used[article.key] += 1
            examples.append(
                Example(
                    f"{name}-{made:03d}",
                    edit.kinds,
                    edit.note,
                    "generated",
                    article.source,
                    edit.before,
                    edit.after,
                )
            )
        if made < count:
            raise SystemExit(f"{name}: only {made} of {count} examples found")
    return examples + reverts(examples, random.Random(f"{seed}-revert"))


def reverts(examples: list[Example], rng: random.Random) -> list[Example]:
    candidates = [
        example
        for example in examples
        if example.kinds
        and "correction" not in example.kinds
        and set(example.kinds) & set(meta.REVERTIBLE)
    ]
    chosen = rng.sample(candidates, REVERTS)
    return [
        meta.reverted(example, f"{n:03d}", rng.randrange(3)) for n, example in enumerate(chosen, 1)
    ]


def handwritten(
    path: Path, articles: dict[str, Article]
) -> Iterable[tuple[Example, frozenset[str]]]:
    with path.open("rb") as file:
        specs = tomllib.load(file)["edit"]
    for spec in specs:
        yield materialise(spec, articles), frozenset(spec.get("places", ()))


def build(datasets: Path, seed: int) -> list[Example]:
    articles = list(load_articles(datasets))
    vocabulary = lowercase_vocabulary(p for a in articles for p in a.prose)
    by_key = {article.key: article for article in articles}
    checked = [(example, frozenset[str]()) for example in generated(articles, vocabulary, seed)]
    checked += handwritten(HERE / "hand.toml", by_key)
    failures = [
        f"{e.id}: {problem}" for e, places in checked for problem in problems(e, vocabulary, places)
    ]
    ids = Counter(example.id for example, _ in checked)
    failures += [f"{id_}: id used {n} times" for id_, n in ids.items() if n > 1]
    if failures:
        raise SystemExit("labels disagree with the texts:\n" + "\n".join(failures))
    return sorted((example for example, _ in checked), key=lambda e: e.id)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--output", type=Path, default=HERE / "edits.jsonl")
    args = parser.parse_args(argv)
    examples = build(args.datasets, args.seed)
    with args.output.open("w", encoding="utf-8") as out:
        for example in examples:
            out.write(json.dumps(example.to_json(), ensure_ascii=False) + "\n")
    counts = Counter(kind for example in examples for kind in example.kinds)
    print(f"{len(examples)} examples ({sum(e.made == 'hand' for e in examples)} by hand)")
    for kind in KINDS:
        print(f"  {kind:<11} {counts[kind]:>4}")
    print(f"  {'(none)':<11} {sum(not e.kinds for e in examples):>4}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
