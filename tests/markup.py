"""What a reader that renders a feed's text as HTML would make of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

WORD_JOINER = "\u2060"


@dataclass
class Rendered:
    """The elements an HTML parser finds in a text, and the text it would show."""

    elements: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    """Each element's tag and its attributes' names."""
    text: str = ""


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rendered = Rendered()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.rendered.elements.append((tag, tuple(name for name, _ in attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.rendered.text += data


def as_html(markup: str) -> Rendered:
    """``markup`` parsed as an HTML fragment, as a browser-based reader would."""
    collector = _Collector()
    collector.feed(markup)
    collector.close()
    return collector.rendered


def shown(value: str, content_type: str) -> str:
    """The text a reader shows for a feed value of ``content_type``, word joiners aside."""
    text = as_html(value).text if content_type == "text/html" else value
    return text.replace(WORD_JOINER, "")
