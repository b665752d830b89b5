"""Tests of kg.load.text.dates: date expressions in news sentences and their resolution."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from kg.errors import LoaderError
from kg.load.text.dates import (
    DateMention,
    date_spans,
    find_dates,
    load_date_lexicon,
    resolve_relative,
)

REPORT = datetime.date(2024, 11, 23)  # a Saturday


def dates(sentence: str, report: datetime.date | None = REPORT) -> list[DateMention]:
    found = find_dates(sentence, report)
    for m in found:
        assert m.text == sentence[m.start : m.end]
    return found


def one(sentence: str, report: datetime.date | None = REPORT) -> DateMention:
    found = dates(sentence, report)
    assert len(found) == 1, found
    return found[0]


def triple(m: DateMention) -> tuple[str, str | None, str | None]:
    return m.text, m.value, m.precision


# -- absolute dates ---------------------------------------------------------------------------


def test_day_month_year():
    m = one("Gunmen attacked the camp on 21 November 2024, killing 13.")
    assert triple(m) == ("21 November 2024", "2024-11-21", "day")
    assert m.relation == "absolute"
    assert (m.offset_months, m.offset_days) == (0, 0)


def test_day_month_year_without_report_date():
    assert triple(one("on 21 November 2024", None)) == ("21 November 2024", "2024-11-21", "day")


def test_month_day():
    assert triple(one("The attack on November 21 was claimed.")) == (
        "November 21",
        "2024-11-21",
        "day",
    )


def test_month_day_comma_year():
    assert triple(one("Troops arrived on November 21, 2024.")) == (
        "November 21, 2024",
        "2024-11-21",
        "day",
    )


def test_weekday_comma_month_day():
    assert triple(one("on Thursday, November 21, gunmen")) == (
        "Thursday, November 21",
        "2024-11-21",
        "day",
    )


def test_weekday_day_month():
    assert triple(one("on Thursday 21 November the army")) == (
        "Thursday 21 November",
        "2024-11-21",
        "day",
    )


def test_contradicting_weekday_is_informational():
    # 21 November 2024 was a Thursday; the weekday does not change the date
    assert one("on Monday, November 21").value == "2024-11-21"


def test_ordinals_and_of():
    assert one("on the 21st of November").value == "2024-11-21"
    assert one("on 1st November").value == "2024-11-01"
    assert one("on November 2nd").value == "2024-11-02"
    assert one("on 3rd November 2023").value == "2023-11-03"


def test_abbreviated_months_with_and_without_dot():
    assert triple(one("on Nov. 21, 2024 troops")) == ("Nov. 21, 2024", "2024-11-21", "day")
    assert triple(one("on 21 Nov 2024 troops")) == ("21 Nov 2024", "2024-11-21", "day")
    assert one("on Sept 3 the convoy").value == "2024-09-03"
    assert one("on 3 Sep the convoy").value == "2024-09-03"


def test_weekday_abbreviation_before_full_date():
    assert triple(one("Thu, 21 Nov 2024")) == ("Thu, 21 Nov 2024", "2024-11-21", "day")


def test_month_names_need_a_capital():
    assert dates("on november 21 the army") == []


def test_numeric_day_first():
    assert triple(one("Dated 21/11/2024.")) == ("21/11/2024", "2024-11-21", "day")
    assert one("Dated 05/11/2024.").value == "2024-11-05"  # day first when ambiguous


def test_numeric_month_first_when_day_is_over_twelve():
    assert one("on 11/21/2024").value == "2024-11-21"


def test_numeric_invalid_is_ignored():
    assert dates("on 31/02/2024") == []


def test_iso():
    assert triple(one("Published 2024-11-21 in Bamako.")) == ("2024-11-21", "2024-11-21", "day")


def test_month_year():
    assert triple(one("In July 2024 the junta")) == ("July 2024", "2024-07", "month")


def test_month_alone_is_month_precision():
    assert triple(one("The attacks began in July.")) == ("July", "2024-07", "month")


def test_early_and_late_month():
    assert triple(one("in early July")) == ("early July", "2024-07", "month")
    assert triple(one("in late July 2024")) == ("late July 2024", "2024-07", "month")
    assert triple(one("by mid-July")) == ("mid-July", "2024-07", "month")
    assert triple(one("at the end of July")) == ("the end of July", "2024-07", "month")


def test_year_alone():
    assert triple(one("in 2023 the group split")) == ("2023", "2023", "year")
    assert triple(one("since 2019, the group")) == ("2019", "2019", "year")
    assert triple(one("in early 2023")) == ("early 2023", "2023", "year")
    assert triple(one("in mid-2023")) == ("mid-2023", "2023", "year")


def test_year_alone_without_report_date():
    assert triple(one("in 2023", None)) == ("2023", "2023", "year")


def test_bare_year_without_cue_is_not_a_date():
    assert dates("The 2023 coup was condemned.") == []


def test_day_ranges_are_month_precision():
    assert triple(one("On 12 and 13 November, 30 died.")) == (
        "12 and 13 November",
        "2024-11",
        "month",
    )
    assert triple(one("on 21-23 November")) == ("21-23 November", "2024-11", "month")
    assert triple(one("on November 12-13, 2023")) == ("November 12-13, 2023", "2023-11", "month")
    assert dates("on 30-31 February 2024") == []


def test_more_year_cues():
    assert triple(one("in the summer of 2023")) == ("2023", "2023", "year")
    assert [m.value for m in dates("from 2012 to 2015")] == ["2012", "2015"]


def test_newspaper_names_are_not_weekdays():
    assert dates("according to the Sunday Times") == []


# -- year inference ---------------------------------------------------------------------------


def test_missing_year_is_the_latest_not_after_report():
    assert one("on November 21", datetime.date(2024, 11, 23)).value == "2024-11-21"


def test_missing_year_crosses_new_year():
    assert one("on December 30", datetime.date(2025, 1, 2)).value == "2024-12-30"


def test_missing_year_for_month():
    assert one("in July", datetime.date(2024, 11, 23)).value == "2024-07"
    assert one("in December", datetime.date(2025, 1, 2)).value == "2024-12"


def test_missing_year_same_day_as_report():
    assert one("on November 23", datetime.date(2024, 11, 23)).value == "2024-11-23"


def test_missing_year_leap_day():
    assert one("on 29 February", datetime.date(2025, 3, 1)).value == "2024-02-29"


def test_missing_year_needs_report_date():
    assert dates("on November 21", None) == []
    assert dates("in July", None) == []


def test_last_month_name_is_strictly_before_report_month():
    assert triple(one("last November", datetime.date(2024, 11, 23))) == (
        "last November",
        "2023-11",
        "month",
    )


# -- May and March ----------------------------------------------------------------------------


def test_may_as_modal_verb_is_not_a_month():
    assert dates("The rebels May attack again, officials said.") == []
    assert dates("May God protect them.") == []


def test_may_with_day_year_or_cue_is_a_month():
    assert one("on 5 May the army").value == "2024-05-05"
    assert one("on May 5 the army").value == "2024-05-05"
    assert one("in May 2023").value == "2023-05"
    assert one("in May").value == "2024-05"
    assert one("in early May").value == "2024-05"
    assert one("in late May").value == "2024-05"
    assert one("by mid-May").value == "2024-05"


def test_march_as_verb_or_noun_is_not_a_month():
    assert dates("Protesters plan to March on the capital.") == []
    assert dates("March on Bamako, the leaders urged.") == []
    assert dates("They marched on the capital; the march ended.") == []


def test_march_with_day_year_or_cue_is_a_month():
    assert one("on 3 March the convoy").value == "2024-03-03"
    assert one("on March 3 the convoy").value == "2024-03-03"
    assert one("March 2024").value == "2024-03"
    assert one("in March").value == "2024-03"
    assert one("in late March").value == "2024-03"


def test_month_then_count_after_in():
    # "in November 21 soldiers" is a month and a count, not 21 November
    assert triple(one("In November 21 soldiers were killed.")) == ("November", "2024-11", "month")


# -- weekdays ---------------------------------------------------------------------------------


def test_weekday_is_most_recent_on_or_before_report():
    assert triple(one("Gunmen attacked on Thursday.")) == ("Thursday", "2024-11-21", "day")
    assert one("on Saturday").value == "2024-11-23"  # the report's own weekday
    assert one("on Sunday").value == "2024-11-17"


def test_weekday_with_part_of_day():
    assert triple(one("on Sunday night the camp")) == ("Sunday night", "2024-11-17", "day")
    assert triple(one("late Thursday, gunmen")) == ("late Thursday", "2024-11-21", "day")


def test_last_weekday_is_strictly_before():
    assert triple(one("last Saturday")) == ("last Saturday", "2024-11-16", "day")


def test_next_weekday_is_not_returned():
    assert dates("The talks resume next Thursday.") == []


def test_weekday_needs_report_date():
    assert dates("on Thursday", None) == []


# -- relative to the report date ---------------------------------------------------------------


def test_yesterday_today_overnight():
    assert triple(one("Yesterday, gunmen")) == ("Yesterday", "2024-11-22", "day")
    assert one("Strikes overnight killed").value == "2024-11-23"
    assert one("last night").value == "2024-11-22"
    assert one("the day before yesterday").value == "2024-11-21"


def test_last_week_is_month_of_a_week_before():
    assert triple(one("last week")) == ("last week", "2024-11", "month")
    assert one("last week", datetime.date(2024, 12, 3)).value == "2024-11"


def test_this_week_and_month():
    assert triple(one("this week")) == ("this week", "2024-11", "month")
    assert triple(one("earlier this month")) == ("earlier this month", "2024-11", "month")


def test_last_month_and_year():
    assert triple(one("last month")) == ("last month", "2024-10", "month")
    assert one("last month", datetime.date(2025, 1, 2)).value == "2024-12"
    assert triple(one("last year")) == ("last year", "2023", "year")


def test_ago():
    assert triple(one("three days ago")) == ("three days ago", "2024-11-20", "day")
    assert triple(one("A week ago, the army")) == ("A week ago", "2024-11", "month")
    assert triple(one("two months ago")) == ("two months ago", "2024-09", "month")
    assert triple(one("10 days ago")) == ("10 days ago", "2024-11-13", "day")
    assert triple(one("two years ago")) == ("two years ago", "2022", "year")


def test_vague_ago_is_not_returned():
    assert dates("a few days ago") == []


def test_report_relative_needs_report_date():
    for s in ("yesterday", "last week", "three days ago", "last month"):
        assert dates(s, None) == []


def test_later_this_month_is_ignored():
    assert dates("Elections are due later this month.") == []
    assert dates("The report is due no later than noon.") == []


# -- relative to the previous event --------------------------------------------------------------


def test_two_months_later():
    m = one("Two months later, the army retook the town.", None)
    assert m.text == "Two months later"
    assert (m.value, m.relation, m.offset_months, m.offset_days) == (None, "later", 2, 0)


@pytest.mark.parametrize("word", ["later", "afterwards", "subsequently", "Later"])
def test_later_words(word):
    m = one(f"{word}, the group claimed the attack.", None)
    assert (m.text, m.value, m.relation, m.offset_months) == (word, None, "later", 0)


@pytest.mark.parametrize("phrase", ["at that time", "at the time", "that day"])
def test_same_words(phrase):
    m = one(f"Soldiers were present {phrase}.", None)
    assert (m.text, m.value, m.relation) == (phrase, None, "same")


def test_at_the_time_of_is_not_a_date():
    assert dates("at the time of writing", None) == []


def test_the_next_and_previous_day():
    m = one("The next day, militants returned.", None)
    assert (m.relation, m.offset_days, m.precision) == ("later", 1, "day")
    m = one("They had arrived the previous day.", None)
    assert (m.text, m.relation, m.offset_days) == ("the previous day", "earlier", -1)


def test_the_day_before_only_at_the_end():
    assert one("They had left the day before.", None).offset_days == -1
    assert dates("the day before the vote", None) == []


def test_unit_later_with_digits_and_article():
    assert one("a week later", None).offset_days == 7
    assert one("3 days later", None).offset_days == 3
    assert one("a year later", None).offset_months == 12
    assert one("two days earlier", None).offset_days == -2


def test_vague_later_has_no_offset():
    m = one("Several days later, the army left.", None)
    assert (m.text, m.relation, m.offset_days, m.precision) == (
        "Several days later",
        "later",
        0,
        "year",
    )


def test_hours_later_is_the_same_day():
    m = one("Hours later, a second blast hit.", None)
    assert (m.relation, m.precision) == ("same", "day")


# -- resolve_relative -------------------------------------------------------------------------


def test_resolve_same():
    m = one("at that time", None)
    assert resolve_relative(m, ("2024-11-21", "day")) == ("2024-11-21", "day")
    assert resolve_relative(m, ("2024-07", "month")) == ("2024-07", "month")


def test_resolve_later_with_months():
    m = one("two months later", None)
    assert resolve_relative(m, ("2024-11-21", "day")) == ("2025-01", "month")
    assert resolve_relative(m, ("2024-07", "month")) == ("2024-09", "month")


def test_resolve_later_without_offset_is_year():
    m = one("later", None)
    assert resolve_relative(m, ("2024-11-21", "day")) == ("2024", "year")
    assert resolve_relative(m, ("2024-11", "month")) == ("2024", "year")


def test_resolve_day_offsets():
    assert resolve_relative(one("the next day", None), ("2024-12-31", "day")) == (
        "2025-01-01",
        "day",
    )
    assert resolve_relative(one("the previous day.", None), ("2024-03-01", "day")) == (
        "2024-02-29",
        "day",
    )


def test_resolve_day_offset_on_month_precision_widens():
    m = one("two days later", None)
    assert resolve_relative(m, ("2024-11", "month")) == ("2024", "year")
    assert resolve_relative(m, ("2024-12", "month")) is None  # 2024 or 2025


def test_resolve_precision_cap():
    assert resolve_relative(one("later that year", None), ("2024-11-21", "day")) == (
        "2024",
        "year",
    )


def test_resolve_without_previous():
    assert resolve_relative(one("later", None), None) is None


def test_resolve_absolute_returns_itself():
    m = one("on 21 November 2024")
    assert resolve_relative(m, None) == ("2024-11-21", "day")


def test_resolve_rejects_malformed_previous():
    with pytest.raises(ValueError):
        resolve_relative(one("later", None), ("2024-11", "day"))


# -- several mentions, spans, lexicon ----------------------------------------------------------


def test_several_mentions_in_order():
    s = "Clashes on 21 November 2024 followed a raid in July; two days later, more came."
    found = dates(s)
    assert [m.text for m in found] == ["21 November 2024", "July", "two days later"]
    assert [m.relation for m in found] == ["absolute", "absolute", "later"]


def test_date_spans_ignore_report_date():
    s = "On Thursday 13 soldiers died; on November 21 more."
    assert [s[a:b] for a, b in date_spans(s)] == ["Thursday", "November 21"]


def test_malformed_lexicon_names_the_file(tmp_path: Path):
    bad = tmp_path / "dates.yaml"
    bad.write_text("months: [January]\n", encoding="utf-8")
    with pytest.raises(LoaderError, match=r"dates\.yaml"):
        load_date_lexicon(bad)


def test_invalid_yaml_names_the_file_and_line(tmp_path: Path):
    bad = tmp_path / "dates.yaml"
    bad.write_text("months:\n  1: {name: January\n", encoding="utf-8")
    with pytest.raises(LoaderError, match=r"dates\.yaml:\d+"):
        load_date_lexicon(bad)


def test_lexicon_rejects_unknown_precision(tmp_path: Path):
    from kg.paths import loaders_dir

    text = (loaders_dir() / "text" / "dates.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "dates.yaml"
    bad.write_text(text.replace("{days: -1, precision: day}", "{days: -1, precision: week}"))
    with pytest.raises(LoaderError, match="precision"):
        load_date_lexicon(bad)


def test_shipped_lexicon_loads():
    lex = load_date_lexicon()
    assert lex.months["sept"] == 9
    assert lex.weekdays["thursday"] == 3
