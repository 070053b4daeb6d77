"""Change images: decodable PNGs, wrapped, bounded, in red and green, with alt text."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from PIL import Image, ImageFont

from changeevents import EVENT
from redline.images import alt_text, render_change_png
from redline.images._fonts import FontChain, _Face, font_chain
from redline.notify import ChangeEvent, Passage

REMOVED_BAND = (255, 230, 230)
ADDED_BAND = (230, 255, 230)
WORDS = (
    "The council voted on Tuesday to approve the budget after a long debate about schools, "
    "roads and the future of the harbour, which several members said had been neglected. "
).split()


def paragraph(words: int) -> str:
    return " ".join(WORDS[index % len(WORDS)] for index in range(words))


def with_passages(*passages: Passage, title: str = "Shares surge") -> ChangeEvent:
    return replace(EVENT, passages=passages, title=title)


def decoded(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    image.load()
    return image.convert("RGB")


def colours_of(image: Image.Image) -> set[tuple[int, ...]]:
    """Every colour in ``image`` (an RGB one)."""
    counted = image.getcolors(maxcolors=image.width * image.height) or []
    return {colour for _count, colour in counted if isinstance(colour, tuple)}


def rows_of(image: Image.Image, colour: tuple[int, int, int]) -> int:
    """How many pixel rows have ``colour`` at their left margin's band edge."""
    column = round(image.width / 25) - 5  # inside a band, left of the text
    return sum(1 for y in range(image.height) if image.getpixel((column, y)) == colour)


def test_the_png_decodes_at_1200_pixels_with_before_in_red_and_after_in_green() -> None:
    image = decoded(render_change_png(EVENT))
    assert image.width == 1200 and 200 < image.height <= 2400
    assert rows_of(image, REMOVED_BAND) > 20 and rows_of(image, ADDED_BAND) > 20
    colours = colours_of(image)
    assert any(r > 150 and g < 60 and b < 60 for r, g, b in colours)  # red ink
    assert any(g > 80 and r < 40 and b < 40 for r, g, b in colours)  # green ink


def test_an_added_passage_has_no_red_and_a_removed_one_no_green() -> None:
    added = decoded(render_change_png(with_passages(Passage(None, "A new sentence."))))
    removed = decoded(render_change_png(with_passages(Passage("An old sentence.", None))))
    assert rows_of(added, REMOVED_BAND) == 0 and rows_of(added, ADDED_BAND) > 0
    assert rows_of(removed, ADDED_BAND) == 0 and rows_of(removed, REMOVED_BAND) > 0


def test_a_300_word_paragraph_wraps_inside_the_margins() -> None:
    short = decoded(render_change_png(with_passages(Passage(None, paragraph(5)))))
    long = decoded(render_change_png(with_passages(Passage(None, paragraph(300)))))
    line = rows_of(short, ADDED_BAND)
    assert rows_of(long, ADDED_BAND) >= 15 * line  # 300 words take many lines
    assert long.height <= 2400
    right_margin = long.crop((long.width - 30, 0, long.width, long.height))
    # nothing drawn past the edge: the text was wrapped, not cut off
    assert colours_of(right_margin) == {(255, 255, 255)}


def test_huge_text_is_cut_to_twice_the_width_with_an_ellipsis() -> None:
    event = with_passages(*(Passage(paragraph(400), paragraph(400)) for _ in range(30)))
    image = decoded(render_change_png(event))
    assert image.width == 1200 and 2000 < image.height <= 2400
    assert "Before: The council" in alt_text(event) and len(alt_text(event)) <= 1500


@pytest.mark.parametrize(
    "text",
    [
        "control \x00\x07\x1b[31m characters \x7f\x9f and a lone surrogate \ud800",
        "\u202eright-to-left override\u202c and isolates \u2066x\u2069",
        "مرحبا بالعالم، هذه جملة عربية طويلة " * 20,
        "שלום עולם " * 30 + "mixed with English",
        "x" * 10_000,
        "emoji 😀👩‍👩‍👧‍👦🏳️‍🌈 and flags 🇫🇷 " * 10,
        "e\u0301" * 3000,  # combining marks on every letter
        "你好世界 日本語のテキスト 한국어 " * 30,
        "\ufdfd" * 200,  # one of the widest glyphs there is
        "",
    ],
    ids=[
        "controls",
        "bidi",
        "arabic",
        "hebrew",
        "long-word",
        "emoji",
        "combining",
        "cjk",
        "wide",
        "empty",
    ],
)
def test_hostile_text_never_crashes(text: str) -> None:
    event = with_passages(Passage(text, text), title=text or "untitled")
    image = decoded(render_change_png(event))
    assert image.width == 1200 and image.height <= 2400
    words = alt_text(event)
    assert not any(ch in words for ch in "\x00\x07\x1b\u202e\ud800")


def test_a_word_longer_than_a_line_is_broken_over_lines() -> None:
    image = decoded(render_change_png(with_passages(Passage(None, "x" * 10_000))))
    line = rows_of(decoded(render_change_png(with_passages(Passage(None, "x")))), ADDED_BAND)
    assert rows_of(image, ADDED_BAND) >= 20 * line


def test_the_alt_text_names_the_change() -> None:
    words = alt_text(replace(EVENT, old_title="Shares rise"))
    assert words == (
        "gazette, 2026-11-01 12:00 UTC: Shares surge. Headline before: Shares rise"
        " After: Shares surge Before: Shares surged 90% this year."
        " After: Shares surged 95% this year."
    )
    assert "Added: New." in alt_text(with_passages(Passage(None, "New.")))
    assert "Removed: Old." in alt_text(with_passages(Passage("Old.", None)))


def test_markup_in_the_text_is_text() -> None:
    event = with_passages(Passage("<b>bold</b> &amp;", "<script>alert(1)</script>"))
    assert "Before: <b>bold</b> &amp; After: <script>alert(1)</script>" in alt_text(event)
    decoded(render_change_png(event))


def test_width_is_bounded() -> None:
    assert decoded(render_change_png(EVENT, width=600)).width == 600
    with pytest.raises(ValueError, match="400 to 4000 pixels wide"):
        render_change_png(EVENT, width=100)


def test_a_chain_takes_each_character_from_the_first_font_that_has_it() -> None:
    default = ImageFont.load_default(20)
    assert isinstance(default, ImageFont.FreeTypeFont)
    other = ImageFont.load_default(20)
    assert isinstance(other, ImageFont.FreeTypeFont)
    chain = FontChain((_Face(default, frozenset(map(ord, "abc"))), _Face(other, None)))
    runs = list(chain.runs("ab c€d"))
    assert [text for text, _font in runs] == ["ab c", "€d"]
    assert [font for _text, font in runs] == [default, other]


def test_the_machine_s_fonts_come_before_pillow_s_own() -> None:
    chain = font_chain(30)
    ((_text, first),) = list(chain.runs("Hello"))
    last = ImageFont.load_default(30)
    assert isinstance(last, ImageFont.FreeTypeFont)
    has_dejavu = any("DejaVu" in (face.font.getname()[0] or "") for face in chain._faces)
    if has_dejavu:
        assert first.getname()[0] == "DejaVu Sans"
    else:
        assert first.getname() == last.getname()
