"""Correction notices, clarifications, updates and editor's notes, as newsrooms word them.

The wordings follow the notices of the NYT ("Correction: An earlier version of this
article misstated ..."), the Guardian ("This article was amended on 12 March 2025 to
...") and US local news ("Update:", "Editor's note:"). Every one starts with one of the
openers the issue names, and none mentions a name, so that a notice adds no other kind.
"""

from __future__ import annotations

import random

from figures import Figure

_MONTHS = "January February March April May June July August September October November December"


def date(rng: random.Random) -> tuple[str, str]:
    """A date in a notice, and the day after it, both as one house style prints them."""
    name = _MONTHS.split()[rng.randrange(12)]
    day = rng.randint(1, 27)
    year = rng.choice((2024, 2025))
    style = rng.randrange(3)

    def printed(d: int) -> str:
        if style == 0:  # the Guardian's
            return f"{d} {name} {year}"
        if style == 1 or name in ("May", "June", "July"):
            return f"{name} {d}, {year}"
        return f"{name[:3]}. {d}, {year}"  # AP style

    return printed(day), printed(day + 1)


FIGURE_NOTICES = (
    "Correction: An earlier version of this article misstated {what}. It is {new}, not {old}.",
    "This article was amended on {date} to correct {what}, which was given as {old} in an "
    "earlier version.",
    "Correction, {date}: A previous version of this story gave {what} as {old}. The correct "
    "figure is {new}.",
    "An earlier version of this article incorrectly reported {what} as {old}; it is {new}.",
    "Clarification: This article has been updated to give {what} as {new}, not {old}.",
    "Editor's note: This story was corrected on {date}. It now gives {what} as {new}, not {old}.",
    "Corrections: {What} was misstated as {old} in an earlier version of this article. "
    "It is {new}.",
    "Update: This article was corrected to show {what} as {new}. An earlier version said {old}.",
)

STANDALONE_NOTICES = (
    "Correction: A photo caption in an earlier version of this article misidentified the place "
    "where the picture was taken.",
    "Correction: Due to an editing error, an earlier version of this article carried the wrong "
    "image at the top of the page.",
    "Editor's note: This story was produced with support from a reader-funded grant. The "
    "newsroom retains full editorial control.",
    "This article was amended on {date} to remove a reference to an offer that is no longer "
    "available.",
    "Clarification: The figures cited in this article are estimates provided by the "
    "organisations concerned.",
    "Update, {date}: A link to the full report has been added to this article.",
    "An earlier version of this article misattributed a photograph. It has been corrected.",
    "Editor's note: Some links in this article may earn us a commission.",
    "This story has been updated to note that the event it describes has since sold out.",
    "Correction: An earlier version of this article linked to the wrong study. The link has "
    "been updated.",
)

UPDATE_NOTICES = (
    "Update: This story has been updated with additional information.",
    "Updated {date}: This article has been updated with new details.",
    "Editor's note: This article was updated on {date} to add context.",
    "Update, {date}: This story has been updated with more background.",
    "This article has been updated since it was first published to include more detail.",
)

REMOVAL_NOTICES = (
    "This article was amended on {date} to remove a paragraph that did not meet our editorial "
    "standards.",
    "Editor's note: A passage has been removed from this article because it could not be verified.",
    "Correction: An earlier version of this article included a passage that overstated the "
    "findings. It has been removed.",
    "Clarification: A sentence that implied a broader conclusion than the evidence supports "
    "has been removed from this article.",
)


def figure_notice(figure: Figure, rng: random.Random) -> str:
    """A notice owning up to a wrong figure: ``figure.wrong`` printed first, ``text`` now."""
    template = rng.choice(FIGURE_NOTICES)
    when, _ = date(rng)
    what = figure.what
    return template.format(
        what=what, What=what[0].upper() + what[1:], new=figure.text, old=figure.wrong, date=when
    )


def dated(template: str, rng: random.Random) -> tuple[str, str]:
    """The notice as first printed, and as re-dated a day later (the same text otherwise)."""
    first, second = date(rng)
    return template.format(date=first), template.format(date=second)


DATED_NOTICES = tuple(
    notice for notice in STANDALONE_NOTICES + UPDATE_NOTICES + REMOVAL_NOTICES if "{date}" in notice
)

YEAR_NOTICE = (
    "Correction: An earlier version of this article misstated the year the {thing} was founded. "
    "It was {year}, not {wrong}."
)
THINGS = ("company", "organisation", "programme", "festival", "publication", "project")

SECOND_CORRECTIONS = (
    " An earlier version also gave the wrong date for the launch.",
    " It has been updated again to correct the spelling of a place.",
    " A second error, in the caption, has also been corrected.",
    " This article was further amended to correct the title of a report.",
)


def changed_notice(rng: random.Random) -> tuple[str, str, str]:
    """A notice as first printed, as changed later, and what changed."""
    variant = rng.randrange(3)
    if variant == 0:
        first, second = dated(rng.choice(DATED_NOTICES), rng)
        return first, second, "its date was changed (a date in a notice is no number change)"
    if variant == 1:
        year = rng.randint(1950, 2015)
        template = YEAR_NOTICE.replace("{thing}", rng.choice(THINGS))
        first = template.format(year=year, wrong=year + 9)
        second = template.format(year=year + 1, wrong=year + 9)
        return first, second, "the year it gives was itself corrected (no number change)"
    first = rng.choice(STANDALONE_NOTICES).format(date=date(rng)[0])
    return first, first + rng.choice(SECOND_CORRECTIONS), "the notice gained a second correction"
