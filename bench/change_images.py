"""What one change image costs: the time to draw it and its size, for typical and worst cases.

Draws each case ``--repeat`` times after one warm-up (which finds the fonts
and reads their character maps, once per process) and prints the median
time per image, the PNG's size and its height.

    python bench/change_images.py [--repeat 20] [--width 1200]
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from datetime import UTC, datetime

from PIL import Image

from redline.images import render_change_png
from redline.notify import ChangeEvent, Passage, sample_event

SENTENCE = "The council voted on Tuesday to approve the budget after a long debate. "


def cases() -> dict[str, ChangeEvent]:
    base = sample_event(datetime(2026, 11, 1, tzinfo=UTC))

    def of(*passages: Passage) -> ChangeEvent:
        return ChangeEvent(**(vars(base) | {"passages": passages}))

    return {
        "one number": base,
        "300-word paragraph": of(Passage(None, (SENTENCE * 25).strip())),
        "30 long passages (cut)": of(*[Passage(SENTENCE * 30, SENTENCE * 30)] * 30),
        "10k-char word": of(Passage("x" * 10_000, "y" * 10_000)),
        "mixed scripts": of(Passage("مرحبا بالعالم " * 20, "שלום עולם 😀 " * 20)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--width", type=int, default=1200)
    options = parser.parse_args()
    render_change_png(sample_event(), width=options.width)  # fonts found, maps read
    print(f"{'case':<26}{'median ms':>10}{'PNG KB':>9}{'height':>8}")
    for name, event in cases().items():
        times = []
        for _ in range(options.repeat):
            start = time.perf_counter()
            png = render_change_png(event, width=options.width)
            times.append(time.perf_counter() - start)
        height = Image.open(io.BytesIO(png)).height
        median = statistics.median(times) * 1000
        print(f"{name:<26}{median:>10.1f}{len(png) / 1024:>9.0f}{height:>8}")


if __name__ == "__main__":
    main()
