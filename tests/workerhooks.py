"""Extraction that misbehaves when a page asks it to: for the tests of the worker pool.

A page asks with a comment, ``<!-- worker: kill -->`` (see :func:`directive`); the
parser drops comments, so the page extracts as usual otherwise. The functions
here replace redline's own in a test (monkeypatch) and are sent to the worker
processes by name, so a worker runs them: they must never run in the test's
own process on a page that asks to be killed.
"""

from __future__ import annotations

import itertools
import os
import re
import signal
import time
from collections.abc import Sequence
from pathlib import Path

from redline.config import SiteRule
from redline.errors import ExtractionError
from redline.extract import extract_article
from redline.model import Capture, ExtractedArticle
from redline.reextract import Extraction, capture_html, reextract_capture

_DIRECTIVE = re.compile(r"<!-- worker: ([a-z-]+) ?(\S*) -->")


def directive(name: str, argument: str | Path = "") -> str:
    """The comment that makes a page's worker do ``name``: see :func:`misbehave`."""
    return f"<!-- worker: {name} {argument} -->"


def misbehave(html: str) -> None:
    """Do what the page's directive says, if it has one.

    ``kill``: the worker kills itself (SIGKILL). ``kill-once PATH``: the same,
    the first time only (PATH is created to remember it). ``sleep``: wait, in
    Python, far past any time limit. ``spin``: run C code that never looks at
    signals, far past any time limit.
    """
    found = _DIRECTIVE.search(html)
    if found is None:
        return
    name, argument = found.groups()
    if name == "kill-once":
        marker = Path(argument)
        if marker.exists():
            return
        marker.touch()
    if name in ("kill", "kill-once"):
        os.kill(os.getpid(), signal.SIGKILL)
    elif name == "sleep":
        time.sleep(3600)
    elif name == "spin":
        sum(itertools.repeat(1, 10**14))


def extract_or_misbehave(html: str, url: str, *, rules: Sequence[SiteRule]) -> ExtractedArticle:
    """``extract_article``, after the page's directive."""
    misbehave(html)
    return extract_article(html, url, rules=rules)


def reextract_or_misbehave(capture: Capture, rules: Sequence[SiteRule]) -> Extraction:
    """What ``redline.reextract`` does with an archived page, after the page's directive."""
    misbehave(capture_html(capture))
    try:
        return reextract_capture(capture, rules)
    except ExtractionError as exc:
        return exc
