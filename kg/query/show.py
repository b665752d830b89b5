"""The entity view behind ``kg show``: one entity with its relations, sources and events."""

from __future__ import annotations

from typing import Any

from kg.ontology import ontology, sparql_prologue
from kg.store.oxigraph import KGStore


def _label_map(store: KGStore, iris: set[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    q = sparql_prologue() + "SELECT ?x ?l WHERE { ?x skos:prefLabel ?l }"
    for r in store.select(q).rows:
        if r["x"] in iris and r["x"] not in out:
            out[r["x"]] = str(r["l"])
    return out


def entity_view(iri: str, store: KGStore, *, as_of: str | None = None) -> dict[str, Any]:
    """A dict describing the entity ``iri`` (see :func:`kg.api.show`)."""
    o = ontology()
    p = sparql_prologue()
    head = store.select(
        p
        + """SELECT ?e ?type ?label ?resolved WHERE {
            ?e rdf:type ?type . FILTER(STRSTARTS(STR(?type), STR(kgo:)))
            OPTIONAL { ?e skos:prefLabel ?label }
            OPTIONAL { ?e kgo:resolved ?resolved } }""",
        e=iri,
    ).rows
    aliases = sorted(
        {
            str(r["a"])
            for r in store.select(p + "SELECT ?e ?a WHERE { ?e skos:altLabel ?a }", e=iri).rows
        }
    )
    types = sorted({o.local(r["type"]) for r in head})
    # the most specific type
    types = [t for t in types if not any(o.is_a(u, t) and u != t for u in types)] or types
    label = next((str(r["label"]) for r in head if r["label"]), iri.rsplit("/", 1)[-1])
    resolved = all(r["resolved"] is not False for r in head)

    rel_q = (
        p
        + """SELECT ?e ?dir ?p ?other ?src ?via ?doc ?title ?text ?rule ?conf ?from ?until ?hedge
               ?ofrom ?ountil
        WHERE {
          { ?c kgo:subject ?e ; kgo:object ?other . BIND("out" AS ?dir) }
          UNION { ?c kgo:object ?e ; kgo:subject ?other . BIND("in" AS ?dir) }
          ?c kgo:predicate ?p ; kgo:statedIn ?doc .
          FILTER NOT EXISTS { ?other rdf:type/rdfs:subClassOf kgo:Event }
          FILTER NOT EXISTS { ?e rdf:type/rdfs:subClassOf kgo:Event }
          FILTER(?p != rdf:type)
          OPTIONAL { ?doc kgo:title ?title }
          OPTIONAL { ?c kgo:assertedBy ?src } OPTIONAL { ?c kgo:citedBy ?via }
          OPTIONAL { ?c kgo:evidence/kgo:text ?text } OPTIONAL { ?c kgo:rule ?rule }
          OPTIONAL { ?c kgo:confidence ?conf } OPTIONAL { ?c kgo:validFrom ?from }
          OPTIONAL { ?c kgo:validUntil ?until } OPTIONAL { ?c kgo:hedge ?hedge }
          OPTIONAL { ?other kgo:validFrom ?ofrom } OPTIONAL { ?other kgo:validUntil ?ountil }
        }"""
    )
    rels = store.select(rel_q, e=iri).rows
    if as_of:
        # a succession closes the entity's other ties from the transition date
        closed_at = min(
            (
                str(r["from"])
                for r in rels
                if r["dir"] == "out"
                and o.local(r["p"]) == "succeededBy"
                and r["from"]
                and str(r["from"]) <= as_of
            ),
            default=None,
        )
        if closed_at:
            rels = [
                r
                for r in rels
                if o.local(r["p"]) in ("succeededBy", "precededBy")
                or (r["from"] is not None and str(r["from"]) >= closed_at)
            ]
        rels = [
            r
            for r in rels
            if (r["from"] is None or str(r["from"]) <= as_of)
            and (r["until"] is None or str(r["until"]) > as_of)
            # and the other side existed then (the Africa Corps did not in 2016)
            and (r["ofrom"] is None or str(r["ofrom"]) <= as_of)
            and (r["ountil"] is None or str(r["ountil"]) > as_of)
        ]
    ev_q = (
        p
        + """SELECT ?e ?ev ?role ?type ?date ?place ?country ?doc WHERE {
          GRAPH ?doc { ?ev ?role ?e }
          VALUES ?role { kgo:perpetrator kgo:target kgo:victim kgo:participant kgo:supporter }
          ?ev rdf:type ?type . ?type rdfs:subClassOf kgo:Event .
          OPTIONAL { ?ev kgo:date ?date } OPTIONAL { ?ev kgo:place ?place }
          OPTIONAL { ?ev kgo:country ?own } OPTIONAL { ?ev kgo:place/kgo:country ?at }
          BIND(COALESCE(?own, ?at) AS ?country) }"""
    )
    evs = store.select(ev_q, e=iri).rows
    if as_of:
        evs = [r for r in evs if r["date"] is not None and str(r["date"])[: len(as_of)] <= as_of]
    ev_ids = sorted({r["ev"] for r in evs})
    counts: dict[str, list[dict[str, Any]]] = {}
    for ev in ev_ids:
        rows = store.select(
            p
            + """SELECT ?ev ?value ?q ?low ?high ?of ?src ?via ?title ?text WHERE {
              {
                ?c kgo:subject ?ev ; kgo:predicate kgo:fatalities ; kgo:statedIn ?doc .
                FILTER NOT EXISTS { ?c kgo:partOfCount ?parent }
                OPTIONAL { ?c kgo:value ?value } OPTIONAL { ?c kgo:qualifier ?q }
                OPTIONAL { ?c kgo:low ?low } OPTIONAL { ?c kgo:high ?high }
                OPTIONAL { ?c kgo:countOf ?of } OPTIONAL { ?c kgo:assertedBy ?src }
                OPTIONAL { ?c kgo:citedBy ?via }
                OPTIONAL { ?c kgo:evidence/kgo:text ?text }
              } UNION {
                ?doc a kgo:Dataset . GRAPH ?doc { ?ev kgo:fatalities ?value .
                  OPTIONAL { ?ev kgo:sourceText ?text } }
                OPTIONAL { ?doc kgo:publisher ?src }
              }
              OPTIONAL { ?doc kgo:title ?title } }""",
            ev=ev,
        ).rows
        counts[ev] = rows

    iris = {iri} | {r["other"] for r in rels} | {r["src"] for r in rels if r["src"]}
    iris |= {r["via"] for r in rels if r["via"]}
    for r in evs:
        iris |= {r["place"] or "", r["country"] or ""}
    for rows in counts.values():
        iris |= {r["src"] or "" for r in rows} | {r["via"] or "" for r in rows}
    labels = _label_map(store, iris)

    def lab(x: str | None) -> str | None:
        return None if x is None else labels.get(x, x.rsplit("/", 1)[-1])

    relations = []
    for r in sorted(rels, key=lambda r: (r["dir"], o.local(r["p"]), lab(r["other"]) or "")):
        relations.append(
            {
                "direction": r["dir"],
                "predicate": o.local(r["p"]),
                "label": o.labels.get(o.local(r["p"]), o.local(r["p"])),
                "other": r["other"],
                "other_label": lab(r["other"]),
                "source": lab(r["src"]) if r["src"] else None,
                "cited_by": lab(r["via"]) if r["via"] else None,
                "document": r["title"],
                "evidence": r["text"],
                "rule": r["rule"],
                "confidence": r["conf"],
                "valid_from": r["from"],
                "valid_until": r["until"],
                "hedge": r["hedge"],
            }
        )
    events = []
    seen = set()
    for r in sorted(evs, key=lambda r: (str(r["date"] or ""), r["ev"])):
        key = (r["ev"], r["role"])
        if key in seen:
            continue
        seen.add(key)
        types_ev = sorted({o.local(x["type"]) for x in evs if x["ev"] == r["ev"]})
        types_ev = [t for t in types_ev if not any(o.is_a(u, t) and u != t for u in types_ev)]
        events.append(
            {
                "event": r["ev"],
                "type": types_ev[0] if types_ev else "Event",
                "role": o.local(r["role"]),
                "date": r["date"],
                "place": lab(r["place"]),
                "country": lab(r["country"]),
                "fatalities": [
                    {
                        "value": c["value"],
                        "qualifier": o.local(c["q"]) if c["q"] else "exact",
                        "low": c["low"],
                        "high": c["high"],
                        "of": c["of"],
                        "source": lab(c["src"]) if c["src"] else None,
                        "cited_by": lab(c["via"]) if c["via"] else None,
                        "document": c["title"],
                    }
                    for c in counts.get(r["ev"], [])
                ],
            }
        )
    return {
        "id": iri,
        "label": label,
        "types": types,
        "resolved": resolved,
        "aliases": aliases,
        "as_of": as_of,
        "relations": relations,
        "events": events,
    }
