"""Recognize paragraphs that are site chrome rather than article text.

Two tests, both on short paragraphs only, so prose is never touched:

* every word is chrome vocabulary or a number ("Share 1.2K", "Updated 5 minutes
  ago", "10:32 PM · Dec 31, 2019", "Follow", "Advertisement");
* the whole paragraph is a known boilerplate phrase ("Story continues below
  advertisement", "Sign up for our newsletter", "Most popular", "Read more: ...").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["without_boilerplate"]

_MAX_VOCABULARY_WORDS = 12
_MAX_PHRASE_CHARS = 200
_MIN_GLUED_TITLE_WORDS = 3
_OPENING_QUOTES = "\"'“‘(["

_MONTHS = (
    "jan january feb february mar march apr april may jun june jul july aug august"
    " sep sept september oct october nov november dec december"
)
_WEEKDAYS = (
    "mon monday tue tues tuesday wed wednesday thu thur thurs thursday fri friday"
    " sat saturday sun sunday"
)
_CHROME_VOCABULARY = frozenset(
    (
        # time stamps
        "updated update published posted modified created last first ago just now today"
        " yesterday second seconds sec secs minute minutes min mins hour hours hr hrs day days"
        " week weeks wk wks month months year years yr yrs am pm a.m p.m gmt utc bst est edt"
        " cst cdt mst mdt pst pdt et pt ct cet cest ist aest aedt jst read reading time"
        f" {_MONTHS} {_WEEKDAYS}"
        # sharing, reactions and counts
        " share shares sharing tweet tweets retweet retweets repost reposts email e-mail mail"
        " print save saved bookmark copy copied link url facebook twitter x linkedin whatsapp"
        " reddit pinterest flipboard messenger telegram bluesky threads mastodon tumblr pocket"
        " sms follow following followers like likes reply replies comment comments view views"
        " gift article story page post"
        # ads
        " ad ads advert advertisement advertisements sponsored sponsor promoted paid partner"
        " content"
    ).split()
)
_FILLER_WORDS = frozenset("a an the this on at to of in via and or".split())
_NUMBER = re.compile(r"\d[\d.,:/-]*(?:st|nd|rd|th|k|m|b|h|d|s)?")
_TOKEN_SEPARATORS = re.compile(r"[\s|•·,;:()\[\]{}!?\"'“”‘’—–]+")

_AGENCIES = (
    "getty images|shutterstock|alamy|istock(?:photo)?|ap(?: photo)?|pa(?: media| wire)?"
    "|epa(?:-efe)?|afp|reuters|bloomberg|anadolu|xinhua|dpa|zuma(?: press| wire)?|sipa(?: usa)?"
    "|nurphoto|picture alliance|associated press|press association|agence france-presse"
)
_PHRASES = (
    # ads, their labels alone or before the line they label ("Advertisement - Scroll to
    # continue") and before an advertiser's copy ("Sponsored: Holidays from £299")
    r"(?:(?:advertisement|advert|ad) ?[-–—:|·•] ?)?(?:"
    r"(?:story|article|content|text) continues (?:below|after)(?: (?:this|the))?"
    r" (?:ad|advert|advertisement)"
    r"|continue reading(?: (?:below|the main story|the article|after (?:the )?advertisement))?"
    r"|scroll (?:down )?to continue(?: reading| with content)?)",
    r"(?:advertisement|advert|sponsored(?: content| post| links?)?|paid (?:content|post)"
    r"|partner content)(?: by [^:|]{1,60})? ?[:|] .{1,150}",
    r"(?:skip|close|report(?: this)?) (?:ad|advert|advertisement)|ad feedback|remove ads",
    # newsletter and subscription prompts
    r"(?:sign up|subscribe)(?: now| today| here)? (?:for|to)\b.{0,100}\b(?:newsletters?|inbox"
    r"|e-?mails?|alerts|briefing|digest)\b.{0,60}",
    r"enter your e-?mail(?: address)?.{0,80}|your e-?mail address will not be published.{0,80}"
    r"|e-?mail address",
    r"(?:get|join|try) (?:the|our) .{0,80}(?:newsletter|(?:in|to) your inbox).{0,80}",
    r"newsletters?|subscribe(?: now| today| here)?|sign (?:up|in)(?: now)?|log ?in|register",
    r"(?:thanks|thank you) for (?:signing up|subscribing).{0,120}",
    r"already (?:a subscriber|have an account).{0,80}",
    # consent banners
    r"(?:we|this (?:web)?site|our (?:web)?site|this page)(?: and (?:our|its) partners)?"
    r" (?:use|uses|are using) cookies.*",
    r"by (?:continuing|using|clicking|browsing).{0,100}\b(?:cookies|privacy policy"
    r"|terms of (?:use|service))\b.*",
    r"(?:accept|reject|allow|decline|manage|customi[sz]e)(?: all)?(?: cookies| settings|"
    r" preferences| choices)?",
    r"cookie (?:settings|policy|preferences|notice|consent)",
    # page furniture
    r"i agree|got it|ok(?:ay)?|dismiss|close|menu|search|more|less|(?:show|load|see) (?:more|less)"
    r"|back to top|skip to (?:the )?(?:main )?(?:content|navigation|search)"
    r"|opens? in (?:a )?new (?:window|tab)|loading(?:\.\.\.|…)?"
    r"|listen to (?:this|the) article(?: ?[-–—:|·•,(] ?[\d:.]+ ?(?:min|mins|minutes)?\)?)?"
    r"|(?:tags|topics|filed under|categories)(?: ?:.*)?",
    # other stories
    r"most (?:popular|read|viewed|shared|commented|emailed)(?: (?:stories|articles|now|today))?"
    r"|popular(?: now| today| stories| articles| posts)?"
    r"|trending(?: now| stories| articles| topics)?"
    r"|related(?: articles| stories| content| coverage| posts| reading| topics| links| news"
    r"| videos)?"
    r"|(?:read|see|watch) (?:more|next|also)|up next|what to read next"
    r"|recommended(?: for you| stories| articles| reading| videos)?"
    r"|you (?:may|might) (?:also )?(?:like|enjoy|be interested in)"
    r"|more (?:stories|news|articles|videos|from .{1,40}|on this (?:story|topic))"
    r"|editor'?s'? picks?|top stories|latest(?: news| stories| articles| headlines)?"
    r"|don'?t miss|around the web|from (?:our|the) partners|promoted (?:stories|links|content)"
    r"|in case you missed it|explore more",
    r"(?:read more|read next|related|see also|also read|read also|more|watch|listen|recommended"
    r"|(?:more|latest) (?:on|about) .{1,40}) ?[:»›>].{0,150}",
    # comments
    r"(?:join|start) the (?:conversation|discussion)|(?:leave|post|add|write) a"
    r" (?:comment|reply|response)",
    r"(?:show|view|hide|see|load|read) (?:all |more )?(?:[\d,]+ )?(?:comments|replies)"
    r"|be the first to comment.*|comments? (?:are|is) (?:closed|disabled)"
    r"|commenting (?:is|has been) (?:closed|disabled)|log ?in to (?:comment|reply)"
    r"|you must be logged in to post a comment.*",
    # template placeholders a CMS left unfilled ("[CTA_MODULE]") and app prompts
    r"(?-i:\[[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\])|download (?:now|the app|our app)",
    # image credits, which rotate from render to render
    r"(?:(?:photo(?:graph)?|image|picture|pic|illustration|graphic|video|footage)s?"
    r"(?: credits?| courtesy(?: of)?| by)?|credits?|courtesy(?: of)?|source) ?[:©|/] ?.{1,80}"
    r"|(?:©|\(c\)|copyright) ?.{1,80}"
    r"|(?:getty images|shutterstock|alamy|istock(?:photo)?|ap photo|pa (?:media|wire)|epa-efe)"
    r"(?: ?[/|:-] ?.{1,60}| via .{1,60})?",
    # a photographer and agency, or an agency alone: "Jane Doe / Reuters", "AFP via Getty Images"
    rf"(?:[^\W\d_][\w.'’-]*(?: [\w.'’-]+){{0,4}} ?/ ?)?(?:{_AGENCIES})(?: via .{{1,60}})?",
    # live readership counters
    r"[\d.,]+ ?[km]? (?:people|readers|others|users|visitors) (?:are )?(?:reading|viewing"
    r"|watching|looking at)(?: this| now| right now)?(?: (?:article|story|page|post))?"
    r"(?: (?:now|right now))?",
    # social embeds
    r"a post shared by .{1,80}|view this post on \w+.{0,40}",
    # the U.S. government site banner
    r"an official website of the .{1,60}|here'?s how you know"
    r"|official websites use \.(?:gov|mil)\b.*"
    r"|a \.(?:gov|mil) website belongs to .*|secure \.(?:gov|mil) websites use https.*"
    r"|a lock \(.{0,20}\) or https:// means .*",
)
_PHRASE = re.compile("|".join(f"(?:{phrase})" for phrase in _PHRASES), re.IGNORECASE)
_TRAILING_PUNCTUATION = ".:!?»›>…|-–— "


def without_boilerplate(
    paragraphs: Iterable[str], *, title: str, byline: str | None
) -> tuple[str, ...]:
    """``paragraphs`` minus chrome and the lines repeating the headline or byline."""
    repeats = {title.casefold()}
    if byline:
        repeats |= {byline.casefold(), f"by {byline}".casefold()}
    kept = [
        paragraph
        for paragraph in paragraphs
        if paragraph.casefold() not in repeats and not _is_boilerplate(paragraph)
    ]
    if kept:
        kept[0] = _without_glued_title(kept[0], title)
    return tuple(kept)


def _without_glued_title(paragraph: str, title: str) -> str:
    """``paragraph`` without the headline that an extraction glued onto its start.

    trafilatura sometimes joins the ``<h1>`` and the first paragraph into one
    ("Hundreds evacuated as river bursts its banks Emergency services ...").
    Only a headline of three or more words followed by a new sentence (a
    capital, digit or quote) is taken off, so prose that merely opens with the
    headline's words stays whole.
    """
    if len(title.split()) < _MIN_GLUED_TITLE_WORDS or len(paragraph) <= len(title) + 1:
        return paragraph
    head, rest = paragraph[: len(title)], paragraph[len(title) :]
    first = rest.lstrip().lstrip(_OPENING_QUOTES)[:1]
    if head.casefold() != title.casefold() or not rest[0].isspace():
        return paragraph
    return rest.lstrip() if first.isupper() or first.isdigit() else paragraph


def _is_boilerplate(paragraph: str) -> bool:
    """True if ``paragraph`` (normalized) is a line of site chrome."""
    if len(paragraph) > _MAX_PHRASE_CHARS:
        return False
    return _is_chrome_vocabulary(paragraph) or bool(
        _PHRASE.fullmatch(paragraph.rstrip(_TRAILING_PUNCTUATION))
    )


def _is_chrome_vocabulary(paragraph: str) -> bool:
    tokens = [
        token.strip(".").lower() for token in _TOKEN_SEPARATORS.split(paragraph) if token.strip(".")
    ]
    if not tokens or len(tokens) > _MAX_VOCABULARY_WORDS:
        return False
    words = [token for token in tokens if token not in _FILLER_WORDS]
    if not all(word in _CHROME_VOCABULARY or _NUMBER.fullmatch(word) for word in words):
        return False
    return len(tokens) == 1 or any(word in _CHROME_VOCABULARY for word in words)
