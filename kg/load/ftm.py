"""FollowTheMoney (FtM) JSON lines -> claims.

One FtM entity per line (``{"id", "schema", "properties"}``), as OpenSanctions and Aleph export
them. The file becomes one :class:`~kg.model.Extraction` whose document is the file (a
``Dataset``); every claim's evidence is the line number (``kgo:rowNumber``) with a short text.

The file is streamed, one line in memory at a time, in two passes: the legal entities first
(each resolved as it is read), then the relations, sanctions and events, found again by the
byte offsets noted in the first pass, so that a relation may come before the entities it links.
Between the passes only the FtM id -> IRI map and those offsets are kept; memory grows with the
extraction, not with the file (``tests/test_ftm_stream.py``: 200,000 lines, 10 MB).

==================================  ===========================================================
FtM schema                          becomes
==================================  ===========================================================
``Person``                          ``Person``
``Company``                         ``Company``
``PublicBody``                      ``GovernmentBody``
``Organization``, ``LegalEntity``   ``Organization``
``Membership``                      ``member kgo:memberOf organization``
``Employment``                      ``employee kgo:memberOf employer`` (note "employment")
``Ownership``                       ``owner kgo:ownerOf asset``
``Directorship``                    ``director kgo:directorOf organization``
``UnknownLink``                     ``subject kgo:<p> object`` when its ``role`` is the label of
                                    an ontology property ("affiliated with"), as
                                    :func:`kg.export_formats.export_ftm` writes it
``Sanction``                        ``authority kgo:sanctioned entity``: the authority is the
                                    first ``authority`` text (a reference entity if it names
                                    one, else an unresolved ``GovernmentBody`` of that name),
                                    else the sanctioning country; ``validFrom`` is the
                                    ``startDate`` (else the ``listingDate``), ``validUntil`` the
                                    ``endDate``, the note the ``program``
``Event``                           an event (``OtherEvent`` unless its name or keywords name
                                    an event class, e.g. "Arrest"), with its ``involved`` and
                                    ``organizer`` entities as participants, ``date`` (or
                                    ``startDate``), ``location`` and ``country``
anything else                       skipped and counted (``Address``, ``Family``...)
==================================  ===========================================================

Interval records (ownership, directorship...) take ``startDate``/``endDate`` as validity.
Names resolve to reference entities first (the caption, then the other names, only to an
entity of a compatible class), else become unresolved entities with IRIs from the caption's
slug. Each entity's FtM id is kept as a ``kgo:ftmId`` claim. A relation whose ends are not
entities of the file is skipped and counted. A line that is not a JSON object with an
``id``, a known ``schema`` and ``properties`` is a :class:`~kg.errors.LoaderError` naming the
file and the line.
"""

from __future__ import annotations

import json
import re
from array import array
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.errors import LoaderError
from kg.load.stix import EntityTable, file_sha256, iso_date, property_from_description
from kg.model import (
    Claim,
    Document,
    Entity,
    Event,
    Evidence,
    Extraction,
    Participant,
    slugify,
)
from kg.ontology import ontology
from kg.resolve import Resolver, default_resolver

#: FtM schema -> ontology class, most specific first (a schema takes the first it is a kind of).
ENTITY_CLASSES = (
    ("PublicBody", "GovernmentBody"),
    ("Company", "Company"),
    ("Person", "Person"),
    ("Organization", "Organization"),
    ("LegalEntity", "Organization"),
)
#: FtM relation schema -> (subject property, object property, ontology property).
RELATION_SCHEMATA: dict[str, tuple[str, str, str | None]] = {
    "Membership": ("member", "organization", "memberOf"),
    "Employment": ("employee", "employer", "memberOf"),
    "Ownership": ("owner", "asset", "ownerOf"),
    "Directorship": ("director", "organization", "directorOf"),
    "UnknownLink": ("subject", "object", None),  # only when its role names a property
}
_NAME_PROPS = ("name", "alias", "previousName")


def _ftm(path: Path) -> tuple[Any, type[Exception]]:
    """The followthemoney model and its exception class."""
    try:
        from followthemoney import model
        from followthemoney.exc import FollowTheMoneyException
    except ImportError:
        raise LoaderError(
            "reading FtM needs the followthemoney package: pip install 'followthemoney>=4.11,<5'",
            path=str(path),
        ) from None
    return model, FollowTheMoneyException


def _proxy(ftm: tuple[Any, type[Exception]], path: Path, lineno: int, raw: bytes) -> Any:
    """One line as an FtM entity proxy; a malformed line raises :class:`LoaderError`."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise LoaderError(f"is not UTF-8 text: {e.reason}", path=str(path), line=lineno) from None
    except json.JSONDecodeError as e:
        raise LoaderError(
            f"invalid JSON at column {e.colno}: {e.msg} (FtM files hold one JSON entity per line)",
            path=str(path),
            line=lineno,
        ) from None
    if not (
        type(data) is dict
        and "schema" in data
        and type(data.get("properties")) is dict
        and data.get("id")
        and type(data["id"]) is str
    ):
        _malformed(data, path, lineno)
    try:
        return ftm[0].get_proxy(data)
    except (ftm[1], TypeError, ValueError) as e:
        raise LoaderError(
            f"not an FtM entity: {e} (schema {data.get('schema')!r})",
            path=str(path),
            line=lineno,
        ) from None


def _malformed(data: Any, path: Path, lineno: int) -> None:
    """Raise what is wrong with a line that is not an FtM entity's JSON object."""
    if not isinstance(data, dict):
        raise LoaderError("an FtM line is a JSON object", path=str(path), line=lineno)
    missing = [k for k in ("id", "schema", "properties") if k not in data]
    if missing or not isinstance(data.get("properties"), dict):
        raise LoaderError(
            f"an FtM entity needs id, schema and properties (missing: "
            f"{', '.join(missing) or 'properties as an object'})",
            path=str(path),
            line=lineno,
        )
    if not data["id"] or not isinstance(data["id"], str):
        raise LoaderError("the entity id is empty", path=str(path), line=lineno)


def _scan(path: Path) -> Iterator[tuple[int, int, Any]]:
    """(line number, byte offset, proxy) of every entity line of the file, one at a time;
    blank lines are passed over and the first malformed line raises :class:`LoaderError`."""
    ftm = _ftm(path)
    try:
        fh = path.open("rb")
    except OSError as e:
        raise LoaderError(f"cannot read: {e.strerror or e}", path=str(path)) from e
    with fh:
        offset = 0
        for lineno, raw in enumerate(fh, start=1):
            here, offset = offset, offset + len(raw)
            if raw.strip():
                yield lineno, here, _proxy(ftm, path, lineno, raw)


def _reread(path: Path, lines: array[int], offsets: array[int]) -> Iterator[tuple[int, Any]]:
    """(line number, proxy) of the lines at these byte offsets, read again."""
    ftm = _ftm(path)
    try:
        fh = path.open("rb")
    except OSError as e:
        raise LoaderError(f"cannot read: {e.strerror or e}", path=str(path)) from e
    with fh:
        for lineno, offset in zip(lines, offsets, strict=True):
            fh.seek(offset)
            try:
                proxy = _proxy(ftm, path, lineno, fh.readline())
            except LoaderError:
                raise LoaderError(
                    "changed while it was read: the line is no longer the FtM entity it was",
                    path=str(path),
                    line=lineno,
                ) from None
            yield lineno, proxy


def _stem(path: Path) -> str:
    """The file name without its ``.json``/``.jsonl``/``.ndjson`` and ``.ftm`` suffixes."""
    name = path.name
    for suffix in (".json", ".jsonl", ".ndjson", ".ftm"):
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    return name


def _first_date(proxy: Any, *props: str) -> str | None:
    """The earliest valid date among the values of the first property that has one."""
    for prop in props:
        if prop not in proxy.schema.properties:
            continue
        dates = sorted(d for d in (iso_date(v) for v in proxy.get(prop)) if d)
        if dates:
            return dates[0]
    return None


def _names(proxy: Any) -> list[str]:
    names = [str(proxy.caption)] if proxy.caption else []
    for prop in _NAME_PROPS:
        if prop in proxy.schema.properties:
            names.extend(proxy.get(prop))
    return list(dict.fromkeys(n.strip() for n in names if n and n.strip()))


class FtmReader:
    """One FtM JSON-lines file -> one extraction (see the module docstring)."""

    def __init__(self, resolver: Resolver | None = None):
        self.r = resolver or default_resolver()
        self.o = ontology()
        self._states: dict[str, str | None] = {}  # country code -> state IRI, per file
        self._classes: dict[str, str | None] = {}  # FtM schema -> ontology class
        self._event_patterns: dict[str, re.Pattern[str]] | None = None

    def read(self, path: Path) -> Extraction:
        """The file in two passes over its lines, one line in memory at a time: the legal
        entities first (a relation may come before the entities it links), then the other
        lines, found again by their byte offsets. Between the passes only the FtM id -> IRI
        map and the offsets of the lines left for the second pass are kept."""
        o = self.o
        doc = Document(
            id=o.entity_iri("doc", slugify("ftm-" + _stem(path))),
            title=f"FollowTheMoney entities: {path.name}",
            path=str(path),
            sha256=file_sha256(path),
            kind="Dataset",
        )
        table = EntityTable(self.r, o)
        self._states = {}
        iris: dict[str, str] = {}
        loaded: Counter[str] = Counter()
        skipped: Counter[str] = Counter()
        relations: list[Claim] = []
        events: list[Event] = []
        later_lines, later_offsets = array("q"), array("q")
        rows = 0

        # pass 1: legal entities (relations may come before the entities they link)
        for lineno, offset, p in _scan(path):
            rows += 1
            cls = self._class(p.schema)
            if cls is None:
                if self._later(p.schema):
                    later_lines.append(lineno)
                    later_offsets.append(offset)
                else:  # nothing to read from it: not read again
                    skipped[p.schema.name] += 1
                continue
            names = _names(p)
            iri = table.get(names, cls, fallback=p.id)
            ent = table.entities[iri]
            if not ent.resolved:
                self._details(ent, p, table)
            iris[p.id] = iri
            loaded[p.schema.name] += 1
            relations.append(
                Claim(
                    subject=iri,
                    predicate="ftmId",
                    value=p.id,
                    evidence=Evidence(text=f"FtM {p.schema.name} {p.caption}", row=lineno),
                    rule=f"ftm.id.{p.schema.name}",
                )
            )

        # pass 2: relations and events
        rel_skipped: Counter[str] = Counter()
        for lineno, p in _reread(path, later_lines, later_offsets):
            name = p.schema.name
            if name in RELATION_SCHEMATA:
                claim = self._relation(p, lineno, iris, table)
            elif p.schema.is_a("Sanction"):
                claim = self._sanction(p, lineno, iris, table)
            else:  # an Event (see _later)
                event = self._event(p, lineno, iris, table)
                events.append(event)
                relations.append(
                    Claim(
                        subject=event.id,
                        predicate="ftmId",
                        value=p.id,
                        evidence=event.evidence[0],
                        rule="ftm.id.Event",
                    )
                )
                loaded[name] += 1
                continue
            if claim is None:
                rel_skipped[f"{name} (an end is not an entity of the file, or no property)"] += 1
                continue
            relations.append(claim)
            loaded[name] += 1
        summary: dict[str, Any] = {
            "format": "ftm",
            "rows": rows,
            "loaded": dict(sorted(loaded.items())),
            "skipped": dict(sorted(skipped.items())),
            "relations_skipped": dict(sorted(rel_skipped.items())),
            "entities": len(table.entities),
            "resolved": sum(1 for e in table.entities.values() if e.resolved),
        }
        return Extraction(
            document=doc,
            entities=list(table.entities.values()),
            relations=relations,
            events=events,
            summary=summary,
        )

    def _class(self, schema: Any) -> str | None:
        """The ontology class of an FtM schema of legal entities, else None."""
        name = schema.name
        if name not in self._classes:
            self._classes[name] = next(
                (cls for ftm, cls in ENTITY_CLASSES if schema.is_a(ftm)), None
            )
        return self._classes[name]

    @staticmethod
    def _later(schema: Any) -> bool:
        """Whether lines of this schema are read in the second pass (relations, events)."""
        return bool(
            schema.name in RELATION_SCHEMATA or schema.is_a("Sanction") or schema.is_a("Event")
        )

    def _details(self, ent: Entity, p: Any, table: EntityTable) -> None:
        """Country, Wikidata id and existence dates of a new (unresolved) entity; what an
        earlier record of the same entity gave is kept."""
        for prop in ("country", "jurisdiction", "nationality", "citizenship"):
            if ent.country is None and prop in p.schema.properties and p.get(prop):
                ent.country = self._state(p.get(prop)[0], table)
        if ent.wikidata is None and "wikidataId" in p.schema.properties:
            ent.wikidata = next((q for q in p.get("wikidataId") if q.startswith("Q")), None)
        ent.valid_from = ent.valid_from or _first_date(p, "incorporationDate", "birthDate")
        ent.valid_until = ent.valid_until or _first_date(p, "dissolutionDate", "deathDate")

    def _state(self, code: str, table: EntityTable) -> str | None:
        """The reference state an FtM country code names, if the reference knows it (each
        code looked up once per file)."""
        if code in self._states:
            return self._states[code]
        from followthemoney.types import registry

        name = registry.country.names.get(code.lower())
        ref = self.r.lookup(name) if name else None
        found = table.keep(ref) if ref is not None and ref.type == "State" else None
        self._states[code] = found
        return found

    def _interval(self, p: Any) -> tuple[str | None, str | None]:
        return _first_date(p, "startDate"), _first_date(p, "endDate")

    def _relation(
        self, p: Any, line: int, iris: dict[str, str], table: EntityTable
    ) -> Claim | None:
        sprop, oprop, pred = RELATION_SCHEMATA[p.schema.name]
        link = pred is None
        if pred is None:  # an UnknownLink whose role names an ontology property
            roles = [property_from_description(r, self.o) for r in p.get("role")]
            pred = next((r for r in roles if r), None)
            if pred is None:
                return None
        subj = next((iris[v] for v in p.get(sprop) if v in iris), None)
        obj = next((iris[v] for v in p.get(oprop) if v in iris), None)
        if subj is None or obj is None:
            return None
        start, end = self._interval(p)
        notes = []
        if p.schema.name == "Employment":
            notes.append("employment")
        for prop in ("role", "percentage", "status"):
            if prop in p.schema.properties and p.get(prop) and not (link and prop == "role"):
                notes.append(f"{prop}: {'; '.join(p.get(prop))}")
        notes.extend(p.get("summary"))  # where export_ftm writes a claim's note
        sname, oname = table.entities[subj].label, table.entities[obj].label
        return Claim(
            subject=subj,
            predicate=pred,
            object=obj,
            evidence=Evidence(
                text=f"FtM {p.schema.name} {p.id}: {sname} {sprop}, {oname} {oprop}",
                row=line,
            ),
            rule=f"ftm.{p.schema.name}",
            valid_from=start,
            valid_until=end,
            note="; ".join(notes) or None,
        )

    def _sanction(
        self, p: Any, line: int, iris: dict[str, str], table: EntityTable
    ) -> Claim | None:
        target = next((iris[v] for v in p.get("entity") if v in iris), None)
        if target is None:
            return None
        authorities = [a.strip() for a in p.get("authority") if a.strip()]
        countries = p.get("country")
        if authorities:
            subj = table.get([authorities[0]], "GovernmentBody", fallback=p.id)
            ent = table.entities[subj]
            if not ent.resolved and ent.country is None and countries:
                ent.country = self._state(countries[0], table)
        else:
            state = self._state(countries[0], table) if countries else None
            if state is None:
                from followthemoney.types import registry

                where = registry.country.names.get(countries[0].lower()) if countries else None
                label = f"sanctioning authority of {where}" if where else "sanctioning authority"
                state = table.get([label], "GovernmentBody", fallback=p.id)
            subj = state
        start = _first_date(p, "startDate") or _first_date(p, "listingDate")
        end = _first_date(p, "endDate")
        programs = p.get("program")
        tname = table.entities[target].label
        who = ", ".join(authorities) or table.entities[subj].label
        text = f"FtM Sanction {p.id}: {who} on {tname}"
        if programs:
            text += f" (program: {'; '.join(programs)})"
        for prop in ("reason", "summary"):
            if prop in p.schema.properties and p.get(prop):
                text += f". {' '.join(p.get(prop))}"
        return Claim(
            subject=subj,
            predicate="sanctioned",
            object=target,
            evidence=Evidence(text=text, row=line),
            rule="ftm.Sanction",
            valid_from=start,
            valid_until=end,
            note="; ".join(programs) or None,
        )

    def _event(self, p: Any, line: int, iris: dict[str, str], table: EntityTable) -> Event:
        o = self.o
        words = [*p.get("keywords"), *p.get("name")]
        etype = "OtherEvent"
        if self._event_patterns is None:
            self._event_patterns = {
                c: re.compile(
                    rf"\b(?:{re.escape(o.labels.get(c, c).lower())}|{re.escape(c.lower())})s?\b"
                )
                for c in o.subclasses("Event")
                if c not in ("Event", "OtherEvent")
            }
        patterns = self._event_patterns
        for w in words:
            wl = w.strip().lower()
            match = [c for c, rx in patterns.items() if rx.search(wl)]
            if match:
                # the most specific class named (an ambush rather than an attack)
                etype = sorted(match, key=lambda c: (-len(o.ancestors(c)), c))[0]
                break
        date = _first_date(p, "date", "startDate")
        ev_text = f"FtM Event {p.id}: {p.caption}"
        for prop in ("summary", "description"):
            if p.get(prop):
                ev_text += f". {' '.join(p.get(prop))}"
        evidence = Evidence(text=ev_text, row=line)
        event = Event(
            id=o.entity_iri("event", slugify(f"ftm-{p.id}")),
            type=etype,
            date=date,
            evidence=[evidence],
            rule="ftm.Event",
        )
        for loc in p.get("location"):
            ref = self.r.lookup(loc.split(",")[0])
            if ref is not None and o.is_a(ref.type, "Place"):
                table.keep(ref)
                if ref.type == "State":
                    event.country = ref.id
                else:
                    event.place = ref.id
                break
        if event.country is None and p.get("country"):
            event.country = self._state(p.get("country")[0], table)
        for prop in ("involved", "organizer"):
            for v in p.get(prop):
                if v in iris:
                    event.add_participant(
                        Participant(iris[v], "participant", evidence, "ftm.Event")
                    )
        # events have no label of their own in the claim model: the name goes on an entity
        names = _names(p)
        if names:
            table.entities[event.id] = Entity(
                id=event.id,
                label=names[0],
                type=etype,
                resolved=False,
                mentions=[names[0]],
                aliases=names[1:],
            )
        return event


def read_ftm(path: Path, *, resolver: Resolver | None = None) -> Extraction:
    """Read an FtM JSON-lines file into an :class:`~kg.model.Extraction` (nothing is stored).

    Raises :class:`~kg.errors.LoaderError` naming the file and line of a malformed entity.
    """
    return FtmReader(resolver).read(Path(path))
