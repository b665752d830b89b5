"""Neo4j (or any Bolt + Cypher server: ArcadeDB, Aura) as a property-graph copy of the store.

The embedded Oxigraph store stays the source of truth: :func:`push` writes the whole graph to
the server, :func:`sync` only what the named graphs changed since the last push or sync touched.
Neither ever writes to the local store.

The mapping (RDF -> property graph)
-----------------------------------
- **Nodes.** Every IRI that is a subject or an IRI object of a quad (and every graph name)
  is one node with the label ``:Resource`` and the key property ``iri`` (unique constraint).
  ``rdf:type`` gives more labels: the local name of each asserted class and of all its
  ancestors in the ontology (``:ArmedGroup:Organization:Actor``); the ``type`` property holds
  the most specific asserted class(es). Documents are ``:Document`` nodes (``:Report``,
  ``:Dataset``), claims ``:Claim`` nodes (``:CountClaim``, ``:Statement``), evidence
  ``:Evidence`` nodes, ontology classes ``:Class`` nodes, all through the same rule.
- **Literal properties.** Keyed by the predicate's local name (``prefLabel``, ``date``,
  ``fatalities``). A value is kept as the Python value of the literal (integers, floats,
  booleans; dates and everything else as their lexical text, so ``"2024-07"`` compares as an
  ISO prefix exactly as ``STR()`` does in SPARQL; language tags are dropped). **Multi-valued
  literals**: a property holds a single value when the union of all graphs gives one, and a
  sorted list of the distinct values when it gives several (``altLabel``, a contested
  ``fatalities`` such as ``[6, 7]``); a list that would mix types holds their lexical texts.
  Queries that must see every value read ``[] + n.key`` (a list in both cases).
- **Relationships.** One per distinct truthy IRI-valued triple, typed in UPPER_SNAKE case
  from the local name (``kgo:affiliatedWith`` -> ``AFFILIATED_WITH``, ``kgo:subject`` ->
  ``SUBJECT``), with ``graphs``: the sorted list of the graphs (document IRIs) that state it.
- **Which document states what.** Each node has ``graphs`` (the graphs in which it is a
  subject) and one ``IN_GRAPH`` relationship to each of those graph nodes carrying what that
  graph alone states about it: its literal properties (same keys and list rule) and ``type``
  (the classes asserted there). ``GRAPH ?doc { ?e kgo:fatalities ?v }`` is
  ``(e)-[g:IN_GRAPH]->(doc)`` with ``[] + g.fatalities``.
- **Claims** keep ``kgo:predicate`` and ``kgo:qualifier`` as the local name of the term
  (``predicate: "affiliatedWith"``, ``qualifier: "at_least"``): vocabulary, not resources.
- **Names.** A local name that another namespace already uses in the ontology (``dcterms:title``
  beside ``kgo:title``) or that the mapping reserves (``iri``, ``graphs``, ``type``,
  ``Resource``, ``IN_GRAPH``) gets its prefix (``dcterms_title``). ``:Term`` nodes record
  every name used: ``{iri, kind: label|property|relationship, name, local}``.
- Blank nodes and quoted triples are left out (the project writes none).

Sync keeps a digest of every named graph on one ``:KgSync`` node. A changed or deleted graph
makes every node it stated (and, for a new version, every node it states) be recomputed from
the local store: labels, properties, ``IN_GRAPH`` and outgoing relationships are all functions
of the quads whose subject is that node, so recomputing them is exact. Writes are batched
``UNWIND $rows AS row ...`` statements after the unique constraints exist, retried with
backoff on transient errors; a push into a graph that already holds the same data writes
nothing.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.ontology import RDF, Ontology, ontology, prefixes
from kg.store.oxigraph import KGStore, Rows, term_value

#: Bumped when the mapping changes: a sync then rewrites everything.
MAPPING_VERSION = "1"
RESOURCE = "Resource"
IN_GRAPH = "IN_GRAPH"
TERM = "Term"
SYNC = "KgSync"
RESERVED_KEYS = frozenset({"iri", "graphs", "type"})
RESERVED_NAMES = frozenset({RESOURCE, TERM, SYNC, IN_GRAPH})
_NAME_RX = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_STAGING = "urn:kg:staging:"
DEFAULT_BATCH = 5000
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


# -- connection ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Neo4jSettings:
    """Where the Bolt server is. Unset fields come from ``NEO4J_URI``, ``NEO4J_USER``,
    ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE``; the password is never shown."""

    uri: str = "bolt://127.0.0.1:7687"
    user: str = "neo4j"
    password: str = field(default="", repr=False)
    database: str | None = None
    timeout: float = 15.0

    @classmethod
    def from_env(
        cls,
        uri: str | None = None,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        *,
        timeout: float | None = None,
    ) -> Neo4jSettings:
        env = os.environ
        return cls(
            uri=uri or env.get("NEO4J_URI") or cls.uri,
            user=user or env.get("NEO4J_USER") or cls.user,
            password=password if password is not None else env.get("NEO4J_PASSWORD", ""),
            database=database or env.get("NEO4J_DATABASE") or None,
            timeout=timeout if timeout is not None else cls.timeout,
        )

    @property
    def safe_uri(self) -> str:
        """The URI without any user or password in it."""
        try:
            parts = urlsplit(self.uri)
        except ValueError:
            return "<invalid URI>"
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path, "", ""))

    def where(self) -> str:
        db = f" (database {self.database})" if self.database else ""
        return f"{self.safe_uri}{db}"


def _first_line(e: BaseException) -> str:
    msg = getattr(e, "message", None) or str(e) or type(e).__name__
    return str(msg).strip().splitlines()[0][:300]


class Neo4jStore:
    """A connection to a Bolt + Cypher server, with batched writes and retries.

    Parameters
    ----------
    settings
        Where the server is (default: from the ``NEO4J_*`` environment variables).
    batch_size
        Rows per ``UNWIND $rows`` statement.
    retries
        Attempts after a transient error (deadlock, leader switch, dropped connection), with
        exponential backoff from ``backoff`` seconds.
    """

    def __init__(
        self,
        settings: Neo4jSettings | None = None,
        *,
        batch_size: int = DEFAULT_BATCH,
        retries: int = 4,
        backoff: float = 0.5,
    ):
        self.settings = settings or Neo4jSettings.from_env()
        self.batch_size = batch_size
        self.retries = retries
        self.backoff = backoff
        self._drv: Any = None

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._drv is not None:
            self._drv.close()
            self._drv = None

    # -- errors ----------------------------------------------------------------------------
    def _error(self, e: BaseException) -> Exception:
        """One-line error naming the server (never the password) and what to check."""
        from neo4j import exceptions as nx

        where = self.settings.where()
        code = getattr(e, "code", None) or ""
        if isinstance(e, nx.AuthError) or "Security.Unauthorized" in code:
            return StoreError(
                f"Neo4j at {where} refused the login of user {self.settings.user!r}: "
                "check NEO4J_USER and NEO4J_PASSWORD (or --user/--password)"
            )
        if "DatabaseNotFound" in code or "database does not exist" in _first_line(e).lower():
            return StoreError(
                f"Neo4j at {where}: no such database: check NEO4J_DATABASE (or --database)"
            )
        if isinstance(e, nx.ConfigurationError | ValueError) and not isinstance(e, nx.Neo4jError):
            return StoreError(
                f"cannot use Neo4j URI {self.settings.safe_uri!r}: {_first_line(e)}; check "
                "NEO4J_URI (or --uri), e.g. bolt://127.0.0.1:7687"
            )
        if isinstance(e, nx.ServiceUnavailable | nx.SessionExpired | OSError):
            return StoreError(
                f"cannot reach Neo4j at {where}: {_first_line(e)}; check that the server is "
                "running and that NEO4J_URI (or --uri) points to its Bolt port"
            )
        if "TransactionTimedOut" in code or "timed out" in _first_line(e).lower():
            return StoreError(
                f"Neo4j at {where} timed out: {_first_line(e)}; check the server's load or "
                "narrow the query"
            )
        if isinstance(e, nx.TransientError):
            return StoreError(
                f"Neo4j at {where} kept failing after {self.retries} retries: {_first_line(e)}"
            )
        if isinstance(e, nx.CypherSyntaxError) or code.startswith("Neo.ClientError.Statement"):
            return QueryError(f"Cypher error from {where}: {_first_line(e)}")
        return StoreError(f"Neo4j at {where}: {_first_line(e)}")

    # -- sessions --------------------------------------------------------------------------
    def driver(self) -> Any:
        if self._drv is None:
            from neo4j import GraphDatabase
            from neo4j import exceptions as nx

            s = self.settings
            scheme = s.uri.split("://", 1)[0].lower() if "://" in s.uri else ""
            if scheme not in BOLT_SCHEMES:
                raise StoreError(
                    f"cannot use Neo4j URI {s.safe_uri!r}: not a Bolt URI; check NEO4J_URI "
                    f"(or --uri): {', '.join(BOLT_SCHEMES)}, e.g. bolt://127.0.0.1:7687"
                )
            try:
                drv = GraphDatabase.driver(
                    s.uri,
                    auth=(s.user, s.password),
                    connection_timeout=s.timeout,
                    connection_acquisition_timeout=s.timeout * 2,
                    max_transaction_retry_time=0,
                )
                drv.verify_connectivity()
            except (nx.Neo4jError, nx.DriverError, OSError, ValueError) as e:
                raise self._error(e) from e
            self._drv = drv
        return self._drv

    def _retrying(self, work: Callable[[Any], Any]) -> Any:
        from neo4j import exceptions as nx

        delay = self.backoff
        for attempt in range(self.retries + 1):
            try:
                with self.driver().session(database=self.settings.database) as session:
                    return work(session)
            except (nx.TransientError, nx.ServiceUnavailable, nx.SessionExpired) as e:
                if attempt == self.retries or "TransactionTimedOut" in (
                    getattr(e, "code", "") or ""
                ):
                    raise self._error(e) from e
                time.sleep(delay)
                delay *= 2
            except (nx.Neo4jError, nx.DriverError, OSError) as e:
                raise self._error(e) from e
        raise AssertionError("unreachable")  # pragma: no cover

    def query(self, text: str, params: dict[str, Any] | None = None) -> Rows:
        """Run one Cypher statement with ``params``; rows of plain Python values."""

        def work(session: Any) -> Rows:
            res = session.run(text, params or {})
            keys = list(res.keys())
            rows = [{k: plain(rec[k]) for k in keys} for rec in res]
            return Rows(keys, rows)

        return self._retrying(work)

    def write(self, text: str, rows: list[dict[str, Any]] | None = None) -> int:
        """Run a write statement; with ``rows``, once per batch as ``$rows`` (one
        transaction per batch). Returns the number of rows written."""

        def one(batch: list[dict[str, Any]] | None) -> None:
            def work(session: Any) -> None:
                with session.begin_transaction() as tx:
                    tx.run(text, {"rows": batch} if batch is not None else {}).consume()
                    tx.commit()

            self._retrying(work)

        if rows is None:
            one(None)
            return 0
        for i in range(0, len(rows), self.batch_size):
            one(rows[i : i + self.batch_size])
        return len(rows)

    def stream(self, text: str, params: dict[str, Any] | None = None) -> Iterator[Any]:
        """Records of a large read, one at a time."""
        from neo4j import exceptions as nx

        try:
            with self.driver().session(database=self.settings.database) as session:
                yield from session.run(text, params or {})
        except (nx.Neo4jError, nx.DriverError, OSError) as e:
            raise self._error(e) from e

    def clear(self) -> None:
        """Delete every node and relationship in the database (tests, benchmarks)."""
        while True:
            rows = self.query(
                "MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS n"
            ).rows
            if not rows or not rows[0]["n"]:
                return

    def counts(self) -> dict[str, int]:
        """Nodes and relationships in the database."""
        n = self.query("MATCH (n) RETURN count(n) AS n").rows[0]["n"]
        r = self.query("MATCH ()-[r]->() RETURN count(r) AS n").rows[0]["n"]
        return {"nodes": int(n), "relationships": int(r)}


def plain(v: Any) -> Any:
    """A value from the driver as plain Python (nodes as property maps with their labels,
    relationships with their type, paths as lists, temporal values as ISO text)."""
    if v is None or isinstance(v, str | int | float | bool):
        return v
    if isinstance(v, list | tuple):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    from neo4j.graph import Node, Path, Relationship

    if isinstance(v, Node):
        return {"labels": sorted(v.labels), **{k: plain(x) for k, x in v.items()}}
    if isinstance(v, Relationship):
        return {"type": v.type, **{k: plain(x) for k, x in v.items()}}
    if isinstance(v, Path):
        return [plain(n) for n in v.nodes]
    if hasattr(v, "iso_format"):
        return v.iso_format()
    return str(v)


# -- naming ----------------------------------------------------------------------------------


def upper_snake(name: str) -> str:
    """``affiliatedWith`` -> ``AFFILIATED_WITH``, ``versionIRI`` -> ``VERSION_IRI``."""
    s = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"_+", "_", s).upper()


def _safe(name: str) -> str:
    s = re.sub(r"\W", "_", name, flags=re.ASCII)
    if not s or not (s[0].isalpha() or s[0] == "_"):
        s = "_" + s
    return s


def check_name(name: str) -> str:
    """A label or relationship type, checked before it goes into Cypher text."""
    if not _NAME_RX.match(name):
        raise StoreError(f"not a valid label or relationship type: {name!r}")
    return name


class Naming:
    """Labels, property keys and relationship types for RDF terms (see the module doc)."""

    def __init__(self, o: Ontology | None = None):
        self.o = o or ontology()
        self.ns = self.o.ns
        pre = dict(prefixes())
        pre.setdefault("dcterms", "http://purl.org/dc/terms/")
        self._prefix = {iri: p for p, iri in pre.items()}
        self._props = set(self.o.properties)
        self._classes = set(self.o.classes)
        self._keys: dict[str, str] = {}
        self._labels: dict[str, str] = {}
        self._types: dict[str, str] = {}
        self._ancestors: dict[str, frozenset[str]] = {}

    @staticmethod
    def split(iri: str) -> tuple[str, str]:
        for sep in ("#", "/", ":"):
            if sep in iri:
                head, _, tail = iri.rpartition(sep)
                if tail:
                    return head + sep, tail
        return "", iri

    def _qualified(self, iri: str, taken: set[str]) -> str:
        ns, local = self.split(iri)
        if ns == self.ns:
            return _safe(local)
        local = _safe(local)
        if local in taken or local in RESERVED_KEYS or local in RESERVED_NAMES:
            prefix = self._prefix.get(ns) or "ns" + hashlib.sha1(ns.encode()).hexdigest()[:6]
            return f"{prefix}_{local}"
        return local

    def key(self, pred: str) -> str:
        """Property key of a predicate (its local name)."""
        k = self._keys.get(pred)
        if k is None:
            k = self._keys[pred] = self._qualified(pred, self._props)
        return k

    def rel_type(self, pred: str) -> str:
        t = self._types.get(pred)
        if t is None:
            t = upper_snake(self.key(pred))
            if t in RESERVED_NAMES:
                t = "RDF_" + t
            t = self._types[pred] = check_name(t)
        return t

    def label(self, cls: str) -> str:
        lab = self._labels.get(cls)
        if lab is None:
            lab = self._labels[cls] = check_name(self._qualified(cls, self._classes))
        return lab

    def ancestors(self, cls: str) -> frozenset[str]:
        """IRIs of the class and its ancestors (for ontology classes)."""
        a = self._ancestors.get(cls)
        if a is None:
            ns, local = self.split(cls)
            if ns == self.ns and local in self._classes:
                a = frozenset(self.o.classes[c] for c in self.o.ancestors(local))
            else:
                a = frozenset([cls])
            self._ancestors[cls] = a
        return a

    def local(self, iri: str) -> str:
        """What SPARQL's ``STRAFTER(STR(?x), "#")`` gives, else the last path segment."""
        if "#" in iri:
            return iri.split("#", 1)[1]
        return self.split(iri)[1]


# -- the desired state, computed from quads ---------------------------------------------------

_RDF_TYPE = RDF + "type"


def pack(values: Iterable[tuple[str, Any, str]]) -> Any:
    """One value, or the sorted list of distinct values (as text when types are mixed).

    ``values`` are ``(kind, value, lexical)`` triples.
    """
    vals = set(values)
    kinds = {k for k, _, _ in vals}
    if len(kinds) > 1:
        items: list[Any] = sorted({lex for _, _, lex in vals})
    else:
        items = sorted({v for _, v, _ in vals})
    return items[0] if len(items) == 1 else items


def _literal(lit: ox.Literal) -> tuple[str, Any, str]:
    v = term_value(lit)
    if isinstance(v, int) and not isinstance(v, bool) and not -(2**63) <= v < 2**63:
        v = lit.value
    if isinstance(v, bool):
        return ("bool", v, lit.value)
    return (type(v).__name__, v, lit.value)


@dataclass
class _Subject:
    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    lits: dict[str, dict[str, set[tuple[str, Any, str]]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )
    rels: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))


@dataclass
class NodeState:
    labels: frozenset[str]
    props: dict[str, Any]


@dataclass
class GraphState:
    """Nodes, relationships and terms: what the server should hold for some subjects."""

    nodes: dict[str, NodeState] = field(default_factory=dict)
    #: (start iri, type, end iri) -> properties
    rels: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    #: IRIs only seen as objects or graph names (a bare node unless they are subjects)
    objects: set[str] = field(default_factory=set)
    terms: dict[str, dict[str, Any]] = field(default_factory=dict)


class Mapper:
    """Turns quads into :class:`GraphState` (the mapping of the module doc)."""

    def __init__(self, o: Ontology | None = None):
        self.naming = Naming(o)
        n = self.naming
        self._vocab = {n.o.prop("predicate"), n.o.prop("qualifier")}

    def _term(self, terms: dict[str, dict[str, Any]], kind: str, iri: str, name: str) -> None:
        key = f"{kind} {iri}"
        if key not in terms:
            terms[key] = {
                "key": key,
                "iri": iri,
                "kind": kind,
                "name": name,
                "local": self.naming.local(iri),
            }

    def collect(self, quads: Iterable[ox.Quad]) -> tuple[dict[str, _Subject], GraphState]:
        subjects: dict[str, _Subject] = defaultdict(_Subject)
        state = GraphState()
        n = self.naming
        terms = state.terms
        seen_pred: dict[tuple[str, bool], str] = {}
        for q in quads:
            s, p, o, g = q.subject, q.predicate, q.object, q.graph_name
            if not isinstance(s, ox.NamedNode) or not isinstance(g, ox.NamedNode):
                continue
            if isinstance(o, ox.BlankNode | ox.Triple):
                continue
            graph = g.value
            subj = subjects[s.value]
            pred = p.value
            if pred == _RDF_TYPE and isinstance(o, ox.NamedNode):
                subj.types[graph].add(o.value)
                continue
            if isinstance(o, ox.Literal) or pred in self._vocab:
                if isinstance(o, ox.Literal):
                    value = _literal(o)
                else:
                    loc = n.local(o.value)
                    value = ("str", loc, loc)
                k = seen_pred.get((pred, False))
                if k is None:
                    k = seen_pred[(pred, False)] = n.key(pred)
                    self._term(terms, "property", pred, k)
                subj.lits[graph][k].add(value)
                continue
            t = seen_pred.get((pred, True))
            if t is None:
                t = seen_pred[(pred, True)] = n.rel_type(pred)
                self._term(terms, "relationship", pred, t)
            subj.rels[(t, o.value)].add(graph)
        return subjects, state

    def states(self, subjects: dict[str, _Subject], state: GraphState) -> GraphState:
        """Fill ``state`` with the nodes and relationships of ``subjects``."""
        n = self.naming
        for iri, subj in subjects.items():
            graphs = sorted(
                set(subj.types) | set(subj.lits) | {g for gs in subj.rels.values() for g in gs}
            )
            asserted: set[str] = set().union(*subj.types.values()) if subj.types else set()
            labels = {RESOURCE}
            for c in asserted:
                for a in n.ancestors(c):
                    labels.add(n.label(a))
                    self._term(state.terms, "label", a, n.label(a))
            specific = [
                c
                for c in asserted
                if not any(c != other and c in n.ancestors(other) for other in asserted)
            ]
            props: dict[str, Any] = {"iri": iri}
            if graphs:
                props["graphs"] = graphs
            if specific:
                props["type"] = pack(("str", n.label(c), n.label(c)) for c in specific)
            merged: dict[str, set[tuple[str, Any, str]]] = defaultdict(set)
            for per_graph in subj.lits.values():
                for k, vals in per_graph.items():
                    merged[k] |= vals
            for k, vals in merged.items():
                props[k] = pack(vals)
            state.nodes[iri] = NodeState(frozenset(labels), props)
            for g in graphs:
                gp: dict[str, Any] = {}
                if subj.types.get(g):
                    gp["type"] = pack(("str", n.label(c), n.label(c)) for c in subj.types[g])
                for k, vals in subj.lits.get(g, {}).items():
                    gp[k] = pack(vals)
                state.rels[(iri, IN_GRAPH, g)] = gp
                state.objects.add(g)
            for (t, o), gs in subj.rels.items():
                state.rels[(iri, t, o)] = {"graphs": sorted(gs)}
                state.objects.add(o)
        return state

    def build(self, quads: Iterable[ox.Quad]) -> GraphState:
        subjects, state = self.collect(quads)
        self.states(subjects, state)
        for o in state.objects - set(state.nodes):
            state.nodes[o] = NodeState(frozenset({RESOURCE}), {"iri": o})
        return state


# -- reading the local store -------------------------------------------------------------------


def _internal(graph: str) -> bool:
    return graph.startswith(_STAGING) or graph == ontology().entity_iri("doc", "journal")


def store_graphs(store: KGStore) -> list[str]:
    """The named graphs of the store that are mirrored (not staging copies, not the journal)."""
    out = []
    for g in store.raw.named_graphs():
        if isinstance(g, ox.NamedNode) and not _internal(g.value):
            out.append(g.value)
    return sorted(out)


def graph_digest(store: KGStore, graph: str) -> str:
    """A digest of a graph's quads that does not depend on their order."""
    total = 0
    count = 0
    for q in store.raw.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
        h = hashlib.blake2b(
            f"{q.subject} {q.predicate} {q.object}".encode(), digest_size=8
        ).digest()
        total = (total + int.from_bytes(h, "big")) % (1 << 64)
        count += 1
    return f"{count}:{total:016x}"


def _all_quads(store: KGStore) -> Iterator[ox.Quad]:
    for g in store_graphs(store):
        yield from store.raw.quads_for_pattern(None, None, None, ox.NamedNode(g))


def _subject_quads(store: KGStore, iris: Iterable[str]) -> Iterator[ox.Quad]:
    for iri in iris:
        for q in store.raw.quads_for_pattern(ox.NamedNode(iri), None, None, None):
            g = q.graph_name
            if isinstance(g, ox.NamedNode) and not _internal(g.value):
                yield q


def _in_store(store: KGStore, iri: str) -> bool:
    node = ox.NamedNode(iri)
    if store.raw.contains_named_graph(node) and not _internal(iri):
        return True
    for q in itertools.chain(
        store.raw.quads_for_pattern(node, None, None, None),
        store.raw.quads_for_pattern(None, None, node, None),
    ):
        g = q.graph_name
        if isinstance(g, ox.NamedNode) and not _internal(g.value):
            return True
    return False


# -- reading and writing the server -----------------------------------------------------------


@dataclass
class SyncReport:
    """What a push or sync did."""

    graphs: int = 0
    changed_graphs: list[str] = field(default_factory=list)
    deleted_graphs: list[str] = field(default_factory=list)
    nodes_created: int = 0
    nodes_updated: int = 0
    nodes_deleted: int = 0
    relationships_created: int = 0
    relationships_updated: int = 0
    relationships_deleted: int = 0
    seconds: float = 0.0
    full: bool = False

    @property
    def written(self) -> int:
        return (
            self.nodes_created
            + self.nodes_updated
            + self.nodes_deleted
            + self.relationships_created
            + self.relationships_updated
            + self.relationships_deleted
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "mode": "push" if self.full else "sync",
            "graphs": self.graphs,
            "changed_graphs": len(self.changed_graphs),
            "deleted_graphs": len(self.deleted_graphs),
            "nodes_created": self.nodes_created,
            "nodes_updated": self.nodes_updated,
            "nodes_deleted": self.nodes_deleted,
            "relationships_created": self.relationships_created,
            "relationships_updated": self.relationships_updated,
            "relationships_deleted": self.relationships_deleted,
            "seconds": round(self.seconds, 3),
        }


def ensure_schema(neo: Neo4jStore) -> None:
    """Unique constraints (created before any write: lookups by key are slow without them)
    and the index on claims' predicates."""
    for label, prop, name in (
        (RESOURCE, "iri", "kg_resource_iri"),
        (TERM, "key", "kg_term_key"),
        (SYNC, "id", "kg_sync_id"),
    ):
        try:
            neo.write(
                f"CREATE CONSTRAINT {name} IF NOT EXISTS "
                f"FOR (n:{check_name(label)}) REQUIRE n.{prop} IS UNIQUE"
            )
        except StoreError:
            raise
        except QueryError as e:
            raise StoreError(f"cannot create the unique constraint on :{label}({prop}): {e}") from e
    # claims are found by predicate (supports, affiliation_edges)
    try:
        neo.write("CREATE INDEX kg_claim_predicate IF NOT EXISTS FOR (n:Claim) ON (n.predicate)")
    except QueryError as e:
        raise StoreError(f"cannot create the index on :Claim(predicate): {e}") from e


def _read_nodes(neo: Neo4jStore, iris: list[str] | None) -> dict[str, NodeState]:
    out: dict[str, NodeState] = {}
    if iris is None:
        recs = neo.stream(
            f"MATCH (n:{RESOURCE}) RETURN n.iri AS iri, labels(n) AS labels, properties(n) AS props"
        )
        for r in recs:
            out[r["iri"]] = NodeState(frozenset(r["labels"]), plain(r["props"]))
        return out
    for i in range(0, len(iris), neo.batch_size):
        rows = neo.query(
            f"UNWIND $iris AS i MATCH (n:{RESOURCE} {{iri: i}}) "
            "RETURN n.iri AS iri, labels(n) AS labels, properties(n) AS props",
            {"iris": iris[i : i + neo.batch_size]},
        ).rows
        for r in rows:
            out[r["iri"]] = NodeState(frozenset(r["labels"]), r["props"])
    return out


def _read_rels(
    neo: Neo4jStore, iris: list[str] | None
) -> dict[tuple[str, str, str], dict[str, Any]]:
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    tail = "RETURN a.iri AS s, type(r) AS t, b.iri AS o, properties(r) AS props"
    if iris is None:
        for r in neo.stream(f"MATCH (a:{RESOURCE})-[r]->(b:{RESOURCE}) {tail}"):
            out[(r["s"], r["t"], r["o"])] = plain(r["props"])
        return out
    for i in range(0, len(iris), neo.batch_size):
        rows = neo.query(
            f"UNWIND $iris AS i MATCH (a:{RESOURCE} {{iri: i}})-[r]->(b:{RESOURCE}) {tail}",
            {"iris": iris[i : i + neo.batch_size]},
        ).rows
        for r in rows:
            out[(r["s"], r["t"], r["o"])] = r["props"]
    return out


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a.keys() != b.keys():
        return False
    for k, v in a.items():
        w = b[k]
        if type(v) is not type(w) and not (
            isinstance(v, int | float) and isinstance(w, int | float) and not isinstance(v, bool)
        ):
            return False
        if v != w:
            return False
    return True


def _apply(
    neo: Neo4jStore,
    desired: GraphState,
    current_nodes: dict[str, NodeState],
    current_rels: dict[tuple[str, str, str], dict[str, Any]],
    scope: set[str],
    report: SyncReport,
    *,
    delete_nodes: set[str],
) -> None:
    """Make the server hold ``desired`` for the subjects in ``scope``."""
    R = RESOURCE
    # relationships leaving the scope's nodes
    want = {k: v for k, v in desired.rels.items() if k[0] in scope}
    stale = [k for k in current_rels if k[0] in scope and k not in want]
    new = [k for k in want if k not in current_rels]
    changed = [k for k in want if k in current_rels and not _same(want[k], current_rels[k])]
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s, t, o in stale:
        by_type[t].append({"s": s, "o": o})
    for t, rows in sorted(by_type.items()):
        neo.write(
            f"UNWIND $rows AS row MATCH (a:{R} {{iri: row.s}})-[r:{check_name(t)}]->"
            f"(b:{R} {{iri: row.o}}) DELETE r",
            rows,
        )
    report.relationships_deleted += len(stale)
    # nodes
    gone = sorted(delete_nodes & set(current_nodes))
    if gone:
        neo.write(
            f"UNWIND $rows AS row MATCH (n:{R} {{iri: row.iri}}) DETACH DELETE n",
            [{"iri": i} for i in gone],
        )
        report.nodes_deleted += len(gone)
    creates: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
    updates: list[dict[str, Any]] = []
    add_labels: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
    drop_labels: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
    for iri, st in desired.nodes.items():
        cur = current_nodes.get(iri)
        if cur is None or iri in delete_nodes:
            creates[st.labels].append({"props": st.props})
            continue
        touched = False
        if not _same(st.props, cur.props):
            updates.append({"iri": iri, "props": st.props})
            touched = True
        if st.labels != cur.labels:
            if st.labels - cur.labels:
                add_labels[frozenset(st.labels - cur.labels)].append({"iri": iri})
            if cur.labels - st.labels:
                drop_labels[frozenset(cur.labels - st.labels)].append({"iri": iri})
            touched = True
        report.nodes_updated += touched
    for labels, rows in sorted(creates.items(), key=lambda kv: sorted(kv[0])):
        lab = ":".join(check_name(x) for x in sorted(labels))
        neo.write(f"UNWIND $rows AS row CREATE (n:{lab}) SET n = row.props", rows)
        report.nodes_created += len(rows)
    if updates:
        neo.write(f"UNWIND $rows AS row MATCH (n:{R} {{iri: row.iri}}) SET n = row.props", updates)
    for labels, rows in drop_labels.items():
        lab = ":".join(check_name(x) for x in sorted(labels))
        neo.write(f"UNWIND $rows AS row MATCH (n:{R} {{iri: row.iri}}) REMOVE n:{lab}", rows)
    for labels, rows in add_labels.items():
        lab = ":".join(check_name(x) for x in sorted(labels))
        neo.write(f"UNWIND $rows AS row MATCH (n:{R} {{iri: row.iri}}) SET n:{lab}", rows)
    # new and changed relationships
    by_type = defaultdict(list)
    for s, t, o in new:
        by_type[t].append({"s": s, "o": o, "props": want[(s, t, o)]})
    for t, rows in sorted(by_type.items()):
        neo.write(
            f"UNWIND $rows AS row MATCH (a:{R} {{iri: row.s}}) MATCH (b:{R} {{iri: row.o}}) "
            f"CREATE (a)-[r:{check_name(t)}]->(b) SET r = row.props",
            rows,
        )
    report.relationships_created += len(new)
    by_type = defaultdict(list)
    for s, t, o in changed:
        by_type[t].append({"s": s, "o": o, "props": want[(s, t, o)]})
    for t, rows in sorted(by_type.items()):
        neo.write(
            f"UNWIND $rows AS row MATCH (a:{R} {{iri: row.s}})-[r:{check_name(t)}]->"
            f"(b:{R} {{iri: row.o}}) SET r = row.props",
            rows,
        )
    report.relationships_updated += len(changed)


def _write_terms(neo: Neo4jStore, terms: dict[str, dict[str, Any]]) -> None:
    if not terms:
        return
    existing = {
        r["key"]: r["props"]
        for r in neo.query(f"MATCH (t:{TERM}) RETURN t.key AS key, properties(t) AS props").rows
    }
    rows = [t for k, t in sorted(terms.items()) if not _same(t, existing.get(k) or {})]
    if rows:
        neo.write(f"UNWIND $rows AS row MERGE (t:{TERM} {{key: row.key}}) SET t = row", rows)


def _read_sync(neo: Neo4jStore) -> dict[str, str] | None:
    rows = neo.query(
        f"MATCH (s:{SYNC} {{id: 'state'}}) RETURN s.graphs AS graphs, s.digests AS digests, "
        "s.mapping AS mapping"
    ).rows
    if not rows or rows[0]["mapping"] != MAPPING_VERSION:
        return None
    return dict(zip(rows[0]["graphs"] or [], rows[0]["digests"] or [], strict=False))


def _write_sync(neo: Neo4jStore, digests: dict[str, str]) -> None:
    graphs = sorted(digests)
    neo.query(
        f"MERGE (s:{SYNC} {{id: 'state'}}) SET s.graphs = $graphs, s.digests = $digests, "
        "s.mapping = $mapping RETURN s.id AS id",
        {"graphs": graphs, "digests": [digests[g] for g in graphs], "mapping": MAPPING_VERSION},
    )


def push(
    store: KGStore,
    neo: Neo4jStore,
    *,
    progress: Callable[[str], None] | None = None,
) -> SyncReport:
    """Make the server hold the whole graph of ``store`` (the local store is only read).

    Idempotent: pushing the same store again finds nothing to change and writes nothing.
    """
    t0 = time.perf_counter()
    report = SyncReport(full=True)
    ensure_schema(neo)
    graphs = store_graphs(store)
    report.graphs = len(graphs)
    say = progress or (lambda _m: None)
    digests = {g: graph_digest(store, g) for g in graphs}
    mapper = Mapper()
    desired = mapper.build(_all_quads(store))
    say(f"mapped {len(desired.nodes):,} nodes and {len(desired.rels):,} relationships")
    empty = not neo.query(f"MATCH (n:{RESOURCE}) RETURN n.iri AS i LIMIT 1").rows
    current_nodes = {} if empty else _read_nodes(neo, None)
    current_rels = {} if empty else _read_rels(neo, None)
    scope = set(desired.nodes) | set(current_nodes)
    delete = set(current_nodes) - set(desired.nodes)
    _apply(neo, desired, current_nodes, current_rels, scope, report, delete_nodes=delete)
    _write_terms(neo, desired.terms)
    _write_sync(neo, digests)
    report.changed_graphs = graphs
    report.seconds = time.perf_counter() - t0
    return report


def sync(
    store: KGStore,
    neo: Neo4jStore,
    *,
    progress: Callable[[str], None] | None = None,
) -> SyncReport:
    """Send only the named graphs that changed since the last push or sync (a first sync, or
    a change of the ontology graph, is a push)."""
    t0 = time.perf_counter()
    ensure_schema(neo)
    before = _read_sync(neo)
    onto_graph = ontology().entity_iri("doc", "ontology")
    graphs = store_graphs(store)
    digests = {g: graph_digest(store, g) for g in graphs}
    if before is None or before.get(onto_graph) != digests.get(onto_graph):
        report = push(store, neo, progress=progress)
        report.seconds = time.perf_counter() - t0
        return report
    report = SyncReport(graphs=len(graphs))
    report.changed_graphs = sorted(g for g in graphs if before.get(g) != digests[g])
    report.deleted_graphs = sorted(set(before) - set(graphs))
    touched = report.changed_graphs + report.deleted_graphs
    if not touched:
        report.seconds = time.perf_counter() - t0
        return report
    # every node a touched graph stated before (on the server) or states now (in the store)
    scope: set[str] = set()
    for g in touched:
        scope.update(
            r["i"]
            for r in neo.query(
                f"MATCH (n:{RESOURCE})-[:{IN_GRAPH}]->(:{RESOURCE} {{iri: $g}}) RETURN n.iri AS i",
                {"g": g},
            ).rows
        )
        if g in digests:
            for q in store.raw.quads_for_pattern(None, None, None, ox.NamedNode(g)):
                if isinstance(q.subject, ox.NamedNode):
                    scope.add(q.subject.value)
    scope |= set(touched)
    mapper = Mapper()
    current_nodes = _read_nodes(neo, sorted(scope))
    current_rels = _read_rels(neo, sorted(scope))
    subjects, desired = mapper.collect(_subject_quads(store, sorted(scope)))
    mapper.states(subjects, desired)
    # nodes of the scope that no longer state anything: bare nodes if still referenced
    delete: set[str] = set()
    for iri in scope - set(desired.nodes):
        if _in_store(store, iri):
            desired.nodes[iri] = NodeState(frozenset({RESOURCE}), {"iri": iri})
        else:
            delete.add(iri)
    # endpoints outside the scope: create the missing ones (with their full state)
    outside = sorted(desired.objects - scope)
    present = set(_read_nodes(neo, outside)) if outside else set()
    missing = [o for o in outside if o not in present]
    if missing:
        more, extra = mapper.collect(_subject_quads(store, missing))
        mapper.states(more, extra)
        for o in missing:
            desired.nodes[o] = extra.nodes.get(o) or NodeState(frozenset({RESOURCE}), {"iri": o})
        for k, v in extra.rels.items():
            desired.rels[k] = v
        scope |= set(missing)
    # endpoints of relationships that go away: delete them if nothing refers to them now
    for s, _t, o in current_rels:
        if s in scope and o not in scope and not _in_store(store, o):
            delete.add(o)
            current_nodes.setdefault(o, NodeState(frozenset({RESOURCE}), {"iri": o}))
    desired_nodes = {k: v for k, v in desired.nodes.items() if k in scope}
    desired.nodes = desired_nodes
    _apply(neo, desired, current_nodes, current_rels, scope, report, delete_nodes=delete)
    _write_terms(neo, desired.terms)
    _write_sync(neo, digests)
    report.seconds = time.perf_counter() - t0
    return report


def snapshot(neo: Neo4jStore) -> dict[str, Any]:
    """Counts and a digest of every node's labels and properties and every relationship's
    properties (to check that a second push changed nothing)."""
    h = hashlib.sha256()
    nodes = _read_nodes(neo, None)
    for iri in sorted(nodes):
        st = nodes[iri]
        h.update(repr((iri, sorted(st.labels), sorted(st.props.items()))).encode())
    rels = _read_rels(neo, None)
    for k in sorted(rels):
        h.update(repr((k, sorted(rels[k].items()))).encode())
    c = neo.counts()
    return {**c, "digest": h.hexdigest()}
