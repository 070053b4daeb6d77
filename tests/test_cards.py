"""The change card: each kind on small hand-made texts, the summary's wording, determinism,
and hostile input."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.cards import CLASSIFIER_VERSION, Classifier, classify_change
from redline.cards.notices import is_notice
from redline.model import ChangeCard, ChangeKind, NumberChange

K = ChangeKind


@dataclass(frozen=True)
class Text:
    title: str
    byline: str | None
    paragraphs: tuple[str, ...]


STORY = Text(
    title="River town votes to rebuild its old bridge",
    byline="Maren Osei",
    paragraphs=(
        "Residents of a small river town voted on Tuesday to rebuild the bridge that closed "
        "after last spring's floods. The council had asked for a clear answer.",
        "Turnout was 90% of registered voters, and the new bridge is expected to cost "
        "$4.5 million over three years.",
        "“We have waited long enough for a safe way across the water,” said Ilse Brandvold, "
        "who runs the bakery on the east bank.",
        "Engineers will start by surveying the riverbed. Work on the piers could begin "
        "before the autumn rains.",
        "The old bridge was built of timber and stone, and it carried carts for more than a "
        "century before the floods weakened it.",
    ),
)


def edited(text: Text = STORY, /, **paragraphs: str) -> Text:
    """``text`` with paragraphs replaced: ``p1="..."`` replaces the second one."""
    changed = list(text.paragraphs)
    for key, value in paragraphs.items():
        changed[int(key[1:])] = value
    return replace(text, paragraphs=tuple(changed))


def with_paragraphs(*paragraphs: str, text: Text = STORY) -> Text:
    return replace(text, paragraphs=paragraphs)


def kinds(card: ChangeCard) -> set[ChangeKind]:
    return set(card.kinds)


P = STORY.paragraphs


# --- no change ---------------------------------------------------------------------------


def test_identical_texts_have_no_kinds_and_no_significance() -> None:
    card = classify_change(STORY, replace(STORY))
    assert card.kinds == ()
    assert card.significance == 0
    assert card.summary == "No change."
    assert card.words_changed == 0


def test_whitespace_only_differences_have_no_kinds() -> None:
    spaced = Text(
        title=STORY.title.replace(" ", "  ") + " ",
        byline=STORY.byline,
        paragraphs=tuple(p.replace(" ", "\u00a0", 3).replace(", ", ",\n\t") for p in P) + ("  ",),
    )
    card = classify_change(STORY, spaced)
    assert card.kinds == ()
    assert card.significance == 0


# --- each kind ---------------------------------------------------------------------------


def test_a_headline_gaining_words_is_headline_and_stealth() -> None:
    card = classify_change(STORY, replace(STORY, title=STORY.title + " after the floods"))
    assert kinds(card) == {K.HEADLINE, K.STEALTH}
    assert card.summary == "Headline changed."
    assert card.significance >= 0.5


def test_a_headline_typo_fix_is_typo_without_stealth_and_near_zero() -> None:
    typo = replace(STORY, title="River town votes to rebuild its old bridgee")
    card = classify_change(typo, STORY)
    assert kinds(card) == {K.HEADLINE, K.TYPO}
    assert card.significance < 0.2
    assert card.summary == "Headline typo fixed."


def test_a_byline_change_is_byline_and_its_names_are_not_names() -> None:
    card = classify_change(STORY, replace(STORY, byline="Maren Osei and Tomas Ekdahl"))
    assert kinds(card) == {K.BYLINE}
    assert classify_change(STORY, replace(STORY, byline=None)).kinds == (K.BYLINE,)


def test_a_reworded_first_paragraph_is_lede() -> None:
    reworded = edited(
        p0="Residents of a small river town voted on Tuesday to rebuild the bridge that was "
        "shut after last spring's floods. The council had asked them for a clear answer."
    )
    card = classify_change(STORY, reworded)
    assert kinds(card) == {K.LEDE}
    assert card.significance < 0.3


def test_an_added_plain_paragraph_is_added_and_no_stealth() -> None:
    longer = with_paragraphs(*P[:4], "Some families said they would miss the old crossing.", P[4])
    card = classify_change(STORY, longer)
    assert kinds(card) == {K.ADDED}
    assert card.sentences.added == 1
    assert card.summary == "1 paragraph added."


def test_a_sentence_added_to_a_paragraph_is_added() -> None:
    card = classify_change(STORY, edited(p3=P[3] + " The survey should take a month."))
    assert K.ADDED in kinds(card)
    assert card.summary.endswith("1 sentence added.")


def test_a_removed_paragraph_is_removed_and_stealth() -> None:
    card = classify_change(STORY, with_paragraphs(*P[:3], P[4]))
    assert kinds(card) == {K.REMOVED, K.STEALTH}
    assert card.sentences.deleted == 2
    assert card.summary == "1 paragraph removed."


def test_a_moved_paragraph_is_moved_with_no_numbers_names_or_quotes() -> None:
    card = classify_change(STORY, with_paragraphs(P[0], P[2], P[3], P[1], P[4]))
    assert kinds(card) == {K.MOVED}
    assert card.sentences.moved >= 1
    assert (card.sentences.added, card.sentences.deleted) == (0, 0)
    assert card.numbers == ()


def test_a_paragraph_moved_to_the_top_is_moved_and_lede() -> None:
    card = classify_change(STORY, with_paragraphs(P[1], P[0], *P[2:]))
    assert kinds(card) == {K.MOVED, K.LEDE}


def test_a_sentence_moved_into_the_next_paragraph_is_moved() -> None:
    first, second = P[3].split(". ", 1)
    regrouped = with_paragraphs(*P[:3], first + ".", second + " " + P[4])
    assert kinds(classify_change(STORY, regrouped)) == {K.MOVED}


def test_a_changed_percentage_is_numbers_with_the_change_listed() -> None:
    card = classify_change(STORY, edited(p1=P[1].replace("90%", "95%")))
    assert kinds(card) == {K.NUMBERS, K.STEALTH}
    assert card.numbers == (NumberChange("90%", "95%"),)
    assert card.summary == "1 number changed (90% → 95%)."
    assert card.significance >= 0.5


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("$4.5 million", "$5.4 million"),
        ("three years", "four years"),
        ("on Tuesday", "on Tuesday, March 4,"),
    ],
)
def test_amounts_number_words_and_dates_are_numbers(old: str, new: str) -> None:
    paragraph = next(i for i, p in enumerate(P) if old in p)
    card = classify_change(STORY, edited(**{f"p{paragraph}": P[paragraph].replace(old, new)}))
    assert K.NUMBERS in kinds(card)


def test_a_changed_month_is_numbers() -> None:
    dated = edited(p3="Engineers will start in March. Work on the piers could begin in June.")
    later = edited(p3="Engineers will start in April. Work on the piers could begin in June.")
    card = classify_change(dated, later)
    assert card.numbers == (NumberChange("March", "April"),)


def test_a_typo_in_a_digit_free_word_is_typo_not_numbers() -> None:
    card = classify_change(edited(p3=P[3].replace("surveying", "surveyign")), STORY)
    assert kinds(card) == {K.TYPO}
    assert card.significance < 0.1
    assert card.summary == "1 typo fixed."


@pytest.mark.parametrize(
    ("slip", "fix"),
    [
        ("built of", "built of of"),
        ("stone, and", "stone and"),
        ("built", "biult"),
        ("than a", "then a"),
        ("the floods", "teh floods"),
    ],
)
def test_small_fixes_are_typos(slip: str, fix: str) -> None:
    wrong = edited(p4=P[4].replace(slip, fix))
    assert kinds(classify_change(wrong, STORY)) == {K.TYPO}


def test_a_word_put_in_is_no_typo() -> None:
    card = classify_change(STORY, edited(p4=P[4].replace("carried carts", "carried heavy carts")))
    assert K.TYPO not in kinds(card)


def test_a_softened_quote_is_quotes_and_not_added_or_removed() -> None:
    softer = edited(p2=P[2].replace("waited long enough", "been patient"))
    card = classify_change(STORY, softer)
    assert kinds(card) == {K.QUOTES, K.STEALTH}
    assert card.summary == "1 quote changed."


def test_a_slip_fixed_inside_a_quote_is_quotes_not_typo() -> None:
    slip = edited(p2=P[2].replace("enough", "enuogh"))
    assert kinds(classify_change(slip, STORY)) == {K.QUOTES, K.STEALTH}


def test_apostrophes_are_no_quotation_marks() -> None:
    plain = edited(p4="The town's bridge wasn't new, and its builders' marks were worn away.")
    fixed = edited(p4="The town's bridge wasn't new, and its builders' marks had worn away.")
    assert K.QUOTES not in kinds(classify_change(plain, fixed))


def test_a_straight_quoted_passage_added_is_quotes() -> None:
    quoted = edited(p3=P[3] + ' "It will be a long job," one engineer said.')
    assert {K.QUOTES, K.ADDED} <= kinds(classify_change(STORY, quoted))


def test_a_new_name_is_names() -> None:
    named = edited(p3=P[3].replace("Engineers", "Engineers led by Oskar Lindqvist"))
    card = classify_change(STORY, named)
    assert kinds(card) == {K.NAMES, K.STEALTH}
    assert card.summary == "1 name added (Oskar Lindqvist)."


def test_a_name_at_the_start_of_a_sentence_is_a_name() -> None:
    named = edited(p3="Oskar Lindqvist will start by surveying the riverbed.")
    assert K.NAMES in kinds(
        classify_change(edited(p3="Engineers will survey the riverbed."), named)
    )


def test_a_name_that_moves_between_sentences_is_no_names() -> None:
    moved = edited(
        p2="“We have waited long enough for a safe way across the water,” said a baker.",
        p4=P[4] + " Ilse Brandvold remembers it well.",
    )
    assert K.NAMES not in kinds(classify_change(STORY, moved))


def test_a_misspelled_name_corrected_is_names() -> None:
    misspelled = edited(p2=P[2].replace("Brandvold", "Brandvoll"))
    assert K.NAMES in kinds(classify_change(misspelled, STORY))


def test_an_appended_notice_is_correction_only_and_its_figures_count_for_nothing() -> None:
    notice = "Correction: An earlier version of this article gave the cost as $5 million."
    card = classify_change(STORY, with_paragraphs(*P, notice))
    assert kinds(card) == {K.CORRECTION}
    assert card.numbers == ()
    assert card.summary == "Correction notice added."


def test_a_figure_corrected_with_a_notice_is_numbers_and_correction_without_stealth() -> None:
    wrong = edited(p1=P[1].replace("$4.5 million", "$5 million"))
    notice = "This article was amended on 3 May 2024 to correct the cost of the bridge."
    card = classify_change(wrong, with_paragraphs(*P, notice))
    assert kinds(card) == {K.NUMBERS, K.CORRECTION}


def test_a_changed_date_inside_a_notice_is_correction_only() -> None:
    notice = "Clarification, 4 June: the vote was held on a Tuesday."
    later = notice.replace("4 June", "5 June")
    card = classify_change(with_paragraphs(*P, notice), with_paragraphs(*P, later))
    assert kinds(card) == {K.CORRECTION}


@pytest.mark.parametrize(
    "paragraph",
    [
        "Correction: The bridge is made of stone.",
        "CLARIFICATION (May 2): The council did not set a date.",
        "Editor’s note: This story has been changed to remove a name.",
        "Updated at 10.30am: Adds the council's reply.",
        "Update — the vote was delayed by one day.",
        "An earlier version of this story misnamed the bakery.",
        "This article has been updated to include a response from the council.",
        "This piece was amended on 12 March 2024 because it misstated the turnout.",
        "A previous version of this report said the bridge was wooden.",
    ],
)
def test_notices_in_their_general_forms_are_recognised(paragraph: str) -> None:
    assert is_notice(paragraph)


@pytest.mark.parametrize(
    "paragraph",
    [
        "Updates to the plan will be shown at the town hall in the spring.",
        "The correction of the river's course took a decade: engineers moved it twice.",
        "An earlier bridge stood a mile upstream.",
    ],
)
def test_story_paragraphs_are_no_notices(paragraph: str) -> None:
    assert not is_notice(paragraph)


def test_a_rewrite_is_rewrite_with_its_other_kinds() -> None:
    rewritten = with_paragraphs(
        "A century-old crossing will give way to a modern span, after voters backed a plan.",
        "Officials hope to open it within a few seasons if suppliers deliver on time.",
        "Shopkeepers on both banks welcomed the decision at a crowded meeting.",
    )
    card = classify_change(STORY, rewritten)
    assert {K.REWRITE, K.LEDE, K.ADDED, K.REMOVED, K.STEALTH} <= kinds(card)
    assert card.words_changed > 0.6
    assert card.significance > 0.9


def test_a_revert_names_its_version_and_has_the_kinds_of_its_difference() -> None:
    card = classify_change(edited(p1=P[1].replace("90%", "95%")), STORY, revert_of=2)
    assert kinds(card) == {K.REVERT, K.NUMBERS, K.STEALTH}
    assert card.revert_of == 2
    assert card.summary.startswith("Reverted to version 2; 1 number changed (95% → 90%)")


def test_no_revert_without_revert_of() -> None:
    assert K.REVERT not in kinds(classify_change(edited(p1="Turnout was high."), STORY))


# --- summary, significance, card --------------------------------------------------------


def test_the_summary_of_a_combined_change_names_each_part_in_order() -> None:
    new = replace(
        edited(p1=P[1].replace("90%", "95%")),
        title=STORY.title + " after the floods",
    )
    new = with_paragraphs(
        *new.paragraphs, "Some families said they would miss the old crossing.", text=new
    )
    card = classify_change(STORY, new)
    assert card.summary == "Headline changed; 1 number changed (90% → 95%); 1 paragraph added."
    assert card.reasons[0].startswith("headline changed") or card.reasons[0].startswith(
        "figures changed"
    )


def test_the_summary_counts_in_plural() -> None:
    shorter = with_paragraphs(P[0], P[4])
    card = classify_change(STORY, shorter)
    assert "; 3 paragraphs removed." in card.summary
    assert card.summary.startswith("3 numbers removed (90%, $4.5 million, three);")


def test_significance_orders_a_typo_below_a_reorder_below_an_addition_below_a_figure() -> None:
    typo = classify_change(edited(p3=P[3].replace("surveying", "surveyign")), STORY)
    moved = classify_change(STORY, with_paragraphs(P[0], P[2], P[1], *P[3:]))
    added = classify_change(STORY, with_paragraphs(*P, "Some families will miss it."))
    figure = classify_change(STORY, edited(p1=P[1].replace("90%", "95%")))
    assert typo.significance < moved.significance < added.significance < figure.significance
    assert all(reason for reason in figure.reasons)


def test_the_card_carries_the_classifier_version_and_kinds_in_vocabulary_order() -> None:
    card = classify_change(STORY, with_paragraphs(P[1], P[0], *P[2:4]))
    assert card.classifier_version == CLASSIFIER_VERSION
    assert list(card.kinds) == [kind for kind in ChangeKind if kind in card.kinds]


def test_classify_change_is_a_classifier() -> None:
    classifier: Classifier = classify_change
    assert classifier(STORY, STORY).kinds == ()


def test_cards_are_deterministic() -> None:
    new = with_paragraphs(P[2], P[0], "Ola Nordmann said: “It is about time.”", *P[3:])
    first = classify_change(STORY, new, revert_of=1)
    again = classify_change(
        Text(STORY.title, STORY.byline, tuple(STORY.paragraphs)),
        Text(new.title, new.byline, tuple(new.paragraphs)),
        revert_of=1,
    )
    assert first == again


# --- hostile input -----------------------------------------------------------------------


def test_empty_texts() -> None:
    empty = Text("", None, ())
    assert classify_change(empty, empty).kinds == ()
    appeared = classify_change(empty, STORY)
    assert {K.HEADLINE, K.BYLINE, K.LEDE, K.ADDED} <= kinds(appeared)
    assert K.REMOVED in kinds(classify_change(STORY, empty))


def test_a_huge_paragraph_is_classified_in_reasonable_time() -> None:
    sentence = "The river rose by a few inches each hour while crews watched the banks. "
    huge = sentence * 3000
    old = with_paragraphs(huge + "It was a long night.")
    new = with_paragraphs(huge + "It was a long, cold night.")
    started = time.perf_counter()
    card = classify_change(old, new)
    assert (
        time.perf_counter() - started < 10
    )  # a guard against quadratic blow-up, not a timing goal
    assert card.kinds == (K.LEDE,)


def test_text_without_sentence_punctuation() -> None:
    words = " ".join(f"word{i % 50} and more" for i in range(5000))
    card = classify_change(with_paragraphs(words), with_paragraphs(words + " extra"))
    assert K.LEDE in kinds(card)
    assert 0 <= card.significance <= 1


def test_unicode_text() -> None:
    old = with_paragraphs(
        "Über 90 % der Bürger stimmten zu. 東京で会議が開かれた。 🌉 «Très bien», dit-elle."
    )
    new = with_paragraphs(
        "Über 95 % der Bürger stimmten zu. 東京で会議が開かれた。 🌉 «Très bien», dit-elle."
    )
    card = classify_change(old, new)
    assert K.NUMBERS in kinds(card)
    assert card.summary


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(max_size=200), max_size=6),
    st.lists(st.text(max_size=200), max_size=6),
    st.text(max_size=80),
)
def test_any_texts_give_a_well_formed_card(old: list[str], new: list[str], title: str) -> None:
    card = classify_change(Text(title, None, tuple(old)), Text(title, None, tuple(new)))
    assert 0 <= card.significance <= 1
    assert 0 <= card.words_changed <= 1
    assert card.summary.endswith(".")
    assert list(card.kinds) == [kind for kind in ChangeKind if kind in card.kinds]
    assert classify_change(Text(title, None, tuple(old)), Text(title, None, tuple(old))).kinds == ()
