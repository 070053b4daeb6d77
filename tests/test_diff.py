"""Word diffs between versions, and their JSON, HTML and terminal renderings."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import lxml.html
import pytest
from lxml import etree

from redline import diff as diff_module
from redline.diff import (
    ArticleDiff,
    DiffOp,
    diff_versions,
    render_html,
    render_text,
    word_diff,
)
from redline.model import Version
from redline.shapes import DIFF, VersionDiff

HEADLINE = "Iraq crisis: US urgently deploys hundreds of armed troops"
PARAGRAPHS = (
    "The US is urgently deploying several hundred armed troops in and around Iraq.",
    "President Barack Obama notified Congress on Monday that up to 275 troops could be sent.",
    "While Mr Obama has vowed to keep US forces out of combat, they are equipped for fighting.",
)
HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)"> & "quotes"'


def version(
    number: int = 0,
    *,
    title: str = HEADLINE,
    paragraphs: tuple[str, ...] = PARAGRAPHS,
    article_id: int = 1,
    byline: str | None = None,
) -> Version:
    return Version(
        article_id=article_id,
        number=number,
        seen_at=datetime(2014, 6, 17, 9, tzinfo=UTC) + timedelta(hours=2 * number),
        title=title,
        byline=byline,
        paragraphs=paragraphs,
        content_hash=f"hash-{number}",
        extractor_version="test",
    )


def changes(ops: tuple[DiffOp, ...]) -> list[tuple[str, str]]:
    return [(op.op, op.text) for op in ops if op.op != "equal"]


def assert_valid(ops: tuple[DiffOp, ...], old: str, new: str) -> None:
    """The ops rebuild both texts, none is empty, and no two neighbours are of one kind."""
    assert "".join(op.text for op in ops if op.op != "insert") == old
    assert "".join(op.text for op in ops if op.op != "delete") == new
    assert all(op.text for op in ops)
    assert all(first.op != second.op for first, second in zip(ops, ops[1:], strict=False))


def replace_paragraph(index: int, text: str) -> tuple[str, ...]:
    return PARAGRAPHS[:index] + (text,) + PARAGRAPHS[index + 1 :]


ONE_WORD_FIX = replace_paragraph(1, PARAGRAPHS[1].replace("275 troops", "275 soldiers"))


# --- word_diff and diff_versions ---------------------------------------------------------


def test_a_one_word_fix_is_one_word_deleted_and_one_inserted() -> None:
    changed = diff_versions(version(0), version(1, paragraphs=ONE_WORD_FIX))
    assert changes(changed.body) == [("delete", "troops"), ("insert", "soldiers")]
    assert changed.changed and not changed.title_changed


def test_a_punctuation_fix_is_just_the_mark() -> None:
    assert changes(word_diff("It ended.", "It ended!")) == [("delete", "."), ("insert", "!")]


def test_a_headline_only_edit_leaves_the_body_equal() -> None:
    changed = diff_versions(version(0), version(1, title=HEADLINE + " to Baghdad"))
    assert [op.op for op in changed.body] == ["equal"]
    assert changes(changed.title) == [("insert", " to Baghdad")]
    assert changed.title_changed and changed.changed
    assert (changed.old_title, changed.new_title) == (HEADLINE, HEADLINE + " to Baghdad")


@pytest.mark.parametrize("where", [0, 2, 3])
def test_an_added_paragraph_is_that_paragraph_inserted(where: int) -> None:
    extra = "The forces are entering Iraq with the consent of its government."
    grown = PARAGRAPHS[:where] + (extra,) + PARAGRAPHS[where:]
    changed = diff_versions(version(0), version(1, paragraphs=grown))
    [(kind, text)] = changes(changed.body)
    assert (kind, text.strip("\n")) == ("insert", extra)
    assert_valid(changed.body, version(0).text, version(1, paragraphs=grown).text)


@pytest.mark.parametrize("where", [0, 1, 2])
def test_a_removed_paragraph_is_that_paragraph_deleted(where: int) -> None:
    shrunk = PARAGRAPHS[:where] + PARAGRAPHS[where + 1 :]
    changed = diff_versions(version(0), version(1, paragraphs=shrunk))
    [(kind, text)] = changes(changed.body)
    assert (kind, text.strip("\n")) == ("delete", PARAGRAPHS[where])


def test_identical_versions_are_not_changed() -> None:
    changed = diff_versions(version(0), version(1))
    assert not changed.changed and not changed.title_changed
    assert changed.body == (DiffOp("equal", version(0).text),)
    assert changed.title == (DiffOp("equal", HEADLINE),)


def test_empty_texts_give_no_ops() -> None:
    assert word_diff("", "") == ()
    assert word_diff("", "New.") == (DiffOp("insert", "New."),)


def test_versions_of_two_articles_are_not_diffed() -> None:
    with pytest.raises(ValueError, match="two articles"):
        diff_versions(version(0), version(1, article_id=2))


def test_splitting_a_paragraph_replaces_the_space_with_a_break() -> None:
    assert changes(word_diff("One. Two.", "One.\n\nTwo.")) == [("delete", " "), ("insert", "\n\n")]


def test_a_thorough_rewrite_still_rebuilds_both_texts() -> None:
    words = random.Random(7).choices(["troops", "Iraq", "the", "said", "US", "."], k=400)
    old, new = " ".join(words[:200]), " ".join(words[200:])
    ops = word_diff(old, new)
    assert_valid(ops, old, new)
    assert word_diff(old, new) == ops


def test_a_rewrite_past_the_work_budget_is_deleted_and_inserted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The budget keeps long rewrites to about a second; shrink it to reach it cheaply.
    monkeypatch.setattr(diff_module, "_DIFF_WORK", 10)
    old = " ".join(f"old{number}" for number in range(100))
    new = " ".join(f"new{number}" for number in range(100))
    ops = word_diff(f"Same. {old} Same.", f"Same. {new} Same.")
    assert_valid(ops, f"Same. {old} Same.", f"Same. {new} Same.")
    assert word_diff(f"Same. {old} Same.", f"Same. {new} Same.") == ops


@pytest.mark.parametrize("distinct", [70_001, 140_001])
def test_texts_with_very_many_distinct_words_diff(distinct: int) -> None:
    words = [f"w{number}" for number in range(distinct)]
    old = " ".join(words)
    new = " ".join([*words[:500], "changed", *words[501:]])
    assert changes(word_diff(old, new)) == [("delete", "w500"), ("insert", "changed")]


def test_a_byline_change_is_shown_under_the_headline() -> None:
    changed = diff_versions(
        version(0, byline="Jo Bloggs"), version(1, byline="Jo Bloggs and Al Smith")
    )
    assert changed.changed and changed.byline_changed and not changed.text_changed
    text = render_text(changed, color=False)
    assert "Byline: Jo Bloggs{+ and Al Smith+}" in text
    assert '<p class="redline-byline">By Jo Bloggs<ins' in render_html(changed)
    assert DIFF.dump(VersionDiff(changed, 0, 1))["byline"] == {
        "old": "Jo Bloggs",
        "new": "Jo Bloggs and Al Smith",
    }


def test_a_headline_only_change_says_the_text_did_not_change() -> None:
    changed = diff_versions(version(0), version(1, title="A new headline"))
    assert render_text(changed, color=False).endswith("(The text of the article did not change.)")
    assert "did not change" in render_html(changed, context=1)
    assert "did not change" not in render_html(changed)
    assert PARAGRAPHS[0][:40] in render_html(changed)


# --- JSON -----------------------------------------------------------------------------


def test_json_has_exactly_the_documented_shape() -> None:
    changed = diff_versions(version(0), version(1, title="New", paragraphs=ONE_WORD_FIX))
    data = DIFF.dump(VersionDiff(changed, 0, 1))
    assert data == {
        "from": 0,
        "to": 1,
        "title": {"old": HEADLINE, "new": "New"},
        "byline": {"old": None, "new": None},
        "ops": [{"op": op.op, "text": op.text} for op in changed.body],
        "change": None,  # no card given (the CLI and the API give the change's)
    }
    round_tripped = json.loads(json.dumps(data))
    assert round_tripped == data
    assert [op["op"] for op in round_tripped["ops"]] == ["equal", "delete", "insert", "equal"]


# --- HTML -----------------------------------------------------------------------------


def text_of(element: etree._Element) -> str:
    return "".join(str(piece) for piece in element.itertext())


def attribute(root: etree._Element, path: str, name: str) -> str | None:
    element = root.find(path)
    assert element is not None
    return element.get(name)


def hostile_diff() -> ArticleDiff:
    old = version(0, title=f"Old {HOSTILE}", paragraphs=(f"Kept {HOSTILE}", "Dropped."))
    new = version(1, title=f"New {HOSTILE}", paragraphs=(f"Kept {HOSTILE}", f"Added {HOSTILE}"))
    return diff_versions(old, new)


@pytest.mark.parametrize("inline_styles", [False, True])
def test_html_escapes_everything_from_the_article(inline_styles: bool) -> None:
    page = render_html(hostile_diff(), inline_styles=inline_styles)
    allowed = {"class", "style"} if inline_styles else {"class"}
    for root in (etree.fromstring(page), lxml.html.fragment_fromstring(page)):
        assert {element.tag for element in root.iter()} <= {"div", "h2", "p", "ins", "del"}
        assert {name for element in root.iter() for name in element.attrib} <= allowed
        assert all("alert" not in value for element in root.iter() for value in element.values())
        assert "<script>alert(1)</script>" in text_of(root)


def test_html_is_well_formed_when_a_change_spans_paragraphs() -> None:
    old = version(0, paragraphs=("First.", "Last."))
    new = version(1, paragraphs=("First, then more.", "A new one.", "Another.", "Last."))
    changed = diff_versions(old, new)
    assert any(op.op == "insert" and op.text.count("\n\n") == 2 for op in changed.body)
    root = etree.fromstring(render_html(changed))
    paragraphs = root.findall("p")
    assert [text_of(p) for p in paragraphs] == list(new.paragraphs)
    assert [[ins.text for ins in p.iter("ins")] for p in paragraphs] == [
        [", then more."],
        ["A new one."],
        ["Another"],
        [],
    ]


def test_html_puts_the_headline_diff_on_top() -> None:
    changed = diff_versions(version(0), version(1, title=HEADLINE + " to Baghdad"))
    root = etree.fromstring(render_html(changed))
    assert root[0].tag == "h2"
    assert [ins.text for ins in root[0].iter("ins")] == [" to Baghdad"]


def test_html_marks_changes_with_classes_or_inline_styles() -> None:
    changed = diff_versions(version(0), version(1, paragraphs=ONE_WORD_FIX))
    with_classes = etree.fromstring(render_html(changed))
    assert attribute(with_classes, ".//ins", "class") == "redline-insert"
    assert attribute(with_classes, ".//del", "class") == "redline-delete"
    styled = etree.fromstring(render_html(changed, inline_styles=True))
    assert "line-through" in (attribute(styled, ".//del", "style") or "")
    assert "#006100" in (attribute(styled, ".//ins", "style") or "")
    assert attribute(styled, ".//ins", "class") is None


def test_html_shows_a_bare_paragraph_break_change_as_a_pilcrow() -> None:
    old = version(0, paragraphs=("One. Two.",))
    new = version(1, paragraphs=("One.", "Two."))
    root = etree.fromstring(render_html(diff_versions(old, new)))
    assert [ins.text for ins in root.iter("ins")] == ["¶"]


def test_html_with_context_leaves_out_far_unchanged_paragraphs() -> None:
    many = tuple(f"Paragraph {number} stays." for number in range(10))
    edited = many[:8] + ("Paragraph 8 was edited.",) + many[9:]
    changed = diff_versions(version(0, paragraphs=many), version(1, paragraphs=edited))
    page = render_html(changed, context=1)
    assert "Paragraph 7 stays." in page and "Paragraph 9 stays." in page
    assert "Paragraph 6 stays." not in page and "Paragraph 0 stays." not in page
    assert page.count("…") == 1
    assert "Paragraph 0 stays." in render_html(changed)


# --- text -----------------------------------------------------------------------------


def test_text_without_colour_marks_changes_like_git_word_diff() -> None:
    changed = diff_versions(version(0), version(1, title="US deploys", paragraphs=ONE_WORD_FIX))
    text = render_text(changed, color=False)
    assert text.startswith("Title: [-Iraq crisis: US urgently deploys hundreds of armed troops-]")
    assert "{+US deploys+}" in text
    assert "up to 275 [-troops-]{+soldiers+} could be sent." in text
    assert "\x1b" not in text


def test_text_with_colour_keeps_the_marks_in_red_and_green() -> None:
    changed = diff_versions(version(0), version(1, paragraphs=ONE_WORD_FIX))
    text = render_text(changed, color=True)
    assert "\x1b[31m[-troops-]\x1b[0m\x1b[32m{+soldiers+}\x1b[0m" in text


def test_text_shortens_unchanged_stretches_to_context() -> None:
    many = tuple(f"Paragraph {number} stays." for number in range(10))
    edited = many[:5] + ("Paragraph 5 was edited.",) + many[6:]
    changed = diff_versions(version(0, paragraphs=many), version(1, paragraphs=edited))
    assert render_text(changed, color=False).split("\n\n") == [
        f"Title: {HEADLINE}",
        "…",
        "Paragraph 4 stays.",
        "Paragraph 5 [-stays-]{+was edited+}.",
        "Paragraph 6 stays.",
        "…",
    ]
    assert len(render_text(changed, color=False, context=None).split("\n\n")) == 11


def test_text_replaces_control_characters_from_the_article() -> None:
    old = version(0, paragraphs=("Clear \x1b[2J screen.",))
    new = version(1, paragraphs=("Clear \x1b[2J screen!",))
    text = render_text(diff_versions(old, new), color=True)
    assert "\x1b[2J" not in text
    assert "\N{REPLACEMENT CHARACTER}[2J" in text
