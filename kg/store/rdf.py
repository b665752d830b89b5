"""The claim model as RDF: one named graph per document.

A relation found in a source is both a direct ("truthy") triple for navigation and a claim
node carrying subject, predicate, object, who asserted it, the document, the evidence span,
the rule and a confidence (the Wikidata idea). Events are n-ary nodes whose type, date, place,
country and roles are claims too; counts are :class:`kgo:CountClaim` nodes with a value and a
qualifier, and only exact counts also get a truthy ``kgo:fatalities`` edge, so two sources
with different exact numbers show up as two values of a functional property: contested.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from kg.model import Claim, Entity, Event, Evidence, Extraction, Participant, date_precision
from kg.ontology import GEO, OWL, RDF, SKOS, WD, XSD, Ontology, ontology

_DATE_TYPES = {"day": XSD + "date", "month": XSD + "gYearMonth", "year": XSD + "gYear"}


def date_literal(value: str) -> ox.Literal:
    """A typed literal for a ``YYYY[-MM[-DD]]`` date."""
    return ox.Literal(value, datatype=ox.NamedNode(_DATE_TYPES[date_precision(value)]))


def value_literal(value: object) -> ox.Literal:
    """A literal for a Python value (bool, int, float, date string or text)."""
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(f"{value:.3f}", datatype=ox.NamedNode(XSD + "decimal"))
    return ox.Literal(str(value))


class _Writer:
    def __init__(self, o: Ontology, graph: str):
        self.o = o
        self.g = ox.NamedNode(graph)
        self.quads: list[ox.Quad] = []
        self._P: dict[str, ox.NamedNode] = {}

    def p(self, local: str) -> ox.NamedNode:
        node = self._P.get(local)
        if node is None:
            node = self._P[local] = ox.NamedNode(self.o.prop(local))
        return node

    def add(self, s: str | ox.NamedNode, p: ox.NamedNode, obj: ox.NamedNode | ox.Literal) -> None:
        subj = s if isinstance(s, ox.NamedNode) else ox.NamedNode(s)
        self.quads.append(ox.Quad(subj, p, obj, self.g))

    def lit(self, s: str, prop: str, value: object) -> None:
        if value is None:
            return
        self.add(s, self.p(prop), value_literal(value))


def _entity(w: _Writer, e: Entity) -> None:
    o = w.o
    rdf_type = ox.NamedNode(RDF + "type")
    w.add(e.id, rdf_type, ox.NamedNode(o.cls(e.type)))
    w.add(e.id, ox.NamedNode(SKOS + "prefLabel"), ox.Literal(e.label, language="en"))
    for name in dict.fromkeys([*e.aliases, *e.mentions]):
        if name != e.label and name not in e.generic:
            w.add(e.id, ox.NamedNode(SKOS + "altLabel"), ox.Literal(name))
    w.lit(e.id, "resolved", e.resolved)
    if e.wikidata:
        w.add(e.id, ox.NamedNode(OWL + "sameAs"), ox.NamedNode(WD + e.wikidata))
    if e.country:
        w.add(e.id, w.p("country"), ox.NamedNode(e.country))
    if e.lat is not None and e.lon is not None:
        dec = ox.NamedNode(XSD + "decimal")
        w.add(e.id, ox.NamedNode(GEO + "lat"), ox.Literal(f"{e.lat:.5f}", datatype=dec))
        w.add(e.id, ox.NamedNode(GEO + "long"), ox.Literal(f"{e.lon:.5f}", datatype=dec))
    if e.valid_from:
        w.add(e.id, w.p("validFrom"), date_literal(e.valid_from))
    if e.valid_until:
        w.add(e.id, w.p("validUntil"), date_literal(e.valid_until))


def _evidence(w: _Writer, doc: str, ev: Evidence | None, claim_iri: str) -> None:
    if ev is None:
        return
    from kg.model import short_hash

    iri = w.o.entity_iri("evidence", short_hash(doc, ev.text, ev.start, ev.end, ev.row))
    w.add(claim_iri, w.p("evidence"), ox.NamedNode(iri))
    w.add(iri, ox.NamedNode(RDF + "type"), ox.NamedNode(w.o.cls("Evidence")))
    w.add(iri, w.p("inDocument"), ox.NamedNode(doc))
    w.lit(iri, "text", ev.text)
    w.lit(iri, "startOffset", ev.start)
    w.lit(iri, "endOffset", ev.end)
    w.lit(iri, "sentenceIndex", ev.sentence)
    w.lit(iri, "rowNumber", ev.row)


def _claim(
    w: _Writer,
    doc: str,
    c: Claim,
    *,
    cls: str = "Claim",
    truthy: bool = True,
    parent: str | None = None,
) -> str:
    """Write one claim node (and its truthy triple); returns the claim IRI."""
    o = w.o
    iri = o.entity_iri("claim", c.key(doc))
    pred = ox.NamedNode(RDF + "type") if c.predicate == "type" else w.p(c.predicate)
    w.add(iri, ox.NamedNode(RDF + "type"), ox.NamedNode(o.cls(cls)))
    w.add(iri, w.p("subject"), ox.NamedNode(c.subject))
    w.add(iri, w.p("predicate"), pred)
    obj: ox.NamedNode | ox.Literal | None = None
    if c.object is not None:
        obj = ox.NamedNode(c.object)
        w.add(iri, w.p("object"), obj)
    elif c.value is not None:
        obj = date_literal(c.value) if c.predicate == "date" else value_literal(c.value)
        w.add(iri, w.p("value"), obj)
    w.lit(iri, "low", c.low)
    w.lit(iri, "high", c.high)
    if c.qualifier:
        w.add(iri, w.p("qualifier"), ox.NamedNode(o.individual(c.qualifier)))
    w.lit(iri, "countOf", c.count_of)
    if c.source:
        w.add(iri, w.p("assertedBy"), ox.NamedNode(c.source))
    if c.cited_by:
        w.add(iri, w.p("citedBy"), ox.NamedNode(c.cited_by))
    w.add(iri, w.p("statedIn"), ox.NamedNode(doc))
    w.lit(iri, "rule", c.rule or "unknown")
    w.lit(iri, "confidence", float(c.confidence))
    w.lit(iri, "hedge", c.hedge)
    if c.valid_from:
        w.add(iri, w.p("validFrom"), date_literal(c.valid_from))
    if c.valid_until:
        w.add(iri, w.p("validUntil"), date_literal(c.valid_until))
    note = c.note or ("count of one group among the dead, not the total" if c.partial else None)
    w.lit(iri, "note", note)
    if parent:
        w.add(iri, w.p("partOfCount"), ox.NamedNode(parent))
    _evidence(w, doc, c.evidence, iri)
    if truthy and obj is not None:
        w.add(c.subject, pred, obj)
    for part in c.parts:
        _claim(w, doc, part, cls=cls, truthy=False, parent=iri)
    return iri


def _event(w: _Writer, doc: str, e: Event) -> None:
    ev = e.evidence[0] if e.evidence else None

    def attr(pred: str, *, obj: str | None = None, value: object = None) -> None:
        _claim(
            w,
            doc,
            Claim(
                subject=e.id,
                predicate=pred,
                object=obj,
                value=value,
                evidence=ev,
                rule=e.rule,
                source=e.source,
                confidence=e.confidence,
            ),
        )

    attr("type", obj=w.o.cls(e.type))
    if e.date:
        attr("date", value=e.date)
        w.lit(e.id, "datePrecision", e.date_precision or date_precision(e.date))
    if e.place:
        attr("place", obj=e.place)
    if e.country:
        attr("country", obj=e.country)
    for p in e.participants:
        _participant(w, doc, e, p)
    for c in e.fatalities:
        exact = (c.qualifier or "exact") == "exact" and not c.partial
        _claim(w, doc, c, cls="CountClaim", truthy=exact)


def _participant(w: _Writer, doc: str, e: Event, p: Participant) -> None:
    _claim(
        w,
        doc,
        Claim(
            subject=e.id,
            predicate=p.role,
            object=p.entity,
            evidence=p.evidence or (e.evidence[0] if e.evidence else None),
            rule=p.rule or e.rule,
            source=p.source,
            confidence=p.confidence,
        ),
    )


def extraction_quads(ex: Extraction, o: Ontology | None = None) -> list[ox.Quad]:
    """All quads of one document's named graph (the graph IRI is the document IRI)."""
    o = o or ontology()
    doc = ex.document
    w = _Writer(o, doc.id)
    rdf_type = ox.NamedNode(RDF + "type")
    w.add(doc.id, rdf_type, ox.NamedNode(o.cls(doc.kind)))
    w.lit(doc.id, "title", doc.title)
    if doc.date:
        w.add(doc.id, w.p("published"), date_literal(doc.date))
    w.lit(doc.id, "sourcePath", doc.path)
    w.lit(doc.id, "sha256", doc.sha256)
    if doc.text:
        w.lit(doc.id, "wordCount", doc.word_count)
    for ent in ex.entities:
        _entity(w, ent)
    for c in ex.relations:
        _claim(w, doc.id, c)
    for e in ex.events:
        _event(w, doc.id, e)
    for s in ex.statements:
        _claim(w, doc.id, s, cls="Statement")
    return _dedupe(w.quads)


def _dedupe(quads: list[ox.Quad]) -> list[ox.Quad]:
    return list(dict.fromkeys(quads))


def refresh_reference(store: Any) -> bool:
    """Load (or refresh) the ontology and the reference entities into ``store`` (any store
    with ``graph_sha256``, ``stage``, ``commit`` and ``abort``); True if written.

    Both graphs are replaced in one commit, and the reference graph carries a digest of the
    files (and of :data:`kg.ontology.ONTOLOGY_BUILD`): the digest never outlives a missing
    ontology, and unchanged files are not written again.
    """
    import hashlib

    from kg.ontology import ONTOLOGY_BUILD, ontology_triples
    from kg.paths import ontology_dir
    from kg.reference import reference

    o = ontology()
    files = sorted(ontology_dir().rglob("*.ttl")) + sorted(
        (ontology_dir() / "reference").glob("*.yaml")
    )
    digest = hashlib.sha256(
        b"".join(f.read_bytes() for f in files) + ONTOLOGY_BUILD.encode()
    ).hexdigest()
    ref_doc = o.entity_iri("doc", "reference")
    if store.graph_sha256(ref_doc) == digest:
        return False
    ex = reference().extraction()
    ex.document.sha256 = digest
    onto_graph = o.entity_iri("doc", "ontology")
    g = ox.NamedNode(onto_graph)
    ttl = [f for f in files if f.suffix == ".ttl" and f.name != "shapes.ttl"]
    quads = [ox.Quad(t.subject, t.predicate, t.object, g) for t in ontology_triples(ttl)]
    try:
        store.stage(ref_doc, extraction_quads(ex), fresh=True)
        store.stage(onto_graph, quads, fresh=True)
        store.commit([ref_doc, onto_graph])
    except BaseException:
        store.abort([ref_doc, onto_graph])
        raise
    return True


def store_documents(store: Any) -> list[dict[str, Any]]:
    """The source documents of any store with ``select`` (not the reference or the ontology
    graphs), in date order."""
    o = ontology()
    internal = {o.entity_iri("doc", "reference"), o.entity_iri("doc", "ontology")}
    q = f"""
    SELECT ?doc ?title ?date ?path WHERE {{
      GRAPH ?doc {{ ?doc <{o.prop("title")}> ?title .
        OPTIONAL {{ ?doc <{o.prop("published")}> ?date }}
        OPTIONAL {{ ?doc <{o.prop("sourcePath")}> ?path }} }}
    }} ORDER BY ?date ?doc"""
    return [r for r in store.select(q).rows if r["doc"] not in internal]


def store_stats(
    store: Any, *, has_reference: bool, quads: int, subclass: str = "*"
) -> dict[str, int]:
    """Counts of documents, entities, claims, events and quads of any store with ``select``.
    ``subclass`` is the path operator after ``rdfs:subClassOf``: ``*`` on Oxigraph, ``""``
    (one hop over the closure the ontology graph states) where ``*`` is unreliable
    (Virtuoso)."""
    o = ontology()
    sub = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
    out: dict[str, int] = {}
    for name, cls in [
        ("documents", "Document"),
        ("actors", "Actor"),
        ("places", "Place"),
        ("events", "Event"),
        ("claims", "Claim"),
    ]:
        q = f"""SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{
            ?x <{RDF}type> ?c . ?c <{sub}>{subclass} <{o.cls(cls)}> }}"""
        out[name] = int(store.select(q).rows[0]["n"])
    if has_reference:
        out["documents"] -= 1  # the reference graph is not a source document
    out["unresolved"] = int(
        store.select(
            f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x <{o.prop('resolved')}> false }}"
        ).rows[0]["n"]
    )
    out["quads"] = quads
    return out
