"""Pages built to stop the extractor: too many elements, and character references it breaks on."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from localsite import LocalSite
from redline import CheckOutcome, ExtractionError, PageTooComplexError, Redline
from redline.errors import ErrorKind
from redline.extract import _html, extract_article

PRESS_RELEASE = (Path(__file__).parent / "pages" / "extract" / "press_release.html").read_text()
URL = "https://www.infrastructure.example.gov/news/1"


def many_paragraphs(count: int) -> str:
    """The page of the audit: ``count`` short ``<p>`` elements (200,000 make 5.7 MB)."""
    paragraphs = "".join(f"<p>paragraph {number} text</p>\n" for number in range(count))
    return f"<html><head><title>t</title></head><body>{paragraphs}</body></html>"


# --- too many elements ------------------------------------------------------------------


def test_a_page_of_200_000_elements_is_refused_saying_why() -> None:
    with pytest.raises(PageTooComplexError) as refused:
        extract_article(many_paragraphs(200_000), URL)
    assert refused.value.kind == ErrorKind.TOO_COMPLEX
    assert str(refused.value) == (
        "the page is too complex to extract: 200,004 HTML tags, over the limit of 50,000"
    )


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc")
def test_refusing_it_takes_no_memory_to_speak_of() -> None:
    """Extracting it took 600 MB; refused, it costs what the page itself does (5.7 MB).

    The peak is the process's own high-water mark (VmHWM): ``ru_maxrss`` would
    carry over the test run's, which the child inherits through exec.
    """
    script = textwrap.dedent(
        """
        import re
        from pathlib import Path
        from redline import PageTooComplexError
        from redline.extract import extract_article
        from test_extract_limits import many_paragraphs

        def peak():
            status = Path("/proc/self/status").read_text()
            return int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) * 1024

        page = many_paragraphs(200_000)
        before = peak()
        try:
            extract_article(page, "https://news.example/a")
        except PageTooComplexError:
            pass
        print(before, peak())
        """
    )
    tests = str(Path(__file__).parent)
    measured = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tests
    )
    before, after = map(int, measured.stdout.split())
    assert after - before < 20_000_000
    assert after < 300_000_000


def test_the_limit_is_on_tags_a_page_at_it_is_extracted(monkeypatch: pytest.MonkeyPatch) -> None:
    tags = PRESS_RELEASE.count("<") - PRESS_RELEASE.count("</")
    monkeypatch.setattr(_html, "MAX_ELEMENTS", tags)
    assert extract_article(PRESS_RELEASE, URL).paragraphs
    monkeypatch.setattr(_html, "MAX_ELEMENTS", tags - 1)
    with pytest.raises(PageTooComplexError):
        extract_article(PRESS_RELEASE, URL)


def test_a_huge_page_is_an_error_of_its_kind_in_a_check(redline: Redline, site: LocalSite) -> None:
    site.page("/huge", many_paragraphs(200_000))
    redline.add([site.url("/huge")])
    (result,) = redline.check().results
    assert (result.outcome, result.error_kind) == (CheckOutcome.ERROR, ErrorKind.TOO_COMPLEX)
    assert result.error is not None and "too complex to extract" in result.error


# --- character references to what carries no text ---------------------------------------

CLAUSE = "The grants will pay for new decks, railings and supports"

READ_AS = {
    # C0 controls but tab, newline and carriage return: dropped, as the raw bytes are
    "&#11;": "",
    "&#8;": "",
    "&#1;": "",
    "&#x1f;": "",
    "&#0000011;": "",
    "&#x0B": "",  # no semicolon: still a reference
    "&#12;": " ",  # a form feed is white space
    # DEL, and C1 controls: Windows-1252 where it has a character, else dropped
    "&#127;": "",
    "&#150;": "\u2013",
    "&#x92;": "\u2019",
    "&#x81;": "",
    # noncharacters: dropped
    "&#xFFFE;": "",
    "&#xffff;": "",
    "&#xFDD0;": "",
    "&#x10FFFF;": "",
    "\ufffe": "",  # as a character, not a reference
    # NUL, surrogates, and beyond Unicode: the replacement character
    "&#0;": "\ufffd",
    "&#xD800;": "\ufffd",
    "&#x110000;": "\ufffd",
    "&#99999999999999999999999;": "\ufffd",
    # references to characters: read as ever
    "&#65;": "A",
    "&#x2019;": "\u2019",
    "&#9;": " ",
    "&#x1F600;": "\U0001f600",
}


def with_reference(reference: str) -> str:
    """The press release with ``reference`` in its headline and in the middle of a paragraph."""
    page = PRESS_RELEASE.replace("new decks,", f"new decks,{reference}")
    return page.replace(">Agency awards", f">Agency{reference} awards")


@pytest.mark.parametrize("reference", READ_AS)
def test_a_reference_costs_the_article_nothing_but_its_own_character(reference: str) -> None:
    plain = extract_article(PRESS_RELEASE, URL)
    article = extract_article(with_reference(reference), URL)

    character = READ_AS[reference]
    paragraphs = [p.replace("new decks,", f"new decks,{character}") for p in plain.paragraphs]
    assert list(article.paragraphs) == [" ".join(p.split()) for p in paragraphs]
    assert article.title == " ".join(
        f"Agency{character} awards grants for rural bridge repairs".split()
    )
    assert (article.byline, article.published) == (plain.byline, plain.published)


def test_a_page_with_a_control_reference_is_extracted_in_a_check(
    redline: Redline, site: LocalSite
) -> None:
    site.page("/story", with_reference("&#11;"))
    redline.add([site.url("/story")])
    (result,) = redline.check().results
    assert result.outcome is CheckOutcome.NEW_VERSION
    (version,) = redline.versions(site.url("/story"))
    assert any(CLAUSE in paragraph for paragraph in version.paragraphs)


def test_a_page_of_only_junk_references_still_holds_no_article() -> None:
    with pytest.raises(ExtractionError, match="no article text"):
        extract_article("<html><body><p>" + "&#11;" * 500 + "</p></body></html>", URL)
