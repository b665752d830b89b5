"""Mention -> canonical entity.

The resolver indexes every reference entity by its label and aliases (folded: accents, case,
apostrophes and hyphens do not matter; short all-caps acronyms such as ``CSP`` must match
their case) and by the demonyms of states. Loaders ask it which entity a name denotes; names it
does not know become new, unresolved entities with IRIs from their slug.

>>> r = default_resolver()
>>> r.lookup("al Qaeda").label
'al-Qaeda'
>>> r.lookup("Tinzaouaten").id.endswith("place/tin-zaouatine")
True
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from kg.model import Entity
from kg.reference import Reference, reference

_APOS = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "–": "-", "—": "-", "‐": "-"})
_WORD_RX = re.compile(r"[^\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Fold accents and unify apostrophes and dashes (keeps case)."""
    if text.isascii():  # nothing to fold (most dataset names): skip the Unicode work
        return text.replace("`", "'")
    text = unicodedata.normalize("NFKD", text.translate(_APOS))
    return "".join(c for c in text if not unicodedata.combining(c))


def key_tokens(name: str) -> tuple[str, ...]:
    """The matching key of a name: folded, lower-cased words; apostrophes join, hyphens split.

    >>> key_tokens("Jama’at Nusrat al-Islam")
    ('jamaat', 'nusrat', 'al', 'islam')
    """
    s = re.sub(r"'s\b", " s", fold(name)).replace("'", "").lower()
    return tuple(_WORD_RX.findall(s))


def is_acronym(alias: str) -> bool:
    """Short names with two or more capitals (JNIM, CSP, FAMa) are matched case-sensitively."""
    return " " not in alias and len(alias) <= 6 and sum(c.isupper() for c in alias) >= 2


@dataclass
class Resolver:
    """Alias index over the reference entities."""

    ref: Reference
    by_key: dict[tuple[str, ...], str] = field(default_factory=dict)
    acronyms: dict[str, str] = field(default_factory=dict)
    demonym_keys: dict[str, str] = field(default_factory=dict)
    ambiguous: dict[tuple[str, ...] | str, set[str]] = field(default_factory=dict)
    max_tokens: int = 1
    _choices: tuple[list[str], list[str], list[int]] | None = None

    def __post_init__(self) -> None:
        for eid, ent in self.ref.entities.items():
            for name in [ent.label, *ent.aliases]:
                if is_acronym(name):
                    self._add(self.acronyms, fold(name), eid)
                    continue
                tokens = key_tokens(name)
                if tokens:
                    self._add(self.by_key, tokens, eid)
        for amb in self.ambiguous:
            if isinstance(amb, tuple):
                self.by_key.pop(amb, None)
            else:
                self.acronyms.pop(amb, None)
        self.max_tokens = max((len(k) for k in self.by_key), default=1)
        for dem, eid in self.ref.demonyms.items():
            k = fold(dem).lower()
            self.demonym_keys[k] = eid
            if not k.endswith("s"):
                self.demonym_keys[k + "s"] = eid

    def _add(self, table: dict, key: object, eid: str) -> None:
        prev = table.get(key)
        if prev is not None and prev != eid:
            self.ambiguous.setdefault(key, {prev}).add(eid)  # type: ignore[arg-type]
        else:
            table[key] = eid

    def entity(self, eid: str) -> Entity:
        return self.ref.entities[eid]

    def lookup(self, name: str) -> Entity | None:
        """The reference entity a name denotes, or None."""
        name = name.strip().strip("\"'“”‘’")
        if is_acronym(name) and fold(name) in self.acronyms:
            return self.ref.entities[self.acronyms[fold(name)]]
        key = key_tokens(name)
        if key and key[0] == "the":
            key = key[1:]
        eid = self.by_key.get(key)
        return self.ref.entities[eid] if eid else None

    def lookup_id(self, name: str) -> str | None:
        """Like :meth:`lookup` but returns the reference id (slug)."""
        e = self.lookup(name)
        if e is None:
            return None
        return e.id.rsplit("/", 1)[-1]

    def lookup_fuzzy(self, name: str, *, threshold: float = 92.0) -> tuple[Entity, float] | None:
        """The reference entity whose label or alias is closest to ``name`` (token-sorted
        similarity, 0-100) when the best score reaches ``threshold``; exact matches first."""
        exact = self.lookup(name)
        if exact is not None:
            return exact, 100.0
        from rapidfuzz import fuzz, process

        # token-sort similarity: plain similarity of the sorted words, choices sorted once
        key = " ".join(sorted(key_tokens(name)))
        if not key:
            return None
        keys, ids, lengths = self._fuzzy_choices()
        # fuzz.ratio is 200 * matches / (len(a) + len(b)) and matches <= the shorter length,
        # so only keys whose length is within this window can reach the threshold (choices
        # are sorted by length: the window is a slice, and nothing outside it is lost)
        t = threshold / 100
        n = len(key)
        lo = bisect.bisect_left(lengths, math.ceil(n * t / (2 - t) - 1e-9))
        hi = bisect.bisect_right(lengths, math.floor(n * (2 - t) / t + 1e-9))
        if lo >= hi:
            return None
        best = process.extractOne(
            key, keys[lo:hi], scorer=fuzz.ratio, processor=None, score_cutoff=threshold
        )
        if best is None:
            return None
        return self.ref.entities[ids[lo + best[2]]], float(best[1])

    def _fuzzy_choices(self) -> tuple[list[str], list[str], list[int]]:
        if self._choices is None:
            pairs = {" ".join(sorted(k)): eid for k, eid in self.by_key.items() if len(k) > 1}
            ordered = sorted(pairs.items(), key=lambda kv: (len(kv[0]), kv[0]))
            self._choices = (
                [k for k, _ in ordered],
                [eid for _, eid in ordered],
                [len(k) for k, _ in ordered],
            )
        return self._choices

    def demonym(self, word: str) -> Entity | None:
        """The state a demonym denotes ("Malian", "Russians"), or None."""
        eid = self.demonym_keys.get(fold(word).lower())
        return self.ref.entities[eid] if eid else None


@cache
def default_resolver() -> Resolver:
    """A resolver over the project's reference entities (cached)."""
    return Resolver(reference())
