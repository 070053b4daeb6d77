"""Pages from Jinja2 templates: every value escaped, every link under the app's prefix."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from ..diff import ArticleDiff, render_html
from ..timefmt import approximately, format_time
from .cards import KIND_LEGEND, SIGNIFICANCE_STEPS, filter_params, filter_query
from .http import cached_response, relative_path
from .state import modified

__all__ = ["FIRST_CHANGE", "HTML", "anchored_inline_diff", "page", "render"]

HTML = "text/html; charset=utf-8"

TEMPLATES = Path(__file__).parent / "templates"

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"], default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _web_url(url: str) -> str | None:
    """``url`` if it is an http(s) URL a link may point at; None for anything else."""
    return url if urlsplit(url).scheme.lower() in ("http", "https") else None


FIRST_CHANGE = "first-change"
"""The id of a diff's first changed run, where "jump to the first change" goes."""

_FIRST_RUN = re.compile(r'<(ins|del) class="redline-')
"""The start of a changed run as :func:`redline.diff.render_html` writes it: no article
text can look like it, as that text is escaped."""


def anchored_inline_diff(diff: ArticleDiff) -> tuple[Markup, bool]:
    """The diff as :func:`redline.diff.render_html` writes it (it escapes all article text),
    its first changed run anchored; and whether there was a run to anchor."""
    marked, anchored = _FIRST_RUN.subn(
        rf'<\1 id="{FIRST_CHANGE}" class="redline-', render_html(diff), 1
    )
    return Markup(marked), anchored == 1


_environment.filters.update(time=format_time, approximately=approximately, web_url=_web_url)
_environment.globals.update(
    kind_legend=KIND_LEGEND,
    significance_steps=SIGNIFICANCE_STEPS,
    first_change=FIRST_CHANGE,
    filter_params=filter_params,
    filter_query=filter_query,
)


def render(request: Request, template: str, **context: Any) -> str:
    """The template filled in, with ``url(name, **params)`` and ``query(**params)`` at hand."""

    def url(route: str, /, **params: object) -> str:
        return relative_path(request, route, **params)

    def query(**params: object) -> str:
        """A query string of the params that are not None (for pagers and view switches)."""
        pairs = {key: value for key, value in params.items() if value is not None}
        return f"?{urlencode(pairs, doseq=True)}" if pairs else ""  # doseq: kind=a&kind=b

    return _environment.get_template(template).render(url=url, query=query, **context)


def page(
    request: Request,
    template: str,
    *,
    last_modified: datetime | None = None,
    status_code: int = 200,
    **context: Any,
) -> Response:
    """The rendered page as a response that answers conditional requests."""
    body = render(request, template, **context).encode()
    return cached_response(
        request, body, HTML, last_modified=modified(request, last_modified), status_code=status_code
    )
