"""Counts in English news text: "at least 13 soldiers", "dozens of civilians", "20-30 people".

Number words, qualifier cues and the lists that keep dates, ordinals, times, ages and
identifiers out of counts are data in ``loaders/text/numbers.yaml``.

Examples
--------
>>> [(c.text, c.value, c.qualifier) for c in find_counts(
...     "On 21 November 2024 at least 13 soldiers and dozens of civilians were killed.")]
[('at least 13', 13, 'at_least'), ('dozens', 24, 'at_least')]
>>> parse_number_words("one hundred and twenty")
120
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Generic, NoReturn, TypeVar

from kg.errors import LoaderError
from kg.paths import loaders_dir
from kg.yamlfile import read_yaml

QUALIFIERS = (
    "exact",
    "at_least",
    "more_than",
    "about",
    "up_to",
    "fewer_than",
    "nearly",
    "all",
    "range",
)
"""Count qualifiers (the ``kgo:Qualifier`` individuals)."""


@dataclass(frozen=True)
class Count:
    """A count phrase found in a text.

    Attributes
    ----------
    start, end : int
        Character offsets of the whole phrase, qualifier included ("at least 13",
        "between 20 and 30", "20 or more", "all ten").
    text : str
        ``text[start:end]``.
    value : int or None
        The number; the lower bound for an open quantity ("dozens" -> 24); None for a range
        and for "all" without a number.
    qualifier : str
        One of :data:`QUALIFIERS`.
    low, high : int or None
        The bounds of a range.
    number_end : int
        Offset right after the number phrase, where the counted noun (or its "of") starts;
        equal to ``end``.
    """

    start: int
    end: int
    text: str
    value: int | None
    qualifier: str
    low: int | None = None
    high: int | None = None
    number_end: int = 0


# ---------------------------------------------------------------------------------------------
# Tokens and phrases

_TOKEN_RX = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|\S")
_OPENERS = frozenset("([{\"'“‘")


@dataclass(frozen=True)
class _Tok:
    text: str
    low: str
    start: int
    end: int
    kind: str  # "num" | "word" | "punct"


def _tokenize(text: str) -> list[_Tok]:
    out = []
    for m in _TOKEN_RX.finditer(text):
        t = m.group()
        kind = "num" if t[0].isdigit() else "word" if t[0].isalpha() else "punct"
        out.append(_Tok(t, t.lower(), m.start(), m.end(), kind))
    return out


def _key(phrase: str) -> tuple[str, ...]:
    return tuple(t.low for t in _tokenize(phrase))


def _joined(toks: list[_Tok], i: int) -> bool:
    """Whether ``toks[i]`` touches the token before it (no space between)."""
    return 0 < i < len(toks) and toks[i - 1].end == toks[i].start


def _low(toks: list[_Tok], i: int) -> str:
    return toks[i].low if 0 <= i < len(toks) else ""


T = TypeVar("T")


class _Phrases(Generic[T]):
    """Token sequences with a payload, matched longest first."""

    def __init__(self, items: dict[tuple[str, ...], T]) -> None:
        self.items = items
        self.lengths = sorted({len(k) for k in items}, reverse=True)

    def match(self, toks: list[_Tok], i: int) -> tuple[T, int] | None:
        """The payload of the longest phrase starting at ``toks[i]`` and the index after it."""
        for n in self.lengths:
            key = tuple(t.low for t in toks[i : i + n])
            if len(key) == n and key in self.items:
                return self.items[key], i + n
        return None

    def ends_at(self, toks: list[_Tok], j: int) -> bool:
        """Whether a phrase ends right before ``toks[j]``."""
        for n in self.lengths:
            if j - n >= 0 and tuple(t.low for t in toks[j - n : j]) in self.items:
                return True
        return False


# ---------------------------------------------------------------------------------------------
# Lexicon


class NumberLexicon:
    """The number words and cues of ``numbers.yaml``, validated.

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
        self.units = self._ints(data, "units")
        self.teens = self._ints(data, "teens")
        self.tens = self._ints(data, "tens")
        self.scales = self._ints(data, "scales")
        self.hundred = self._word(data, "hundred")
        self.joiner = self._word(data, "joiner")
        self.dozen = self._word(data, "dozen")
        self.articles = set(self._words(data, "articles"))
        self.fixed = _Phrases({_key(k): v for k, v in self._ints(data, "fixed").items()})
        opens: dict[tuple[str, ...], tuple[int, bool]] = {}
        for phrase, entry in self._mapping(data, "open_quantities").items():
            where = f"open_quantities.{phrase}"
            self._keys(entry, where, {"value", "needs_of"})
            value = entry.get("value")
            needs_of = entry.get("needs_of", False)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                self._fail(f"{where}.value: expected a positive integer")
            if not isinstance(needs_of, bool):
                self._fail(f"{where}.needs_of: expected true or false")
            opens[_key(str(phrase))] = (value, needs_of)
        self.open = _Phrases(opens)
        quals: dict[tuple[str, ...], tuple[str, tuple[str, ...]]] = {}
        qual_map = self._mapping(data, "qualifiers", list)
        for name in qual_map:
            if name not in QUALIFIERS or name in ("all", "range"):
                self._fail(f"qualifiers.{name}: not a count qualifier")
            for p in self._words(qual_map, name, "qualifiers"):
                quals[_key(p)] = (str(name), _key(p))
        self.qualifiers = _Phrases(quals)
        post: dict[tuple[str, ...], str] = {}
        for phrase, name in self._mapping(data, "postfix_qualifiers", str).items():
            if name not in QUALIFIERS or name in ("all", "range"):
                self._fail(f"postfix_qualifiers.{phrase}: {name!r} is not a count qualifier")
            post[_key(str(phrase))] = name
        self.postfix = _Phrases(post)
        self.needs_noun = {_key(w) for w in self._words(data, "needs_noun")}
        unknown = self.needs_noun - set(quals)
        if unknown:
            self._fail("needs_noun: not a qualifier: " + ", ".join(" ".join(k) for k in unknown))
        all_ = self._mapping(data, "all", object)
        self._keys(all_, "all", {"word", "determiners", "not_after", "plural_nouns", "stopwords"})
        self.all_word = self._word(all_, "word", "all")
        self.all_determiners = _Phrases(
            {_key(w): True for w in self._words(all_, "determiners", "all")}
        )
        self.all_not_after = {w.lower() for w in self._words(all_, "not_after", "all")}
        self.all_plurals = {w.lower() for w in self._words(all_, "plural_nouns", "all")}
        self.all_stopwords = {w.lower() for w in self._words(all_, "stopwords", "all")}
        ranges = self._mapping(data, "ranges", object)
        self._keys(ranges, "ranges", {"between", "and", "connectors", "not_after"})
        self.between = self._word(ranges, "between", "ranges")
        self.range_and = self._word(ranges, "and", "ranges")
        self.connectors = {w.lower() for w in self._words(ranges, "connectors", "ranges")}
        self.range_not_after = {w.lower() for w in self._words(ranges, "not_after", "ranges")}
        one = self._mapping(data, "one", object)
        self._keys(one, "one", {"stopwords", "not_after"})
        self.one_stopwords = {w.lower() for w in self._words(one, "stopwords", "one")}
        self.one_not_after = {w.lower() for w in self._words(one, "not_after", "one")}
        self.function_words = {w.lower() for w in self._words(data, "function_words")}
        self.excluded_before = _Phrases(
            {_key(w): True for w in self._words(data, "excluded_before")}
        )
        self.excluded_after = _Phrases({_key(w): True for w in self._words(data, "excluded_after")})
        years = self._mapping(data, "years", object)
        self._keys(years, "years", {"min", "max"})
        low, high = years.get("min"), years.get("max")
        if not (isinstance(low, int) and isinstance(high, int) and low <= high):
            self._fail("years: expected integers min <= max")
        self.year_min, self.year_max = low, high

    def _fail(self, message: str) -> NoReturn:
        raise LoaderError(message, path=self.path)

    def _mapping(self, data: dict[str, Any], key: str, kind: type = dict) -> dict[Any, Any]:
        value = data.get(key)
        if not isinstance(value, dict) or not value:
            self._fail(f"{key}: expected a non-empty mapping")
        for k, v in value.items():
            if not isinstance(v, kind):
                self._fail(f"{key}.{k}: expected a {kind.__name__}, got {v!r}")
        return value

    def _ints(self, data: dict[str, Any], key: str) -> dict[str, int]:
        out = {}
        for k, v in self._mapping(data, key, int).items():
            if isinstance(v, bool) or v <= 0:
                self._fail(f"{key}.{k}: expected a positive integer, got {v!r}")
            out[str(k).lower()] = v
        return out

    def _word(self, data: dict[str, Any], key: str, where: str = "") -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            self._fail(f"{where + '.' if where else ''}{key}: expected a word, got {value!r}")
        return value.strip().lower()

    def _words(self, data: dict[str, Any], key: str, where: str = "") -> list[str]:
        label = f"{where}.{key}" if where else key
        value = data.get(key)
        if not isinstance(value, list) or not value:
            self._fail(f"{label}: expected a non-empty list of words")
        for w in value:
            if not isinstance(w, str) or not w.strip():
                self._fail(f"{label}: expected words, got {w!r} (quote yes/no/on/off)")
        return [w.strip() for w in value]

    def _keys(self, entry: dict[str, Any], where: str, allowed: set[str]) -> None:
        extra = sorted(str(k) for k in set(entry) - allowed)
        if extra:
            self._fail(f"{where}: unknown key(s) {', '.join(extra)}")


def load_number_lexicon(path: Path | str | None = None) -> NumberLexicon:
    """Read and validate a number lexicon.

    Parameters
    ----------
    path : Path or str, optional
        The YAML file; by default ``loaders/text/numbers.yaml`` (read once and cached).

    Returns
    -------
    NumberLexicon

    Raises
    ------
    LoaderError
        When the file cannot be read, is not YAML or does not follow the format.
    """
    if path is None:
        return _default_lexicon()
    return _read_lexicon(Path(path))


@cache
def _default_lexicon() -> NumberLexicon:
    return _read_lexicon(loaders_dir() / "text" / "numbers.yaml")


def _read_lexicon(path: Path) -> NumberLexicon:
    return NumberLexicon(read_yaml(path), str(path))


# ---------------------------------------------------------------------------------------------
# Number phrases


def _word_value(table: dict[str, int], toks: list[_Tok], i: int) -> int | None:
    return table.get(toks[i].low) if i < len(toks) and toks[i].kind == "word" else None


def _below_hundred(lex: NumberLexicon, toks: list[_Tok], i: int) -> tuple[int, int] | None:
    """1 to 99 in words: "seven", "seventeen", "twenty-one", "twenty one"."""
    tens = _word_value(lex.tens, toks, i)
    if tens is not None:
        unit = _word_value(lex.units, toks, i + 2)
        if _low(toks, i + 1) == "-" and _joined(toks, i + 1) and _joined(toks, i + 2) and unit:
            return tens + unit, i + 3
        unit = _word_value(lex.units, toks, i + 1)
        if unit is not None and not _joined(toks, i + 1):
            return tens + unit, i + 2
        return tens, i + 1
    small = _word_value(lex.units, toks, i) or _word_value(lex.teens, toks, i)
    return (small, i + 1) if small is not None else None


def _below_thousand(
    lex: NumberLexicon, toks: list[_Tok], i: int, allow_and: bool
) -> tuple[int, int] | None:
    """1 to 999 in words: "a hundred", "two hundred and five", "fifteen hundred"."""
    if _low(toks, i) in lex.articles and _low(toks, i + 1) == lex.hundred:
        head, j = 1, i + 1
    else:
        first = _below_hundred(lex, toks, i)
        if first is None:
            return None
        head, j = first
        if _low(toks, j) != lex.hundred or head >= 20:
            return head, j
    value, j = head * 100, j + 1
    if allow_and and _low(toks, j) == lex.joiner:
        tail = _below_hundred(lex, toks, j + 1)
        return (value + tail[0], tail[1]) if tail else (value, j)
    tail = _below_hundred(lex, toks, j)
    return (value + tail[0], tail[1]) if tail else (value, j)


def _number_words(
    lex: NumberLexicon, toks: list[_Tok], i: int, allow_and: bool
) -> tuple[int, int] | None:
    fixed = lex.fixed.match(toks, i)
    if fixed is not None:
        return fixed
    small = _below_hundred(lex, toks, i)
    if small is not None and _low(toks, small[1]) == lex.dozen:
        return small[0] * 12, small[1] + 1
    if _low(toks, i) in lex.articles and _low(toks, i + 1) in lex.scales:
        group, j = 1, i + 1
    else:
        first = _below_thousand(lex, toks, i, allow_and)
        if first is None:
            return None
        group, j = first
    total, last_scale = 0, 0
    while _low(toks, j) in lex.scales:
        scale = lex.scales[_low(toks, j)]
        if last_scale and scale >= last_scale:
            break
        total, group, last_scale, j = total + group * scale, 0, scale, j + 1
        k = j + 1 if allow_and and _low(toks, j) == lex.joiner else j
        nxt = _below_thousand(lex, toks, k, allow_and)
        if nxt is None:
            break
        group, j = nxt
    return total + group, j


def _number_digits(lex: NumberLexicon, toks: list[_Tok], i: int) -> tuple[int, int] | None:
    text = toks[i].text
    scale = lex.scales.get(_low(toks, i + 1)) if not _joined(toks, i + 1) else None
    if "." in text:  # a decimal counts only with a scale: "1.5 million"
        if scale is None or not re.fullmatch(r"\d+\.\d+", text):
            return None
        return int(Decimal(text) * scale), i + 2
    if "," in text and not re.fullmatch(r"[1-9]\d{0,2}(?:,\d{3})+", text):
        return None
    digits = text.replace(",", "")
    if not digits.isdecimal():
        return None  # "¹", "²": digits, but not ones int() reads
    if len(digits) > 1 and digits[0] == "0":
        return None  # "07", "0600": a code or a time
    if scale is not None:
        return int(digits) * scale, i + 2
    return int(digits), i + 1


def _number(
    lex: NumberLexicon, toks: list[_Tok], i: int, allow_and: bool = True
) -> tuple[int, int] | None:
    """Value of the number phrase at ``toks[i]`` and the index after it, or None."""
    if i >= len(toks):
        return None
    if toks[i].kind == "num":
        return _number_digits(lex, toks, i)
    if toks[i].kind == "word":
        return _number_words(lex, toks, i, allow_and)
    return None


def parse_number_words(text: str, *, lexicon: NumberLexicon | None = None) -> int | None:
    """Read a number written in words or digits.

    Parameters
    ----------
    text : str
        The whole number phrase: "seven", "twenty-one", "1,200", "a dozen", "half a dozen",
        "two hundred", "one hundred and twenty", "2 million".
    lexicon : NumberLexicon, optional
        By default ``loaders/text/numbers.yaml``.

    Returns
    -------
    int or None
        None when ``text`` is not exactly one number (open quantities such as "dozens" and
        ordinals such as "twenty-first" included).
    """
    lex = lexicon or _default_lexicon()
    toks = _tokenize(text)
    parsed = _number(lex, toks, 0)
    if parsed is None or parsed[1] != len(toks):
        return None
    return parsed[0]


# ---------------------------------------------------------------------------------------------
# Counts


@dataclass(frozen=True)
class _Phrase:
    kind: str  # "exact" | "open" | "range" | "reject"
    end: int  # token index after the phrase
    value: int | None = None
    low: int | None = None
    high: int | None = None
    postfix: str | None = None


class _Finder:
    def __init__(self, lex: NumberLexicon, text: str, masks: list[tuple[int, int]]) -> None:
        self.lex = lex
        self.text = text
        self.toks = _tokenize(text)
        self.masks = masks

    def run(self) -> list[Count]:
        out = []
        i = 0
        while i < len(self.toks):
            count, nxt = self.at(i)
            if count is not None:
                out.append(count)
            i = max(nxt, i + 1)
        return out

    # -- checks -------------------------------------------------------------------------------

    def plain(self, s: int, e: int) -> bool:
        """A number on its own: not inside a date, not a year."""
        toks = self.toks
        a, b = toks[s].start, toks[e - 1].end
        if any(a < me and ms < b for ms, me in self.masks):
            return False
        t = toks[s]
        return not (
            e - s == 1
            and t.text.isdigit()
            and len(t.text) == 4
            and self.lex.year_min <= int(t.text) <= self.lex.year_max
        )

    def bounded(self, s: int, e: int) -> bool:
        """Nothing glued to the phrase ``toks[s:e]`` and no age, time or identifier cue."""
        toks, lex = self.toks, self.lex
        if _joined(toks, s) and toks[s - 1].text not in _OPENERS:
            return False  # "F-16", "$20", "No.5"
        if lex.excluded_before.ends_at(toks, s) or lex.excluded_after.match(toks, e):
            return False
        if e < len(toks) and _joined(toks, e):
            t = toks[e]
            if t.kind != "punct" or t.text in "%-–—/+°":
                return False  # "13th", "10am", "20%", "20-year-old", "twenty-first"
            glued = e + 1 < len(toks) and _joined(toks, e + 1)
            if glued and t.text == ":" and toks[e + 1].kind == "num":
                return False  # "10:30"
            if glued and t.text in "'’" and toks[e + 1].kind == "word":
                return False  # "1990's"
        return True

    def noun_after(self, e: int, stopwords: set[str] | frozenset[str] = frozenset()) -> bool:
        toks = self.toks
        if e >= len(toks) or _joined(toks, e) or toks[e].kind != "word":
            return False
        return toks[e].low not in self.lex.function_words and toks[e].low not in stopwords

    # -- phrases ------------------------------------------------------------------------------

    def phrase(self, i: int, start: int) -> _Phrase | None:
        """The number phrase at ``toks[i]`` (open quantity, number, range, postfix)."""
        toks, lex = self.toks, self.lex
        opened = lex.open.match(toks, i)
        if opened is not None:
            (value, needs_of), j = opened
            if needs_of and _low(toks, j) != "of":
                return None
            return _Phrase("open", j, value)
        parsed = _number(lex, toks, i)
        if parsed is None:
            return None
        value, j = parsed
        if not self.plain(i, j):
            return _Phrase("reject", j)
        post = lex.postfix.match(toks, j)
        if post is not None:
            return _Phrase("exact", post[1], value, postfix=post[0])
        if _low(toks, j) in lex.connectors:
            dash = toks[j].kind == "punct"
            second = _number(lex, toks, j + 1)
            if second is not None:
                high, k = second
                ok = self.plain(j + 1, k) and value < high
                if ok and not (_low(toks, start - 1) in lex.range_not_after and not dash):
                    return _Phrase("range", k, low=value, high=high)
                if dash and _joined(toks, j) and _joined(toks, j + 1):
                    return _Phrase("reject", k)  # a score "3-1", "2023-2024"
        return _Phrase("exact", j, value)

    def finish(self, start: int, i: int, ph: _Phrase, qual: tuple[str, Any] | None) -> Count | None:
        """Check the phrase ``toks[start:ph.end]`` (number at ``i``) and build its count."""
        toks, lex = self.toks, self.lex
        if ph.kind == "reject" or not self.bounded(start, ph.end):
            return None
        name = qual[0] if qual else None
        if ph.kind == "range":
            return self.count(start, ph.end, None, "range", ph.low, ph.high)
        if ph.kind == "open":
            return self.count(start, ph.end, ph.value, name or "at_least")
        if qual is not None and qual[1] in lex.needs_noun and not self.noun_after(ph.end):
            return None  # "children under 18 were ..."
        if ph.value == 1 and toks[i].low in ("one", "1"):
            if not self.noun_after(ph.end, lex.one_stopwords):
                return None  # "one of", "one day"
            if _low(toks, i - 1) in lex.one_not_after:
                return None  # "no one", "the one who"
        return self.count(start, ph.end, ph.value, name or ph.postfix or "exact")

    def count(
        self,
        s: int,
        e: int,
        value: int | None,
        qualifier: str,
        low: int | None = None,
        high: int | None = None,
    ) -> Count:
        a, b = self.toks[s].start, self.toks[e - 1].end
        return Count(a, b, self.text[a:b], value, qualifier, low, high, number_end=b)

    def between(self, i: int, start: int) -> tuple[Count | None, int] | None:
        """A range "between X and Y" with "between" at ``toks[i]``; None when it is not one."""
        toks, lex = self.toks, self.lex
        first = _number(lex, toks, i + 1)
        if first is not None and _low(toks, first[1]) != lex.range_and:
            first = _number(lex, toks, i + 1, allow_and=False)
        if first is None or _low(toks, first[1]) != lex.range_and:
            return None
        second = _number(lex, toks, first[1] + 1)
        if second is None:
            return None
        end = second[1]
        if (
            not self.plain(i + 1, first[1])
            or not self.plain(first[1] + 1, end)
            or first[0] >= second[0]
            or not self.bounded(start, end)
        ):
            return None, end
        return self.count(start, end, None, "range", first[0], second[0]), end

    def every(self, i: int) -> tuple[Count | None, int]:
        """ "all" at ``toks[i]``: "all ten people", "all 13", "all members of"."""
        toks, lex = self.toks, self.lex
        if _low(toks, i - 1) in lex.all_not_after:
            return None, i + 1
        j = i + 1
        det = lex.all_determiners.match(toks, j)
        if det is not None:
            j = det[1]
        ph = self.phrase(j, i) if j < len(toks) else None
        if ph is not None and ph.kind == "exact" and ph.postfix is None:
            if not self.bounded(i, ph.end):
                return None, ph.end
            return self.count(i, ph.end, ph.value, "all"), ph.end
        if ph is not None:
            return None, i + 1  # "all dozens of ...": leave the number to the next step
        if j >= len(toks) or _joined(toks, j) or _joined(toks, i + 1):
            return None, i + 1
        word = toks[j].low
        plural = word in lex.all_plurals or (
            len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))
        )
        if (
            toks[j].kind != "word"
            or not plural
            or word in lex.all_stopwords
            or word in lex.function_words
        ):
            return None, i + 1
        return self.count(i, i + 1, None, "all"), i + 1

    def at(self, i: int) -> tuple[Count | None, int]:
        """The count starting at ``toks[i]`` (if any) and where to look next."""
        toks, lex = self.toks, self.lex
        if toks[i].low == lex.between:
            found = self.between(i, i)
            if found is not None:
                return found
        if toks[i].low == lex.all_word:
            return self.every(i)
        qual = lex.qualifiers.match(toks, i)
        if qual is not None:
            (name, key), j = qual
            if _low(toks, j) == lex.between:
                found = self.between(j, i)
                if found is not None:
                    return found
            ph = self.phrase(j, i)
            if ph is not None:
                return self.finish(i, j, ph, (name, key)), ph.end
        ph = self.phrase(i, i)
        if ph is not None:
            return self.finish(i, i, ph, None), ph.end
        return None, i + 1


def find_counts(text: str, *, lexicon: NumberLexicon | None = None) -> list[Count]:
    """Find the count phrases of a text.

    Parameters
    ----------
    text : str
        A sentence or a longer text (offsets are relative to it).
    lexicon : NumberLexicon, optional
        By default ``loaders/text/numbers.yaml``.

    Returns
    -------
    list of Count
        In text order. Numbers that are part of a date (found with
        :func:`kg.load.text.dates.date_spans`), years, ordinals ("13th", "second"), times
        ("10 am", "10:30"), percentages, ages ("aged 18", "20-year-old"), identifiers
        ("Resolution 2719", "F-16"), decimals without a scale word and money ("$20") are
        left out, and so is "one" unless a noun-like word follows it.
    """
    from kg.load.text.dates import date_spans  # dates imports this module

    lex = lexicon or _default_lexicon()
    return _Finder(lex, text, date_spans(text)).run()
