"""The furniture rules: each removes only what it names, or fails loudly."""

from __future__ import annotations

import pytest

from carepool.corpus.furniture import FurnitureRuleError, remove_furniture, rule_kind

PAGE = "\n".join([
    "Title",
    "",
    "A real paragraph.\u00a0 With a non-breaking space. Advertisement",
    "Share this",
    "Last paragraph.",
    "Leave a Reply",
    "Log in with your account",
])


def test_a_whole_furniture_line_is_dropped_and_its_neighbours_kept():
    kept = remove_furniture(PAGE, [{"drop_line": "Share this", "why": "share button"}])
    assert "Share this" not in kept
    assert kept[0] == "Title" and "Last paragraph." in kept


def test_everything_from_the_comment_form_down_is_dropped():
    kept = remove_furniture(PAGE, [{"drop_from": "Leave a Reply", "why": "comment form"}])
    assert kept[-1] == "Last paragraph."


def test_a_glued_suffix_is_cut_and_the_paragraph_kept_byte_for_byte():
    kept = remove_furniture(PAGE, [{"cut_suffix": "Advertisement", "why": "advert marker"}])
    assert kept[1] == "A real paragraph.\u00a0 With a non-breaking space."


def test_a_suffix_is_cut_only_at_a_word_boundary():
    with pytest.raises(FurnitureRuleError, match="matches no line"):
        remove_furniture("An advertisement", [{"cut_suffix": "dvertisement", "why": "x"}])


def test_rules_match_whatever_kind_of_space_the_page_used():
    kept = remove_furniture("News\u00a0 |\u00a0 Weather\nText", [{"drop_line": "News | Weather", "why": "nav"}])
    assert kept == ["Text"]


def test_a_rule_that_matches_nothing_is_an_error_not_a_silent_no_op():
    with pytest.raises(FurnitureRuleError, match="drop_line rule matches no line: 'Subscribe'"):
        remove_furniture(PAGE, [{"drop_line": "Subscribe", "why": "newsletter plug"}])


@pytest.mark.parametrize(
    "rule, message",
    [
        ({"why": "no kind"}, "exactly one of drop_line, drop_from, cut_suffix"),
        ({"drop_line": "a", "drop_from": "b", "why": "two kinds"}, "exactly one of"),
        ({"drop_line": "Share this"}, "needs a 'why'"),
    ],
)
def test_a_rule_needs_exactly_one_kind_and_a_reason(rule, message):
    with pytest.raises(FurnitureRuleError, match=message):
        rule_kind(rule)
