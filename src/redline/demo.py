"""``redline demo``: the whole pipeline against a small news site served on 127.0.0.1.

For a first run on any machine, with or without internet access: the demo site
renders its pages with everything real sites have around an article (a
timestamp that changes on every request, rotating "most read" links, ads, a
cookie banner, comments), then edits its stories the ways newsrooms do. redline
tracks them in a throwaway SQLite database and shows what changed.
"""

from __future__ import annotations

import dataclasses
import html
import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .config import Config, FetchConfig
from .core import Redline
from .diff import render_text
from .model import CheckOutcome

__all__ = ["DemoSite", "Story", "demo_site", "run_demo"]


@dataclass(frozen=True)
class Story:
    slug: str
    headline: str
    byline: str
    paragraphs: tuple[str, ...]


FIRST_EDITION = (
    Story(
        "harbour-bridge",
        "Council approves new harbour bridge after decade of debate",
        "Maria Okafor",
        (
            "The city council voted on Tuesday night to approve a new bridge across the "
            "harbour, ending more than ten years of arguments over cost and route.",
            "The bridge will carry two lanes of traffic, a tram line and a cycle path, and "
            "is expected to cost 410 million pounds.",
            "Opponents said the money would be better spent on the existing ferry service, "
            "which carries eleven thousand passengers a day.",
        ),
    ),
    Story(
        "river-flooding",
        "Hundreds evacuated as river bursts its banks",
        "Tom Lindqvist",
        (
            "Emergency services evacuated about 300 homes on Wednesday after the river rose "
            "above its flood defences for the first time since 2009.",
            "Residents were taken to a leisure centre on the edge of town, where the local "
            "authority has set up beds and a kitchen.",
            "The Environment Agency said water levels were expected to fall by Friday.",
        ),
    ),
    Story(
        "museum-reopens",
        "Natural history museum reopens after roof repairs",
        "Ana Ruiz",
        (
            "The natural history museum reopened to visitors on Saturday after an eighteen "
            "month closure to repair its Victorian glass roof.",
            "The whale skeleton that hangs in the main hall has been cleaned and re-hung, "
            "and two new galleries on local geology have opened.",
        ),
    ),
)


def second_edition(stories: tuple[Story, ...]) -> tuple[Story, ...]:
    """The same stories after a day of edits: a headline, a one-word fix, a new paragraph."""
    bridge, flood, museum = stories
    return (
        dataclasses.replace(
            bridge, headline="Council approves £410m harbour bridge after decade of debate"
        ),
        dataclasses.replace(
            flood,
            paragraphs=(
                flood.paragraphs[0].replace("about 300", "about 450"),
                *flood.paragraphs[1:],
            ),
        ),
        dataclasses.replace(
            museum,
            paragraphs=(
                *museum.paragraphs,
                "Entry remains free, but the museum asks visitors to book a time slot online "
                "at weekends.",
            ),
        ),
    )


class DemoSite:
    """The demo news site; ``stories`` can be replaced while it runs."""

    def __init__(self, stories: tuple[Story, ...]) -> None:
        self.stories = stories
        self._requests = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def url(self, story: Story) -> str:
        return f"{self.base_url}/news/{story.slug}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def render(self, slug: str) -> str | None:
        story = next((s for s in self.stories if s.slug == slug), None)
        if story is None:
            return None
        return render_page(story, self.stories, next(self._requests))

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                page = site.render(self.path.removeprefix("/news/"))
                body = (page or "<h1>Not found</h1>").encode("utf-8")
                self.send_response(200 if page else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


def render_page(story: Story, all_stories: tuple[Story, ...], request_number: int) -> str:
    """A full page with the site chrome around the story; the chrome varies per request."""
    esc = html.escape
    shift = request_number % len(all_stories)
    most_read = all_stories[shift:] + all_stories[:shift]
    body = "\n".join(f"<p>{esc(p)}</p>" for p in story.paragraphs)
    popular = "\n".join(
        f'<li><a href="/news/{s.slug}">{esc(s.headline)}</a></li>' for s in most_read
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{esc(story.headline)} | The Demo Gazette</title>
<meta property="og:title" content="{esc(story.headline)}">
</head><body>
<div class="cookie-banner" id="cookie-consent">We use cookies to improve your experience.
 <button>Accept all cookies</button></div>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav></header>
<div class="advertisement ad-slot">Advertisement: Holidays from £{99 + request_number}</div>
<main><article>
<h1>{esc(story.headline)}</h1>
<p class="byline">By <span class="author">{esc(story.byline)}</span></p>
<div class="timestamp">Updated {request_number % 59 + 1} minutes ago</div>
<div class="article-body">
{body}
</div>
<div class="share-tools">Share this article: {request_number * 3} shares</div>
</article></main>
<aside class="most-popular"><h2>Most read</h2><ol>{popular}</ol></aside>
<section id="comments" class="comments"><h2>Comments ({request_number})</h2>
<div class="comment">Reader {request_number} wrote: this is the comment of the day.</div></section>
<footer><p>© The Demo Gazette. All rights reserved.</p></footer>
</body></html>"""


@contextmanager
def demo_site() -> Iterator[DemoSite]:
    """Serve the first edition of the demo site on 127.0.0.1 until the block ends."""
    site = DemoSite(FIRST_EDITION)
    try:
        yield site
    finally:
        site.close()


Echo = Callable[[str], None]


def run_demo(echo: Echo, *, database: str, color: bool) -> None:
    """Track the demo site's stories in ``database``, edit them, and show the changes."""
    # Our own site on 127.0.0.1: no need to wait between requests to it.
    config = Config(fetch=FetchConfig(allow_private_networks=True, timeout=10, per_host_delay=0))
    with demo_site() as site, Redline.open(database, config) as redline:
        echo(f"The Demo Gazette is being served at {site.base_url}")
        added = redline.add([site.url(story) for story in site.stories], source="demo-gazette")
        echo(f"Tracking {len(added)} articles in {database}\n")
        _check(redline, echo, "First check: every article's first version")
        _check(redline, echo, "Re-check: new timestamps, ads and comments, same article text")
        site.stories = second_edition(site.stories)
        _check(redline, echo, "The newsroom edits its stories; check again")
        for article in redline.articles():
            old, new, changes = redline.diff(article.id)
            echo(f"\n── {article.title} ── version {old.number} → {new.number}")
            echo(render_text(changes, color=color))
        first = redline.articles()[0]
        echo(f"\n── The RSS feed of changes to article {first.id} ──")
        echo(redline.feed(first.id).decode("utf-8"))


def _check(redline: Redline, echo: Echo, heading: str) -> None:
    summary = redline.check(all_active=True)
    echo(
        f"{heading}: {summary.count(CheckOutcome.NEW_VERSION)} new version(s), "
        f"{summary.count(CheckOutcome.UNCHANGED)} unchanged, "
        f"{summary.count(CheckOutcome.ERROR)} error(s)"
    )
    for result in summary.results:
        if result.error:
            echo(f"  error: {result.url}: {result.error}")
