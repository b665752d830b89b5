"""Sentence splitting and tokenisation with character offsets.

>>> [text[a:b] for a, b in split_sentences(text := "Gen. Tiani spoke. He left! Then?")]
['Gen. Tiani spoke.', 'He left!', 'Then?']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.resolve import fold

_ABBREV = {
    "gen",
    "col",
    "lt",
    "maj",
    "capt",
    "sgt",
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "mt",
    "no",
    "vs",
    "etc",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "u.s",
    "u.n",
    "e.g",
    "i.e",
    "approx",
    "est",
    "cmdr",
    "adm",
    "gov",
    "sen",
    "rep",
    "prof",
}
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+|$)|\n\s*\n")
#: longer "sentences" (a run-on text without punctuation, a table flattened into one line)
#: are cut at spaces into pieces this long: the rules' work grows with the square of a
#: sentence's length, and real sentences stay far below it
MAX_SENTENCE_CHARS = 1000
_NEXT_CHAR = re.compile(r"\s*(\S)")
_NON_SPACE = re.compile(r"\S")
_TOKEN = re.compile(r"[^\W_]+(?:['’](?!s\b)[^\W_]+)*|['’]s\b", re.UNICODE)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (paragraph breaks always end one)."""
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if m.group().startswith("."):
            # the word before the period (what r"([\w.]+)\.$" finds in text[start:m.start()+1]),
            # read backwards: not a search from the sentence start, which grows while periods
            # are passed over
            k = m.start()
            while k > start and (text[k - 1] == "." or text[k - 1].isalnum() or text[k - 1] == "_"):
                k -= 1
            word = text[k : m.start()]
            if word and word.lower().rstrip(".") in _ABBREV:
                continue
            if word and len(word) == 1 and word.isupper():
                continue  # an initial: "J. Smith"
        nxt = _NEXT_CHAR.match(text, end)  # not text[end:].lstrip(): a copy per sentence
        if nxt and nxt.group(1).islower() and not m.group().startswith("\n"):
            continue
        if _NON_SPACE.search(text, start, end):
            spans.extend(_capped(text, *_trim(text, start, end)))
        start = end
    if start < n and _NON_SPACE.search(text, start, n):
        spans.extend(_capped(text, *_trim(text, start, n)))
    return spans


def _capped(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """The sentence ``text[a:b]``, cut at spaces into pieces of at most
    :data:`MAX_SENTENCE_CHARS` (a word longer than that is cut where it must)."""
    out: list[tuple[int, int]] = []
    while b - a > MAX_SENTENCE_CHARS:
        cut = a + MAX_SENTENCE_CHARS
        k = cut
        while k > a + MAX_SENTENCE_CHARS // 2 and not text[k].isspace():
            k -= 1
        if text[k].isspace():
            cut = k
        out.append(_trim(text, a, cut))
        a = _trim(text, cut, b)[0]
    if b > a:
        out.append((a, b))
    return out


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    key: str  # folded, lower-cased, apostrophes removed; "s" for a possessive

    @property
    def cap(self) -> bool:
        return self.text[:1].isupper()


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Word tokens of ``text[start:end]`` with absolute offsets (hyphens split words)."""
    out = []
    for m in _TOKEN.finditer(text, start, len(text) if end is None else end):
        t = m.group()
        key = "s" if t in ("'s", "’s") else fold(t).replace("'", "").lower()
        out.append(Token(m.start(), m.end(), t, key))
    return out
