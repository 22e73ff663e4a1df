"""Counts and their nouns ("1 check-ins" and "1 days" were in the summary and Insights)."""

from __future__ import annotations

import pytest

from companion.plurals import noun, plural


@pytest.mark.parametrize("count, word, expected", [
    (0, "check-in", "0 check-ins"), (1, "check-in", "1 check-in"), (2, "check-in", "2 check-ins"),
    (1, "day", "1 day"), (31, "day", "31 days"), (1, "journal entry", "1 journal entry"),
    (3, "journal entry", "3 journal entries"), (2, "activity", "2 activities"),
    (2, "emotion", "2 emotions"), (2, "page", "2 pages"), (1, "result", "1 result"),
    (-1, "day", "-1 days"),
])
def test_a_count_takes_the_noun_that_goes_with_it(count, word, expected):
    assert plural(count, word) == expected


def test_a_plural_can_be_given_and_the_noun_stands_alone():
    assert plural(2, "person") == "2 people" and plural(1, "person") == "1 person"
    assert plural(2, "index", "indices") == "2 indices"
    assert noun(1, "box") == "box" and noun(2, "box") == "boxes" and noun(5, "day") == "days"
