"""The claim model: what every loader produces and every store consumes.

A source becomes an :class:`Extraction`: the :class:`Document`, the :class:`Entity` records it
mentions, relation :class:`Claim` objects, :class:`Event` records with their roles and count
claims, and :class:`Claim` statements (claims of responsibility, denials). Every claim carries
its :class:`Evidence` (sentence text and offsets, or dataset row), the rule that produced it,
who asserted it and a confidence. Names of classes and properties are ontology local names
(``"affiliatedWith"``, ``"Ambush"``); IRIs are strings.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

#: Precision of a date value, from its shape.
_DATE_SHAPES = {
    re.compile(r"^\d{4}-\d{2}-\d{2}$"): "day",
    re.compile(r"^\d{4}-\d{2}$"): "month",
    re.compile(r"^\d{4}$"): "year",
}


def date_precision(value: str) -> str:
    """Return ``"day"``, ``"month"`` or ``"year"`` for a ``YYYY[-MM[-DD]]`` string.

    >>> date_precision("2024-07")
    'month'
    """
    for rx, precision in _DATE_SHAPES.items():
        if rx.match(value):
            return precision
    raise ValueError(f"not a YYYY, YYYY-MM or YYYY-MM-DD date: {value!r}")


def is_date(value: str) -> bool:
    """Whether ``value`` is a real ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` date.

    >>> is_date("2024-02-29"), is_date("2024-13"), is_date("March 2017")
    (True, False, False)
    """
    import datetime as dt

    try:
        precision = date_precision(value)
        if precision == "day":
            dt.date.fromisoformat(value)
        elif precision == "month":
            return 1 <= int(value[5:7]) <= 12
    except ValueError:
        return False
    return True


def slugify(text: str) -> str:
    """Turn a name into the slug used in entity IRIs.

    >>> slugify("Jama'at Nusrat al-Islam wal-Muslimin")
    'jamaat-nusrat-al-islam-wal-muslimin'
    >>> slugify("Tin-Zaouatine")
    'tin-zaouatine'
    >>> slugify("Группа Вагнера")
    'группа-вагнера'
    """
    slug = ascii_slug(text)
    if re.search(r"[a-z]", slug):
        return slug
    # a name in another script (Arabic, Hebrew, Cyrillic...) keeps its letters, and one with
    # no letters at all (emoji) gets a digest: never the same slug for different names
    folded = _fold(text)
    if any(c.isalpha() for c in folded):
        return re.sub(r"[\W_]+", "-", folded).strip("-")
    return slug or (f"x-{short_hash(text, length=10)}" if text.strip() else "x")


def ascii_slug(text: str) -> str:
    """The Latin letters and digits of ``text``, folded and joined by hyphens ("" if none).

    >>> ascii_slug("Côte d'Ivoire"), ascii_slug("حماس")
    ('cote-divoire', '')
    """
    return re.sub(r"[^a-z0-9]+", "-", _fold(text)).strip("-")


def _fold(text: str) -> str:
    if text.isascii():  # nothing to fold
        return text.lower().replace("'", "").replace("`", "")
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"['’`]", "", folded)


def short_hash(*parts: object, length: int = 16) -> str:
    """A stable hex digest of the parts (used for claim and evidence IRIs)."""
    h = hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode())
    return h.hexdigest()[:length]


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a claim was read: a span of a document's text or a dataset row."""

    text: str
    start: int | None = None
    end: int | None = None
    sentence: int | None = None
    row: int | None = None


@dataclass
class Document:
    """A source document: a report, or a dataset file."""

    id: str
    title: str
    date: str | None = None
    path: str | None = None
    text: str = ""
    sha256: str | None = None
    kind: str = "Report"
    source: str | None = None

    @property
    def word_count(self) -> int:
        return len(self.text.split())


@dataclass
class Entity:
    """An actor or place mentioned by a document (or a reference entity)."""

    id: str
    label: str
    type: str
    resolved: bool = True
    mentions: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    wikidata: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    generic: list[str] = field(default_factory=list)  # descriptions ("the junta"), not names

    def add_mention(self, text: str, *, generic: bool = False) -> None:
        if text not in self.mentions:
            self.mentions.append(text)
        if generic and text not in self.generic:
            self.generic.append(text)


@dataclass(slots=True)
class Claim:
    """One fact as a source stated it.

    ``subject`` and ``object`` are IRIs; ``predicate`` is an ontology property local name.
    A count claim has ``value`` (or ``low``/``high``) and a ``qualifier`` instead of an object.
    ``source`` is the entity that asserted the fact (``None``: the document's own voice) and
    ``cited_by`` the outlet that relayed it ("the rebels told Bloomberg").
    """

    subject: str
    predicate: str
    object: str | None = None
    value: Any = None
    qualifier: str | None = None
    low: int | None = None
    high: int | None = None
    count_of: str | None = None
    source: str | None = None
    cited_by: str | None = None
    evidence: Evidence | None = None
    rule: str = ""
    confidence: float = 1.0
    hedge: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    note: str | None = None
    parts: list[Claim] = field(default_factory=list)
    partial: bool = False  # a count of one group among the dead, not the event's total

    def key(self, document_id: str) -> str:
        """A stable identity of this claim within a document (for its IRI)."""
        ev = self.evidence
        return short_hash(
            document_id,
            self.subject,
            self.predicate,
            self.object,
            self.value,
            self.qualifier,
            self.low,
            self.high,
            self.count_of,
            self.source,
            ev.start if ev else None,
            ev.row if ev else None,
            self.rule,
        )


@dataclass(slots=True)
class Participant:
    """An actor's role in an event: perpetrator, target, victim, participant or supporter."""

    entity: str
    role: str
    evidence: Evidence | None = None
    rule: str = ""
    source: str | None = None
    confidence: float = 1.0


@dataclass(slots=True)
class Event:
    """An n-ary event node: type, date with precision, place, roles and count claims."""

    id: str
    type: str
    date: str | None = None
    date_precision: str | None = None
    place: str | None = None
    country: str | None = None
    participants: list[Participant] = field(default_factory=list)
    fatalities: list[Claim] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    rule: str = ""
    source: str | None = None
    confidence: float = 1.0

    def roles(self, role: str) -> list[str]:
        return [p.entity for p in self.participants if p.role == role]

    def add_participant(self, p: Participant) -> None:
        if not any(q.entity == p.entity and q.role == p.role for q in self.participants):
            self.participants.append(p)


@dataclass
class Extraction:
    """Everything one document says, ready for a store."""

    document: Document
    entities: list[Entity] = field(default_factory=list)
    relations: list[Claim] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    statements: list[Claim] = field(default_factory=list)
    #: for datasets, which are streamed rather than held: format, rows read/loaded/skipped
    summary: dict[str, Any] = field(default_factory=dict)

    def entity(self, iri: str) -> Entity | None:
        for e in self.entities:
            if e.id == iri:
                return e
        return None

    def to_json(self) -> dict[str, Any]:
        """The stable JSON contract of ``kg extract --format json``."""

        def ev(e: Evidence | None) -> dict[str, Any] | None:
            if e is None:
                return None
            d = {"text": e.text, "start": e.start, "end": e.end}
            if e.row is not None:
                d["row"] = e.row
            return d

        def count(c: Claim) -> dict[str, Any]:
            d: dict[str, Any] = {
                "value": c.value,
                "qualifier": c.qualifier or "exact",
                "source": c.source,
            }
            for k in ("low", "high", "count_of", "cited_by", "hedge"):
                if getattr(c, k) is not None:
                    d[k] = getattr(c, k)
            if c.partial:
                d["partial"] = True
            if c.parts:
                d["parts"] = [count(p) for p in c.parts]
            d["evidence"] = ev(c.evidence)
            d["rule"] = c.rule
            return d

        doc = self.document
        return {
            "document": {"id": doc.id, "title": doc.title, "date": doc.date, "path": doc.path},
            "entities": [
                {
                    "id": e.id,
                    "label": e.label,
                    "type": e.type,
                    "resolved": e.resolved,
                    "mentions": list(e.mentions),
                }
                for e in self.entities
            ],
            "relations": [
                {
                    "subject": r.subject,
                    "predicate": r.predicate,
                    "object": r.object,
                    "source": r.source,
                    "evidence": ev(r.evidence),
                    "rule": r.rule,
                    "confidence": r.confidence,
                    **({"valid_from": r.valid_from} if r.valid_from else {}),
                    **({"valid_until": r.valid_until} if r.valid_until else {}),
                    **({"hedge": r.hedge} if r.hedge else {}),
                    **({"note": r.note} if r.note else {}),
                }
                for r in self.relations
            ],
            "events": [
                {
                    "id": e.id,
                    "type": e.type,
                    "date": e.date,
                    "date_precision": e.date_precision,
                    "place": e.place,
                    "country": e.country,
                    "participants": [{"entity": p.entity, "role": p.role} for p in e.participants],
                    "fatalities": [count(c) for c in e.fatalities],
                    "evidence": ev(e.evidence[0]) if e.evidence else None,
                    "rule": e.rule,
                }
                for e in self.events
            ],
            "statements": [
                {
                    "by": s.subject,
                    "type": s.predicate,
                    "about": s.object if s.object is not None else s.value,
                    "source": s.source,
                    "evidence": ev(s.evidence),
                    "rule": s.rule,
                }
                for s in self.statements
            ],
        }
