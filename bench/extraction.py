"""How faithfully redline extracts article text, next to plain trafilatura.

Runs ``redline.extract_article`` over the 300 pages of the wcxb-news set
(``../shared/datasets/wcxb-news``, CC-BY-4.0, see its README) and, in the same
run and process, plain ``trafilatura.extract`` with its defaults and with the
settings that the issue names. Every page is scored with the dataset's own
``score.py`` (imported, not copied): bag-of-words precision, recall and F1 per
page, then the plain mean over pages (macro). Prints one table, overall and per
page label, with pages per second, then redline's worst pages.

    python bench/extraction.py [--dataset DIR] [--worst 15] [--save-predictions DIR]

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

DATASET = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "wcxb-news"
LABELS = ("news", "magazine", "newsroom", "blog")

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
    url: str
    label: str
    html: str
    reference: str


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


def load_pages(dataset: Path, scorer: ModuleType) -> list[Page]:
    pages = []
    for row in scorer.read_jsonl(dataset / "ground-truth.jsonl"):
        with gzip.open(dataset / "html" / f"{row['id']}.html.gz", "rt", encoding="utf-8") as fh:
            html = fh.read()
        pages.append(Page(row["id"], row["url"], row.get("category", "-"), html, row["body"]))
    return pages


def redline_text(page: Page) -> str:
    try:
        return extract_article(page.html, page.url).text
    except ExtractionError:
        return ""


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


def scores(scorer: ModuleType, run: Run, pages: list[Page]) -> dict[str, tuple[float, ...]]:
    """Per page id: (precision, recall, F1) by the dataset's scorer."""
    out: dict[str, tuple[float, ...]] = {}
    for page in pages:
        _, _, _, p, r, f = scorer.page_scores(run.predictions.get(page.id, ""), page.reference)
        out[page.id] = (p, r, f)
    return out


def macro(values: list[tuple[float, ...]]) -> tuple[float, float, float]:
    n = len(values) or 1
    return (
        sum(v[0] for v in values) / n,
        sum(v[1] for v in values) / n,
        sum(v[2] for v in values) / n,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=DATASET)
    parser.add_argument("--worst", type=int, default=15, help="redline's N worst pages")
    parser.add_argument("--save-predictions", type=Path, help="write <run>.jsonl files here")
    args = parser.parse_args()

    scorer = load_scorer(args.dataset)
    pages = load_pages(args.dataset, scorer)
    labels = [label for label in LABELS if any(page.label == label for page in pages)]

    # Warm both up (imports, caches) on one page so neither pays it in its timing.
    redline_text(pages[0])
    trafilatura.extract(pages[0].html, url=pages[0].url)

    extractors = {f"redline (extractor {EXTRACTOR_VERSION})": redline_text} | {
        name: trafilatura_text(settings) for name, settings in TRAFILATURA_SETTINGS.items()
    }
    runs = run_interleaved(extractors, pages)

    per_run = {r.name: scores(scorer, r, pages) for r in runs}
    columns = ["all", *labels]
    counts = {"all": len(pages)} | {
        label: sum(page.label == label for page in pages) for label in labels
    }
    header = f"{'extractor':<36} {'pages/s':>8} " + " ".join(
        f"{f'{c} ({counts[c]})':>20}" for c in columns
    )
    print(f"wcxb-news, {len(pages)} pages. Cells: macro F1 (P / R) by the dataset's score.py")
    print(header)
    print("-" * len(header))
    for r in runs:
        s = per_run[r.name]
        cells = []
        for c in columns:
            ids = [page.id for page in pages if c == "all" or page.label == c]
            p, rc, f = macro([s[i] for i in ids])
            cells.append(f"{f'{f:.4f} ({p:.3f}/{rc:.3f})':>20}")
        print(f"{r.name:<36} {len(pages) / r.seconds:>8.1f} " + " ".join(cells))

    redline_run = runs[0]
    best = max(runs[1:], key=lambda r: macro(list(per_run[r.name].values()))[2])
    default = runs[1]
    verdict = []
    for c in ("all", "news"):
        ids = [page.id for page in pages if c == "all" or page.label == c]
        ours_f1 = macro([per_run[redline_run.name][i] for i in ids])[2]
        best_f1 = macro([per_run[best.name][i] for i in ids])[2]
        ok = "OK" if ours_f1 >= best_f1 else "BELOW"
        verdict.append(f"F1 {c}: {ours_f1:.4f} vs {best_f1:.4f} {ok}")
    faster = redline_run.seconds <= default.seconds
    verdict.append(
        f"speed: {redline_run.seconds:.1f}s vs {default.seconds:.1f}s"
        f" {'OK' if faster else 'SLOWER'}"
    )
    print(f"\nredline vs best trafilatura setting ({best.name}): " + "; ".join(verdict))

    if args.worst:
        ours = per_run[redline_run.name]
        theirs = per_run[best.name]
        print(f"\nredline's {args.worst} worst pages (F1, and the best trafilatura's F1):")
        by_id = {page.id: page for page in pages}
        for page_id in sorted(ours, key=lambda i: (ours[i][2], i))[: args.worst]:
            p, rc, f = ours[page_id]
            page = by_id[page_id]
            print(
                f"  {page_id} {page.label:<9} F1 {f:.3f} (P {p:.3f} R {rc:.3f})"
                f"  traf {theirs[page_id][2]:.3f}  {page.url[:70]}"
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
