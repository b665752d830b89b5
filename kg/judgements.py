"""Reversible judgements that two entity records are the same actor (``kg merge``).

A merge never rewrites a document. It is a named graph of its own (``kg:doc/judgement-A-into-B``)
holding the judgement (``A kgo:mergedInto B``, who decided and why) and a copy of A's facts
restated about B: truthy edges, and the claim nodes about A with their sources and evidence.
Every question about B then sees A's facts, with their original documents; ``kg unmerge``
drops the graph and nothing else changes. Each ingest refreshes the copies, so facts about A
loaded later reach B too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError
from kg.model import Claim, Document, Evidence, Extraction, short_hash, slugify
from kg.ontology import ontology
from kg.query.registry import prologue
from kg.store.oxigraph import KGStore
from kg.store.rdf import extraction_quads

JUDGEMENT_PREFIX = "judgement-"


def judgement_graph(a: str, b: str) -> str:
    o = ontology()
    return o.entity_iri(
        "doc",
        f"{JUDGEMENT_PREFIX}{slugify(a.rsplit('/', 1)[-1])}-into-{slugify(b.rsplit('/', 1)[-1])}",
    )


def _label(store: KGStore, iri: str) -> str:
    rows = store.select(prologue() + "SELECT ?x ?l WHERE { ?x skos:prefLabel ?l }", x=iri).rows
    return str(rows[0]["l"]) if rows else iri.rsplit("/", 1)[-1]


def merges(store: KGStore) -> list[dict[str, Any]]:
    """Every merge judgement: from, into, reason, when."""
    rows = store.select(
        prologue()
        + """SELECT ?g ?a ?b ?note ?when WHERE { GRAPH ?g {
             ?c kgo:subject ?a ; kgo:predicate kgo:mergedInto ; kgo:object ?b ;
                kgo:rule "judgement.merge" .
             OPTIONAL { ?c kgo:note ?note } OPTIONAL { ?c kgo:validFrom ?when } } }
           ORDER BY ?when"""
    ).rows
    return [
        {"graph": r["g"], "from": r["a"], "into": r["b"], "reason": r["note"], "when": r["when"]}
        for r in rows
    ]


def merge(store: KGStore, a: str, b: str, *, reason: str | None = None) -> dict[str, Any]:
    """Judge entity ``a`` to be entity ``b`` (IRIs); returns what was copied."""
    if a == b:
        raise QueryError("an entity is already itself: nothing to merge")
    for m in merges(store):
        if m["from"] == b and m["into"] == a:
            raise QueryError("the opposite merge exists already: unmerge it first")
    graph = judgement_graph(a, b)
    today = dt.date.today().isoformat()
    la, lb = _label(store, a), _label(store, b)
    why = reason or "judged the same actor"
    doc = Document(
        id=graph, title=f"Judgement: {la} is {lb}", date=today, kind="Document", path="kg merge"
    )
    claim = Claim(
        subject=a,
        predicate="mergedInto",
        object=b,
        rule="judgement.merge",
        note=why,
        valid_from=today,
        evidence=Evidence(text=f"kg merge: {la} is {lb} ({why})"),
    )
    ex = Extraction(document=doc, relations=[claim])
    quads = extraction_quads(ex) + _restated(store, a, b, graph)
    store.replace_graph(graph, quads)
    store.flush()
    return {"graph": graph, "from": a, "into": b, "copied": len(quads)}


def _restated(store: KGStore, a: str, b: str, graph: str) -> list[ox.Quad]:
    """A's facts, restated about B, for the judgement graph."""
    o = ontology()
    g = ox.NamedNode(graph)
    na, nb = ox.NamedNode(a), ox.NamedNode(b)
    skip = {o.entity_iri("doc", "ontology")}
    out: list[ox.Quad] = []
    subj, obj = ox.NamedNode(o.prop("subject")), ox.NamedNode(o.prop("object"))
    claims: set[str] = set()
    raw = store.raw
    for q in raw.quads_for_pattern(None, subj, na, None):
        claims.add(q.subject.value)  # type: ignore[union-attr]
    for q in raw.quads_for_pattern(None, obj, na, None):
        claims.add(q.subject.value)  # type: ignore[union-attr]
    for c in claims:
        new = ox.NamedNode(f"{c}-as-{short_hash(b, length=8)}")
        for q in raw.quads_for_pattern(ox.NamedNode(c), None, None, None):
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.rsplit("/", 1)[
                -1
            ].startswith(JUDGEMENT_PREFIX):
                continue
            o_ = nb if q.object == na else q.object
            out.append(ox.Quad(new, q.predicate, o_, g))
    label = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    alt = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
    for q in list(raw.quads_for_pattern(na, None, None, None)) + list(
        raw.quads_for_pattern(None, None, na, None)
    ):
        gname = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        if gname in skip or gname.rsplit("/", 1)[-1].startswith(JUDGEMENT_PREFIX):
            continue
        if q.predicate.value.startswith(o.ns) and o.local(q.predicate.value) in (
            "subject",
            "object",
            "resolved",
        ):
            continue
        if q.predicate == ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"):
            continue
        s_ = nb if q.subject == na else q.subject
        o_ = nb if q.object == na else q.object
        p_ = alt if q.predicate == label else q.predicate  # A's name becomes an alias of B
        out.append(ox.Quad(s_, p_, o_, g))
    return list(dict.fromkeys(out))


def unmerge(store: KGStore, a: str, b: str | None = None) -> list[str]:
    """Drop the merge judgements of ``a`` (into ``b`` if given); returns the graphs dropped."""
    dropped = []
    for m in merges(store):
        if m["from"] == a and (b is None or m["into"] == b):
            store.remove_document(m["graph"])
            dropped.append(m["graph"])
    if not dropped:
        raise QueryError(f"no merge of {_label(store, a)} to undo (see `kg merges`)")
    store.flush()
    return dropped


def refresh(store: KGStore) -> int:
    """Recompute every judgement's copies (after an ingest); returns how many."""
    ms = merges(store)
    for m in ms:
        merge(store, m["from"], m["into"], reason=m["reason"])
    return len(ms)


def aliases(store: KGStore, iri: str) -> list[dict[str, Any]]:
    """Every name an entity goes by, and where each comes from (reference, documents,
    merged records)."""
    rows = store.select(
        prologue()
        + """SELECT DISTINCT ?e ?name ?kind ?title WHERE {
          { GRAPH ?g { ?e skos:prefLabel ?name } BIND("label" AS ?kind) }
          UNION { GRAPH ?g { ?e skos:altLabel ?name } BIND("alias" AS ?kind) }
          OPTIONAL { ?g kgo:title ?title } }""",
        e=iri,
    ).rows
    out = [{"name": str(r["name"]), "kind": r["kind"], "where": r["title"] or ""} for r in rows]
    return sorted(out, key=lambda r: (r["kind"] != "label", r["name"].casefold(), r["where"]))
