"""The real pages in headless Chromium (Debian's ``chromium``), served by uvicorn on 127.0.0.1.

The browser opens the index, follows an article, opens its diff, switches to the inline
view and follows the feed link, each page as Chromium renders it under the app's
Content-Security-Policy: nothing may be blocked or logged to the console. Screenshots of
the index, article and diff pages (desktop and phone widths) are saved in
``$REDLINE_SCREENSHOTS``, or else in the test's temporary directory.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
import uvicorn

from redline.web import create_app
from test_web_pages import Links
from webarchive import NOW, fill

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="NO BROWSER TEST: chromium is not installed (apt-get install chromium; .ci/run does)",
)

DESKTOP, PHONE = "1280,900", "390,844"


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    """The archive served by uvicorn on a free port of 127.0.0.1, until the test ends."""
    database = f"sqlite:///{tmp_path / 'archive.db'}"
    fill(database)
    app = create_app(database, clock=lambda: NOW)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


class Browser:
    """Headless Chromium, one page load per call, with its console watched."""

    def __init__(self, profile: Path, screenshots: Path) -> None:
        self.profile, self.screenshots = profile, screenshots

    def _run(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        assert CHROMIUM is not None
        command = [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            f"--user-data-dir={self.profile}",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=3000",
            *arguments,
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
        assert not console, f"the page logged to the console: {console}"
        return done

    def open(self, url: str) -> Links:
        """The page at ``url`` as Chromium rendered it."""
        return Links(self._run("--window-size=" + DESKTOP, "--dump-dom", url).stdout)

    def screenshot(self, url: str, name: str) -> Path:
        """Screenshots of the page at desktop and phone widths; the desktop one's path."""
        for suffix, size in (("", DESKTOP), ("-phone", PHONE)):
            path = self.screenshots / f"{name}{suffix}.png"
            self._run(f"--window-size={size}", f"--screenshot={path}", url)
            assert path.stat().st_size > 5000, f"{path} looks blank"
        return self.screenshots / f"{name}.png"


@pytest.fixture
def browser(tmp_path: Path) -> Browser:
    screenshots = Path(os.environ.get("REDLINE_SCREENSHOTS") or tmp_path / "screenshots")
    screenshots.mkdir(parents=True, exist_ok=True)
    return Browser(tmp_path / "profile", screenshots)


def follow(page: Links, url: str, ending: str) -> str:
    """The absolute URL of the first link on ``page`` whose href ends with ``ending``."""
    (href, *_) = [href for href in page.hrefs() if href.endswith(ending)]
    return urljoin(url, href)


def assert_the_jump_lands_on_the_first_change(page: Links) -> None:
    """The "jump to the first change" link, in the DOM as Chromium built it, goes to one
    element: a changed run (deleted or inserted), the first on the page."""
    (jump,) = [href for href in page.hrefs() if href.startswith("#")]
    targets = [index for index, (_, attrs) in enumerate(page.tags) if attrs.get("id") == jump[1:]]
    runs = [index for index, (tag, _) in enumerate(page.tags) if tag in ("del", "ins")]
    assert len(targets) == 1 and targets[0] == runs[0]


def test_a_reader_follows_an_article_to_its_diff_and_feed(base_url: str, browser: Browser) -> None:
    index_url = f"{base_url}/"
    index = browser.open(index_url)
    assert "Latest changes" in index.words()
    browser.screenshot(index_url, "index")

    article_url = follow(index, index_url, "/articles/1")
    article = browser.open(article_url)
    assert "This article is from the source 'example'" in article.words()
    browser.screenshot(article_url, "article")

    diff_url = follow(article, article_url, "/diff/0/1")
    diff = browser.open(diff_url)
    assert "Version 0" in diff.words() and "(about 2 hours later)" in diff.words()
    browser.screenshot(diff_url, "diff")
    assert_the_jump_lands_on_the_first_change(diff)
    browser.screenshot(diff_url + "#first-change", "diff-first-change")

    inline_url = follow(diff, diff_url, "view=inline")
    inline = browser.open(inline_url)
    assert ("div", {"class": "redline-diff"}) in inline.tags
    assert_the_jump_lands_on_the_first_change(inline)
    browser.screenshot(inline_url, "diff-inline")

    feed_url = follow(article, article_url, "/feed.xml")
    assert "Version 2:" in browser.open(feed_url).words()


def test_hostile_text_runs_nothing_in_the_browser(base_url: str, browser: Browser) -> None:
    for path in ("/", "/articles/2", "/articles/2/diff/0/1", "/articles/2/versions/1"):
        page = browser.open(f"{base_url}{path}")
        assert not [tag for tag, _ in page.tags if tag in ("script", "img")]
        assert "<script>alert(1)</script>" in page.words()
