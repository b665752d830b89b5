"""Path queries over the truthy graph: who is connected to whom, through what, and when.

:class:`ActorGraph` holds the actors, the events that connect them and the places they are
tied to, with every edge's relation, validity interval and sources, read from the store's
claims. :meth:`ActorGraph.view` makes a networkx graph for one question:

- ``via`` keeps only some relation groups: ``affiliation``, ``succession``, ``support``,
  ``hostility``, ``location`` (the ontology's ``kgo:relationGroup``) and ``event`` (the role
  edges between actors and events);
- ``as_of`` keeps the relations valid on that date and the events before it; a successor
  inherits its predecessor's ties from the transition date, which closes the predecessor's
  own; severed relations end the earlier positive ties between the two sides (neither is a
  contradiction);
- ``actors_only`` drops event nodes, joining the actors an event connects directly.

Shortest paths use networkx's bidirectional search; neighbourhoods use a scipy sparse matrix,
which stays fast on graphs with millions of edges.

>>> g = ActorGraph([Node("a", "A"), Node("b", "B")], [Edge("a", "b", "supports", "support")])
>>> [h["relation"] for h in g.shortest_path("a", "b")]
['supports']
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import networkx as nx
import numpy as np

from kg.errors import QueryError

GROUPS = ("affiliation", "succession", "support", "hostility", "location", "event")
#: Followed unless ``via`` says otherwise. Location ties (based in, operates in) are context
#: rather than ties between actors: every actor of a country would be two hops apart.
#: views up to this many nodes choose among tied shortest paths exactly (see shortest_path)
EXACT_TIES_UP_TO = 100_000
DEFAULT_GROUPS = ("affiliation", "succession", "support", "hostility", "event")
ROLES = ("perpetrator", "target", "victim", "participant", "supporter")
_POSITIVE = {"affiliation", "support"}


@dataclass(frozen=True)
class Node:
    """An actor, event or place of the graph."""

    id: str
    label: str
    kind: str = "actor"  # actor | event | place
    type: str = "Actor"
    date: str | None = None  # events
    valid_from: str | None = None
    valid_until: str | None = None
    contested: bool = False  # sources give several values for one of its functional facts


@dataclass(frozen=True)
class Source:
    """Who said an edge, and where."""

    document: str
    source: str | None = None
    evidence: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class Edge:
    """A relation as stated (``u`` is the subject), with its validity and sources."""

    u: str
    v: str
    predicate: str
    group: str
    valid_from: str | None = None
    valid_until: str | None = None
    sources: tuple[Source, ...] = ()
    inherited_from: str | None = None
    confidence: float = 1.0  # the best confidence among its claims
    hedged: bool = False  # every claim of it is hedged ("reportedly")

    @property
    def doubtful(self) -> bool:
        """Hedged, or stated with low confidence: drawn dashed."""
        return self.hedged or self.confidence < 0.7

    def valid_on(self, day: str) -> bool:
        """Whether the edge holds on ``day`` (dates compare as ISO prefixes)."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or self.valid_until > day
        )

    @property
    def start(self) -> str | None:
        """When the edge began: its valid_from, else the earliest report of it."""
        if self.valid_from:
            return self.valid_from
        dates = [s.published for s in self.sources if s.published]
        return min(dates) if dates else None


@dataclass
class ActorGraph:
    """The actor graph with everything needed to answer path questions."""

    nodes_list: list[Node]
    edges: list[Edge]
    nodes: dict[str, Node] = field(init=False)

    def __post_init__(self) -> None:
        self.nodes = {n.id: n for n in self.nodes_list}
        self._views: dict[tuple[Any, ...], nx.Graph] = {}
        self._csr: dict[tuple[Any, ...], tuple[Any, list[str], dict[str, int]]] = {}

    # -- views ------------------------------------------------------------------------------
    def view(
        self,
        *,
        via: Iterable[str] | None = None,
        as_of: str | None = None,
        actors_only: bool = False,
    ) -> nx.Graph:
        """An undirected graph for one question; every pair of nodes carries the list of
        :class:`Edge` objects between them (attribute ``edges``)."""
        groups = set(via) if via else set(DEFAULT_GROUPS)
        unknown = groups - set(GROUPS)
        if unknown:
            raise QueryError(
                f"unknown relation group(s) {', '.join(sorted(unknown))} "
                f"(valid: {', '.join(GROUPS)})"
            )
        key = (tuple(sorted(groups)), as_of, actors_only)
        if key in self._views:
            return self._views[key]
        nodes = {n.id: n for n in self.nodes_list if as_of is None or self._node_on(n, as_of)}
        edges = [e for e in self.edges if e.u in nodes and e.v in nodes]
        if as_of is not None:
            edges = self._as_of(edges, as_of)
        edges = [e for e in edges if e.group in groups]
        if actors_only:
            edges = self._collapse_events(edges, nodes)
        g = nx.Graph()
        for n in nodes.values():
            if not (actors_only and n.kind == "event"):
                g.add_node(n.id)
        pairs: dict[tuple[str, str], list[Edge]] = defaultdict(list)
        for e in edges:
            pairs[(e.u, e.v) if e.u <= e.v else (e.v, e.u)].append(e)
        g.add_edges_from((a, b, {"edges": es}) for (a, b), es in pairs.items())
        self._views[key] = g
        return g

    @staticmethod
    def _node_on(n: Node, day: str) -> bool:
        if n.kind == "event":
            return n.date is not None and n.date[: len(day)] <= day
        return (n.valid_from is None or n.valid_from <= day) and (
            n.valid_until is None or n.valid_until > day
        )

    def _as_of(self, edges: list[Edge], day: str) -> list[Edge]:
        out = [e for e in edges if e.valid_on(day)]
        # succession: the successor takes over the predecessor's ties from the transition
        for s in [e for e in out if e.predicate == "succeededBy"]:
            when = s.start
            if when is None or when > day:
                continue
            pred, succ = s.u, s.v
            moved = []
            for e in out:
                if e.group in ("succession", "event") or pred not in (e.u, e.v):
                    continue
                if e.valid_from is not None and e.valid_from >= when:
                    continue  # a tie that began after the transition stays the predecessor's
                other = e.v if e.u == pred else e.u
                if other == succ:
                    continue
                moved.append(e)
            for e in moved:
                out.remove(e)
                out.append(
                    replace(
                        e,
                        u=succ if e.u == pred else e.u,
                        v=succ if e.v == pred else e.v,
                        valid_from=max(filter(None, [e.valid_from, when])),
                        inherited_from=pred,
                    )
                )
        # severed relations end the positive ties between the two sides
        for s in [e for e in out if e.predicate == "severedRelationsWith"]:
            when = s.start
            if when is None or when > day:
                continue
            pair = {s.u, s.v}
            out = [e for e in out if not (e.group in _POSITIVE and {e.u, e.v} == pair)]
        return out

    @staticmethod
    def _collapse_events(edges: list[Edge], nodes: dict[str, Node]) -> list[Edge]:
        by_event: dict[str, list[Edge]] = defaultdict(list)
        out = []
        for e in edges:
            if e.group == "event":
                by_event[e.u].append(e)
            else:
                out.append(e)
        for ev, roles in by_event.items():
            node = nodes.get(ev)
            label = node.label if node else ev
            for i, a in enumerate(roles):
                for b in roles[i + 1 :]:
                    if a.v == b.v:
                        continue
                    out.append(
                        Edge(
                            a.v,
                            b.v,
                            f"{a.predicate}/{b.predicate} in {label}",
                            "event",
                            sources=a.sources + b.sources,
                        )
                    )
        return out

    # -- questions ----------------------------------------------------------------------------
    def _check(self, g: nx.Graph, *names: str) -> None:
        for n in names:
            if n not in g:
                node = self.nodes.get(n)
                why = "not valid on that date" if node is not None else "not in the graph"
                raise QueryError(f"{node.label if node else n} is {why}")

    def hop_count(self, path: list[str]) -> int:
        """Hops between actors: going through an event (actor, event, actor) is one hop."""
        inner_events = sum(1 for n in path[1:-1] if self.nodes.get(n, Node(n, n)).kind == "event")
        return len(path) - 1 - inner_events

    def shortest_path(
        self,
        a: str,
        b: str,
        *,
        via: Iterable[str] | None = None,
        as_of: str | None = None,
        actors_only: bool = False,
    ) -> list[dict[str, Any]]:
        """The hops of one shortest path from ``a`` to ``b`` (empty list when a == b)."""
        g = self.view(via=via, as_of=as_of, actors_only=actors_only)
        self._check(g, a, b)
        try:
            if g.number_of_nodes() <= EXACT_TIES_UP_TO:
                # of the shortest paths, the one with the fewest hops (actor-event-actor counts
                # as one), then the first by node ids: the same answer whatever order the
                # store returned the edges in (so every backend agrees)
                candidates = itertools.islice(nx.all_shortest_paths(g, a, b), 500)
                path = min(candidates, key=lambda p: (self.hop_count(p), p))
            else:
                # a very large graph: one bidirectional search (a full breadth-first search
                # from ``a`` would cost seconds); ties are then broken by edge order
                path = nx.bidirectional_shortest_path(g, a, b)
        except nx.NetworkXNoPath:
            return []
        return self.hops(g, path)

    def all_paths(
        self,
        a: str,
        b: str,
        *,
        max_hops: int = 4,
        via: Iterable[str] | None = None,
        as_of: str | None = None,
        actors_only: bool = False,
        limit: int = 20,
    ) -> list[list[dict[str, Any]]]:
        """Simple paths of at most ``max_hops`` hops (see :meth:`hop_count`), shortest first
        (at most ``limit``)."""
        g = self.view(via=via, as_of=as_of, actors_only=actors_only)
        self._check(g, a, b)
        out: list[list[dict[str, Any]]] = []
        try:
            for path in nx.shortest_simple_paths(g, a, b):
                if len(path) - 1 > 2 * max_hops or len(out) >= limit:
                    break
                if self.hop_count(path) <= max_hops:
                    out.append(self.hops(g, path))
        except nx.NetworkXNoPath:
            return []
        return out

    def hops(self, g: nx.Graph, path: list[str]) -> list[dict[str, Any]]:
        out = []
        for x, y in itertools.pairwise(path):
            edges = g.edges[x, y]["edges"]
            best = max(edges, key=_edge_rank)
            out.append(
                {
                    "from": x,
                    "from_label": self.label(x),
                    "to": y,
                    "to_label": self.label(y),
                    "relation": best.predicate,
                    "forward": best.u == x,
                    "valid_from": best.valid_from,
                    "valid_until": best.valid_until,
                    "inherited_from": self.label(best.inherited_from)
                    if best.inherited_from
                    else None,
                    "sources": [
                        {"document": s.document, "source": s.source, "evidence": s.evidence}
                        for s in best.sources
                    ],
                    "other_relations": sorted({e.predicate for e in edges} - {best.predicate}),
                    "through_event": self.nodes.get(y, Node(y, y)).kind == "event"
                    and y != path[-1],
                }
            )
        return out

    def label(self, node: str | None) -> str:
        if node is None:
            return ""
        n = self.nodes.get(node)
        return n.label if n else node.rsplit("/", 1)[-1]

    def neighbourhood(
        self,
        a: str,
        hops: int = 1,
        *,
        via: Iterable[str] | None = None,
        as_of: str | None = None,
        actors_only: bool = False,
    ) -> dict[str, int]:
        """Every node within ``hops`` of ``a`` with its distance (``a`` itself at 0).

        Runs a breadth-first search on a scipy sparse adjacency matrix, built once per view.
        """
        key = (tuple(sorted(via or DEFAULT_GROUPS)), as_of, actors_only)
        if key not in self._csr:
            g = self.view(via=via, as_of=as_of, actors_only=actors_only)
            order = list(g.nodes)
            index = {n: i for i, n in enumerate(order)}
            self._csr[key] = (
                nx.to_scipy_sparse_array(g, nodelist=order, format="csr"),
                order,
                index,
            )
        mat, order, index = self._csr[key]
        if a not in index:
            self._check(self.view(via=via, as_of=as_of, actors_only=actors_only), a)
        dist = bfs_csr(mat.indptr, mat.indices, index[a], hops)
        return {order[i]: int(d) for i, d in dist.items()}

    def analyze(self, *, as_of: str | None = None, top: int = 10, seed: int = 7) -> dict[str, Any]:
        """Degree and betweenness centrality, brokers between communities and connected
        components of the actor graph (events collapsed into actor-actor ties)."""
        g = self.view(as_of=as_of, actors_only=True)
        g = g.subgraph([n for n in g if self.nodes.get(n, Node(n, n)).kind == "actor"]).copy()
        g.remove_nodes_from([n for n, d in g.degree() if d == 0])
        if g.number_of_nodes() == 0:
            return {
                "nodes": 0,
                "edges": 0,
                "degree": [],
                "betweenness": [],
                "brokers": [],
                "communities": [],
                "components": [],
            }
        deg = nx.degree_centrality(g)
        k = None if g.number_of_nodes() <= 2000 else 500
        btw = nx.betweenness_centrality(g, k=k, seed=seed)
        communities = list(nx.community.louvain_communities(g, seed=seed))
        member = {n: i for i, c in enumerate(communities) for n in c}
        brokers = []
        for n, score in sorted(btw.items(), key=lambda kv: -kv[1]):
            touched = {member[m] for m in g.neighbors(n)} | {member[n]}
            if len(touched) > 1 and score > 0:
                brokers.append(
                    {
                        "id": n,
                        "label": self.label(n),
                        "betweenness": round(score, 4),
                        "communities": len(touched),
                    }
                )
            if len(brokers) >= top:
                break

        def ranked(d: dict[str, float]) -> list[dict[str, Any]]:
            best = sorted(d.items(), key=lambda kv: (-kv[1], self.label(kv[0])))[:top]
            return [{"id": n, "label": self.label(n), "score": round(s, 4)} for n, s in best]

        comps = sorted(nx.connected_components(g), key=len, reverse=True)
        return {
            "nodes": g.number_of_nodes(),
            "edges": g.number_of_edges(),
            "degree": ranked(deg),
            "betweenness": ranked(btw),
            "brokers": brokers,
            "communities": [
                {"size": len(c), "members": sorted(self.label(n) for n in c)[:8]}
                for c in sorted(communities, key=len, reverse=True)[:top]
            ],
            "components": [
                {"size": len(c), "members": sorted(self.label(n) for n in c)[:8]}
                for c in comps[:top]
            ],
        }

    # -- loading ------------------------------------------------------------------------------
    @classmethod
    def from_store(cls, store: Any) -> ActorGraph:
        """Read nodes and edges (with validity and sources) from a :class:`KGStore`."""
        from kg.ontology import ontology
        from kg.query.registry import prologue

        o = ontology()
        rows = store.select(
            prologue()
            + """SELECT ?s ?p ?o ?vf ?vu ?src ?title ?published ?text ?conf ?hedge WHERE {
              {
                ?c kgo:subject ?s ; kgo:predicate ?p ; kgo:object ?o ; kgo:statedIn ?doc .
                FILTER(?p NOT IN (rdf:type, kgo:place, kgo:country))
                FILTER(isIRI(?o))
                OPTIONAL { ?c kgo:validFrom ?vf } OPTIONAL { ?c kgo:validUntil ?vu }
                OPTIONAL { ?c kgo:assertedBy/skos:prefLabel ?src }
                OPTIONAL { ?c kgo:evidence/kgo:text ?text }
                OPTIONAL { ?c kgo:confidence ?conf } OPTIONAL { ?c kgo:hedge ?hedge }
              } UNION {
                ?doc a kgo:Dataset .
                GRAPH ?doc { ?s ?p ?o . OPTIONAL { ?s kgo:sourceText ?text } }
                VALUES ?p { kgo:perpetrator kgo:target kgo:victim kgo:participant kgo:supporter }
                OPTIONAL { ?doc kgo:publisher/skos:prefLabel ?src }
              }
              ?doc kgo:title ?title .
              OPTIONAL { ?doc kgo:published ?published }
            }"""
        ).rows
        edges = edges_from_rows([{**r, "p": o.local(r["p"])} for r in rows])
        ids = {e.u for e in edges} | {e.v for e in edges}
        return cls(_load_nodes(store, ids), edges)


def edges_from_rows(rows: list[dict[str, Any]]) -> list[Edge]:
    """Edges from claim rows (``s``, ``p`` as a local name, ``o``, ``vf``, ``vu``, ``src``,
    ``title``, ``published``, ``text``, ``conf``, ``hedge``): one edge per (s, p, o) with its
    validity, best confidence and sources; statements (claimed, denied...) are not ties. The
    rows are read in one order whatever the store returned, so every backend builds the same
    graph."""
    from kg.ontology import ontology

    o = ontology()
    grouped: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in sorted(rows, key=lambda r: (r["s"], r["p"], r["o"], str(r["title"]))):
        pred = r["p"]
        group = "event" if pred in ROLES else o.groups.get(pred, "")
        if not group:
            continue
        g = grouped.setdefault(
            (r["s"], pred, r["o"]),
            {
                "group": group,
                "vf": set(),
                "vu": set(),
                "sources": set(),
                "conf": 0.0,
                "plain": False,
            },
        )
        g["conf"] = max(g["conf"], float(r["conf"]) if r["conf"] is not None else 1.0)
        g["plain"] = g["plain"] or not r["hedge"]
        if r["vf"]:
            g["vf"].add(str(r["vf"]))
        if r["vu"]:
            g["vu"].add(str(r["vu"]))
        g["sources"].add(
            Source(
                str(r["title"]),
                r["src"],
                r["text"],
                str(r["published"]) if r["published"] else None,
            )
        )
    return [
        Edge(
            s,
            o_,
            p,
            v["group"],
            min(v["vf"]) if v["vf"] else None,
            max(v["vu"]) if v["vu"] else None,
            tuple(sorted(v["sources"], key=lambda x: (x.document, x.source or ""))),
            confidence=v["conf"],
            hedged=not v["plain"],
        )
        for (s, p, o_), v in grouped.items()
    ]


def _load_nodes(store: Any, ids: set[str]) -> list[Node]:
    from kg.ontology import ontology
    from kg.query.registry import prologue

    o = ontology()
    rows = store.select(
        prologue()
        + """SELECT ?x ?label ?cls ?date ?vf ?vu ?place WHERE {
          ?x a ?cls . FILTER(STRSTARTS(STR(?cls), STR(kgo:)))
          OPTIONAL { ?x skos:prefLabel ?label }
          OPTIONAL { ?x kgo:date ?date } OPTIONAL { ?x kgo:validFrom ?vf }
          OPTIONAL { ?x kgo:validUntil ?vu } OPTIONAL { ?x kgo:place/skos:prefLabel ?place }
        }"""
    ).rows
    contested = {
        r["s"]
        for r in store.select(
            prologue()
            + """SELECT ?s WHERE { ?p a owl:FunctionalProperty . ?s ?p ?v .
                 FILTER(STRSTARTS(STR(?p), STR(kgo:))) }
               GROUP BY ?s HAVING (COUNT(DISTINCT ?v) > 1)"""
        ).rows
    }
    info: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["x"] not in ids:
            continue
        d = info.setdefault(
            r["x"],
            {"types": set(), "label": None, "date": None, "vf": None, "vu": None, "place": None},
        )
        d["types"].add(o.local(r["cls"]))
        for k, col in (
            ("label", "label"),
            ("date", "date"),
            ("vf", "vf"),
            ("vu", "vu"),
            ("place", "place"),
        ):
            if r[col] and not d[k]:
                d[k] = str(r[col])
    out = []
    for x in ids:
        d = info.get(
            x, {"types": set(), "label": None, "date": None, "vf": None, "vu": None, "place": None}
        )
        types = [t for t in d["types"] if t in o.classes]
        best = [t for t in types if not any(o.is_a(u, t) and u != t for u in types)]
        typ = sorted(best)[0] if best else "Actor"
        if o.is_a(typ, "Event"):
            label = ", ".join(filter(None, [typ, d["place"], d["date"]]))
            out.append(Node(x, label, "event", typ, d["date"], contested=x in contested))
        else:
            kind = "place" if o.is_a(typ, "Place") and not o.is_a(typ, "Actor") else "actor"
            out.append(
                Node(x, d["label"] or x.rsplit("/", 1)[-1], kind, typ, None, d["vf"], d["vu"])
            )
    return out


def _edge_rank(e: Edge) -> tuple[int, int, int]:
    """Prefer edges that documents assert over reference knowledge, then better sourced."""
    from_docs = sum(1 for s in e.sources if s.document != "Curated reference entities")
    return (1 if from_docs else 0, from_docs, -len(e.predicate))


def bfs_csr(indptr: Any, indices: Any, start: int, hops: int) -> dict[int, int]:
    """Breadth-first distances up to ``hops`` from ``start`` on a CSR adjacency (numpy)."""
    n = len(indptr) - 1
    seen = np.zeros(n, dtype=bool)
    seen[start] = True
    dist = {start: 0}
    frontier = np.array([start], dtype=np.int64)
    for d in range(1, hops + 1):
        if frontier.size == 0:
            break
        starts = indptr[frontier]
        lengths = indptr[frontier + 1] - starts
        total = int(lengths.sum())
        if total == 0:
            break
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        nbrs = indices[offsets + np.arange(total)]
        nbrs = np.unique(nbrs[~seen[nbrs]])
        seen[nbrs] = True
        for i in nbrs.tolist():
            dist[i] = d
        frontier = nbrs
    return dist
