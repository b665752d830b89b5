"""``kg eval-notes``: the report loader on ACLED's own ``notes``, scored against the row.

Every ACLED row carries a short report of its event (the ``notes`` column: "On 23 February
2022, rioters killed a suspected thief in Minakulu (Oyam, Northern). [size=no report]") next
to the fields ACLED coded from it. This module runs the report extractor on each note and
compares the note's main event with the row, field by field. The row is read through the
tabular loader (:class:`kg.load.tabular.TabularLoader` and the file's mapping in
``loaders/``), so the expected values are the very entities, classes and dates that loading
the file produces; nothing here parses ACLED itself.

The rules, field by field (a field the row leaves empty, such as a missing ``actor2``, is not
scored for that row):

- *report date*: the row's publication time (``timestamp``, unix seconds, UTC) when the file
  has one; otherwise the note is read with no report date at all (the event date is the
  answer, and any later date would tell the extractor the year).
- *main event*: among the extracted events, the first (in text order) whose date is the
  note's first absolute date (ACLED notes open with "On <date>,"); if none has that date,
  the first event. A note with no extracted event is wrong on every field but fatalities.
- *date*: the row's date at its precision (``time_precision`` 2 and 3 compare the month and
  the year): the extracted date cut to that precision must be equal.
- *place*: the extracted place is the row's place entity (same IRI) or has the ``location``
  as one of its names (compared folded, word by word, without a last word naming the kind
  of place: "Tenkasi district" counts for Tenkasi, as ACLED codes an area to its town).
- *country*: the same IRI, or a country entity named like the row's ``country``.
- *actor1*, *actor2*: the row's actor as the loader resolves it (reference entity, or the
  entity it makes for an unknown name) is among the event's participants in any role (ACLED's
  two columns are the two sides, not perpetrator and target), by IRI or by one of its names.
  A branch the loader does not know ("Military Forces of Russia (2000-) Air Force") also
  counts as its force when the loader resolves the name before the branch to a reference
  entity (the Russian Armed Forces): the coarser actor is right, as a town is for its
  district.
- *event_type*: the family (``kgo:family``) of the row's class and of the event's class are
  the same, or both violent, as in ``kg eval`` (:func:`kg.evaluate.same_family`).
- *fatalities*: the event's first fatality count (its value, or the low end of a range) is
  the row's number; a row with 0 is right when the event has no count or a count of 0.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import LoaderError
from kg.model import Document, Entity, Event, Extraction, slugify
from kg.resolve import key_tokens

FIELDS = ("date", "place", "country", "actor1", "actor2", "event_type", "fatalities")
#: columns holding a row's publication time (unix seconds), first found wins
PUBLISHED_COLUMNS = ("timestamp",)
_EXCERPT = 160


@dataclass
class Expected:
    """What one row says about its event, as the tabular loader reads it."""

    line: int
    row_id: str
    note: str
    report_date: str | None
    event: Event
    #: field -> names that count as the right answer (besides the IRI in ``event``)
    names: dict[str, list[str]] = field(default_factory=dict)
    #: actor column ("actor1", "actor2") -> the entity IRI its name resolves to
    actors: dict[str, str] = field(default_factory=dict)
    #: actor column -> the reference force a branch the loader does not know belongs to
    parents: dict[str, str] = field(default_factory=dict)
    fatalities: int | None = None


@dataclass
class Tally:
    """Scored rows, correct rows and example misses of one field."""

    scored: int = 0
    correct: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)
    #: actors only: misses where a participant is the right kind of actor ("Protesters")
    #: but of no country or another one (the note seldom names the country)
    kind_only: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.scored if self.scored else 1.0


@dataclass
class NotesResult:
    """What :func:`evaluate_notes` measured."""

    path: str
    format: str
    rows: int = 0
    skipped: int = 0  # rows with an empty note
    no_event: int = 0
    report_dated: int = 0
    words: int = 0
    seconds: float = 0.0  # extraction only
    fields: dict[str, Tally] = field(default_factory=lambda: {f: Tally() for f in FIELDS})

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "rows": self.rows,
            "skipped_empty_notes": self.skipped,
            "rows_without_event": self.no_event,
            "rows_with_report_date": self.report_dated,
            "words": self.words,
            "extraction_seconds": round(self.seconds, 3),
            "words_per_second": round(self.words / self.seconds) if self.seconds else None,
            "fields": {
                f: {
                    "scored": t.scored,
                    "correct": t.correct,
                    "accuracy": round(t.accuracy, 4),
                    **({"kind_only": t.kind_only} if f.startswith("actor") else {}),
                    "misses": t.misses,
                }
                for f, t in self.fields.items()
            },
        }


# -- reading the rows -----------------------------------------------------------------------
def _acled_mapping(path: Path) -> Any:
    from kg.load.tabular import detect, mappings

    if not path.exists():
        raise LoaderError("no such file", path=str(path))
    if path.is_dir():
        raise LoaderError("is a folder, not an ACLED CSV file", path=str(path))
    m = detect(path)
    acled = sorted(n for n, mp in mappings().items() if mp.publisher == "acled")
    if m is None or m.publisher != "acled":
        what = f"a {m.name} file" if m is not None else "not a recognised dataset file"
        raise LoaderError(
            f"{what}; eval-notes reads ACLED exports ({', '.join(acled)}: a header with "
            "event_id_cnty, event_date, sub_event_type, actor1, actor2, fatalities and notes)",
            path=str(path),
        )
    if not m.event.get("evidence"):
        raise LoaderError(f"mapping {m.name} names no notes column", path=str(path))
    return m


def read_expected(
    path: str | Path, *, limit: int | None = None, mapping: Any = None
) -> Iterator[Expected]:
    """The rows of an ACLED file as :class:`Expected` records, streamed.

    Raises :class:`LoaderError` (with the file and line) for a file that is not an ACLED
    export, has no notes column, or has a broken row.
    """
    from kg.load.tabular import TabularLoader, read_header

    p = Path(path)
    m = mapping or _acled_mapping(p)
    notes_col = m.event["evidence"]
    header = read_header(p, m.delimiter)
    if notes_col not in header:
        raise LoaderError(
            f"has no {notes_col!r} column: eval-notes needs each row's note", path=str(p), line=1
        )
    published = next((c for c in PUBLISHED_COLUMNS if c in header), None)
    loader = TabularLoader(m)
    o = loader.o
    doc = Document(id=o.entity_iri("doc", slugify(f"eval-notes-{p.stem}")), title=p.name)
    n = 0
    for line, row in loader.rows(p):
        if "__error__" in row:
            raise LoaderError(row["__error__"], path=str(p), line=line)
        if limit is not None and n >= limit:
            return
        n += 1
        try:
            ev = loader.row_event(doc, line, row)
        except ValueError as e:
            raise LoaderError(str(e), path=str(p), line=line) from None
        exp = Expected(
            line=line,
            row_id=ev.id.rsplit("/", 1)[-1],
            note=(row.get(notes_col) or "").strip(),
            report_date=_published(row.get(published or "")) if published else None,
            event=ev,
        )
        place = m.event.get("place") or {}
        exp.names["place"] = [_clean(row.get(place.get("name", "")))]
        exp.names["country"] = [_clean(row.get(place.get("country", "")))]
        for k, a in enumerate(m.actors[:2], 1):
            name = _clean(row.get(a["column"]))
            if not name:
                continue
            # the loader's own resolution of the column's name (reference entity, fuzzy
            # match, or the entity it makes for an unknown name)
            code = row.get(a.get("type_code", ""), "")
            iri = loader._actor(name, code)
            exp.actors[f"actor{k}"] = iri
            names = [name]
            ent = loader._entities.get(iri)
            if ent is not None:
                names.append(ent.label)
            exp.names[f"actor{k}"] = names
            # "Military Forces of Russia (2000-) Air Force": a branch the loader does not know
            # counts for the force it belongs to, when the loader knows that one
            branch = _BRANCH.match(name)
            if branch and ent is not None:
                parent = loader._actor(branch.group(1), code)
                if parent.rsplit("/", 1)[-1] in loader.r.ref.entities:
                    exp.parents[f"actor{k}"] = parent
        if ev.fatalities:
            exp.fatalities = ev.fatalities[0].value
        yield exp


_BRANCH = re.compile(r"^(.+? \(\d{4}-(?:\d{4})?\)) \S.*$")


def _clean(v: str | None) -> str:
    v = (v or "").strip()
    return "" if v.upper() == "NA" else v


def _published(v: str | None) -> str | None:
    """A unix time (seconds) as its UTC date, or None when empty or not a number."""
    try:
        secs = float((v or "").strip())
    except ValueError:
        return None
    try:
        return dt.datetime.fromtimestamp(secs, tz=dt.UTC).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return None


# -- scoring one row ------------------------------------------------------------------------
def main_event(ex: Extraction, note: str, report_date: str | None) -> Event | None:
    """The note's main event: the first whose date is the note's first absolute date, or
    the first event."""
    if not ex.events:
        return None
    from kg.load.text.dates import find_dates

    rd = dt.date.fromisoformat(report_date) if report_date else None
    first = next(
        (d.value for d in find_dates(note[:200], rd) if d.relation == "absolute" and d.value),
        None,
    )
    if first:
        for ev in ex.events:
            if ev.date == first:
                return ev
    return ex.events[0]


#: words naming the kind of a place ("Tenkasi district", "Salem city"): a place so named
#: counts for the location of that name (ACLED codes an area to its main town)
_PLACE_WORDS = {
    "area",
    "city",
    "commune",
    "county",
    "department",
    "district",
    "governorate",
    "locality",
    "municipality",
    "neighborhood",
    "neighbourhood",
    "oblast",
    "province",
    "raion",
    "rayon",
    "region",
    "state",
    "sub",
    "subcounty",
    "subdistrict",
    "tehsil",
    "town",
    "township",
    "village",
}


def _keys(names: list[str], *, place: bool = False) -> set[tuple[str, ...]]:
    out = set()
    for n in names:
        k = key_tokens(n)
        if k and k[0] == "the":
            k = k[1:]
        while place and len(k) > 1 and k[-1] in _PLACE_WORDS:
            k = k[:-1]
        if k:
            out.add(k)
    return out


def _entity_keys(ent: Entity | None, *, place: bool = False) -> set[tuple[str, ...]]:
    if ent is None:
        return set()
    return _keys([ent.label, *ent.mentions], place=place)


_QUALIFIER = re.compile(r"\s*\([^()]*\)$")
_OF_COUNTRY = re.compile(r"^((?:Military|Police) Forces)\s+of\s+(?:the\s+)?[A-Z][\w' -]*$")


def actor_kind(name: str) -> str:
    """The kind of a dataset-style actor name, without its country: "Protesters (Uganda)",
    "Military Forces of Mali (2021-)" -> "Protesters", "Military Forces"."""
    return _OF_COUNTRY.sub(r"\1", _QUALIFIER.sub("", _QUALIFIER.sub("", name.strip())))


def kind_only(exp: Expected, ex: Extraction, ev: Event | None, fld: str) -> bool:
    """Whether the event has the row's actor's kind, of another country or of none."""
    if ev is None or not exp.names.get(fld):
        return False
    want = key_tokens(actor_kind(exp.names[fld][0]))
    ents = {e.id: e for e in ex.entities}
    return bool(want) and any(
        key_tokens(actor_kind(ents[p.entity].label)) == want
        for p in ev.participants
        if p.entity in ents
    )


def score_row(exp: Expected, ex: Extraction, ev: Event | None) -> dict[str, tuple[bool, str, str]]:
    """Field -> (correct, expected, got) for the fields the row fills."""
    from kg.evaluate import same_family
    from kg.ontology import ontology

    o = ontology()
    ents = {e.id: e for e in ex.entities}
    row = exp.event
    out: dict[str, tuple[bool, str, str]] = {}

    def label(iri: str | None) -> str:
        if not iri:
            return "-"
        e = ents.get(iri)
        return e.label if e else iri.rsplit("/", 1)[-1]

    # date
    if row.date:
        got = ev.date if ev and ev.date else None
        ok = got is not None and len(got) >= len(row.date) and got[: len(row.date)] == row.date
        out["date"] = (ok, row.date, got or "-")
    # place and country: same IRI, or named alike
    for fld, want_iri, got_iri in (
        ("place", row.place, ev.place if ev else None),
        ("country", row.country, ev.country if ev else None),
    ):
        names = [n for n in exp.names.get(fld, []) if n]
        if not names and not want_iri:
            continue
        ok = bool(got_iri) and (
            got_iri == want_iri
            or bool(_keys(names, place=True) & _entity_keys(ents.get(got_iri or ""), place=True))
        )
        out[fld] = (ok, names[0] if names else label(want_iri), label(got_iri))
    # actors: any participant, by IRI or by name
    parts = [p.entity for p in ev.participants] if ev else []
    got_actors = "; ".join(dict.fromkeys(label(p) for p in parts)) or "-"
    for fld in ("actor1", "actor2"):
        want = exp.actors.get(fld)
        if not want:
            continue
        keys = _keys(exp.names.get(fld, []))
        ok = (
            want in parts
            or exp.parents.get(fld) in parts
            or any(keys & _entity_keys(ents.get(p)) for p in parts)
        )
        out[fld] = (ok, exp.names[fld][0], got_actors)
    # event type family
    want_fam = o.family(row.type) or "other"
    got_fam = (o.family(ev.type) or "other") if ev else None
    out["event_type"] = (
        got_fam is not None and same_family(want_fam, got_fam),
        f"{want_fam} ({row.type})",
        f"{got_fam} ({ev.type})" if ev else "-",
    )
    # fatalities
    if exp.fatalities is not None:
        count = _count(ev)
        ok = count == exp.fatalities or (exp.fatalities == 0 and count is None)
        out["fatalities"] = (ok, str(exp.fatalities), "-" if count is None else str(count))
    return out


def _count(ev: Event | None) -> int | None:
    if ev is None:
        return None
    for c in ev.fatalities:
        if c.value is not None:
            return int(c.value)
        if c.low is not None:
            return int(c.low)
    return None


# -- the file -------------------------------------------------------------------------------
def evaluate_notes(
    path: str | Path,
    *,
    limit: int | None = None,
    misses: int = 0,
    progress: Callable[[str], None] | None = None,
) -> NotesResult:
    """Run the report extractor on every note of an ACLED file and score it (see the module
    docstring for the rules). ``misses`` example misses are kept per field."""
    from kg.load.text.extract import ReportExtractor

    p = Path(path)
    m = _acled_mapping(p)
    extractor = ReportExtractor(register="notes")
    res = NotesResult(path=str(p), format=m.name)
    for exp in read_expected(p, limit=limit, mapping=m):
        res.rows += 1
        if not exp.note:
            res.skipped += 1
            continue
        if exp.report_date:
            res.report_dated += 1
        doc = Document(
            id=exp.event.id.replace("/event/", "/doc/") + "-note",
            title=f"ACLED note {exp.row_id}",
            date=exp.report_date,
            text=exp.note,
            kind="Report",
        )
        t0 = time.perf_counter()
        ex = extractor.extract(doc)
        res.seconds += time.perf_counter() - t0
        res.words += len(exp.note.split())
        ev = main_event(ex, exp.note, exp.report_date)
        if ev is None:
            res.no_event += 1
        for fld, (ok, want, got) in score_row(exp, ex, ev).items():
            t = res.fields[fld]
            t.scored += 1
            if ok:
                t.correct += 1
                continue
            kind = fld.startswith("actor") and kind_only(exp, ex, ev, fld)
            t.kind_only += kind
            if len(t.misses) < misses:
                miss = {
                    "row": exp.row_id,
                    "line": exp.line,
                    "expected": want,
                    "got": got,
                    "note": _excerpt(exp.note),
                }
                if kind:
                    miss["kind_only"] = True
                t.misses.append(miss)
        if progress and res.rows % 1000 == 0:
            progress(f"{p}: {res.rows:,} notes scored")
    return res


def _excerpt(note: str) -> str:
    note = re.sub(r"\s+", " ", note)
    return note if len(note) <= _EXCERPT else note[: _EXCERPT - 1] + "…"


def render(res: NotesResult, *, misses: int = 0) -> str:
    """The accuracy table (and the example misses) as text."""
    lines = [f"{res.path} ({res.format}): {res.rows:,} rows"]
    extra = []
    if res.skipped:
        extra.append(f"{res.skipped:,} with an empty note skipped")
    extra.append(f"{res.no_event:,} notes gave no event")
    if res.report_dated < res.rows - res.skipped:
        extra.append(f"{res.rows - res.skipped - res.report_dated:,} read without a report date")
    lines.append("  " + "; ".join(extra))
    if res.seconds:
        lines.append(
            f"  extraction: {res.words:,} words in {res.seconds:.1f} s "
            f"({res.words / res.seconds:,.0f} words/s)"
        )
    lines.append("")
    lines.append(f"{'field':<11} {'scored':>7} {'correct':>7} {'accuracy':>8}")
    lines.append(f"{'-' * 11} {'-' * 7} {'-' * 7} {'-' * 8}")
    for f, t in res.fields.items():
        lines.append(f"{f:<11} {t.scored:>7} {t.correct:>7} {t.accuracy:>8.3f}")
    for f in ("actor1", "actor2"):
        t = res.fields[f]
        if t.kind_only:
            lines.append(
                f"  {f}: {t.kind_only:,} of the misses have the right kind of actor "
                "(Protesters, Civilians...) but not its country, which notes seldom name"
            )
    if misses:
        for f, t in res.fields.items():
            if not t.misses:
                continue
            lines.append("")
            lines.append(f"== misses: {f}")
            for m in t.misses:
                lines.append(
                    f"  {m['row']} (line {m['line']}): expected {m['expected']!r}, got {m['got']!r}"
                )
                lines.append(f"      {m['note']}")
    return "\n".join(lines)


def parse_thresholds(values: tuple[str, ...] | list[str]) -> dict[str, float]:
    """``FIELD=VALUE`` pairs (``date=0.97``) as a dict; ValueError says what is wrong."""
    out: dict[str, float] = {}
    for v in values:
        name, sep, num = v.partition("=")
        name = name.strip()
        if not sep or name not in FIELDS:
            raise ValueError(f"{v!r}: expected FIELD=VALUE with FIELD one of {', '.join(FIELDS)}")
        try:
            x = float(num)
        except ValueError:
            raise ValueError(f"{v!r}: {num!r} is not a number") from None
        if not 0 <= x <= 1:
            raise ValueError(f"{v!r}: the threshold is an accuracy between 0 and 1")
        out[name] = x
    return out


def below(res: NotesResult, thresholds: dict[str, float]) -> list[str]:
    """The fields whose accuracy is under their threshold, described."""
    return [
        f"{f} {res.fields[f].accuracy:.3f} < {x}"
        for f, x in thresholds.items()
        if res.fields[f].accuracy < x
    ]


__all__ = [
    "FIELDS",
    "Expected",
    "NotesResult",
    "Tally",
    "below",
    "evaluate_notes",
    "main_event",
    "parse_thresholds",
    "read_expected",
    "render",
    "score_row",
]
