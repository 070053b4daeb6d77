"""Stability of the whole pipeline: noise never makes a version, real edits always do.

Every test page is served on 127.0.0.1 and rendered anew on every request,
with fresh site chrome around the same article, the way real news sites
render (time stamps, share and comment counts, rotating ads, newsletter
prompts, image credits, live reader counters, "Most read" boxes, cookie
banners). redline then checks the pages, and what its history shows is asserted:

* twenty noise-only re-renders make no new version;
* a CMS flipping back and forth (A → B → A) is one change, not two;
* a whitespace-only or punctuation-only change makes no new version
  (the default ``[versions]`` policy);
* a one-word edit makes exactly one new version, and its diff is that word.

The test pages are the demo site's stories and the static pages of
tests/pages/extract (all but the section front, which is not an article).
Each check pass checks all the pages at once, which keeps the module quick;
the twenty re-renders run on SQLite only (they test the extractor, not the
database), the edits on every configured database.
"""

from __future__ import annotations

import dataclasses
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest

from handclock import Clock
from localsite import LocalSite, Request, Route
from redline import CheckOutcome, Config, Redline, Version
from redline.config import VersionPolicy
from redline.demo import FIRST_EDITION, Story, render_page
from redline.extract import extract_article
from redlines import LOOPBACK, RedlineFactory

TEMPLATES = Path(__file__).parent / "pages" / "extract"
RE_RENDERS = 20

Edit = Callable[[str], str]


def unedited(text: str) -> str:
    return text


# --- the noise a real site renders around an unchanged article ------------------

PHOTOGRAPHERS = ("Jane Doe", "Ravi Patel", "Lena Fischer", "Tomás Ortega", "Aiko Tanaka")
AGENCIES = ("Reuters", "AP", "AFP", "Getty Images", "PA Media", "EPA-EFE")
AD_COPY = (
    "Holidays to the Algarve from £299 per person",
    "Refinance today with Mill River Credit Union",
    "Win two tickets to the Riverside jazz festival",
    "Last chance: 40% off all winter coats this weekend only",
    "Switch your broadband and save £120 a year",
    "Hearing aids that fit in your ear. Book a free test",
)
NEWSLETTERS = (
    "Sign up for our Morning Briefing newsletter",
    "Get the Evening Edition newsletter in your inbox",
    "Subscribe to our daily newsletter for the latest headlines",
    "Sign up to First Edition, our free daily newsletter",
)
HEADLINES = (
    "Storm warning issued for the weekend",
    "School board delays vote on budget",
    "Market Square reopens after renovation",
    "Library to open on Sundays from next month",
    "Flood defences to be raised by a metre",
    "Traders fear months of disruption on the high street",
    "Teenager wins national chess title",
)
COMMENTS = (
    "I have waited years for this and I am glad it is finally settled, even if the cost is"
    " high for everyone who lives here.",
    "Another vanity project. Fix the potholes on Elm Road first.",
    "Does anyone know whether the consultation is still open? The council website says nothing.",
    "Good news at last.",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Noise:
    """The varying parts of one render; each differs from one render number to the next."""

    number: int

    @property
    def rng(self) -> random.Random:
        return random.Random(self.number)

    @property
    def clock(self) -> str:
        return f"{8 + self.number % 14:02d}:{self.number * 7 % 60:02d}"

    @property
    def minutes_ago(self) -> str:
        return f"Updated {self.number % 59 + 1} minutes ago"

    @property
    def published(self) -> str:
        return f"Published {self.clock} GMT"

    @property
    def dateline(self) -> str:
        return f"{WEEKDAYS[self.number % 7]} {self.number % 28 + 1} November 2026"

    @property
    def share_count(self) -> str:
        return f"{1 + self.number * 0.3:.1f}k"

    @property
    def comment_count(self) -> int:
        return 3 * self.number + 1

    @property
    def readers(self) -> str:
        return f"{1_000 + 137 * self.number:,}"

    def pick(self, choices: tuple[str, ...], offset: int = 0) -> str:
        return choices[(self.number + offset) % len(choices)]

    def photographer(self, offset: int = 0) -> str:
        return f"{self.pick(PHOTOGRAPHERS, offset)}/{self.pick(AGENCIES, offset + 3)}"

    def most_read(self, count: int = 5) -> str:
        return "".join(
            f'<li><a href="/news/{self.number}-{n}">{headline}</a></li>'
            for n, headline in enumerate(self.rng.sample(HEADLINES, count))
        )


def consent_banner(noise: Noise) -> str:
    """A cookie banner, as two consent platforms render theirs; on some renders none."""
    partners = 700 + noise.number
    if noise.number % 3 == 0:
        return ""
    if noise.number % 3 == 1:
        return f"""
  <div id="cookie-notice-{noise.number}" class="consent-layer" role="dialog">
    <p>We use cookies to improve your experience and to show you relevant ads.</p>
    <button>Accept all</button> <button>Manage preferences</button>
  </div>"""
    return f"""
  <div id="sp_message_container_{noise.number}0412" class="sp_veil">
    <div class="message-component message-column">
      <p>We and our {partners} partners store and/or access information on a device, such as
      cookies, and process personal data for personalised ads and content.</p>
      <button title="Accept">Accept</button> <button title="Options">Options</button>
    </div>
  </div>"""


def header_chrome(noise: Noise) -> str:
    return f"""{consent_banner(noise)}
  <div class="masthead-bar">
    <span class="today">{noise.dateline}</span>
    <span class="edition">{noise.published}</span>
  </div>
  <div class="ad-container leaderboard" data-slot="top">
    <p class="label">Advertisement</p>
    <a href="https://ads.example/c?n={noise.number}">{noise.pick(AD_COPY)}</a>
  </div>"""


def headline_chrome(noise: Noise) -> str:
    listen = '<p class="audio">Listen to this article · 4 min</p>' if noise.number % 2 else ""
    return f"""
  <div class="article-meta">
    <time datetime="2026-11-01T{noise.clock}:00Z">{noise.minutes_ago}</time>
    <a href="#comments">{noise.comment_count} comments</a>
    <span class="live-count">{noise.readers} reading now</span>
  </div>{listen}"""


def inline_chrome(noise: Noise) -> tuple[str, ...]:
    """Boxes a site puts between the paragraphs of an article."""
    return (
        f"""
  <figure class="inline-image">
    <img src="/img/{noise.number}.jpg" alt="">
    <figcaption>Photo: {noise.photographer()}</figcaption>
  </figure>""",
        f"""
  <div class="dfp-slot" data-slot="inline-{noise.number}">
    <p>Advertisement</p>
    <p>{noise.pick(AD_COPY, 2)}</p>
  </div>""",
        """
  <p style="text-align: center">Advertisement - Scroll to continue</p>""",
        f"""
  <p><strong>{noise.pick(NEWSLETTERS)}</strong></p>""",
        f"""
  <p><img src="/img/b{noise.number}.jpg" alt=""></p>
  <p><em>{noise.photographer(1).replace("/", " / ")}</em></p>""",
        f"""
  <div class="engagement">
    <span>{noise.share_count} shares</span> <a href="/share/facebook">Share on Facebook</a>
  </div>""",
        f"""
  <div class="native-unit"><p>Sponsored: {noise.pick(AD_COPY, 3)}</p></div>""",
        f"""
  <aside class="inline-promo">
    <p>Advertisement</p><p>{noise.pick(AD_COPY, 4)}</p>
  </aside>""",
        f"""
  <p class="reading-now">{noise.readers} people are reading this</p>""",
    )


def sidebar_chrome(noise: Noise) -> str:
    return f"""
  <div class="right-rail">
    <div class="module">
      <h2>Most read</h2>
      <ol>{noise.most_read()}</ol>
    </div>
  </div>
  <aside class="sidebar">
    <section><h2>Trending</h2><ol>{noise.most_read(3)}</ol></section>
    <div class="ad-mpu">Advertisement {noise.pick(AD_COPY, 1)}</div>
  </aside>"""


def footer_chrome(noise: Noise) -> str:
    comments = "".join(
        f'<div class="comment"><p>{text}</p><span>{n + noise.number} likes</span></div>'
        for n, text in enumerate(noise.rng.sample(COMMENTS, 1 + noise.number % len(COMMENTS)))
    )
    return f"""
  <section id="comments">
    <h2>Comments ({noise.comment_count})</h2>
    {comments}
  </section>
  <div class="comments-teaser"><a href="#comments">{noise.comment_count} comments</a></div>
  <footer class="page-footer">
    <p>© 2026 The Test Gazette. All rights reserved.</p>
    <p>Page generated at {noise.clock}:{noise.number % 60:02d} GMT</p>
  </footer>"""


# Text of the chrome above that a static page shows in its first two renders.
FIRST_RENDERS_CHROME = (
    "minutes ago",
    "GMT",
    "November 2026",
    "shares",
    "Advertisement",
    "Scroll to continue",
    "Sponsored",
    "reading now",
    "reading this",
    "Listen to",
    "Photo:",
    "newsletter",
    "Most read",
    "Trending",
    "cookies",
    "partners",
    "comments",
    "Comments",
    "likes",
    "Test Gazette",
    "Share on",
)
# Text of the chrome above, none of it in any test article.
CHROME_MARKERS = (*FIRST_RENDERS_CHROME, *PHOTOGRAPHERS, *AGENCIES, *HEADLINES, *AD_COPY, *COMMENTS)

_BODY_START = re.compile(r"<body[^>]*>")
_HEADING_END = re.compile(r"</h1>(?:\s*</label>)?")
# Between two paragraphs, or after the last line of a paragraph broken with <br>.
_BETWEEN_PARAGRAPHS = re.compile(r"</p>(?=\s*<p[\s>])|<br>")


def inject_noise(html: str, noise: Noise) -> str:
    """``html`` with the chrome of render ``noise`` where real sites put theirs.

    A cookie banner, date bar and ad after ``<body>``; a time stamp, comment
    count and live counter under the headline; image credits, ads, a
    newsletter prompt, share counts and a reader counter between the
    paragraphs (which gaps they take changes from render to render); a "Most
    read" rail after the main content; comments and a footer at the end.
    """
    slots = [match.end() for match in _BETWEEN_PARAGRAPHS.finditer(html)]
    heading = _HEADING_END.search(html)
    body = _BODY_START.search(html)
    assert slots and heading and body, "the page has no gap between paragraphs, <h1> or <body>"
    inserts: dict[int, list[str]] = {body.end(): [header_chrome(noise)]}
    inserts.setdefault(heading.end(), []).append(headline_chrome(noise))
    for n, box in enumerate(inline_chrome(noise)):
        inserts.setdefault(slots[(n + noise.number) % len(slots)], []).append(box)
    main_end = html.find("</main>")
    rail_at = main_end + len("</main>") if main_end >= 0 else html.rindex("</body>")
    inserts.setdefault(rail_at, []).append(sidebar_chrome(noise))
    inserts.setdefault(html.rindex("</body>"), []).append(footer_chrome(noise))
    parts, start = [], 0
    for at in sorted(inserts):
        parts += [html[start:at], *inserts[at]]
        start = at
    return "".join([*parts, html[start:]])


def template_values(noise: Noise) -> dict[str, str]:
    """Values for the ``{{placeholders}}`` of the static pages: their own chrome, varied too."""
    ad = f'<a class="creative" href="https://ads.example/{noise.number}">{noise.pick(AD_COPY)}</a>'
    return {
        "updated": noise.minutes_ago,
        "modified": f"2026-11-01T{noise.clock}:00Z",
        "published": noise.published,
        "build": f"{noise.rng.getrandbits(32):08x}",
        "share_count": noise.share_count,
        "shares": noise.share_count,
        "tweet_likes": f"{noise.number * 31:,}",
        "cookie_banner": consent_banner(Noise(noise.number + 1)),
        "ad_top": ad,
        "ad_inline": ad,
        "ad": noise.pick(AD_COPY, 5),
        "ad_id": str(noise.number),
        "related": noise.most_read(2),
        "most_popular": noise.most_read(4),
        "comment_count": str(noise.comment_count),
        "comments": "".join(f'<div class="comment"><p>{c}</p></div>' for c in COMMENTS),
        "readers": noise.readers,
        "views": f"{noise.number * 1.7:.1f}K",
        "credit": f"Photo: {noise.photographer(2)}",
        "newsletter": noise.pick(NEWSLETTERS, 1),
    }


def fill_template(template: str, noise: Noise) -> str:
    values = template_values(noise)
    return re.sub(r"\{\{(\w+)\}\}", lambda match: values[match[1]], template)


def reflow(html: str, number: int) -> str:
    """``html`` with every run of white space in its text changed, and re-indented.

    Runs become other runs of spaces, newlines, tabs and carriage returns, and
    every line gets a new indentation; tags and scripts are left as they are.
    """
    runs = ("  ", "\n", "\n\t\t", "   \n  ", " \r\n ")
    counter = iter(range(len(html)))

    def vary(match: re.Match[str]) -> str:
        return runs[(next(counter) + number) % len(runs)]

    pieces = re.split(r"(<script.*?</script>|<[^>]+>)", html, flags=re.DOTALL)
    reflowed = "".join(
        piece if piece.startswith("<") else re.sub(r"\s+", vary, piece) for piece in pieces
    )
    lines = reflowed.split("\n")
    return "\n".join(f"{' ' * (n % 7 + 1)}{line.lstrip(' ')}" for n, line in enumerate(lines))


# --- the test pages --------------------------------------------------------------


@dataclass(frozen=True)
class TrackedPage:
    """A page to track, with a one-word edit and a punctuation-only edit of its article."""

    name: str
    render: Callable[[int, Edit], str]
    """The page at a render number, its article's source text edited."""
    phrase: str
    """Words of the article, found once in its source text."""
    word: tuple[str, str]
    """A word of ``phrase`` and what the one-word edit makes it."""
    punctuated: str
    """``phrase`` with only its punctuation changed."""
    paragraphs: Callable[[], tuple[str, ...]]
    """The article's paragraphs: the story's, or those extracted from the page without noise."""

    def edit_word(self, text: str) -> str:
        old, new = self.word
        return _replace_once(text, self.phrase, self.phrase.replace(old, new))

    def edit_punctuation(self, text: str) -> str:
        return _replace_once(text, self.phrase, self.punctuated)


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} is not once in the text"
    return text.replace(old, new)


def demo_page(story: Story, phrase: str, word: tuple[str, str], punctuated: str) -> TrackedPage:
    """A story of the demo site, rendered with its chrome by ``redline.demo``."""

    def render(number: int, edit: Edit) -> str:
        paragraphs = tuple(edit("\n".join(story.paragraphs)).split("\n"))
        return render_page(dataclasses.replace(story, paragraphs=paragraphs), FIRST_EDITION, number)

    return TrackedPage(
        f"demo-{story.slug}", render, phrase, word, punctuated, lambda: story.paragraphs
    )


def static_page(name: str, phrase: str, word: tuple[str, str], punctuated: str) -> TrackedPage:
    """A page of tests/pages/extract, its placeholders filled and :func:`inject_noise` added."""
    template = (TEMPLATES / f"{name}.html").read_text(encoding="utf-8")

    def render(number: int, edit: Edit) -> str:
        noise = Noise(number)
        return inject_noise(fill_template(edit(template), noise), noise)

    def paragraphs() -> tuple[str, ...]:
        page = fill_template(template, Noise(1))
        return extract_article(page, f"http://127.0.0.1/news/{name}").paragraphs

    return TrackedPage(name, render, phrase, word, punctuated, paragraphs)


BRIDGE, FLOOD, MUSEUM = FIRST_EDITION
PAGES = (
    demo_page(
        BRIDGE,
        "a tram line and a cycle path, and is expected",
        ("tram", "bus"),
        "a tram line and a cycle path; and is expected",
    ),
    demo_page(
        FLOOD,
        "set up beds and a kitchen.",
        ("kitchen", "canteen"),
        "set up beds, and a kitchen!",
    ),
    demo_page(
        MUSEUM,
        "cleaned and re-hung, and two new galleries",
        ("two", "three"),
        "cleaned and re hung and two new galleries",
    ),
    static_page(
        "news_article",
        "voted 7-2 on Monday night to build a new crossing over the Mill River, ending",
        ("Monday", "Tuesday"),
        "voted 7–2 on Monday night to build a new crossing over the Mill River — ending",
    ),
    static_page(
        "noisy_article",
        "at the leisure centre and at St Anne's school, and asked",
        ("leisure", "sports"),
        "at the leisure centre, and at St Anne’s school and asked",
    ),
    static_page(
        "press_release",
        "new decks, railings and supports on bridges",
        ("railings", "barriers"),
        "new decks, railings, and supports on bridges",
    ),
    static_page(
        "single_paragraph",
        "burst its banks, and police said",
        ("police", "officers"),
        "burst its banks; and police said",
    ),
)
PAGE_NAMES = [page.name for page in PAGES]


# --- serving and checking ----------------------------------------------------------


class Newsroom:
    """Serves one test page; every request renders it anew, with fresh chrome."""

    def __init__(self, site: LocalSite, page: TrackedPage) -> None:
        self.site, self.page = site, page
        self.path = f"/news/{page.name}"
        self.edit: Edit = unedited
        self.reflowed = False
        self.served: list[str] = []
        site.routes[self.path] = self._render

    @property
    def url(self) -> str:
        return self.site.url(self.path)

    def _render(self, request: Request) -> Route:
        number = len(self.served) + 1
        html = self.page.render(number, self.edit)
        if self.reflowed:
            html = reflow(html, number)
        self.served.append(html)
        return Route(html.encode(), headers={"Content-Type": "text/html; charset=utf-8"})


# Our own server on 127.0.0.1, asked for all the pages at once.
ALL_AT_ONCE = Config(fetch=dataclasses.replace(LOOPBACK.fetch, per_host_concurrency=len(PAGES)))


@pytest.fixture
def redline(make_redline: RedlineFactory) -> Redline:
    return make_redline(ALL_AT_ONCE)


@pytest.fixture
def newsrooms(site: LocalSite, redline: Redline) -> list[Newsroom]:
    """Every test page, served and tracked."""
    served = [Newsroom(site, page) for page in PAGES]
    redline.add([newsroom.url for newsroom in served])
    return served


def check_all(redline: Redline, clock: Clock, newsrooms: Sequence[Newsroom]) -> dict[str, str]:
    """Check every page a day later; the outcome of each, by page name."""
    clock.advance(days=1)
    results = {result.url: result for result in redline.check(all_active=True).results}
    assert [result.error for result in results.values() if result.error] == []
    return {newsroom.page.name: results[newsroom.url].outcome.value for newsroom in newsrooms}


def every_page(*outcomes: CheckOutcome) -> dict[str, str]:
    return {name: "/".join(outcome.value for outcome in outcomes) for name in PAGE_NAMES}


def outcomes_of(runs: Sequence[dict[str, str]]) -> dict[str, str]:
    return {name: "/".join(run[name] for run in runs) for name in PAGE_NAMES}


def page_text(html: str) -> str:
    document = lxml.html.document_fromstring(html)
    assert isinstance(document, lxml.html.HtmlElement)  # lxml-stubs say only _Element
    text: str = document.text_content()  # lxml-stubs: Any
    return text


# --- twenty noise-only re-renders ------------------------------------------------------


@dataclass(frozen=True)
class ReRenders:
    """What twenty-one checks of every unchanged test page left behind."""

    outcomes: dict[str, list[CheckOutcome]]
    versions: dict[str, list[Version]]
    served: dict[str, list[str]]


@pytest.fixture(scope="module")
def re_renders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReRenders]:
    """All pages checked 21 times in one database (SQLite: this tests the extractor)."""
    site, clock = LocalSite(), Clock()
    database = f"sqlite:///{tmp_path_factory.mktemp('re-renders') / 'redline.db'}"
    make_redline = RedlineFactory(database, clock)  # the fixture's is one test's only
    try:
        redline = make_redline(ALL_AT_ONCE)
        served = [Newsroom(site, page) for page in PAGES]
        redline.add([newsroom.url for newsroom in served])
        outcomes: dict[str, list[CheckOutcome]] = {name: [] for name in PAGE_NAMES}
        for _ in range(RE_RENDERS + 1):
            for name, outcome in check_all(redline, clock, served).items():
                outcomes[name].append(CheckOutcome(outcome))
        yield ReRenders(
            outcomes,
            {n.page.name: redline.versions(n.url) for n in served},
            {n.page.name: n.served for n in served},
        )
    finally:
        make_redline.close()
        site.close()


def test_the_noise_is_in_every_render_and_differs_each_time() -> None:
    for page in PAGES:
        renders = [page.render(number, unedited) for number in range(1, RE_RENDERS + 2)]
        assert len(set(renders)) == len(renders), page.name
        for number in (1, 2):
            text = page_text(renders[number - 1])
            assert page.phrase in text
            assert "minutes ago" in text and "Most read" in text and "cookies" in text
    for page in PAGES[3:]:
        text = page_text(page.render(1, unedited)) + page_text(page.render(2, unedited))
        missing = [marker for marker in FIRST_RENDERS_CHROME if marker not in text]
        assert missing == [], page.name


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_twenty_noise_only_re_renders_make_no_new_version(re_renders: ReRenders, name: str) -> None:
    expected = [CheckOutcome.NEW_VERSION] + [CheckOutcome.UNCHANGED] * RE_RENDERS
    assert re_renders.outcomes[name] == expected
    assert len(set(re_renders.served[name])) == RE_RENDERS + 1  # every render differed
    (version,) = re_renders.versions[name]
    page = PAGES[PAGE_NAMES.index(name)]
    assert version.paragraphs == page.paragraphs()
    stored = f"{version.title}\n{version.byline}\n{version.text}"
    assert [marker for marker in CHROME_MARKERS if marker in stored] == []


# --- edits ----------------------------------------------------------------------------


def test_a_cms_flip_flop_is_one_change_not_two(
    redline: Redline, newsrooms: list[Newsroom], clock: Clock
) -> None:
    runs = [check_all(redline, clock, newsrooms)]
    for edit in ("B", "A", "B"):
        for newsroom in newsrooms:
            newsroom.edit = newsroom.page.edit_word if edit == "B" else unedited
        runs.append(check_all(redline, clock, newsrooms))
    new, unchanged = CheckOutcome.NEW_VERSION, CheckOutcome.UNCHANGED
    assert outcomes_of(runs) == every_page(new, new, unchanged, unchanged)
    for newsroom in newsrooms:
        page = newsroom.page
        a, b = redline.versions(newsroom.url)
        assert page.phrase in a.text and page.edit_word(page.phrase) in b.text
        assert b.text == page.edit_word(a.text)


def test_a_whitespace_only_change_makes_no_new_version(
    redline: Redline, newsrooms: list[Newsroom], clock: Clock
) -> None:
    runs = [check_all(redline, clock, newsrooms)]
    for newsroom in newsrooms:
        newsroom.reflowed = True
    runs.append(check_all(redline, clock, newsrooms))
    # Not the policy's doing: the extracted text is the same, so it holds with the policy off.
    strict = VersionPolicy(ignore_seen_before=False, ignore_punctuation_only=False)
    redline.config = dataclasses.replace(redline.config, versions=strict)
    runs.append(check_all(redline, clock, newsrooms))
    unchanged = CheckOutcome.UNCHANGED
    assert outcomes_of(runs) == every_page(CheckOutcome.NEW_VERSION, unchanged, unchanged)
    for newsroom in newsrooms:
        (version,) = redline.versions(newsroom.url)
        assert version.paragraphs == newsroom.page.paragraphs()
        plain, reflowed = newsroom.page.render(2, unedited), newsroom.served[1]
        assert reflowed != plain and re.sub(r"\s+", "", reflowed) == re.sub(r"\s+", "", plain)


def test_a_punctuation_only_change_makes_no_new_version(
    redline: Redline, newsrooms: list[Newsroom], clock: Clock
) -> None:
    runs = [check_all(redline, clock, newsrooms)]
    for newsroom in newsrooms:
        newsroom.edit = newsroom.page.edit_punctuation
    runs.append(check_all(redline, clock, newsrooms))
    # The change does reach the text: without the policy it is a version.
    redline.config = dataclasses.replace(
        redline.config, versions=VersionPolicy(ignore_punctuation_only=False)
    )
    runs.append(check_all(redline, clock, newsrooms))
    new, unchanged = CheckOutcome.NEW_VERSION, CheckOutcome.UNCHANGED
    assert outcomes_of(runs) == every_page(new, unchanged, new)
    for newsroom in newsrooms:
        page = newsroom.page
        before, after = redline.versions(newsroom.url)
        assert page.phrase in before.text and page.punctuated in after.text
        assert after.text == page.edit_punctuation(before.text)


def test_a_one_word_edit_is_one_new_version_whose_diff_is_that_word(
    redline: Redline, newsrooms: list[Newsroom], clock: Clock
) -> None:
    runs = [check_all(redline, clock, newsrooms)]
    for newsroom in newsrooms:
        newsroom.edit = newsroom.page.edit_word
    runs += [check_all(redline, clock, newsrooms) for _ in range(2)]
    new, unchanged = CheckOutcome.NEW_VERSION, CheckOutcome.UNCHANGED
    assert outcomes_of(runs) == every_page(new, new, unchanged)
    for newsroom in newsrooms:
        old, new_version, changes = redline.diff(newsroom.url)
        assert (old.number, new_version.number) == (0, 1)
        assert [(op.op, op.text.strip()) for op in changes.body if op.op != "equal"] == [
            ("delete", newsroom.page.word[0]),
            ("insert", newsroom.page.word[1]),
        ]
        assert [op.op for op in changes.title] == ["equal"] and not changes.byline_changed


# --- boxes only their id's shape or their heading marks as chrome --------------------

UNRECOGNIZED_CHROME = {
    # Google Publisher Tag's slot ids name the ad in a five-word id; ids of more than
    # three words (numbers aside) are ignored as slugs ("h-what-is-social-shopping").
    "gpt-ad-slot": '<div id="div-gpt-ad-{n}-0"><p>{ad}</p></div>',
    # A newsletter box named for nothing, whose pitch changes with the newsletter.
    "newsletter-box": '<div class="box"><h3>Get our newsletter</h3><p>{pitch}</p></div>',
}
PITCHES = (
    "The day's top stories, in your inbox every morning.",
    "Our best business coverage, every weekday at 6pm.",
)


@pytest.mark.parametrize("kind", sorted(UNRECOGNIZED_CHROME))
def test_rotating_chrome_in_boxes_the_cleaner_misses_makes_no_version(
    make_redline: RedlineFactory, site: LocalSite, clock: Clock, kind: str
) -> None:
    page = next(page for page in PAGES if page.name == "news_article")
    newsroom = Newsroom(site, page)

    def with_box(text: str) -> str:
        number = len(newsroom.served)
        box = UNRECOGNIZED_CHROME[kind].format(
            n=number, ad=AD_COPY[number % len(AD_COPY)], pitch=PITCHES[number % len(PITCHES)]
        )
        return _replace_once(text, "<h2>Years of delay</h2>", f"{box}<h2>Years of delay</h2>")

    newsroom.edit = with_box
    redline = make_redline()
    redline.add([newsroom.url])
    runs = [check_all(redline, clock, [newsroom]) for _ in range(2)]
    assert [run[page.name] for run in runs] == ["new_version", "unchanged"]
