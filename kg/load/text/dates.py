"""Dates in English news sentences, resolved against the report date or the previous event.

The cue words (month and weekday names, modifiers, relative phrases and what they mean) are
data in ``loaders/text/dates.yaml``; this module only knows the shapes a date takes.

Examples
--------
>>> import datetime
>>> [(m.text, m.value, m.precision) for m in find_dates(
...     "Gunmen attacked the camp on Thursday, November 21, killing 13.",
...     datetime.date(2024, 11, 23))]
[('Thursday, November 21', '2024-11-21', 'day')]
>>> m = find_dates("Two months later, the army retook the town.", None)[0]
>>> (m.relation, m.offset_months, resolve_relative(m, ("2024-11-21", "day")))
('later', 2, ('2025-01', 'month'))
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

from kg.errors import LoaderError
from kg.load.text.numbers import parse_number_words
from kg.paths import loaders_dir
from kg.yamlfile import read_yaml

PRECISIONS = ("day", "month", "year")
"""Date precisions, finest first."""

RELATIONS = ("absolute", "later", "same", "earlier")
"""How a mention is dated: on its own, or after / on / before the previous event."""


@dataclass(frozen=True)
class DateMention:
    """A date expression found in a sentence.

    Attributes
    ----------
    start, end : int
        Character offsets of the expression in the sentence (a leading "on" or "in" is left
        out; modifiers such as "early", "last" or "the end of" are in).
    text : str
        ``sentence[start:end]``.
    value : str or None
        ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; None when the mention is dated against the
        previous event (see :func:`resolve_relative`).
    precision : str or None
        ``"day"``, ``"month"`` or ``"year"``. For a mention dated against the previous event
        it is the finest precision the resolved date may claim (None: as fine as that
        event's date).
    relation : str
        ``"absolute"`` (dated on its own or against the report date), ``"later"`` (after the
        previous event: "later", "two months later"), ``"same"`` (on its date: "at that
        time", "that day") or ``"earlier"`` (before it: "the previous day").
    offset_months, offset_days : int
        Signed shift from the previous event's date ("two months later": ``offset_months=2``;
        "the previous day": ``offset_days=-1``); 0 when not said.
    """

    start: int
    end: int
    text: str
    value: str | None
    precision: str | None
    relation: str = "absolute"
    offset_months: int = 0
    offset_days: int = 0


# ---------------------------------------------------------------------------------------------
# Lexicon


@dataclass(frozen=True)
class _Shift:
    days: int
    months: int
    precision: str


@dataclass(frozen=True)
class _EventPhrase:
    relation: str
    days: int
    months: int
    precision: str | None
    alone: bool


class DateLexicon:
    """The cue words of ``dates.yaml``, validated and compiled.

    Parameters
    ----------
    data : dict
        The parsed YAML document.
    path : str
        The file it came from (named in errors).

    Raises
    ------
    LoaderError
        When a key is missing or a value has the wrong type or an unknown meaning.
    """

    def __init__(self, data: Any, path: str) -> None:
        self.path = path
        if not isinstance(data, dict):
            self._fail("expected a YAML mapping at the top level")
        self.months: dict[str, int] = {}
        self.month_names: list[str] = []
        self.month_abbrevs: list[str] = []
        for num, entry in self._numbered(data, "months", 1, 12):
            name, abbrevs = self._named(entry, f"months.{num}")
            self.month_names.append(name)
            self.month_abbrevs += abbrevs
            for n in [name, *abbrevs]:
                self.months[n.lower()] = num
        self.guarded = {m.lower() for m in self._words(data, "guarded_months")}
        unknown = sorted(self.guarded - set(self.months))
        if unknown:
            self._fail(f"guarded_months: not a month name: {', '.join(unknown)}")
        self.guarded |= {a.lower() for a in self.month_abbrevs}
        self.weekdays: dict[str, int] = {}
        self.weekday_names: list[str] = []
        self.weekday_abbrevs: list[str] = []
        for num, entry in self._numbered(data, "weekdays", 0, 6):
            name, abbrevs = self._named(entry, f"weekdays.{num}")
            self.weekday_names.append(name)
            self.weekday_abbrevs += abbrevs
            for n in [name, *abbrevs]:
                self.weekdays[n.lower()] = num
        self.ordinal_suffixes = self._words(data, "ordinal_suffixes")
        self.day_range_connectors = self._words(data, "day_range_connectors")
        self.modifiers = self._words(data, "modifiers")
        self.month_cues = self._words(data, "month_cues")
        self.year_cues = self._words(data, "year_cues")
        self.month_only_before = self._words(data, "month_only_before")
        self.strict_past = self._words(data, "strict_past")
        self.future = self._words(data, "future")
        self.weekday_modifiers = self._words(data, "weekday_modifiers")
        self.day_parts = self._words(data, "day_parts")
        self.report_relative: dict[str, _Shift] = {}
        for phrase, entry in self._mapping(data, "report_relative").items():
            where = f"report_relative.{phrase}"
            self._keys(entry, where, {"days", "months", "years", "precision"})
            months = self._int(entry, "months", where) + 12 * self._int(entry, "years", where)
            shift = _Shift(self._int(entry, "days", where), months, self._precision(entry, where))
            self.report_relative[_norm(str(phrase))] = shift
        self.units: dict[str, _Shift] = {}
        for unit, entry in self._mapping(data, "units").items():
            where = f"units.{unit}"
            self._keys(entry, where, {"forms", "days", "months", "precision"})
            shift = _Shift(
                self._int(entry, "days", where),
                self._int(entry, "months", where),
                self._precision(entry, where),
            )
            for form in self._words(entry, "forms", where):
                self.units[form.lower()] = shift
        self.directions: dict[str, str] = {}
        for key, direction in (
            ("ago_words", "ago"),
            ("later_words", "later"),
            ("earlier_words", "earlier"),
        ):
            for w in self._words(data, key):
                self.directions[_norm(w)] = direction
        self.vague = {_norm(w) for w in self._words(data, "vague_quantities")}
        self.event_relative: dict[str, _EventPhrase] = {}
        for phrase, entry in self._mapping(data, "event_relative").items():
            where = f"event_relative.{phrase}"
            self._keys(entry, where, {"relation", "days", "months", "precision", "alone"})
            relation = entry.get("relation")
            if relation not in ("later", "same", "earlier"):
                self._fail(f"{where}: relation must be later, same or earlier, got {relation!r}")
            precision = self._precision(entry, where) if "precision" in entry else None
            alone = entry.get("alone", False)
            if not isinstance(alone, bool):
                self._fail(f"{where}: alone must be true or false")
            self.event_relative[_norm(str(phrase))] = _EventPhrase(
                relation,
                self._int(entry, "days", where),
                self._int(entry, "months", where),
                precision,
                alone,
            )
        self.ignore = self._words(data, "ignore")
        self._compile()

    # -- validation helpers -------------------------------------------------------------------

    def _fail(self, message: str) -> NoReturn:
        raise LoaderError(message, path=self.path)

    def _mapping(self, data: dict[str, Any], key: str) -> dict[Any, Any]:
        value = data.get(key)
        if not isinstance(value, dict) or not value:
            self._fail(f"{key}: expected a non-empty mapping")
        for k, v in value.items():
            if not isinstance(v, dict):
                self._fail(f"{key}.{k}: expected a mapping")
        return value

    def _numbered(
        self, data: dict[str, Any], key: str, low: int, high: int
    ) -> list[tuple[int, dict[str, Any]]]:
        entries = self._mapping(data, key)
        if sorted(entries) != list(range(low, high + 1)):
            self._fail(f"{key}: expected exactly the numbers {low} to {high} as keys")
        return sorted(entries.items())

    def _named(self, entry: dict[str, Any], where: str) -> tuple[str, list[str]]:
        self._keys(entry, where, {"name", "abbreviations"})
        name = entry.get("name")
        if not isinstance(name, str) or not name.isalpha():
            self._fail(f"{where}.name: expected a word")
        abbrevs = self._words(entry, "abbreviations", where, allow_empty=True)
        return name, abbrevs

    def _words(
        self, data: dict[str, Any], key: str, where: str = "", allow_empty: bool = False
    ) -> list[str]:
        label = f"{where}.{key}" if where else key
        value = data.get(key)
        if not isinstance(value, list) or (not value and not allow_empty):
            self._fail(f"{label}: expected a list of words")
        for w in value:
            if not isinstance(w, str) or not w.strip():
                self._fail(f"{label}: expected words, got {w!r} (quote yes/no/on/off)")
        return [w.strip() for w in value]

    def _keys(self, entry: dict[str, Any], where: str, allowed: set[str]) -> None:
        extra = sorted(str(k) for k in set(entry) - allowed)
        if extra:
            self._fail(f"{where}: unknown key(s) {', '.join(extra)}")

    def _int(self, entry: dict[str, Any], key: str, where: str) -> int:
        value = entry.get(key, 0)
        if not isinstance(value, int) or isinstance(value, bool):
            self._fail(f"{where}.{key}: expected an integer, got {value!r}")
        return int(value)

    def _precision(self, entry: dict[str, Any], where: str) -> str:
        value = entry.get("precision")
        if value not in PRECISIONS:
            self._fail(f"{where}.precision: expected day, month or year, got {value!r}")
        return str(value)

    # -- patterns -----------------------------------------------------------------------------

    def _compile(self) -> None:
        months = _names(self.month_names, dot=False, also=_names(self.month_abbrevs, dot=True))
        short = _names(self.weekday_abbrevs, dot=True)
        weekdays = _names(self.weekday_names, dot=False, also=short)
        parts = {
            "{MON}": "(?P<mon>" + months + r")(?!\w)",
            "{WD}": "(?P<wd>" + weekdays + r")(?!\w)",
            "{WDFULL}": "(?P<wd>" + _names(self.weekday_names, dot=False) + r")(?!\w)",
            "{SUFFIX}": _alt(self.ordinal_suffixes),
            "{MODS}": _alt(self.modifiers),
            "{STRICT}": _alt(self.strict_past),
            "{WDMODS}": _alt(self.weekday_modifiers),
            "{PARTS}": _alt(self.day_parts),
            "{REPORT}": _alt(self.report_relative),
            "{EVENT}": _alt(self.event_relative),
            "{UNITS}": _alt(self.units),
            "{DIRS}": _alt(self.directions),
            "{IGNORE}": _alt(self.ignore),
            "{TO}": _alt(self.day_range_connectors),
        }
        day = r"(?<![\w.,/-])(?P<day>\d{1,2})(?:{SUFFIX})?(?![\w%/:]|[.,]\d)"
        day2 = r"(?P<day2>\d{1,2})(?:{SUFFIX})?(?![\w%/:]|[.,]\d)"
        year = r"(?P<year>[12]\d{3})(?![\w%/]|[.,]\d)"
        templates = {
            "dmy": r"(?<!\w)(?:{WD},?\s+)?(?:(?i:the)\s+)?{DAY}(?:\s+(?i:of))?\s+{MON}"
            r"(?:,?\s+{YEAR})?",
            "mdy": r"(?<!\w)(?:{WD},?\s+)?{MON}\s+(?:(?i:the)\s+)?{DAY}(?:,?\s+{YEAR})?",
            "dmy_range": r"(?<!\w)(?:{WD},?\s+)?{DAY}\s*{TO}\s*{DAY2}(?:\s+(?i:of))?\s+{MON}"
            r"(?:,?\s+{YEAR})?",
            "mdy_range": r"(?<!\w){MON}\s+{DAY}\s*{TO}\s*{DAY2}(?:,?\s+{YEAR})?",
            "my": r"(?<!\w)(?:(?P<mod>{MODS})[\s-]+)?{MON},?\s+{YEAR}",
            "m": r"(?<!\w)(?:(?P<strict>{STRICT})\s+)?(?:(?P<mod>{MODS})[\s-]+)?{MON}",
            "y": r"(?<!\w)(?:(?P<mod>{MODS})[\s-]+)?(?<![\w$€£.,/]){YEAR}",
            "weekday": r"(?<!\w)(?:(?P<strict>{STRICT})\s+)?"
            r"(?:(?P<mod>{WDMODS})\s+(?:(?i:on)\s+)?)?{WDFULL}(?:\s+(?P<part>{PARTS})(?!\w))?",
            "numeric": r"(?<![\w/.-])(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)"
            r"(?P<year>[12]\d{3})(?![\w/]|[.,-]\d)",
            "iso": r"(?<![\w/.-])(?P<year>[12]\d{3})(?P<sep>[-/])(?P<m>\d{1,2})(?P=sep)"
            r"(?P<d>\d{1,2})(?![\w/]|[.,-]\d)",
            "report": r"(?<!\w)(?P<p>{REPORT})(?!\w)",
            "event": r"(?<!\w)(?P<p>{EVENT})(?!\w)",
            "units": r"(?<!\w)(?P<unit>{UNITS})\s+(?P<dir>{DIRS})(?!\w)",
            "ignore": r"(?<!\w)(?:{IGNORE})(?!\w)",
        }
        rx = {}
        for kind, template in templates.items():
            template = template.replace("{DAY}", day).replace("{DAY2}", day2)
            template = template.replace("{YEAR}", year)
            for slot, text in parts.items():
                template = template.replace(slot, text)
            rx[kind] = template
        try:
            self.rx = {k: re.compile(v) for k, v in rx.items()}
        except re.error as e:  # pragma: no cover - the words are escaped
            raise LoaderError(f"cannot compile the date patterns: {e}", path=self.path) from e
        self.month_cue_rx = _ending(self.month_cues + self.modifiers)
        self.year_cue_rx = _ending(self.year_cues)
        self.month_only_rx = _ending(self.month_only_before)
        self.future_rx = _ending(self.future)


def _norm(phrase: str) -> str:
    return " ".join(phrase.lower().split())


def _alt(phrases: Iterable[str]) -> str:
    """A case-insensitive alternation of phrases, longest first; never matches when empty."""
    parts = sorted({_norm(p) for p in phrases}, key=len, reverse=True)
    if not parts:
        return "(?!)"
    return "(?i:" + "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in parts) + ")"


def _names(names: Iterable[str], dot: bool, also: str = "") -> str:
    """An alternation of names that must start with a capital; ``dot`` allows "Nov."."""
    alts = []
    for n in sorted(set(names), key=len, reverse=True):
        rx = re.escape(n[0].upper()) + "(?i:" + re.escape(n[1:]) + ")"
        alts.append(rx + (r"\.?" if dot else ""))
    if also:
        alts.append(also)
    return "(?:" + "|".join(alts) + ")" if alts else "(?!)"


def _ending(words: list[str]) -> re.Pattern[str]:
    """A pattern for "one of ``words`` and whitespace" at the end of the searched text."""
    return re.compile(r"(?<!\w)" + _alt(words) + r"\s+$")


def load_date_lexicon(path: Path | str | None = None) -> DateLexicon:
    """Read and validate a date lexicon.

    Parameters
    ----------
    path : Path or str, optional
        The YAML file; by default ``loaders/text/dates.yaml`` (read once and cached).

    Returns
    -------
    DateLexicon

    Raises
    ------
    LoaderError
        When the file cannot be read, is not YAML or does not follow the format.
    """
    if path is None:
        return _default_lexicon()
    return _read_lexicon(Path(path))


@cache
def _default_lexicon() -> DateLexicon:
    return _read_lexicon(loaders_dir() / "text" / "dates.yaml")


def _read_lexicon(path: Path) -> DateLexicon:
    return DateLexicon(read_yaml(path), str(path))


# ---------------------------------------------------------------------------------------------
# Date arithmetic


def _add_months(d: datetime.date, months: int) -> datetime.date:
    """``d`` shifted by whole months, the day clamped to the target month's length."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return datetime.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _month_end(d: datetime.date) -> datetime.date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _format(d: datetime.date, precision: str) -> str:
    if precision == "day":
        return d.isoformat()
    if precision == "month":
        return f"{d.year:04d}-{d.month:02d}"
    return f"{d.year:04d}"


def _coarsest(*precisions: str | None) -> str:
    given = [p for p in precisions if p is not None]
    return max(given, key=PRECISIONS.index) if given else "day"


def _interval(value: str, precision: str) -> tuple[datetime.date, datetime.date]:
    """First and last day covered by a ``(value, precision)`` date."""
    try:
        if precision == "day" and len(value) == 10:
            d = datetime.date.fromisoformat(value)
            return d, d
        if precision == "month" and len(value) == 7:
            first = datetime.date(int(value[:4]), int(value[5:7]), 1)
            return first, _month_end(first)
        if precision == "year" and len(value) == 4:
            year = int(value)
            return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    except ValueError:
        pass
    raise ValueError(f"not a date at {precision} precision: {value!r}")


def _latest_year(month: int, day: int | None, report: datetime.date, strict: bool) -> int | None:
    """The latest year in which the month (and day) is not after the report date.

    With ``strict`` the date must be before it (a month: before the report's month).
    """
    for year in range(report.year, report.year - 9, -1):
        if day is None:
            if (year, month) < (report.year, report.month) or (
                not strict and (year, month) == (report.year, report.month)
            ):
                return year
            continue
        try:
            d = datetime.date(year, month, day)
        except ValueError:
            continue  # 29 February of a common year, or 31 April
        if d < report or (d == report and not strict):
            return year
    return None


# ---------------------------------------------------------------------------------------------
# Finding


_Make = Callable[[datetime.date | None], DateMention | None]


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    make: _Make | None  # None: an ignored phrase that only hides what it covers


def _mention(
    sentence: str,
    start: int,
    end: int,
    value: str | None,
    precision: str | None,
    relation: str = "absolute",
    months: int = 0,
    days: int = 0,
) -> DateMention:
    return DateMention(start, end, sentence[start:end], value, precision, relation, months, days)


def _day_date(
    sentence: str,
    start: int,
    end: int,
    year: int | None,
    month: int,
    day: int,
) -> _Make:
    def make(report: datetime.date | None) -> DateMention | None:
        y = year
        if y is None:
            if report is None:
                return None
            y = _latest_year(month, day, report, strict=False)
            if y is None:
                return None
        try:
            d = datetime.date(y, month, day)
        except ValueError:
            return None
        return _mention(sentence, start, end, d.isoformat(), "day")

    return make


def _day_range(
    sentence: str, start: int, end: int, year: int | None, month: int, first: int, last: int
) -> _Make:
    def make(report: datetime.date | None) -> DateMention | None:
        y = year
        if y is None:
            if report is None:
                return None
            y = _latest_year(month, first, report, strict=False)
            if y is None:
                return None
        if last > calendar.monthrange(y, month)[1]:
            return None
        return _mention(sentence, start, end, f"{y:04d}-{month:02d}", "month")

    return make


def _fixed(sentence: str, start: int, end: int, value: str, precision: str) -> _Make:
    def make(report: datetime.date | None) -> DateMention | None:
        return _mention(sentence, start, end, value, precision)

    return make


def _candidates(lex: DateLexicon, s: str) -> list[_Candidate]:
    out: list[_Candidate] = []
    rx = lex.rx

    def add(m: re.Match[str], make: _Make | None) -> None:
        out.append(_Candidate(m.start(), m.end(), make))

    def month_of(m: re.Match[str]) -> tuple[int, str]:
        name = m.group("mon")
        return lex.months[name.rstrip(".").lower()], name

    def after(rx_end: re.Pattern[str], pos: int) -> bool:
        return rx_end.search(s, 0, pos) is not None

    for m in rx["ignore"].finditer(s):
        add(m, None)  # first, so that they win ties

    for m in rx["numeric"].finditer(s):
        a, b = int(m.group("a")), int(m.group("b"))
        day, month = (b, a) if b > 12 >= a else (a, b)
        try:
            d = datetime.date(int(m.group("year")), month, day)
        except ValueError:
            continue
        add(m, _fixed(s, m.start(), m.end(), d.isoformat(), "day"))
    for m in rx["iso"].finditer(s):
        try:
            d = datetime.date(int(m.group("year")), int(m.group("m")), int(m.group("d")))
        except ValueError:
            continue
        add(m, _fixed(s, m.start(), m.end(), d.isoformat(), "day"))
    for kind in ("dmy", "mdy"):
        for m in rx[kind].finditer(s):
            month, _ = month_of(m)
            year = int(m.group("year")) if m.group("year") else None
            if (
                kind == "mdy"
                and year is None
                and m.group("wd") is None
                and after(lex.month_only_rx, m.start())
            ):
                continue  # "in November 21 soldiers were killed"
            add(m, _day_date(s, m.start(), m.end(), year, month, int(m.group("day"))))
    for kind in ("dmy_range", "mdy_range"):
        for m in rx[kind].finditer(s):
            month, _ = month_of(m)
            year = int(m.group("year")) if m.group("year") else None
            first, last = int(m.group("day")), int(m.group("day2"))
            if first < last:
                add(m, _day_range(s, m.start(), m.end(), year, month, first, last))
    for m in rx["my"].finditer(s):
        month, _ = month_of(m)
        add(m, _fixed(s, m.start(), m.end(), f"{int(m.group('year')):04d}-{month:02d}", "month"))
    for m in rx["m"].finditer(s):
        month, name = month_of(m)
        strict = m.group("strict") is not None
        if after(lex.future_rx, m.start()):
            continue
        if (
            name.rstrip(".").lower() in lex.guarded
            and not strict
            and m.group("mod") is None
            and not after(lex.month_cue_rx, m.start())
        ):
            continue
        add(m, _month_only(s, m.start(), m.end(), month, strict))
    for m in rx["y"].finditer(s):
        if m.group("mod") is None and not after(lex.year_cue_rx, m.start()):
            continue
        add(m, _fixed(s, m.start(), m.end(), m.group("year"), "year"))
    for m in rx["weekday"].finditer(s):
        if after(lex.future_rx, m.start()):
            continue
        weekday = lex.weekdays[m.group("wd").lower()]
        add(m, _weekday(s, m.start(), m.end(), weekday, m.group("strict") is not None))
    for m in rx["report"].finditer(s):
        add(m, _report_shift(s, m.start(), m.end(), lex.report_relative[_norm(m.group("p"))], 1))
    for m in rx["event"].finditer(s):
        phrase = lex.event_relative[_norm(m.group("p"))]
        rest = s[m.end() :]
        if re.match(r"\s+(?i:of)(?!\w)", rest):
            continue  # "at the time of writing"
        if phrase.alone and re.match(r"\s*\w", rest):
            continue
        ev = _mention(
            s,
            m.start(),
            m.end(),
            None,
            phrase.precision,
            phrase.relation,
            phrase.months,
            phrase.days,
        )
        add(m, _constant(ev))
    for m in rx["units"].finditer(s):
        cand = _unit_phrase(lex, s, m)
        if cand is not None:
            out.append(cand)
    return out


def _month_only(s: str, start: int, end: int, month: int, strict: bool) -> _Make:
    def make(report: datetime.date | None) -> DateMention | None:
        if report is None:
            return None
        year = _latest_year(month, None, report, strict)
        if year is None:
            return None
        return _mention(s, start, end, f"{year:04d}-{month:02d}", "month")

    return make


def _weekday(s: str, start: int, end: int, weekday: int, strict: bool) -> _Make:
    def make(report: datetime.date | None) -> DateMention | None:
        if report is None:
            return None
        back = (report.weekday() - weekday) % 7
        if strict and back == 0:
            back = 7
        d = report - datetime.timedelta(days=back)
        return _mention(s, start, end, d.isoformat(), "day")

    return make


def _report_shift(s: str, start: int, end: int, shift: _Shift, times: int) -> _Make:
    def make(report: datetime.date | None) -> DateMention | None:
        if report is None:
            return None
        try:
            d = _add_months(report, shift.months * times)
            d -= datetime.timedelta(days=-shift.days * times)
        except (ValueError, OverflowError):
            return None
        return _mention(s, start, end, _format(d, shift.precision), shift.precision)

    return make


def _constant(mention: DateMention) -> _Make:
    def make(report: datetime.date | None) -> DateMention | None:
        return mention

    return make


def _quantity(lex: DateLexicon, s: str, end: int) -> tuple[int, int | None] | None:
    """Start and value of the quantity right before ``end`` ("two", "a", "several").

    The value is None for a vague quantity; the whole result is None when there is none.
    """
    head = s[:end].rstrip()
    words = list(re.finditer(r"\S+", head))[-6:]
    for k in range(len(words), 0, -1):
        start = words[-k].start()
        phrase = head[start:]
        key = _norm(phrase)
        if key in ("a", "an"):
            return start, 1
        if key in lex.vague:
            return start, None
        value = parse_number_words(phrase)
        if value is not None and value > 0:
            return start, value
    return None


def _unit_phrase(lex: DateLexicon, s: str, m: re.Match[str]) -> _Candidate | None:
    """A candidate for "<quantity> <unit> ago|later|earlier" (or "days later")."""
    unit = lex.units[m.group("unit").lower()]
    direction = lex.directions[_norm(m.group("dir"))]
    q = _quantity(lex, s, m.start())
    start, count = (q[0], q[1]) if q is not None else (m.start(), None)
    end = m.end()
    if direction == "ago":
        if count is None:
            return None  # "a few days ago": too vague to date
        return _Candidate(start, end, _report_shift(s, start, end, unit, -count))
    if unit.days == 0 and unit.months == 0:
        mention = _mention(s, start, end, None, unit.precision, "same")
    elif count is None:
        mention = _mention(s, start, end, None, "year", direction)
    else:
        sign = 1 if direction == "later" else -1
        mention = _mention(
            s,
            start,
            end,
            None,
            unit.precision,
            direction,
            sign * count * unit.months,
            sign * count * unit.days,
        )
    return _Candidate(start, end, _constant(mention))


def _select(candidates: list[_Candidate]) -> list[_Candidate]:
    """Longest candidates first, each kept when it overlaps none already kept."""
    kept: list[_Candidate] = []
    for c in sorted(candidates, key=lambda c: (c.start - c.end, c.start)):
        if all(c.end <= k.start or k.end <= c.start for k in kept):
            kept.append(c)
    return sorted(kept, key=lambda c: c.start)


def find_dates(
    sentence: str,
    report_date: datetime.date | None,
    *,
    lexicon: DateLexicon | None = None,
) -> list[DateMention]:
    """Find the date expressions of a sentence.

    Parameters
    ----------
    sentence : str
        The text to search (offsets are relative to it).
    report_date : datetime.date or None
        The report's publication date. It resolves weekdays, "yesterday", "last week",
        "three days ago" and dates without a year (the latest year that does not put the
        date after the report). Without it those are not returned; dates with a year and
        mentions relative to the previous event are.
    lexicon : DateLexicon, optional
        Cue words; by default ``loaders/text/dates.yaml``.

    Returns
    -------
    list of DateMention
        In text order, not overlapping (the longest expression wins).
    """
    lex = lexicon or _default_lexicon()
    out = []
    for c in _select(_candidates(lex, sentence)):
        if c.make is not None:
            m = c.make(report_date)
            if m is not None:
                out.append(m)
    return out


def date_spans(sentence: str, *, lexicon: DateLexicon | None = None) -> list[tuple[int, int]]:
    """Offsets of every date expression in a sentence, whether or not it can be resolved.

    Parameters
    ----------
    sentence : str
    lexicon : DateLexicon, optional

    Returns
    -------
    list of (int, int)
        ``(start, end)`` pairs in text order; used to keep day numbers and years out of
        counts.
    """
    lex = lexicon or _default_lexicon()
    return [(c.start, c.end) for c in _select(_candidates(lex, sentence)) if c.make is not None]


def resolve_relative(m: DateMention, previous: tuple[str, str] | None) -> tuple[str, str] | None:
    """Date a mention against the previous event's date.

    Parameters
    ----------
    m : DateMention
    previous : (str, str) or None
        ``(value, precision)`` of the previous event's date.

    Returns
    -------
    (str, str) or None
        ``(value, precision)``. An absolute mention gives its own date. "same" gives
        ``previous`` (shifted by the offsets when given); "later" / "earlier" with an offset
        give ``previous`` shifted by it, at no finer than month precision for a month offset;
        "later" / "earlier" without one give the previous date's year at year precision (only
        the order is known). The precision is never finer than ``m.precision`` nor than the
        shifted interval allows: a month-precision date plus two days may fall in the next
        month, so it becomes its year. None when ``previous`` is None or the date is unknown.

    Raises
    ------
    ValueError
        When ``previous`` is not a date at the precision it names.
    """
    if m.relation == "absolute":
        if m.value is None or m.precision is None:
            return None
        return m.value, m.precision
    if previous is None:
        return None
    value, precision = previous
    lo, hi = _interval(value, precision)
    if m.offset_days == 0 and m.offset_months == 0:
        if m.relation == "same":
            final = _coarsest(precision, m.precision)
            return _format(lo, final), final
        return _format(lo, "year"), "year"
    try:
        days = datetime.timedelta(days=m.offset_days)
        lo = _add_months(lo, m.offset_months) + days
        if precision == "day":
            hi = lo
        else:
            hi = _month_end(_add_months(hi.replace(day=1), m.offset_months)) + days
    except (ValueError, OverflowError):
        return None
    if lo == hi:
        finest = "day"
    elif (lo.year, lo.month) == (hi.year, hi.month):
        finest = "month"
    elif lo.year == hi.year:
        finest = "year"
    else:
        return None
    final = _coarsest(finest, m.precision, "month" if m.offset_months else None)
    return _format(lo, final), final
