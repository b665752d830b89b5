"""The embedded store: Oxigraph on disk (``./kg-data`` or ``KG_STORE``) or in memory.

Each document lives in its own named graph, whose IRI is the document IRI. Writing a document
replaces its graph in one step: the new quads are written to a staging graph in one
transaction, then moved over the old graph by one SPARQL update (also a transaction), so a
reader never sees half a document and re-ingesting never duplicates anything. Queries read the
union of all graphs.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.model import Extraction
from kg.ontology import ontology, prefixes
from kg.store.rdf import extraction_quads, refresh_reference, store_documents, store_stats

DEFAULT_LOCATION = "kg-data"
_STAGING = "urn:kg:staging:"
#: quads per call of the bulk loader when a large document is bulk-written (see KGStore.bulk_add)
BULK_BATCH = 100_000


def default_location() -> str:
    """``KG_STORE`` or ``./kg-data``."""
    return os.environ.get("KG_STORE") or DEFAULT_LOCATION


@dataclass
class Rows:
    """Result of a SELECT: variable names and rows of Python values."""

    variables: list[str]
    rows: list[dict[str, Any]]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def term_value(t: Any) -> Any:
    """A pyoxigraph term as a Python value: IRIs and strings as str, numbers as numbers."""
    if t is None:
        return None
    if isinstance(t, ox.Literal):
        dt = t.datatype.value if t.datatype else ""
        v = t.value
        if dt.endswith(("#integer", "#int", "#long")):
            try:
                return int(v)
            except ValueError:
                return v
        if dt.endswith(("#decimal", "#double", "#float")):
            try:
                return float(v)
            except ValueError:
                return v
        if dt.endswith("#boolean"):
            return v == "true"
        return v
    return t.value


def _to_term(value: Any) -> ox.NamedNode | ox.Literal:
    if isinstance(value, ox.NamedNode | ox.Literal):
        return value
    from kg.store.rdf import value_literal

    if isinstance(value, str) and value.startswith(("http://", "https://", "urn:")):
        return ox.NamedNode(value)
    return value_literal(value)


class KGStore:
    """The knowledge graph over an Oxigraph store.

    Parameters
    ----------
    location
        A folder for an on-disk store, or ``None``/``":memory:"`` for an in-memory one.

    Examples
    --------
    >>> s = KGStore(None)
    >>> s.stats()["documents"]
    0
    """

    def __init__(self, location: str | os.PathLike[str] | None = None):
        self.location = None if location in (None, ":memory:", "memory") else Path(location)
        try:
            if self.location is None:
                self._store = ox.Store()
            else:
                if self.location.exists() and not self.location.is_dir():
                    raise StoreError(f"{self.location}: exists and is not a store folder")
                self._store = ox.Store(str(self.location))
        except OSError as e:
            msg = str(e)
            if "lock" in msg.lower():
                raise StoreError(
                    f"{self.location}: the store is in use by another kg process; "
                    "wait for it to finish or use another --store"
                ) from e
            raise StoreError(f"{self.location}: cannot open the store: {e}") from e
        self._cleanup_staging()
        self.recovered = self._recover()

    # -- writing ---------------------------------------------------------------------------
    def _cleanup_staging(self) -> None:
        for g in list(self._store.named_graphs()):
            if isinstance(g, ox.NamedNode) and g.value.startswith(_STAGING):
                self._store.remove_graph(g)

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad]) -> int:
        """Atomically replace the named graph ``graph`` by ``quads`` (in any graph)."""
        n = self.stage(graph, quads, fresh=True)
        self.commit([graph])
        return n

    @staticmethod
    def _staging(graph: str) -> ox.NamedNode:
        return ox.NamedNode(_STAGING + hashlib.sha1(graph.encode()).hexdigest())

    def stage(self, graph: str, quads: Iterable[ox.Quad], *, fresh: bool = False) -> int:
        """Add ``quads`` to the hidden staging copy of ``graph`` (``fresh`` empties it first).

        Nothing is visible until :meth:`commit`; :meth:`abort` (or the next open of the store)
        throws the staging copy away.
        """
        ox.NamedNode(graph)  # validates the IRI
        staging = self._staging(graph)
        staged = [ox.Quad(q.subject, q.predicate, q.object, staging) for q in quads]
        try:
            if fresh and self._store.contains_named_graph(staging):
                self._store.remove_graph(staging)
            if fresh:
                self._store.add_graph(staging)
            if staged:
                self._store.extend(staged)
        except (OSError, RuntimeError) as e:
            raise StoreError(f"cannot write graph {graph}: {e}") from e
        return len(staged)

    def commit(self, graphs: Iterable[str]) -> None:
        """Replace every graph by its staging copy, all in one update (one transaction)."""
        ops = []
        for g in graphs:
            # graph names are NamedNode terms (validated and escaped by pyoxigraph), never user
            # text: SPARQL Update has no parameters for graph names
            target, staging = ox.NamedNode(g), self._staging(g)
            if self._store.contains_named_graph(staging) and any(
                True for _ in self._store.quads_for_pattern(None, None, None, staging)
            ):
                ops.append(f"MOVE SILENT GRAPH {staging} TO GRAPH {target}")
            else:
                ops.append(f"DROP SILENT GRAPH {target}")
                ops.append(f"DROP SILENT GRAPH {staging}")
        if not ops:
            return
        try:
            self._store.update(" ;\n".join(ops))
        except (OSError, RuntimeError) as e:
            raise StoreError(f"cannot write graphs: {e}") from e

    # -- large documents: bulk writes with a journal -----------------------------------------
    def _journal(self) -> ox.NamedNode:
        return ox.NamedNode(ontology().entity_iri("doc", "journal"))

    def _marker(self, graph: str) -> ox.Quad:
        return ox.Quad(
            ox.NamedNode(graph),
            ox.NamedNode(ontology().prop("note")),
            ox.Literal("loading"),
            self._journal(),
        )

    def begin_bulk(self, graph: str) -> None:
        """Start replacing a large graph with bulk writes (fast, not one transaction).

        A journal entry marks the graph as loading until :meth:`end_bulk`; a store opened
        with such an entry (a load that was killed) drops that graph, so a half-written
        document is never seen: it is absent until loaded again.
        """
        target = ox.NamedNode(graph)
        self._store.add(self._marker(graph))
        self._store.remove_graph(target) if self._store.contains_named_graph(target) else None
        self._store.add_graph(target)
        # the bulk loader's files are on disk at once, ordinary writes only after a flush:
        # the journal entry must be there before any bulk-loaded quad can be
        self.flush()

    def bulk_add(self, graph: str, quads: Iterable[ox.Quad]) -> int:
        """Bulk-write ``quads`` into ``graph`` (between begin/end_bulk), in batches: the bulk
        loader holds what one call gives it, and 2M quads at once peaked at 3.9 GB (1.4 GB in
        batches of 100k, and faster)."""
        target = ox.NamedNode(graph)
        n = 0
        batch: list[ox.Quad] = []
        try:
            for q in quads:
                batch.append(ox.Quad(q.subject, q.predicate, q.object, target))
                if len(batch) >= BULK_BATCH:
                    self._store.bulk_extend(batch)
                    n += len(batch)
                    batch = []
            if batch:
                self._store.bulk_extend(batch)
                n += len(batch)
        except (OSError, RuntimeError) as e:
            raise StoreError(f"cannot write graph {graph}: {e}") from e
        return n

    def bulk_add_text(self, graph: str, data: bytes) -> int:
        """Bulk-load N-Quads text whose graph term is ``graph`` (between begin/end_bulk).

        Oxigraph's bulk loader (no transaction; the journal of :meth:`begin_bulk` covers a
        crash), in lenient mode: the text comes from :mod:`kg.store.nquads`, which escapes
        literals and checks IRIs itself. Returns the number of lines given.
        """
        try:
            self._store.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=True)
        except (OSError, RuntimeError, SyntaxError, ValueError) as e:
            raise StoreError(f"cannot write graph {graph}: {e}") from e
        return data.count(b"\n")

    def end_bulk(self, graph: str, *, ok: bool = True) -> None:
        """Finish a bulk load; ``ok=False`` drops what was written."""
        if not ok:
            target = ox.NamedNode(graph)
            if self._store.contains_named_graph(target):
                self._store.remove_graph(target)
        self._store.remove(self._marker(graph))
        self.flush()

    def _recover(self) -> list[str]:
        """Drop the graphs of bulk loads that never finished (see :meth:`begin_bulk`)."""
        dropped = []
        j = self._journal()
        for q in list(self._store.quads_for_pattern(None, None, None, j)):
            g = q.subject
            if isinstance(g, ox.NamedNode) and self._store.contains_named_graph(g):
                self._store.remove_graph(g)
            self._store.remove(q)
            dropped.append(g.value if isinstance(g, ox.NamedNode) else str(g))
        return dropped

    def graph_sha256(self, graph: str) -> str | None:
        """The checksum recorded for a document graph, if it is in the store."""
        g = ox.NamedNode(graph)
        for q in self._store.quads_for_pattern(g, ox.NamedNode(ontology().prop("sha256")), None, g):
            return q.object.value if isinstance(q.object, ox.Literal) else None
        return None

    def abort(self, graphs: Iterable[str]) -> None:
        """Throw away the staging copies of ``graphs``."""
        for g in graphs:
            staging = self._staging(g)
            if self._store.contains_named_graph(staging):
                self._store.remove_graph(staging)

    def add_extraction(self, ex: Extraction) -> int:
        """Store one document's claims, replacing what an earlier ingest of it stored."""
        return self.replace_graph(ex.document.id, extraction_quads(ex))

    def remove_document(self, doc_iri: str) -> None:
        self._store.update(f"DROP SILENT GRAPH {ox.NamedNode(doc_iri)}")

    def ensure_reference(self) -> bool:
        """Load (or refresh) the ontology and the reference entities, both graphs in one
        commit; True if written (see :func:`kg.store.rdf.refresh_reference`)."""
        return refresh_reference(self)

    # -- reading ---------------------------------------------------------------------------
    def select(self, query: str, **params: Any) -> Rows:
        """Run a SELECT over the union of all graphs; ``params`` bind variables by name.

        Bound variables must appear in the SELECT clause (they are substituted, never
        formatted into the query text).
        """
        subs: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(k): _to_term(v) for k, v in params.items() if v is not None
        }
        try:
            res = self._store.query(
                query, use_default_graph_as_union=True, substitutions=subs or None
            )
        except (SyntaxError, ValueError, RuntimeError, OSError) as e:
            raise QueryError(f"SPARQL error: {e}") from e
        if isinstance(res, bool | ox.QueryBoolean):
            return Rows(["ask"], [{"ask": bool(res)}])
        if not isinstance(res, ox.QuerySolutions):
            raise QueryError("expected a SELECT or ASK query (use construct() for graphs)")
        names = [v.value for v in res.variables]
        rows = [{n: term_value(sol[n]) for n in names} for sol in res]
        return Rows(names, rows)

    def query_raw(self, query: str) -> Any:
        """Run any SPARQL query over the union graph and return pyoxigraph's result."""
        try:
            return self._store.query(query, use_default_graph_as_union=True)
        except (SyntaxError, ValueError, RuntimeError, OSError) as e:
            raise QueryError(f"SPARQL error: {e}") from e

    def documents(self) -> list[dict[str, Any]]:
        """The source documents in the store (not the reference or the ontology graphs)."""
        return store_documents(self)

    def stats(self) -> dict[str, int]:
        """Counts of documents, entities, claims, events and quads."""
        ref = ox.NamedNode(ontology().entity_iri("doc", "reference"))
        return store_stats(
            self, has_reference=self._store.contains_named_graph(ref), quads=len(self._store)
        )

    # -- export ----------------------------------------------------------------------------
    def dump(self, fmt: str, out: Any) -> None:
        """Serialise the store: ``nq`` and ``trig`` keep graphs; ``ttl`` and ``nt`` merge them."""
        formats = {
            "nq": ox.RdfFormat.N_QUADS,
            "trig": ox.RdfFormat.TRIG,
            "ttl": ox.RdfFormat.TURTLE,
            "nt": ox.RdfFormat.N_TRIPLES,
        }
        if fmt not in formats:
            raise StoreError(f"unknown format {fmt!r} (valid: {', '.join(formats)})")
        if fmt in ("ttl", "nt"):
            triples = {
                ox.Triple(q.subject, q.predicate, q.object)
                for q in self._store.quads_for_pattern(None, None, None)
            }
            ox.serialize(sorted(triples, key=str), out, formats[fmt], prefixes=prefixes())
        else:
            self._store.dump(out, formats[fmt], prefixes=prefixes() if fmt == "trig" else None)

    def rdflib_dataset(self) -> Any:
        """An :class:`rdflib.Dataset` over this store (oxrdflib), for the rdflib API."""
        import rdflib
        from oxrdflib import OxigraphStore

        return rdflib.Dataset(store=OxigraphStore(store=self._store))

    @property
    def raw(self) -> ox.Store:
        """The underlying :class:`pyoxigraph.Store`."""
        return self._store

    def flush(self) -> None:
        if self.location is not None:
            self._store.flush()

    def close(self) -> None:
        """Flush and release the store (an on-disk store can then be opened again)."""
        if getattr(self, "_store", None) is not None:
            self.flush()
            del self._store

    def __len__(self) -> int:
        return len(self._store)
