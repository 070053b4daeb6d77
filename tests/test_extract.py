"""Tests of redline.extract: headline, byline, paragraphs, stability, site rules, failures."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from redline.config import SiteRule
from redline.errors import ExtractionError
from redline.extract import (
    EXTRACTOR_VERSION,
    ExtractedArticle,
    extract_article,
    normalize_text,
)

PAGES = Path(__file__).parent / "pages" / "extract"
URL = "https://www.riverside-ledger.example/news/2024/03/12/river-crossing-approved"
HEADLINE = "City council approves new river crossing after decade of debate"

EXPECTED_PARAGRAPHS = (
    "The 7-2 vote ends a ten-year fight over the Mill Street bridge, but opponents say the cost"
    " will fall on residents.",
    "The Riverside city council voted 7-2 on Monday night to build a new crossing over the Mill"
    " River, ending a decade of argument over how to replace the crumbling Mill Street bridge.",
    "The four-lane bridge, estimated to cost $48 million, will carry traffic, cyclists and a"
    " light-rail line. Construction is due to begin next spring and take three years.",
    "“This is the most important decision this council has made in a generation,” said Mayor"
    " Ellen Park, who cast the deciding vote in committee last month.",
    "Years of delay",
    "The old bridge was closed to trucks in 2015 after inspectors found corrosion in its steel"
    " supports. Since then, freight has been diverted through the town centre, adding up to"
    " twenty minutes to commutes.",
    "Councillor James Whitfield, one of the two members who voted against the plan, said the city"
    " had not explained how it would pay for the bridge without raising property taxes.",
    "Tonight's vote commits Riverside to decades of debt. I voted no because residents deserve a"
    " full costing first.",
    "Park said the council would publish a detailed funding plan within six weeks, and that state"
    " and federal grants were expected to cover more than half of the cost.",
    "The plan includes:",
    "a separated cycle lane on both sides of the bridge;",
    "a light-rail stop at the eastern end;",
    "demolition of the old bridge once the new one opens.",
    "Residents can comment on the final design at a public meeting at the Riverside library on"
    " April 4.",
)

# Text of the page's chrome: none of it may reach the extracted article.
CHROME = (
    "Skip to main content",
    "cookies",
    "Accept all",
    "Tuesday, 12 March 2024",
    "Politics",
    "Subscribe",
    "Sign in",
    "Advertisement",
    "Hollis",
    "Local government",
    "City Hall reporter",
    "minutes ago",
    "shares",
    "Tweet",
    "Story continues below",
    "@CllrWhitfield",
    "March 11, 2024",
    "Follow",
    "likes",
    "Copy link",
    "Read more",
    "How much will the new bridge really cost?",
    "Ledger Daily",
    "inbox",
    "Transport",
    "Related",
    "Mill Street traders",
    "comments",
    "waited ten years",
    "Log in to comment",
    "Most popular",
    "Most read",
    "Storm warning",
    "Share on",
    "Facebook",
    "Privacy policy",
    "All rights reserved",
)


@dataclass(frozen=True)
class Noise:
    """What may change between two renders of an unchanged article."""

    updated: str = "Updated 5 minutes ago"
    modified: str = "2024-03-12T09:05:00Z"
    build: str = "a1b2c3"
    share_count: str = "1.2K"
    tweet_likes: str = "2,481"
    cookie_banner: bool = True
    ad_top: str = "Spring sale at Hollis &amp; Sons: 30% off garden furniture"
    ad_inline: str = "Refinance your home today with Mill River Credit Union"
    related: tuple[str, ...] = ("Mill Street traders fear months of disruption",)
    most_popular: tuple[str, ...] = (
        "Storm warning issued for the weekend",
        "School board delays vote on budget",
    )
    comments: tuple[str, ...] = (
        "I have waited ten years for this bridge and I am glad the council finally made up its"
        " mind, even if the cost is high for all of us who live here.",
        "Another vanity project. Fix the potholes on Elm Road first, then talk about light rail.",
    )


COOKIE_BANNER = """
  <div id="consent-banner" class="cmp-container" role="dialog" aria-label="Privacy choices">
    <p>We use cookies to personalise content and ads, and to analyse our traffic. By clicking
    “Accept all”, you agree to our use of cookies as described in our cookie policy.</p>
    <button class="accept">Accept all</button> <button class="manage">Manage preferences</button>
  </div>"""

UPDATED = ("Updated 5 minutes ago", "Updated 2 hours ago", "Published 10:32 GMT", "2 hours ago")
ADS = (
    "Spring sale at Hollis &amp; Sons: 30% off garden furniture",
    "Refinance your home today with Mill River Credit Union",
    "Win tickets to the Riverside jazz festival",
    "",
)
HEADLINES = (
    "Storm warning issued for the weekend",
    "School board delays vote on budget",
    "Market Square reopens after renovation",
    "Riverside library to open on Sundays",
    "Flood defences to be raised by a metre",
    "Mill Street traders fear months of disruption",
)
COMMENTS = (
    "I have waited ten years for this bridge and I am glad the council finally made up its mind,"
    " even if the cost is high for all of us who live here.",
    "Another vanity project. Fix the potholes on Elm Road first, then talk about light rail.",
    "Will the cycle lanes be separated from traffic by a kerb or just by paint? The article does"
    " not say and it matters a great deal to those of us who ride to work every day.",
    "Good news for the east side at last.",
)


def render(noise: Noise = Noise(), *, template: str | None = None) -> str:
    """The article page with the given noise."""
    template = template or (PAGES / "news_article.html").read_text(encoding="utf-8")
    values = {
        "updated": noise.updated,
        "modified": noise.modified,
        "build": noise.build,
        "share_count": noise.share_count,
        "tweet_likes": noise.tweet_likes,
        "cookie_banner": COOKIE_BANNER if noise.cookie_banner else "",
        "ad_top": _ad(noise.ad_top),
        "ad_inline": _ad(noise.ad_inline),
        "related": "".join(
            f'<li><a href="/news/{n}">{h}</a> <span class="time-ago">{n + 1} hours ago</span></li>'
            for n, h in enumerate(noise.related)
        ),
        "most_popular": "".join(
            f'<li><a href="/news/popular/{n}">{h}</a></li>'
            for n, h in enumerate(noise.most_popular)
        ),
        "comment_count": str(len(noise.comments)),
        "comments": "".join(_comment(n, text) for n, text in enumerate(noise.comments)),
    }
    return re.sub(r"\{\{(\w+)\}\}", lambda match: values[match[1]], template)


def _ad(text: str) -> str:
    return f'<a class="creative" href="https://ads.example/click?c={len(text)}">{text}</a>'


def _comment(number: int, text: str) -> str:
    return (
        f'<article class="comment" id="c{number}"><header><span class="commenter">reader{number}'
        f"</span> <time>{number + 1} hours ago</time></header><p>{text}</p>"
        f"<footer><button>Reply</button> <span>{number * 3} likes</span></footer></article>"
    )


def random_noise(rng: random.Random) -> Noise:
    return Noise(
        updated=rng.choice(UPDATED),
        modified=f"2024-03-12T{rng.randrange(9, 23):02d}:{rng.randrange(60):02d}:00Z",
        build=f"{rng.getrandbits(32):08x}",
        share_count=rng.choice(("1.2K", "987", "15", "2,040", "0")),
        tweet_likes=f"{rng.randrange(10_000):,}",
        cookie_banner=rng.random() < 0.5,
        ad_top=rng.choice(ADS),
        ad_inline=rng.choice(ADS),
        related=tuple(rng.sample(HEADLINES, rng.randrange(1, 4))),
        most_popular=tuple(rng.sample(HEADLINES, 5)),
        comments=tuple(rng.sample(COMMENTS, rng.randrange(0, 5))),
    )


def reorder_attributes(html: str) -> str:
    """Every start tag with two or more attributes, with their order reversed."""

    def reverse(match: re.Match[str]) -> str:
        attributes = re.findall(r'\s+[\w:-]+(?:="[^"]*")?', match[2])
        return f"<{match[1]}{''.join(reversed(attributes))}{match[3]}>"

    return re.sub(r'<(\w+)((?:\s+[\w:-]+(?:="[^"]*")?){2,})(\s*/?)>', reverse, html)


def vary_whitespace(html: str, rng: random.Random) -> str:
    """``html`` with the spaces of its text (outside scripts) varied: runs, newlines, NBSP."""
    spaces = (" ", "  ", "\n      ", "&nbsp;", " \t")
    parts = re.split(r"(<script.*?</script>|<[^>]+>)", html, flags=re.DOTALL)
    return "".join(
        part if part.startswith("<") else re.sub(" ", lambda _: rng.choice(spaces), part)
        for part in parts
    )


def extract_page(name: str, url: str = URL) -> ExtractedArticle:
    return extract_article((PAGES / name).read_bytes(), url)


# --- the article page -----------------------------------------------------


def test_headline_is_the_h1_not_the_title_tag() -> None:
    article = extract_article(render(), URL)

    assert article.title == HEADLINE


def test_byline_and_published_date_come_from_the_metadata() -> None:
    article = extract_article(render(), URL)

    assert article.byline == "Maria Lopez"
    assert article.published == "2024-03-12T08:30:00+00:00"


def test_paragraphs_are_exactly_the_article_text() -> None:
    article = extract_article(render(), URL)

    assert article.paragraphs == EXPECTED_PARAGRAPHS
    assert article.text == "\n\n".join(EXPECTED_PARAGRAPHS)
    assert article.method == "generic"


@pytest.mark.parametrize("chrome", CHROME)
def test_no_site_chrome_leaks_into_the_article(chrome: str) -> None:
    article = extract_article(render(), URL)

    assert chrome.casefold() not in article.text.casefold()
    assert chrome.casefold() not in f"{article.title} {article.byline}".casefold()


def test_twenty_noisy_re_renders_give_one_value() -> None:
    rng = random.Random(20240312)
    values = set()
    for number in range(20):
        html = vary_whitespace(render(random_noise(rng)), rng)
        if number % 2:
            html = reorder_attributes(html)
        values.add(extract_article(html.encode("utf-8") if number % 3 else html, URL))

    assert values == {extract_article(render(), URL)}


def test_reordering_attributes_changes_the_markup() -> None:
    html = render()

    assert reorder_attributes(html) != html
    assert '<p lang="en" dir="ltr">' in html
    assert '<p dir="ltr" lang="en">' in reorder_attributes(html)


def test_a_one_word_edit_changes_exactly_one_paragraph() -> None:
    template = (PAGES / "news_article.html").read_text(encoding="utf-8")
    edited = template.replace("voted 7-2 on Monday night", "voted 7-2 on Tuesday night")
    assert edited != template

    before = extract_article(render(), URL).paragraphs
    after = extract_article(render(random_noise(random.Random(1)), template=edited), URL).paragraphs

    assert len(after) == len(before)
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert changed == [(before[1], before[1].replace("Monday", "Tuesday"))]


def test_the_quoted_text_of_an_embedded_tweet_is_kept() -> None:
    article = extract_article(render(), URL)

    assert any(paragraph.startswith("Tonight's vote commits") for paragraph in article.paragraphs)


NOISY_URL = "https://www.wendvalleypost.example/news/2025/02/09/flood"
NOISY_PARAGRAPHS = (
    "Emergency services evacuated more than three hundred homes in the lower town on Sunday"
    " night after the River Wend burst its banks, and police said more families could be moved"
    " before dawn if the rain kept falling.",
    "The county council opened two rest centres, at the leisure centre and at St Anne's school,"
    " and asked residents who had somewhere else to stay to use it so that places were kept for"
    " those who did not.",
    "The Environment Agency issued a severe flood warning for the stretch below the weir, its"
    " highest level, meaning there is a danger to life. Forecasters expect a further 40mm of rain"
    " by Tuesday.",
)
CREDITS = (
    "Photo: Jane Doe/Reuters",
    "Getty Images",
    "Image credit: Wend Valley Post",
    "PA Media",
    "© Tom Hale",
)
NEWSLETTERS = (
    "Sign up for our Morning Briefing newsletter",
    "Subscribe to our daily newsletter for the latest headlines",
    "Get the Wend Valley Post newsletter in your inbox",
)


def render_noisy(rng: random.Random | None = None) -> str:
    """The noisy flood article: rotating image credits, live counters, timestamps, ads."""
    rng = rng or random.Random(0)
    values = {
        "modified": f"2025-02-09T{rng.randrange(22, 24)}:{rng.randrange(60):02d}:00Z",
        "published": rng.choice(("Published 10:32 GMT", "Published 22:15 GMT", "Sun 9 Feb 2025")),
        "updated": rng.choice(UPDATED),
        "ad_id": str(rng.randrange(1000)),
        "ad": rng.choice(("Cheap flights to Malaga", "Win a weekend in the Lakes", "")),
        "readers": f"{rng.randrange(1, 5000):,}",
        "views": rng.choice(("15K", "1,204", "987", "2.1M")),
        "credit": rng.choice(CREDITS),
        "shares": rng.choice(("2.1K", "15", "0", "1,024")),
        "newsletter": rng.choice(NEWSLETTERS),
    }
    template = (PAGES / "noisy_article.html").read_text(encoding="utf-8")
    return re.sub(r"\{\{(\w+)\}\}", lambda match: values[match[1]], template)


def test_the_noisy_article_is_exactly_its_paragraphs() -> None:
    article = extract_article(render_noisy(), NOISY_URL)

    assert article.title == "Hundreds evacuated as river bursts its banks"
    assert article.paragraphs == NOISY_PARAGRAPHS


@pytest.mark.parametrize("page", ["news_article.html", "noisy_article.html"])
def test_twenty_noise_only_re_renders_of_each_test_page_give_one_value(page: str) -> None:
    rng = random.Random(page)
    renders: Callable[[], str] = {
        "news_article.html": lambda: render(random_noise(rng)),
        "noisy_article.html": lambda: render_noisy(rng),
    }[page]
    htmls = {vary_whitespace(renders(), rng) for _ in range(20)}
    assert len(htmls) == 20  # every render differs from every other

    assert len({extract_article(html, NOISY_URL) for html in htmls}) == 1


def test_a_headline_glued_onto_a_single_paragraph_is_taken_off() -> None:
    article = extract_page("single_paragraph.html", NOISY_URL)

    assert article.title == "Hundreds evacuated as river bursts its banks"
    assert article.paragraphs == (
        "Emergency services evacuated more than three hundred homes in the lower town on Sunday"
        " night after the River Wend burst its banks, and police said more families could be"
        " moved before dawn if the rain kept falling.",
    )


def test_a_first_paragraph_that_only_opens_with_the_headline_s_words_stays_whole() -> None:
    line = "Plain story tellers gathered in the square to hear the first tales of the season."
    html = PLAIN_ARTICLE.format(byline=f"<p>{line}</p>")

    assert extract_article(html, "https://example.org/a").paragraphs[0] == line


def test_extractor_version_is_a_non_empty_string() -> None:
    assert isinstance(EXTRACTOR_VERSION, str) and EXTRACTOR_VERSION


# --- other pages ----------------------------------------------------------


def test_government_banner_and_byline_list_are_not_article_text() -> None:
    article = extract_page("press_release.html", "https://www.infrastructure.example.gov/news/1")

    assert article.title == "Agency awards grants for rural bridge repairs"
    assert article.byline == "Office of Public Affairs"
    assert article.paragraphs[0].startswith("The Department of Infrastructure on Tuesday")
    assert len(article.paragraphs) == 3
    for chrome in ("official website", "how you know", ".gov", "Published", "By Office"):
        assert chrome not in article.text


def test_title_tag_loses_its_site_name_when_there_is_no_h1() -> None:
    html = render().replace('<h1 class="headline">', '<div class="headline">', 1)
    html = html.replace("</h1>", "</div>", 1)
    html = re.sub(r'<meta property="og:title"[^>]*>', "", html)
    html = re.sub(r'"headline": "[^"]*",', "", html)

    assert extract_article(html, URL).title == HEADLINE


@pytest.mark.parametrize(
    ("byline_html", "expected"),
    [
        ("By Jane Doe | Updated 5 minutes ago", "Jane Doe"),
        ("by Jane Doe and Omar Haddad", "Jane Doe and Omar Haddad"),
        ("Written by: Jane Doe, March 12, 2024", "Jane Doe"),
        ("ByJane Doe", "Jane Doe"),
        ("Author: Jane Doe", "Jane Doe"),
        ("<span>Jane Doe</span><span>Senior Political Reporter</span>", "Jane Doe"),
        ("Jane Doe, Staff Writer", "Jane Doe"),
        ("<a>Jane Doe</a><span>Jane Doe is a reporter covering the council.</span>", "Jane Doe"),
        ("Jane Doe, More About Jane Doe »", "Jane Doe"),
        ("<b>Jane Doe</b><span>Last updated</span>", "Jane Doe"),
        ("This post was written by Jane Doe, Head of Content", "Jane Doe"),
        ("Jane Doe, DVM. Reviewed by Omar Haddad, DVM", "Jane Doe, DVM"),
        ("Jane Doe on Friday", "Jane Doe"),
        ("Gazette Staff", "Gazette Staff"),
        ("Audiophile On", "Audiophile On"),
    ],
)
def test_a_visible_byline_is_reduced_to_the_names(byline_html: str, expected: str) -> None:
    html = PLAIN_ARTICLE.format(byline=f'<p class="byline">{byline_html}</p>')

    assert extract_article(html, "https://example.org/a").byline == expected


def test_no_byline_or_date_gives_none() -> None:
    article = extract_article(PLAIN_ARTICLE.format(byline=""), "https://example.org/a")

    assert (article.byline, article.published) == (None, None)


def test_json_ld_graph_gives_people_before_organizations_and_dates() -> None:
    graph = """<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "Organization", "@id": "#org", "name": "Example News"},
      {"@type": "Person", "@id": "#jane", "name": "Jane Doe"},
      {"@type": ["NewsArticle"], "datePublished": "2024-03-12",
       "author": [{"@id": "#org"}, {"@id": "#jane"}, "Omar Haddad"]}]}</script>"""
    html = PLAIN_ARTICLE.format(byline="").replace("</head>", f"{graph}</head>")

    article = extract_article(html, "https://example.org/a")

    assert (article.byline, article.published) == ("Jane Doe, Omar Haddad", "2024-03-12")


@pytest.mark.parametrize(
    "line",
    [
        "Updated 5 minutes ago",
        "Published 10:32 GMT",
        "2 hours ago",
        "Last updated: 12 March 2024, 09:05 EDT",
        "10:32 PM · Mar 11, 2024",
        "Share 1.2K",
        "Share on Facebook | Share on X | Email",
        "Follow",
        "12.3K likes",
        "Advertisement",
        "Story continues below advertisement",
        "Sign up for our newsletter",
        "Subscribe to our daily newsletter for the latest headlines",
        "We use cookies to improve your experience on our site.",
        "Accept all cookies",
        "Most popular",
        "Related: Mill Street traders fear disruption",
        "Read more » How the bridge will be paid for",
        "Join the conversation",
        "View 34 comments",
        "An official website of the United States government",
        "Here's how you know",
        "By Jane Doe",
        "Photo: Jane Doe/Reuters",
        "Image credit: Getty Images",
        "Getty Images via AFP",
        "© Mill River Pictures 2024",
        "1,204 people are reading this",
        "15K views",
        "Join Our Genius Newsletter",
        "[CTA_MODULE]",
        "Download Now",
    ],
)
def test_chrome_lines_in_the_body_are_dropped(line: str) -> None:
    html = PLAIN_ARTICLE.format(byline=f'<p class="byline">By Jane Doe</p><p>{line}</p>')

    article = extract_article(html, "https://example.org/a")

    assert article.paragraphs == PLAIN_PARAGRAPHS


@pytest.mark.parametrize(
    "line",
    [
        "By the end of the day, the bridge was closed.",
        "Last year the council rejected the plan.",
        "Share prices fell 3% on Monday.",
        "Email the council before Friday.",
        "Follow the money.",
        "Updated guidance is expected in May.",
        "More than 200 people attended.",
        "Related coverage continues tomorrow.",
        "Topics discussed included parking and noise.",
        "In 2019",
        "Photographs of the flood were shared widely.",
        "Plain story tellers gathered in the square.",
    ],
)
def test_short_prose_in_the_body_is_kept(line: str) -> None:
    html = PLAIN_ARTICLE.format(byline=f"<p>{line}</p>")

    article = extract_article(html, "https://example.org/a")

    assert article.paragraphs == (line, *PLAIN_PARAGRAPHS)


PLAIN_PARAGRAPHS = (
    "This is the first paragraph of a plain story, long enough to count as prose on its own.",
    "This is the second paragraph, which adds a few more words to the body of the story.",
)
PLAIN_ARTICLE = """<html><head><title>Plain story - Example News</title></head><body>
<h1>Plain story</h1>{byline}
<p>This is the first paragraph of a plain story, long enough to count as prose on its own.</p>
<p>This is the second paragraph, which adds a few more words to the body of the story.</p>
</body></html>"""


# --- site rules -----------------------------------------------------------

FULL_RULE = SiteRule(
    host="riverside-ledger.example",
    body=".story-body",
    title=".standfirst",
    byline=".byline a",
    drop=(".read-also", ".twitter-tweet", ".story-body ul"),
)


def test_site_rule_selectors_pick_title_byline_and_body() -> None:
    article = extract_article(render(), URL, rules=[FULL_RULE])

    assert article.method == "site:riverside-ledger.example"
    assert article.title == EXPECTED_PARAGRAPHS[0]
    assert article.byline == "Maria Lopez"
    tweet, plan = EXPECTED_PARAGRAPHS[7], EXPECTED_PARAGRAPHS[10:13]
    expected = tuple(p for p in EXPECTED_PARAGRAPHS[1:] if p != tweet and p not in plan)
    assert article.paragraphs == expected


def test_the_first_rule_matching_the_pages_host_or_a_parent_domain_applies() -> None:
    other_site = replace(FULL_RULE, host="ledger.example")  # the host's suffix, not a parent
    second = replace(FULL_RULE, title="h1")
    article = extract_article(render(), URL, rules=[other_site, FULL_RULE, second])
    assert article.method == "site:riverside-ledger.example"
    assert article.title == EXPECTED_PARAGRAPHS[0]  # FULL_RULE's title, not the second's
    unruled = extract_article(render(), "https://riverside-ledger.example.com/x", rules=[FULL_RULE])
    assert unruled.method != "site:riverside-ledger.example"


def test_a_site_rule_body_keeps_blocks_that_are_not_paragraphs() -> None:
    rule = SiteRule(host="example.org", body="#story")
    html = """<html><body><h1>A layout of divs</h1><div id="story">
    <div>First block of text, which sits in a div rather than a paragraph element.</div>
    Loose text between blocks, long enough to matter to a reader of this story.<br>After a break.
    <table><tr><th>Ward</th><th>Votes</th></tr><tr><td>East</td><td>1,204</td></tr></table>
    <div class="ad-slot">Advertisement</div></div></body></html>"""

    article = extract_article(html, "https://example.org/a", rules=[rule])

    assert article.paragraphs == (
        "First block of text, which sits in a div rather than a paragraph element.",
        "Loose text between blocks, long enough to matter to a reader of this story.",
        "After a break.",
        "Ward | Votes",
        "East | 1,204",
    )
    assert article.title == "A layout of divs"


def test_a_partial_rule_falls_back_to_the_generic_path_for_the_rest() -> None:
    rule = SiteRule(host="riverside-ledger.example", byline=".story-header .kicker")

    article = extract_article(render(), URL, rules=[rule])

    assert article.method == "site:riverside-ledger.example"
    assert (article.title, article.byline) == (HEADLINE, "Local government")
    assert article.paragraphs == EXPECTED_PARAGRAPHS


def test_drop_selectors_apply_to_the_generic_path() -> None:
    rule = SiteRule(host="riverside-ledger.example", drop=(".story-body h2",))

    article = extract_article(render(), URL, rules=[rule])

    assert article.paragraphs == tuple(p for p in EXPECTED_PARAGRAPHS if p != "Years of delay")


def test_an_unmatched_selector_falls_back_to_the_generic_path() -> None:
    rule = SiteRule(host="riverside-ledger.example", body=".no-such-class", title=".nor-this")

    article = extract_article(render(), URL, rules=[rule])

    assert (article.title, article.paragraphs) == (HEADLINE, EXPECTED_PARAGRAPHS)
    assert article.method == "site:riverside-ledger.example"


@pytest.mark.parametrize(
    ("url", "method"),
    [
        ("https://riverside-ledger.example/a", "site:riverside-ledger.example"),
        ("https://www.riverside-ledger.example/a", "site:riverside-ledger.example"),
        ("https://WWW.Riverside-Ledger.example./a", "site:riverside-ledger.example"),
        ("https://notriverside-ledger.example/a", "generic"),
        ("https://riverside-ledger.example.org/a", "generic"),
    ],
)
def test_a_rule_applies_to_its_host_and_subdomains_only(url: str, method: str) -> None:
    assert extract_article(render(), url, rules=[FULL_RULE]).method == method


def test_the_first_matching_rule_wins() -> None:
    other = SiteRule(host="www.riverside-ledger.example", title="h1")

    assert extract_article(render(), URL, rules=[other, FULL_RULE]).method == (
        "site:www.riverside-ledger.example"
    )


def test_an_invalid_selector_is_an_extraction_error() -> None:
    rule = SiteRule(host="riverside-ledger.example", body="div[")

    with pytest.raises(ExtractionError, match="invalid CSS selector"):
        extract_article(render(), URL, rules=[rule])


# --- pages that are not articles ------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        pytest.param((PAGES / "section_front.html").read_bytes(), id="section-front"),
        pytest.param("", id="empty-text"),
        pytest.param(b"", id="empty-bytes"),
        pytest.param("   \n\t ", id="blank"),
        pytest.param(random.Random(7).randbytes(5000), id="random-bytes"),
        pytest.param("<html><body><p>Coming soon.</p></body></html>", id="tiny-page"),
        pytest.param("<html><head><title>Hi</title></head><body></body></html>", id="no-body"),
        pytest.param(
            "<html><body><ul>"
            + "".join(
                f'<li><a href="/{n}">Story number {n} in the list</a></li>' for n in range(30)
            )
            + "</ul></body></html>",
            id="link-list",
        ),
    ],
)
def test_a_page_without_an_article_raises_extraction_error(html: str | bytes) -> None:
    with pytest.raises(ExtractionError) as caught:
        extract_article(html, "https://example.org/")

    assert str(caught.value) == "no article text found on the page"


# --- decoding and normalization -------------------------------------------


def test_bytes_with_a_windows_1252_meta_charset_decode_curly_quotes() -> None:
    page = PLAIN_ARTICLE.format(byline="<p>“Quoted,” she said — it’s café time.</p>").replace(
        "<head>", '<head><meta charset="windows-1252">'
    )
    data = page.encode("cp1252")
    assert b"\x93Quoted,\x94" in data

    article = extract_article(data, "https://example.org/a")

    assert "“Quoted,” she said — it’s café time." in article.paragraphs


@pytest.mark.parametrize("declaration", ['<meta charset="iso-8859-1">', ""])
def test_latin_1_labels_and_undeclared_legacy_bytes_decode_as_windows_1252(
    declaration: str,
) -> None:
    page = PLAIN_ARTICLE.format(byline="<p>It’s a “test”.</p>").replace(
        "<head>", f"<head>{declaration}"
    )

    article = extract_article(page.encode("cp1252"), "https://example.org/a")

    assert "It’s a “test”." in article.paragraphs


def test_undeclared_utf8_bytes_decode_as_utf8() -> None:
    page = PLAIN_ARTICLE.format(byline="<p>Zoë’s naïve café</p>")

    article = extract_article(page.encode("utf-8"), "https://example.org/a")

    assert "Zoë’s naïve café" in article.paragraphs


def test_decomposed_and_composed_accents_give_the_same_article() -> None:
    composed = PLAIN_ARTICLE.format(byline="<p>Le café de José est fermé.</p>")
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed

    assert extract_article(decomposed, "https://example.org/a") == extract_article(
        composed, "https://example.org/a"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  two\u00a0words \n", "two words"),
        ("tab\tand\r\nnewline", "tab and newline"),
        ("zero\u200bwidth\ufeff space", "zero width space"),
        ("soft\u00adhyphen", "softhyphen"),
        ("cafe\u0301", "caf\u00e9"),
        ("emoji \U0001f468\u200d\U0001f469\u200d\U0001f467 kept", "emoji 👨‍👩‍👧 kept"),
        ("\u2003\u3000", ""),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_extracted_article_is_frozen() -> None:
    article = extract_article(render(), URL)

    with pytest.raises(AttributeError):
        article.title = "changed"  # type: ignore[misc]
    assert replace(article, title="x").title == "x"


def test_the_page_s_own_url_is_read_from_canonical_then_og_url() -> None:
    body = "<p>" + "A sentence of real article prose, long enough to count. " * 4 + "</p>"
    page = "<html><head>{}</head><body><h1>Headline here now</h1>{}</body></html>"
    canonical = '<link rel="canonical" href="/news/story?utm_source=x">'
    og = '<meta property="og:url" content="https://Other.example/og">'
    url = "https://example.com/amp/story"
    assert extract_article(page.format(canonical + og, body), url).canonical_url == (
        "https://example.com/news/story"
    )
    assert extract_article(page.format(og, body), url).canonical_url == "https://other.example/og"
    assert extract_article(page.format("", body), url).canonical_url is None
    bad = '<link rel="canonical" href="javascript:alert(1)">'
    assert extract_article(page.format(bad, body), url).canonical_url is None


def test_a_headline_followed_by_lower_case_prose_is_not_taken_off() -> None:
    html = (PAGES / "single_paragraph.html").read_text(encoding="utf-8")
    html = html.replace(" Emergency services", " overnight, as emergency services", 1)

    article = extract_article(html, NOISY_URL)

    assert article.paragraphs[0].startswith(
        "Hundreds evacuated as river bursts its banks overnight"
    )


def test_the_extractor_version_names_the_site_rule_that_made_the_text() -> None:
    html = (PAGES / "news_article.html").read_text(encoding="utf-8")
    plain = extract_article(html, "https://news.example/story")
    rule = SiteRule(host="news.example", drop=(".byline",))
    ruled = extract_article(html, "https://news.example/story", rules=[rule])
    other = extract_article(html, "https://news.example/story", rules=[replace(rule, drop=())])
    assert plain.extractor_version == EXTRACTOR_VERSION
    assert ruled.extractor_version.startswith(EXTRACTOR_VERSION + "+")
    assert len({plain.extractor_version, ruled.extractor_version, other.extractor_version}) == 3


def test_a_section_headed_like_a_sign_up_prompt_is_kept_when_it_holds_prose() -> None:
    section = (
        "<section><h3>Newsletter</h3><p>The council's own newsletter, posted to every household"
        " in the borough each quarter, carried the first public drawings of the bridge in 2014,"
        " long before any vote on its funding was taken.</p></section>"
    )
    page = render().replace("</article>", f"{section}</article>", 1)
    assert "posted to every household" in extract_article(page, URL).text
