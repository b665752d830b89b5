"""Path questions answered on a Bolt + Cypher server (``kg path A B --backend neo4j``).

The server finds the path with ``shortestPath`` over the truthy relationships of the chosen
relation groups (role relationships between events and actors count as the ``event`` group),
undirected, at most ``2 * max_hops`` relationships long; then the hops are described exactly as
the embedded :class:`~kg.query.paths.ActorGraph` describes them (relation, direction, dates,
sources), from the claims and dataset graphs between consecutive nodes.

It answers the default view of the embedded path query, with ``via`` and ``max_hops``. What
needs the whole graph in Python stays embedded-only: ``as_of`` (validity, succession
inheritance, severed relations), ``actors_only`` (events collapsed into actor-actor ties) and
``all_paths`` (every simple path, shortest first).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from kg.errors import QueryError
from kg.query.paths import (
    DEFAULT_GROUPS,
    GROUPS,
    ROLES,
    ActorGraph,
    Node,
    edges_from_rows,
)

EMBEDDED_ONLY = {
    "as_of": "--as-of (validity dates, succession and severed relations are applied by the "
    "embedded path view)",
    "actors_only": "--actors-only (events collapsed into actor-actor ties)",
    "all_paths": "--all (every simple path, shortest first)",
}


def _predicates(groups: Iterable[str]) -> list[str]:
    from kg.ontology import ontology

    o = ontology()
    groups = set(groups)
    preds = sorted(p for p, g in o.groups.items() if g in groups and p in o.properties)
    if "event" in groups:
        preds += list(ROLES)
    return preds


def _types(preds: Iterable[str]) -> list[str]:
    from kg.ontology import ontology
    from kg.store.neo4j import Naming

    o = ontology()
    n = Naming(o)
    return sorted({n.rel_type(o.prop(p)) for p in preds})


def shortest_path(
    neo: Any,
    a: str,
    b: str,
    *,
    via: Iterable[str] | None = None,
    max_hops: int = 4,
) -> list[dict[str, Any]]:
    """The hops of one shortest path from ``a`` to ``b`` (IRIs), like
    :meth:`ActorGraph.shortest_path`; empty when there is none within ``max_hops``."""
    groups = set(via) if via else set(DEFAULT_GROUPS)
    unknown = groups - set(GROUPS)
    if unknown:
        raise QueryError(
            f"unknown relation group(s) {', '.join(sorted(unknown))} (valid: {', '.join(GROUPS)})"
        )
    every = "|".join(_types(_predicates(GROUPS)))
    present = {
        r["iri"]: r["label"]
        for r in neo.query(
            f"UNWIND $iris AS i MATCH (n:Resource {{iri: i}}) "
            f"WHERE EXISTS {{ MATCH (n)-[:{every}]-() }} "
            "RETURN n.iri AS iri, n.prefLabel AS label",
            {"iris": [a, b]},
        ).rows
    }
    for x in (a, b):
        if x not in present:
            raise QueryError(f"{x.rsplit('/', 1)[-1]} is not in the graph")
    if a == b:
        return []
    hops = int(max_hops)
    types = "|".join(_types(_predicates(groups)))
    # every shortest path (fewest relationships, as the embedded search), then the one with
    # the fewest hops (an actor-event-actor stretch is one hop), ties broken by the IRIs
    rows = neo.query(
        "MATCH (a:Resource {iri: $a}), (b:Resource {iri: $b}) "
        f"MATCH p = allShortestPaths((a)-[:{types}*..{2 * hops}]-(b)) "
        "WITH p LIMIT 200 "
        "RETURN [n IN nodes(p) | n.iri] AS path, "
        "[n IN nodes(p) | CASE WHEN n:Event THEN 1 ELSE 0 END] AS events",
        {"a": a, "b": b},
    ).rows
    if not rows:
        return []
    best = min(rows, key=lambda r: (len(r["path"]) - 1 - sum(r["events"][1:-1]), r["path"]))
    path = best["path"]
    graph = _graph_between(neo, path)
    view = graph.view(via=groups)
    out = graph.hops(view, path)
    steps = len(out) - sum(1 for h in out if h["through_event"])
    return out if steps <= hops else []


def _graph_between(neo: Any, path: list[str]) -> ActorGraph:
    """An :class:`ActorGraph` holding the nodes of ``path`` and every edge between neighbours
    on it, read as :meth:`ActorGraph.from_store` reads them."""
    # both directions, each anchored at an indexed node (an OR would scan the graph)
    pairs = [d for x, y in itertools.pairwise(path) for d in ({"s": x, "t": y}, {"s": y, "t": x})]
    preds = _predicates(GROUPS)
    claims = neo.query(
        """UNWIND $pairs AS pair
        MATCH (s:Resource {iri: pair.s})<-[:SUBJECT]-(c)-[:OBJECT]->(t:Resource {iri: pair.t})
        WHERE c.predicate IN $preds
        MATCH (c)-[:STATED_IN]->(doc) WHERE doc.title IS NOT NULL
        OPTIONAL MATCH (c)-[:ASSERTED_BY]->(a)
        OPTIONAL MATCH (c)-[:EVIDENCE]->(e)
        RETURN DISTINCT s.iri AS s, c.predicate AS p, t.iri AS o, c.validFrom AS vf,
               c.validUntil AS vu, a.prefLabel AS src, doc.title AS title,
               doc.published AS published, e.text AS text, c.confidence AS conf,
               c.hedge AS hedge""",
        {"pairs": pairs, "preds": preds},
    ).rows
    roles = _types(ROLES)
    datasets = neo.query(
        f"""UNWIND $pairs AS pair
        MATCH (s:Resource {{iri: pair.s}})-[r:{"|".join(roles)}]->(t:Resource {{iri: pair.t}})
        UNWIND r.graphs AS g
        MATCH (doc:Dataset {{iri: g}}) WHERE doc.title IS NOT NULL
        OPTIONAL MATCH (s)-[ig:IN_GRAPH]->(doc)
        OPTIONAL MATCH (doc)-[:PUBLISHER]->(pub)
        RETURN DISTINCT s.iri AS s, toLower(type(r)) AS p, t.iri AS o, null AS vf, null AS vu,
               pub.prefLabel AS src, doc.title AS title, doc.published AS published,
               ig.sourceText AS text, null AS conf, null AS hedge""",
        {"pairs": pairs},
    ).rows
    rows = _spread(claims + datasets, ("src", "title", "published", "text", "vf", "vu"))
    edges = edges_from_rows(rows)
    return ActorGraph(_nodes(neo, path), edges)


def _spread(rows: list[dict[str, Any]], cols: tuple[str, ...]) -> list[dict[str, Any]]:
    """One row per value where a property held a list (several values)."""
    out = [dict(r) for r in rows]
    for c in cols:
        nxt: list[dict[str, Any]] = []
        for r in out:
            v = r.get(c)
            if isinstance(v, list):
                nxt.extend({**r, c: x} for x in v)
            else:
                nxt.append(r)
        out = nxt
    return out


def _first(v: Any) -> Any:
    if isinstance(v, list):
        return v[0] if v else None
    return v


def _nodes(neo: Any, iris: list[str]) -> list[Node]:
    """Nodes as :func:`kg.query.paths._load_nodes` makes them."""
    from kg.ontology import ontology

    o = ontology()
    rows = neo.query(
        """UNWIND $iris AS i MATCH (n:Resource {iri: i})
        OPTIONAL MATCH (n)-[:PLACE]->(pl) WHERE pl.prefLabel IS NOT NULL
        RETURN n.iri AS x, n.type AS type, n.prefLabel AS label, n.date AS date,
               n.validFrom AS vf, n.validUntil AS vu, collect(pl.prefLabel) AS places""",
        {"iris": iris},
    ).rows
    out = []
    for r in rows:
        raw = r["type"]
        types = [t for t in (raw if isinstance(raw, list) else [raw]) if t in o.classes]
        best = [t for t in types if not any(o.is_a(u, t) and u != t for u in types)]
        typ = sorted(best)[0] if best else "Actor"
        places = [p for ps in r["places"] for p in (ps if isinstance(ps, list) else [ps])]
        date = _first(r["date"])
        x = r["x"]
        if o.is_a(typ, "Event"):
            label = ", ".join(filter(None, [typ, places[0] if places else None, date]))
            out.append(Node(x, label, "event", typ, date))
        else:
            kind = "place" if o.is_a(typ, "Place") and not o.is_a(typ, "Actor") else "actor"
            name = _first(r["label"])
            out.append(
                Node(
                    x,
                    str(name) if name else x.rsplit("/", 1)[-1],
                    kind,
                    typ,
                    None,
                    _first(r["vf"]),
                    _first(r["vu"]),
                )
            )
    return out
