"""A change as an image to share: ``/articles/{id}/diff/{from}/{to}.png``, and its alt text.

The image is :func:`redline.images.render_change_png`'s (source, time, headline, the
changed passages before and after in red and green), drawn once and kept (see
:mod:`.diffs`). It takes the diff page's path and answers as it does: 404 for an article
or version there is not, 400 unless it goes from an older version to a newer one. The
image shows the change card of a change of one version; a diff across several has no one
card, so its image has none.

Its alt text, the image in words ("Before: … After: …"), is on the diff page beside the
"Share as image" link (and, with ``[web] base_url``, in its link preview's
``og:image:alt``), and in the image's ``X-Redline-Alt-Text`` header for bots that
post it: percent-encoded UTF-8 (printable ASCII but ``%`` as it is), cut to 2,000 bytes
so that a proxy in front still takes the response's headers (nginx holds them all in
``proxy_buffer_size``, 4 or 8 kB by default, and answers 502 past it).
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..images import alt_text
from ..model import Article, Version
from ..notify import ChangeEvent
from .http import cached_response, diff_numbers, relative_path
from .state import Web, modified, web

__all__ = ["ALT_TEXT_HEADER", "alt_text_header", "preview_image", "routes", "shown_change"]

ALT_TEXT_HEADER = "X-Redline-Alt-Text"

_LONGEST_ALT_HEADER = 2000
"""Bytes of the alt text header at most, once encoded."""

_HEADER_SAFE = "".join(chr(code) for code in range(0x20, 0x7F) if chr(code) != "%")
"""What the header carries as it is: printable ASCII, space too, but the escape sign."""


def shown_change(shared: Web, article: Article, old: Version, new: Version) -> ChangeEvent:
    """The change from ``old`` to ``new`` as its image shows it, with its card if the
    change is that of one version."""
    card = shared.archive.card(article.id, new.number) if new.number == old.number + 1 else None
    return shared.diffs.shown_change(article, old, new, card)


def preview_image(request: Request, article_id: int, old: int, new: int) -> str | None:
    """The image's absolute URL, for a diff page's link preview (``og:image``), which
    servers that show a shared link fetch; None without ``[web] base_url``, as a page
    that named the request's ``Host`` would vary with it."""
    origin = web(request).origin
    if origin is None:
        return None
    return origin + relative_path(request, "change_image", article_id=article_id, old=old, new=new)


def change_image(request: Request) -> Response:
    """The change between two versions as a PNG 1200 pixels wide.

    A plain function, not a coroutine, so that Starlette runs it in its thread pool:
    a drawing never holds up the event loop, and the other requests go on meanwhile.
    """
    shared = web(request)
    article_id, old_number, new_number = diff_numbers(request)
    found = shared.archive.article(article_id)
    old = shared.archive.version(article_id, old_number)
    new = shared.archive.version(article_id, new_number)
    shown = shown_change(shared, found, old, new)
    png = shared.diffs.change_png(found, old, new, shown.card)
    last_modified = modified(request, new.seen_at)
    response = cached_response(request, png, "image/png", last_modified=last_modified)
    response.headers[ALT_TEXT_HEADER] = alt_text_header(alt_text(shown))
    name = f"article-{article_id}-diff-{old_number}-{new_number}.png"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def alt_text_header(text: str) -> str:
    """``text`` percent-encoded for a header, cut at a character (ending in "…") to fit."""
    encoded = quote(text, safe=_HEADER_SAFE)
    while len(encoded) > _LONGEST_ALT_HEADER:
        # cut in proportion to the excess, leaving room for the "…" (9 bytes encoded)
        keep = len(text) * (_LONGEST_ALT_HEADER - 9) // len(encoded)
        text = text[:keep].rstrip()
        encoded = quote(text, safe=_HEADER_SAFE) + quote("…")
    return encoded


routes = [
    Route("/articles/{article_id}/diff/{old}/{new}.png", change_image, name="change_image"),
]
