"""Dataset rows as N-Quads text, for the store's bulk loader.

A dataset file (ACLED, UCDP, GDELT) can hold millions of rows, every one from the same source
and read by the same mapping. Writing a claim node per fact (about 80 quads a row) made large
loads slow and the store huge, so a dataset document states its facts directly in its named
graph: the event's type, date, place, country (only when its place does not already state
that country: ``kgo:place/kgo:country`` gives it), actors in their roles and exact fatalities,
plus ``kgo:sourceRow`` and ``kgo:sourceText`` (the row's own description) as the evidence. The
document carries ``kgo:publisher`` (who asserts every fact in the graph) and ``kgo:mapping``
(the rule). Queries find "who said this, where" for such a fact through the graph that holds
it (``GRAPH ?doc { ... }``). Figures that are not exact (UCDP's low/high ranges) and the
resolver's fuzzy-match judgements still become claim nodes: they need qualifiers a plain
triple cannot carry.

About nine quads a row, written as text (no term objects) and bulk-loaded by Oxigraph. The
ingest path writes each row's facts (:meth:`kg.load.tabular.TabularLoader.row_facts`) with
:meth:`DatasetWriter.rows`, without an Event object per row (a third of the parse time at a
million rows); :meth:`DatasetWriter.chunk` writes the same quads from Event objects, and a test
holds the two to the same output on every real dataset file.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kg.load.tabular import is_range
from kg.model import Claim, Entity, Event, Evidence, Extraction
from kg.ontology import RDF, XSD, Ontology, ontology
from kg.store.rdf import _claim, _entity, _Writer

if TYPE_CHECKING:
    from kg.load.tabular import RowFacts, TabularLoader

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_SAFE_IRI = re.compile(r"[^<>\"{}|^`\\\x00-\x20]*")
_DATE_TYPES = {10: XSD + "date", 7: XSD + "gYearMonth", 4: XSD + "gYear"}


def literal(text: str) -> str:
    """An N-Quads string literal (escaped)."""
    return '"' + text.translate(_ESCAPES) + '"'


def iri(value: str) -> str:
    """An N-Quads IRI term; raises ValueError on characters an IRI cannot hold."""
    if not _SAFE_IRI.fullmatch(value):
        raise ValueError(f"not a valid IRI: {value!r}")
    return "<" + value + ">"


class DatasetWriter:
    """Turns the extractions of one dataset document into N-Quads text, chunk by chunk."""

    def __init__(self, graph: str, o: Ontology | None = None):
        self.o = o or ontology()
        self.graph = graph
        self.g = iri(graph)
        p = self.o.prop
        self.TYPE = f"<{RDF}type>"
        self.DATE = f"<{p('date')}>"
        self.PLACE = f"<{p('place')}>"
        self.COUNTRY = f"<{p('country')}>"
        self.FAT = f"<{p('fatalities')}>"
        self.ROW = f"<{p('sourceRow')}>"
        self.TEXT = f"<{p('sourceText')}>"
        self.INT = f"<{XSD}integer>"
        self._roles: dict[str, str] = {}
        self._classes: dict[str, str] = {}
        self._written: set[str] = set()  # entities already written into this graph
        #: the country each place written into this graph states: an event in a place of the
        #: same country does not repeat it (queries read ``kgo:place/kgo:country``)
        self._place_country: dict[str, str | None] = {}

    def document(self, ex: Extraction, publisher: str | None, mapping: str) -> str:
        """The document's own quads (title, path, checksum, publisher, mapping)."""
        from kg.store.rdf import extraction_quads

        head = Extraction(document=ex.document)
        text = "".join(f"{q} .\n" for q in extraction_quads(head, self.o))
        d = iri(ex.document.id)
        if publisher:
            text += f"{d} <{self.o.prop('publisher')}> {iri(publisher)} {self.g} .\n"
        text += f"{d} <{self.o.prop('mapping')}> {literal(mapping)} {self.g} .\n"
        return text

    def chunk(self, ex: Extraction) -> tuple[str, int]:
        """N-Quads text for one chunk of events (and the entities first seen in it)."""
        out: list[str] = []
        w = _Writer(self.o, self.graph)
        for ent in ex.entities:
            if ent.id not in self._written:
                self._written.add(ent.id)
                self._place_country[ent.id] = ent.country
                _entity(w, ent)
        doc = ex.document.id
        for c in ex.relations:  # resolver judgements: claims
            _claim(w, doc, c)
        for e in ex.events:
            self._event(out, w, doc, e)
        out.extend(f"{q} .\n" for q in dict.fromkeys(w.quads))
        return "".join(out), len(out)

    def rows(
        self,
        doc: str,
        facts: list[RowFacts],
        judged: list[Claim],
        entities: dict[str, Entity],
        loader: TabularLoader,
    ) -> tuple[str, int]:
        """N-Quads text for one chunk of row facts (:meth:`TabularLoader.row_facts`): the
        quads :meth:`chunk` writes for the same rows' events, the entities they use first
        and the resolver's judgements, without an Event object per row."""
        out: list[str] = []
        w = _Writer(self.o, self.graph)
        written = self._written
        tail = f" {self.g} .\n"

        def entity(i: str) -> None:
            ent = entities.get(i)
            if ent is not None:
                written.add(i)
                self._place_country[i] = ent.country
                _entity(w, ent)

        for c in judged:
            if c.subject not in written:
                entity(c.subject)
            _claim(w, doc, c)
        for eid, etype, date, _, place, country, parts, dead, text, line in facts:
            for used in (place, country, *(actor for actor, _ in parts)):
                if used and used not in written:
                    entity(used)
            s = self._facts(out, eid, etype, date, place, country, parts)
            if dead is not None:
                if dead[0] is not None and not is_range(dead):
                    out.append(f'{s} {self.FAT} "{dead[0]}"^^{self.INT}{tail}')
                else:
                    ev = Evidence(text=text, row=line)
                    _claim(w, doc, loader.dead_claim(eid, dead, ev), cls="CountClaim", truthy=False)
            self._evidence(out, s, line, text)
        out.extend(f"{q} .\n" for q in dict.fromkeys(w.quads))
        return "".join(out), len(out)

    def _event(self, out: list[str], w: _Writer, doc: str, e: Event) -> None:
        parts = list(dict.fromkeys((p.entity, p.role) for p in e.participants))
        s = self._facts(out, e.id, e.type, e.date, e.place, e.country, parts)
        for c in e.fatalities:
            exact = (c.qualifier or "exact") == "exact" and not c.partial and c.value is not None
            if exact:
                out.append(f'{s} {self.FAT} "{int(c.value)}"^^{self.INT} {self.g} .\n')
            else:
                _claim(w, doc, c, cls="CountClaim", truthy=False)
        if e.evidence:
            self._evidence(out, s, e.evidence[0].row, e.evidence[0].text)

    def _facts(
        self,
        out: list[str],
        eid: str,
        etype: str,
        date: str | None,
        place: str | None,
        country: str | None,
        parts: list[tuple[str, str]],
    ) -> str:
        """The event's type, date, place, country (when its place does not give it) and
        role quads, for both writers; returns the event's IRI term. The place must already
        be written (its country is what decides whether the event states one)."""
        g = self.g
        s = iri(eid)
        cls = self._classes.get(etype)
        if cls is None:
            cls = self._classes[etype] = iri(self.o.cls(etype))
        out.append(f"{s} {self.TYPE} {cls} {g} .\n")
        if date:
            out.append(f'{s} {self.DATE} "{date}"^^<{_DATE_TYPES[len(date)]}> {g} .\n')
        if place:
            out.append(f"{s} {self.PLACE} <{place}> {g} .\n")
        if country and (not place or self._place_country.get(place) != country):
            out.append(f"{s} {self.COUNTRY} <{country}> {g} .\n")
        for actor, role in parts:
            p = self._roles.get(role)
            if p is None:
                p = self._roles[role] = f"<{self.o.prop(role)}>"
            out.append(f"{s} {p} <{actor}> {g} .\n")
        return s

    def _evidence(self, out: list[str], s: str, row: int | None, text: str | None) -> None:
        if row is not None:
            out.append(f'{s} {self.ROW} "{row}"^^{self.INT} {self.g} .\n')
        if text:
            out.append(f"{s} {self.TEXT} {literal(text)} {self.g} .\n")
