"""``kg demo`` / ``make demo``: build the graph from the sample reports and print what it
knows, with who said each thing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg.ontology import ontology, sparql_prologue
from kg.store.oxigraph import KGStore


def key_facts(store: KGStore) -> dict[str, Any]:
    """Relations asserted by source documents (not the reference), events with their
    fatality claims, and contested values of functional properties."""
    o = ontology()
    ref = o.entity_iri("doc", "reference")
    pre = sparql_prologue()
    labels = {
        r["x"]: str(r["l"])
        for r in store.select(pre + "SELECT ?x ?l WHERE { ?x skos:prefLabel ?l }").rows
    }

    def lab(x: str | None) -> str:
        return "the report" if x is None else labels.get(x, x.rsplit("/", 1)[-1])

    rels = store.select(
        pre
        + """SELECT ?s ?p ?o ?src ?doc ?title ?from WHERE {
          ?c a kgo:Claim ; kgo:subject ?s ; kgo:predicate ?p ; kgo:object ?o ; kgo:statedIn ?doc .
          ?doc kgo:title ?title .
          FILTER NOT EXISTS { ?s rdf:type/rdfs:subClassOf kgo:Event }
          FILTER(?p != rdf:type)
          OPTIONAL { ?c kgo:assertedBy ?src } OPTIONAL { ?c kgo:validFrom ?from } }"""
    ).rows
    grouped: dict[tuple[str, str, str], dict[str, set[str]]] = defaultdict(
        lambda: {"docs": set(), "sources": set()}
    )
    for r in rels:
        if r["doc"] == ref:
            continue
        g = grouped[(r["s"], o.local(r["p"]), r["o"])]
        g["docs"].add(str(r["title"]))
        g["sources"].add(lab(r["src"]))
    relations = [
        {
            "subject": lab(s),
            "predicate": o.labels.get(p, p),
            "object": lab(ob),
            "documents": sorted(v["docs"]),
            "sources": sorted(v["sources"]),
        }
        for (s, p, ob), v in sorted(grouped.items(), key=lambda kv: (lab(kv[0][0]), kv[0][1]))
    ]
    counts = store.select(
        pre
        + """SELECT ?ev ?type ?date ?place ?value ?q ?src ?via ?title WHERE {
          ?c kgo:subject ?ev ; kgo:predicate kgo:fatalities ; kgo:statedIn ?doc .
          FILTER NOT EXISTS { ?c kgo:partOfCount ?parent }
          ?doc kgo:title ?title . ?ev rdf:type ?type . ?type rdfs:subClassOf kgo:Event .
          OPTIONAL { ?ev kgo:date ?date } OPTIONAL { ?ev kgo:place ?place }
          OPTIONAL { ?c kgo:value ?value } OPTIONAL { ?c kgo:qualifier ?q }
          OPTIONAL { ?c kgo:assertedBy ?src } OPTIONAL { ?c kgo:citedBy ?via } }"""
    ).rows
    events: dict[str, dict[str, Any]] = {}
    for r in counts:
        e = events.setdefault(
            r["ev"],
            {
                "event": r["ev"],
                "types": set(),
                "date": r["date"],
                "place": lab(r["place"]) if r["place"] else None,
                "claims": set(),
            },
        )
        e["types"].add(o.local(r["type"]))
        q = o.local(r["q"]) if r["q"] else "exact"
        who = lab(r["src"]) + (f" via {lab(r['via'])}" if r["via"] else "")
        e["claims"].add((q, r["value"], who, str(r["title"])))
    out_events = []
    for e in events.values():
        types = sorted(
            t for t in e["types"] if not any(o.is_a(u, t) and u != t for u in e["types"])
        )
        out_events.append(
            {
                "event": e["event"],
                "type": types[0] if types else "Event",
                "date": e["date"],
                "place": e["place"],
                "fatalities": [
                    {"qualifier": q, "value": v, "source": w, "document": d}
                    for q, v, w, d in sorted(e["claims"], key=lambda c: (str(c[1]), c[2]))
                ],
            }
        )
    out_events.sort(key=lambda e: str(e["date"] or ""))
    contested = store.select(
        pre
        + """SELECT ?ev ?p (COUNT(DISTINCT ?v) AS ?n)
               (GROUP_CONCAT(DISTINCT STR(?v); separator=" | ") AS ?values)
        WHERE { ?p a <http://www.w3.org/2002/07/owl#FunctionalProperty> .
                ?ev ?p ?v . ?ev rdf:type/rdfs:subClassOf kgo:Event }
        GROUP BY ?ev ?p HAVING (COUNT(DISTINCT ?v) > 1)"""
    ).rows
    return {
        "relations": relations,
        "events": out_events,
        "contested": [
            {"event": r["ev"], "property": o.local(r["p"]), "values": r["values"]}
            for r in contested
        ],
    }


def run_demo(
    store: KGStore,
    reports: str,
    out_dir: str,
    *,
    echo: Callable[[str], None],
    progress: Callable[[str], None],
) -> dict[str, Any]:
    from kg.api import ingest

    ingest([reports], store, progress=progress)
    facts = key_facts(store)
    echo("Key facts (who said them):")
    for r in facts["relations"]:
        echo(
            f"  {r['subject']} {r['predicate']} {r['object']}"
            f"  [sources: {', '.join(r['sources'])}; in {len(r['documents'])} report(s)]"
        )
    echo("")
    echo("Events with fatality claims:")
    for e in facts["events"]:
        echo(f"  {e['date'] or '?'} {e['type']} in {e['place'] or '?'}")
        for c in e["fatalities"]:
            q = "" if c["qualifier"] == "exact" else c["qualifier"].replace("_", " ") + " "
            value = c["value"] if c["value"] is not None else "all"
            echo(f"      {q}{value} killed, according to {c['source']} ({c['document']})")
    if facts["contested"]:
        echo("")
        echo("Contested (one true value, several claimed):")
        for c in facts["contested"]:
            echo(f"  {c['event'].rsplit('/', 1)[-1]} {c['property']}: {c['values']}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = write_pictures(store, out, progress=progress)
    path = out / "graph.trig"
    with path.open("wb") as fh:
        store.dump("trig", fh)
    written.append(path)
    echo("")
    for p in written:
        echo(f"Wrote {p}")
    return facts


def write_pictures(store: KGStore, out: Path, *, progress: Callable[[str], None]) -> list[Path]:
    """The network page, the affiliation diagram and the timeline of the most active actor.

    A picture whose renderer is missing (Graphviz's ``dot``, matplotlib) is reported on
    stderr and skipped; the others are still written.
    """
    from kg.errors import KGError
    from kg.query.paths import ActorGraph
    from kg.query.registry import run_named
    from kg.viz.network import network_data, render_network

    written: list[Path] = []
    graph = ActorGraph.from_store(store)
    nodes, edges = network_data(graph)
    written.append(
        render_network(
            nodes, edges, out / "network.html", title="Sahel conflict graph (sample reports)"
        )
    )
    try:
        from kg.viz.affiliations import render_affiliations

        rows = run_named("affiliation_edges", {}, store).rows
        written.append(render_affiliations(rows, out / "affiliations.svg", title="Affiliations"))
    except KGError as e:
        progress(f"affiliation diagram skipped: {e}")
    # the actor taking part in the most events gets its timeline drawn
    counts = store.select(
        sparql_prologue()
        + """SELECT ?a (COUNT(DISTINCT ?e) AS ?n) WHERE {
             ?e kgo:perpetrator|kgo:target|kgo:victim|kgo:participant|kgo:supporter ?a }
           GROUP BY ?a ORDER BY DESC(?n) ?a LIMIT 1"""
    ).rows
    if counts:
        from kg.viz.timeline import render_timeline

        actor = counts[0]["a"]
        rows = run_named("timeline", {"actor": actor}, store).rows
        label = graph.label(actor)
        written.append(
            render_timeline(
                rows, out / "timeline.html", actor_label=label, title=f"Timeline of {label}"
            )
        )
    return written
