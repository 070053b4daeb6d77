"""How faithfully redline extracts article text and metadata, next to plain trafilatura.

Runs ``redline.extract_article`` over the shared WCXB sets (by default both:
``../shared/datasets/wcxb-news``, 300 pages, and ``wcxb-more``, 447 pages it was not
tuned on; CC-BY-4.0, see their READMEs) and, in the same run and process, plain
``trafilatura.extract`` with its defaults and with the settings the issues name.
Every page is scored with its dataset's own ``score.py`` (imported, not copied):
bag-of-words precision, recall and F1 per page, then the plain mean over pages
(macro). Prints one table, per set, overall and per page label, with pages per
second; the verdicts (redline at least 0.005 above the best setting on each set, no
label below it, not slower than trafilatura's default); redline's metadata against
the ground truth (headline and author exact, after folding case and spaces; date
given, and on the right day); then redline's worst pages.

    python bench/extraction.py [--dataset DIR ...] [--worst 15] [--save-predictions DIR]

redline's prediction is ``ExtractedArticle.text`` (the paragraphs, no
headline: the ground truth leaves it out); a page that raises
``ExtractionError`` counts as an empty prediction. Speed is single-process
time over already-decoded pages (both sides pay for parsing), the extractors
taking turns page by page so that drifting load on a shared machine hits all alike.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import trafilatura

from redline.errors import ExtractionError
from redline.extract import EXTRACTOR_VERSION, extract_article

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
DEFAULT_SETS = (DATASETS / "wcxb-news", DATASETS / "wcxb-more")
MIN_LEAD = 0.005
"""How far above the best trafilatura setting redline's F1 must be on each set."""

# trafilatura settings: the default, then those the issue asks to try for its best.
TRAFILATURA_SETTINGS: dict[str, dict[str, Any]] = {
    "trafilatura default": {},
    "trafilatura no-comments": {"include_comments": False},
    "trafilatura no-comments+precision": {"include_comments": False, "favor_precision": True},
    "trafilatura no-comments+recall": {"include_comments": False, "favor_recall": True},
}


@dataclass(frozen=True)
class Page:
    id: str
    """Unique over the sets: ``<set>/<page id>``."""
    url: str
    label: str
    html: str
    reference: str
    dataset: str
    truth: dict[str, Any]
    """The ground truth's metadata: ``title``, ``author``, ``publish_date`` where known."""
    scorer: ModuleType


@dataclass(frozen=True)
class Run:
    name: str
    predictions: dict[str, str]
    seconds: float


def load_scorer(dataset: Path) -> ModuleType:
    """The dataset's ``score.py``, imported from its folder."""
    spec = importlib.util.spec_from_file_location("wcxb_score", dataset / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no score.py in {dataset}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_pages(dataset: Path) -> list[Page]:
    scorer = load_scorer(dataset)
    pages = []
    for row in scorer.read_jsonl(dataset / "ground-truth.jsonl"):
        with gzip.open(dataset / "html" / f"{row['id']}.html.gz", "rt", encoding="utf-8") as fh:
            html = fh.read()
        truth = {key: row.get(key) for key in ("title", "author", "publish_date")}
        label = row.get("category", "-")
        page_id = f"{dataset.name}/{row['id']}"
        pages.append(
            Page(page_id, row["url"], label, html, row["body"], dataset.name, truth, scorer)
        )
    return pages


METADATA: dict[str, tuple[str | None, str | None, str | None]] = {}
"""redline's (headline, byline, published) per page id, kept by :func:`redline_text`."""


def redline_text(page: Page) -> str:
    try:
        article = extract_article(page.html, page.url)
    except ExtractionError:
        METADATA[page.id] = (None, None, None)
        return ""
    METADATA[page.id] = (article.title, article.byline, article.published)
    return article.text


def trafilatura_text(settings: dict[str, Any]) -> Callable[[Page], str]:
    def extract(page: Page) -> str:
        return trafilatura.extract(page.html, url=page.url, **settings) or ""

    return extract


def run_interleaved(extractors: dict[str, Callable[[Page], str]], pages: list[Page]) -> list[Run]:
    """Each extractor over every page, taking turns page by page.

    On a shared machine the load drifts; taking turns gives every extractor the same share
    of slow and fast moments, so their times can be compared. Who goes first rotates from
    page to page: trafilatura caches some work per text, and the first to extract a page
    fills those caches for the others.
    """
    predictions: dict[str, dict[str, str]] = {name: {} for name in extractors}
    seconds = dict.fromkeys(extractors, 0.0)
    order = list(extractors.items())
    for number, page in enumerate(pages):
        shift = number % len(order)
        for name, extract in order[shift:] + order[:shift]:
            start = time.perf_counter()
            predictions[name][page.id] = extract(page)
            seconds[name] += time.perf_counter() - start
    return [Run(name, predictions[name], seconds[name]) for name in extractors]


def scores(run: Run, pages: list[Page]) -> dict[str, tuple[float, ...]]:
    """Per page id: (precision, recall, F1) by the page's dataset's scorer."""
    out: dict[str, tuple[float, ...]] = {}
    for page in pages:
        prediction = run.predictions.get(page.id, "")
        _, _, _, p, r, f = page.scorer.page_scores(prediction, page.reference)
        out[page.id] = (p, r, f)
    return out


def macro(values: list[tuple[float, ...]]) -> tuple[float, float, float]:
    n = len(values) or 1
    return (
        sum(v[0] for v in values) / n,
        sum(v[1] for v in values) / n,
        sum(v[2] for v in values) / n,
    )


def _folded(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def metadata_rows(pages: list[Page]) -> list[str]:
    """redline's headline, author and date against the ground truth, per set and overall."""
    rows = []
    for name in [*dict.fromkeys(page.dataset for page in pages), "all"]:
        chosen = [page for page in pages if name in ("all", page.dataset)]
        titled = [p for p in chosen if p.truth["title"]]
        authored = [p for p in chosen if p.truth["author"]]
        dated = [p for p in chosen if p.truth["publish_date"]]
        given = [p for p in dated if METADATA[p.id][2]]
        headline = _share(titled, lambda p: _folded(METADATA[p.id][0]) == _folded(p.truth["title"]))
        author = _share(
            authored, lambda p: _folded(METADATA[p.id][1]) == _folded(p.truth["author"])
        )
        rows.append(
            f"{name:<12} headline exact {headline}  author exact {author}"
            f"  date given {_share(dated, lambda p: METADATA[p.id][2] is not None)},"
            f" right day {_share(given, _right_day)} given"
        )
    return rows


def _right_day(page: Page) -> bool:
    found = METADATA[page.id][2]
    return found is not None and found[:10] == page.truth["publish_date"][:10]


def _share(pages: list[Page], holds: Callable[[Page], bool]) -> str:
    return f"{sum(map(holds, pages)) / max(len(pages), 1):.3f} of {len(pages)}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, action="append", help="a WCXB set (repeat)")
    parser.add_argument("--worst", type=int, default=15, help="redline's N worst pages")
    parser.add_argument("--save-predictions", type=Path, help="write <run>.jsonl files here")
    args = parser.parse_args()

    datasets = args.dataset or list(DEFAULT_SETS)
    pages = [page for dataset in datasets for page in load_pages(dataset)]
    names = [dataset.name for dataset in datasets]
    labels = list(dict.fromkeys(page.label for page in pages))

    # Warm both up (imports, caches) on one page so neither pays it in its timing.
    redline_text(pages[0])
    trafilatura.extract(pages[0].html, url=pages[0].url)

    extractors = {f"redline (extractor {EXTRACTOR_VERSION})": redline_text} | {
        name: trafilatura_text(settings) for name, settings in TRAFILATURA_SETTINGS.items()
    }
    runs = run_interleaved(extractors, pages)
    per_run = {r.name: scores(r, pages) for r in runs}

    groups: dict[str, list[str]] = {
        name: [p.id for p in pages if p.dataset == name] for name in names
    }
    groups["all"] = [page.id for page in pages]
    groups |= {label: [p.id for p in pages if p.label == label] for label in labels}
    header = f"{'extractor':<36} {'pages/s':>8} " + " ".join(
        f"{f'{g} ({len(ids)})':>22}" for g, ids in groups.items()
    )
    print(
        f"{' + '.join(names)}: {len(pages)} pages. Cells: macro F1 (P / R) by each set's score.py"
    )
    print(header)
    print("-" * len(header))
    for r in runs:
        cells = []
        for ids in groups.values():
            p, rc, f = macro([per_run[r.name][i] for i in ids])
            cells.append(f"{f'{f:.4f} ({p:.3f}/{rc:.3f})':>22}")
        print(f"{r.name:<36} {len(pages) / r.seconds:>8.1f} " + " ".join(cells))

    redline_run, default = runs[0], runs[1]

    def f1(run: Run, ids: list[str]) -> float:
        return macro([per_run[run.name][i] for i in ids])[2]

    verdict = []
    for group, ids in groups.items():
        best = max(runs[1:], key=lambda r: f1(r, ids))
        lead = MIN_LEAD if group in names else 0.0
        ok = f1(redline_run, ids) >= f1(best, ids) + lead
        verdict.append(
            f"F1 {group}: {f1(redline_run, ids):.4f} vs {f1(best, ids):.4f}"
            f" ({best.name.removeprefix('trafilatura ')}) {'OK' if ok else 'BELOW'}"
        )
    faster = redline_run.seconds <= default.seconds
    verdict.append(
        f"speed: {redline_run.seconds:.1f}s vs {default.seconds:.1f}s"
        f" {'OK' if faster else 'SLOWER'}"
    )
    print(f"\nredline vs the best trafilatura setting (+{MIN_LEAD} on each set):")
    print("\n".join(f"  {line}" for line in verdict))
    print("\nredline's metadata against the ground truth:")
    print("\n".join(f"  {line}" for line in metadata_rows(pages)))

    if args.worst:
        ours = per_run[redline_run.name]
        best_all = max(runs[1:], key=lambda r: f1(r, groups["all"]))
        theirs = per_run[best_all.name]
        print(f"\nredline's {args.worst} worst pages (F1, and {best_all.name}'s F1):")
        by_id = {page.id: page for page in pages}
        for page_id in sorted(ours, key=lambda i: (ours[i][2], i))[: args.worst]:
            p, rc, f = ours[page_id]
            page = by_id[page_id]
            print(
                f"  {page_id} {page.label:<10} F1 {f:.3f} (P {p:.3f} R {rc:.3f})"
                f"  traf {theirs[page_id][2]:.3f}  {page.url[:60]}"
            )

    if args.save_predictions:
        args.save_predictions.mkdir(parents=True, exist_ok=True)
        for r in runs:
            name = r.name.split(" (")[0].replace(" ", "_").replace("+", "_")
            with open(args.save_predictions / f"{name}.jsonl", "w", encoding="utf-8") as fh:
                for page_id, text in r.predictions.items():
                    fh.write(json.dumps({"id": page_id, "body": text}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
