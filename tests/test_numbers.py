"""Tests of kg.load.text.numbers: number words and count phrases in news text."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import LoaderError
from kg.load.text.numbers import Count, find_counts, load_number_lexicon, parse_number_words


def counts(text: str) -> list[Count]:
    found = find_counts(text)
    for c in found:
        assert c.text == text[c.start : c.end]
        assert c.number_end == c.end
    return found


def one(text: str) -> Count:
    found = counts(text)
    assert len(found) == 1, found
    return found[0]


def vq(c: Count) -> tuple[str, int | None, str]:
    return c.text, c.value, c.qualifier


# -- parse_number_words -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("seven", 7),
        ("Seven", 7),
        ("thirteen", 13),
        ("forty", 40),
        ("twenty-one", 21),
        ("twenty one", 21),
        ("ninety-nine", 99),
        ("1,200", 1200),
        ("20,000", 20000),
        ("13", 13),
        ("a dozen", 12),
        ("half a dozen", 6),
        ("two dozen", 24),
        ("a hundred", 100),
        ("two hundred", 200),
        ("one hundred and twenty", 120),
        ("one hundred twenty", 120),
        ("fifteen hundred", 1500),
        ("a thousand", 1000),
        ("two thousand five hundred", 2500),
        ("two thousand and five", 2005),
        ("2 million", 2_000_000),
        ("1.5 million", 1_500_000),
    ],
)
def test_parse_number_words(text, value):
    assert parse_number_words(text) == value


@pytest.mark.parametrize(
    "text",
    ["", "dozens", "hundred", "twenty-first", "second", "3.5", "1,20", "07", "seven people"],
)
def test_parse_number_words_rejects(text):
    assert parse_number_words(text) is None


# -- qualifiers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase", "value", "qualifier"),
    [
        ("At least 13 soldiers were killed.", "At least 13", 13, "at_least"),
        ("no fewer than 20 people died", "no fewer than 20", 20, "at_least"),
        ("a minimum of five fighters", "a minimum of five", 5, "at_least"),
        ("more than 50 civilians", "more than 50", 50, "more_than"),
        ("over 100 people died", "over 100", 100, "more_than"),
        ("upwards of 300 refugees", "upwards of 300", 300, "more_than"),
        ("in excess of 1,000 troops", "in excess of 1,000", 1000, "more_than"),
        ("about 40 militants", "about 40", 40, "about"),
        ("around twelve villagers", "around twelve", 12, "about"),
        ("some 300 people fled", "some 300", 300, "about"),
        ("roughly 15 attackers", "roughly 15", 15, "about"),
        ("approximately 200 men", "approximately 200", 200, "about"),
        ("nearly 30 people", "nearly 30", 30, "nearly"),
        ("almost forty people", "almost forty", 40, "nearly"),
        ("close to 50 people", "close to 50", 50, "nearly"),
        ("just under 60 people", "just under 60", 60, "nearly"),
        ("up to 70 people", "up to 70", 70, "up_to"),
        ("as many as 80 people", "as many as 80", 80, "up_to"),
        ("fewer than 10 people", "fewer than 10", 10, "fewer_than"),
        ("less than five soldiers", "less than five", 5, "fewer_than"),
        ("under 20 soldiers were wounded", "under 20", 20, "fewer_than"),
        ("a total of 33 people", "a total of 33", 33, "exact"),
        ("exactly 12 soldiers", "exactly 12", 12, "exact"),
        ("seven soldiers", "seven", 7, "exact"),
        ("20 or more people", "20 or more", 20, "at_least"),
        ("more than a dozen people", "more than a dozen", 12, "more_than"),
    ],
)
def test_qualifiers(text, phrase, value, qualifier):
    c = one(text)
    assert vq(c) == (phrase, value, qualifier)
    assert c.start == text.index(phrase)
    assert (c.low, c.high) == (None, None)


def test_offsets_and_number_end():
    text = "Officials said at least 13 soldiers died."
    c = one(text)
    assert (c.start, c.end) == (15, 26)
    assert text[c.number_end :].startswith(" soldiers")


# -- all --------------------------------------------------------------------------------------


def test_all_with_word_number():
    assert vq(one("all ten people on board died")) == ("all ten", 10, "all")


def test_all_with_digits():
    assert vq(one("All 13 were killed.")) == ("All 13", 13, "all")


def test_all_with_determiner_and_number():
    assert vq(one("all the 13 soldiers")) == ("all the 13", 13, "all")


def test_all_without_number():
    c = one("all members of the unit were killed")
    assert vq(c) == ("all", None, "all")
    assert vq(one("all of the passengers died")) == ("all", None, "all")


@pytest.mark.parametrize(
    "text",
    [
        "at all costs",
        "after all, the army said",
        "above all, civilians",
        "all sides agreed",
        "all-out war",
        "it was all over",
        "all the time",
    ],
)
def test_all_that_is_not_a_count(text):
    assert counts(text) == []


# -- ranges -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase", "low", "high"),
    [
        ("between 20 and 30 people", "between 20 and 30", 20, 30),
        ("between ten and twenty people", "between ten and twenty", 10, 20),
        ("20 to 30 people", "20 to 30", 20, 30),
        ("20-30 people", "20-30", 20, 30),
        ("20–30 people", "20–30", 20, 30),
        ("two or three people", "two or three", 2, 3),
        (
            "between one hundred and twenty and two hundred people",
            "between one hundred and twenty and two hundred",
            120,
            200,
        ),
        (
            "between one hundred and two hundred people",
            "between one hundred and two hundred",
            100,
            200,
        ),
    ],
)
def test_ranges(text, phrase, low, high):
    c = one(text)
    assert (c.text, c.value, c.qualifier, c.low, c.high) == (phrase, None, "range", low, high)


def test_from_to_is_two_counts():
    assert [vq(c) for c in counts("the toll rose from 20 to 30")] == [
        ("20", 20, "exact"),
        ("30", 30, "exact"),
    ]


def test_score_is_not_a_range():
    assert counts("a 3-1 win") == []


# -- number forms -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        ("twenty-one soldiers", "twenty-one", 21),
        ("1,200 people fled", "1,200", 1200),
        ("a dozen soldiers", "a dozen", 12),
        ("half a dozen soldiers", "half a dozen", 6),
        ("two hundred people", "two hundred", 200),
        ("a hundred people", "a hundred", 100),
        ("one hundred and twenty people", "one hundred and twenty", 120),
        ("2 million people", "2 million", 2_000_000),
    ],
)
def test_number_forms(text, phrase, value):
    assert vq(one(text)) == (phrase, value, "exact")


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        ("dozens of civilians", "dozens", 24),
        ("Dozens were killed.", "Dozens", 24),
        ("scores of people", "scores", 40),
        ("hundreds of families", "hundreds", 200),
        ("thousands fled", "thousands", 2000),
        ("tens of thousands of people", "tens of thousands", 20000),
        ("several hundred fighters", "several hundred", 200),
    ],
)
def test_open_quantities_are_lower_bounds(text, phrase, value):
    assert vq(one(text)) == (phrase, value, "at_least")


def test_scores_needs_of():
    assert counts("the test scores improved") == []


def test_handful_is_skipped():
    assert counts("a handful of soldiers") == []


# -- "one" ------------------------------------------------------------------------------------


def test_one_before_a_noun():
    assert vq(one("one soldier was killed")) == ("one", 1, "exact")
    assert vq(one("One Malian soldier died.")) == ("One", 1, "exact")
    assert vq(one("at least one person died")) == ("at least one", 1, "at_least")


@pytest.mark.parametrize(
    "text",
    [
        "one of the soldiers",
        "no one was hurt",
        "one another",
        "one day, they came",
        "at one time",
        "on the one hand",
        "the one who fled",
        "one such attack",
        "twenty-first century",
    ],
)
def test_one_that_is_not_a_count(text):
    assert counts(text) == []


# -- what is not a count ----------------------------------------------------------------------


def test_dates_are_not_counts():
    text = "On 21 November 2024, 13 soldiers died."
    assert [vq(c) for c in counts(text)] == [("13", 13, "exact")]


def test_month_day_then_count():
    assert [vq(c) for c in counts("On November 21 13 soldiers died.")] == [("13", 13, "exact")]


def test_month_year_is_not_a_count():
    assert [vq(c) for c in counts("In July 2024 seven people died.")] == [("seven", 7, "exact")]


def test_day_ranges_are_not_counts():
    assert [vq(c) for c in counts("On 12 and 13 November, 30 people died.")] == [
        ("30", 30, "exact")
    ]
    assert counts("on 21-23 November") == []


def test_numeric_dates_are_not_counts():
    assert counts("on 21/11/2024 and 2024-11-21") == []


def test_years_are_not_counts():
    assert counts("The 2023 coup and the 1990s rebellion") == []
    assert counts("in 2023") == []


def test_month_then_count_after_in():
    assert [vq(c) for c in counts("In November 21 soldiers were killed.")] == [("21", 21, "exact")]


@pytest.mark.parametrize(
    "text",
    [
        "the 13th brigade",
        "the 1st battalion",
        "the second attack",
        "the first time",
        "a third convoy",
    ],
)
def test_ordinals_are_not_counts(text):
    assert counts(text) == []


@pytest.mark.parametrize(
    "text",
    ["at 10 am", "at 10am", "at 10 a.m.", "at 10:30", "at 6 p.m. local time", "at 10 o'clock"],
)
def test_times_are_not_counts(text):
    assert counts(text) == []


@pytest.mark.parametrize("text", ["20% of voters", "20 per cent of voters", "20 percent"])
def test_percentages_are_not_counts(text):
    assert counts(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "children under 18 were recruited",
        "a man aged 18",
        "a 20-year-old man",
        "a 20 year-old man",
        "people over 60 years of age",
        "an F-16 jet",
        "Resolution 2719 passed",
        "$20 million in aid",
        "a 3.5 magnitude quake",
        "a three-day offensive",
        "two-thirds of the town",
    ],
)
def test_ages_identifiers_and_money_are_not_counts(text):
    assert counts(text) == []


def test_relative_date_numbers_are_not_counts():
    assert counts("Two months later, three days ago, the army returned.") == []


def test_several_counts_in_order():
    text = "At least 13 soldiers and dozens of civilians died; 20-30 were wounded."
    assert [(c.text, c.qualifier) for c in counts(text)] == [
        ("At least 13", "at_least"),
        ("dozens", "at_least"),
        ("20-30", "range"),
    ]


# -- lexicon ----------------------------------------------------------------------------------


def test_malformed_lexicon_names_the_file(tmp_path: Path):
    bad = tmp_path / "numbers.yaml"
    bad.write_text("units: [one, two]\n", encoding="utf-8")
    with pytest.raises(LoaderError, match=r"numbers\.yaml"):
        load_number_lexicon(bad)


def test_unknown_qualifier_is_rejected(tmp_path: Path):
    from kg.paths import loaders_dir

    text = (loaders_dir() / "text" / "numbers.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "numbers.yaml"
    bad.write_text(text.replace("  up_to: [up to", "  upto: [up to"), encoding="utf-8")
    with pytest.raises(LoaderError, match="upto"):
        load_number_lexicon(bad)


def test_invalid_yaml_names_the_line(tmp_path: Path):
    bad = tmp_path / "numbers.yaml"
    bad.write_text("units: {one: 1\n", encoding="utf-8")
    with pytest.raises(LoaderError, match=r"numbers\.yaml:\d+"):
        load_number_lexicon(bad)


def test_custom_lexicon_is_used(tmp_path: Path):
    from kg.paths import loaders_dir

    text = (loaders_dir() / "text" / "numbers.yaml").read_text(encoding="utf-8")
    custom = tmp_path / "numbers.yaml"
    custom.write_text(text.replace("  exact: [a total of,", "  exact: [a tally of, a total of,"))
    lex = load_number_lexicon(custom)
    assert vq(find_counts("a tally of 9 dead", lexicon=lex)[0]) == ("a tally of 9", 9, "exact")
