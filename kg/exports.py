"""Exports that need more than Oxigraph's serialisers (JSON-LD, through rdflib)."""

from __future__ import annotations

import io
import json
from typing import Any

from kg.ontology import prefixes
from kg.store.oxigraph import KGStore


def jsonld_context() -> dict[str, Any]:
    """The JSON-LD ``@context`` of the project's terms."""
    return dict(prefixes())


def jsonld(store: KGStore, out: Any) -> None:
    """Write the store as JSON-LD (named graphs kept) to a binary stream."""
    import pyoxigraph as ox
    import rdflib

    buf = io.BytesIO()
    store.raw.dump(buf, ox.RdfFormat.N_QUADS)
    ds = rdflib.Dataset()
    ds.parse(data=buf.getvalue().decode("utf-8"), format="nquads")
    text = ds.serialize(format="json-ld", context=jsonld_context(), indent=1)
    data = json.loads(text)
    out.write(json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def _network(store: KGStore) -> Any:
    """The actor graph (every relation group, events as nodes) as a networkx MultiDiGraph with
    plain attributes, for GraphML and GEXF."""
    import networkx as nx

    from kg.query.paths import GROUPS, ActorGraph

    graph = ActorGraph.from_store(store)
    view = graph.view(via=GROUPS)
    g = nx.MultiDiGraph()
    for nid in view.nodes:
        n = graph.nodes.get(nid)
        g.add_node(
            nid,
            label=graph.label(nid),
            kind=n.kind if n else "actor",
            type=n.type if n else "Actor",
            date=(n.date or "") if n else "",
            valid_from=(n.valid_from or "") if n else "",
            valid_until=(n.valid_until or "") if n else "",
        )
    for _a, _b, data in view.edges(data=True):
        for e in data["edges"]:
            g.add_edge(
                e.u,
                e.v,
                relation=e.predicate,
                group=e.group,
                valid_from=e.valid_from or "",
                valid_until=e.valid_until or "",
                sources=len(e.sources),
                documents="; ".join(sorted({s.document for s in e.sources})),
                confidence=float(e.confidence),
            )
    return g


def graphml(store: KGStore, out: Any) -> None:
    """The actor graph as GraphML (Gephi, yEd, networkx)."""
    import networkx as nx

    nx.write_graphml(_network(store), out, encoding="utf-8")


def gexf(store: KGStore, out: Any) -> None:
    """The actor graph as GEXF (Gephi)."""
    import networkx as nx

    nx.write_gexf(_network(store), out, encoding="utf-8")


def neo4j_csv(store: KGStore, folder: Any) -> list[Any]:
    """CSV files for ``neo4j-admin database import full`` (nodes.csv, relationships.csv).

    Nodes carry labels from their class and its ancestors (``ArmedGroup;Organization;Actor``),
    claims are ``:Claim`` nodes tied to their subject, object, document and source;
    relationships between entities are the truthy edges in UPPER_SNAKE case
    (``AFFILIATED_WITH``). Import with::

        neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv
    """
    import csv
    import re
    from pathlib import Path

    from kg.ontology import ontology
    from kg.query.registry import prologue

    o = ontology()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)

    def snake(local: str) -> str:
        return re.sub(r"(?<!^)(?=[A-Z])", "_", local).upper()

    typed = store.select(
        prologue()
        + """SELECT DISTINCT ?x ?cls ?label WHERE { ?x a ?cls .
             FILTER(STRSTARTS(STR(?cls), STR(kgo:)))
             OPTIONAL { ?x skos:prefLabel ?label } }"""
    ).rows
    labels: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for r in typed:
        local = o.local(r["cls"])
        if local not in o.classes:
            continue
        labels.setdefault(r["x"], set()).update(o.ancestors(local))
        if r["label"] and r["x"] not in names:
            names[r["x"]] = str(r["label"])
    nodes_path, rels_path = folder / "nodes.csv", folder / "relationships.csv"
    with nodes_path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id:ID", "name", "iri", ":LABEL"])
        for x in sorted(labels):
            w.writerow([x, names.get(x, x.rsplit("/", 1)[-1]), x, ";".join(sorted(labels[x]))])
    claims = store.select(
        prologue()
        + """SELECT DISTINCT ?c ?s ?p ?o ?doc ?src WHERE {
             ?c kgo:subject ?s ; kgo:predicate ?p ; kgo:statedIn ?doc .
             OPTIONAL { ?c kgo:object ?o } OPTIONAL { ?c kgo:assertedBy ?src } }"""
    ).rows
    with rels_path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([":START_ID", ":END_ID", ":TYPE", "predicate"])
        for r in claims:
            pred = o.local(r["p"])
            w.writerow([r["c"], r["s"], "SUBJECT", pred])
            w.writerow([r["c"], r["doc"], "STATED_IN", pred])
            if r["src"]:
                w.writerow([r["c"], r["src"], "ASSERTED_BY", pred])
            if r["o"] and r["o"] in labels:
                w.writerow([r["c"], r["o"], "OBJECT", pred])
                if pred != "type":
                    w.writerow([r["s"], r["o"], snake(pred), pred])
        # a dataset states its facts without claim nodes: its edges come from its graph
        stated = store.select(
            prologue()
            + """SELECT DISTINCT ?s ?p ?o WHERE { ?doc a kgo:Dataset .
                 GRAPH ?doc { ?s ?p ?o ; kgo:sourceRow ?row }
                 FILTER(isIRI(?o) && ?p != rdf:type) }"""
        ).rows
        for r in stated:
            if r["o"] in labels:
                pred = o.local(r["p"])
                w.writerow([r["s"], r["o"], snake(pred), pred])
    return [nodes_path, rels_path]
