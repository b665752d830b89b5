"""A remote store: any SPARQL 1.1 endpoint (Oxigraph server, Virtuoso, GraphDB...) over HTTP.

:class:`SparqlStore` has the public interface of :class:`~kg.store.oxigraph.KGStore` and keeps
the same layout: each document in its own named graph (the document IRI), replaced in one
step. Writes go to a hidden staging graph in ``INSERT DATA`` batches of at most 2,000 triples
(N-Triples written by pyoxigraph: terms are escaped by the serialiser, never formatted from
user text), then one update request moves every staged graph over its target
(``MOVE SILENT GRAPH <staging> TO GRAPH <target>``). The Oxigraph server runs that request as
one transaction. Virtuoso 7.2 accepts ``MOVE`` but does not roll a request back when one of its
operations fails while running (measured: an ``INSERT DATA`` before a failing ``LOAD`` stays):
each document is still replaced whole or not at all, but a commit of several documents may
stop between two of them if the server fails in the middle.

Reads never rely on the server's default graph (Oxigraph's is not the union of the named
graphs; Virtuoso's holds its own system triples): every query is sent with a
``default-graph-uri`` and a ``named-graph-uri`` for each graph of the knowledge graph (the
graphs under ``https://w3id.org/conflict-kg/id/``), listed once and listed again after a
write. Results come back as SPARQL JSON and are turned into the same Python values as the
embedded store gives (:func:`~kg.store.oxigraph.term_value`).

The location is ``sparql+http://HOST:PORT[/PATH][?query=PATH&update=PATH&timeout=S]``
(or ``sparql+https://``):

- no path and no options: the Oxigraph server layout, ``/query`` and ``/update``;
- a path: one endpoint for both (Virtuoso: ``sparql+http://127.0.0.1:8890/sparql``);
- ``query=`` and ``update=`` name each endpoint (a path on the same host, or a full URL);
- ``timeout=`` seconds for one request (default ``KG_SPARQL_TIMEOUT`` or 60);
- ``user:password@`` before the host is sent as HTTP Basic authentication and never shown.

Like the embedded store, it expects one writer at a time: opening it drops the graphs of bulk
loads that were killed (see :meth:`KGStore.begin_bulk`).

>>> s = SparqlStore("sparql+http://127.0.0.1:7878")  # doctest: +SKIP
>>> s.stats()["documents"]  # doctest: +SKIP
0
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.message import Message
from typing import Any, BinaryIO

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.model import Extraction
from kg.ontology import (
    XSD,
    ontology,
    prefixes,
)
from kg.store.oxigraph import Rows, _to_term, term_value
from kg.store.rdf import extraction_quads, refresh_reference, store_documents, store_stats

SCHEMES = ("sparql+http://", "sparql+https://")
BATCH = 2000  # triples per INSERT DATA request (Virtuoso fails at about 4-5k)
DEFAULT_TIMEOUT = 60.0
_STAGING = "urn:kg:staging:"
_NO_GRAPH = "urn:kg:no-graph"  # the dataset of a query on a store with no graph yet
_FORM = "application/x-www-form-urlencoded"
_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_OPTIONS = ("query", "update", "timeout")


def is_sparql_location(location: object) -> bool:
    """True for a ``sparql+http://`` or ``sparql+https://`` location."""
    return isinstance(location, str) and location.startswith(SCHEMES)


@dataclass(frozen=True)
class Endpoint:
    """Where and how to reach a SPARQL server (parsed from a ``sparql+http(s)://`` location)."""

    query_url: str
    update_url: str
    shown: str  # the location with the password masked: safe to print
    user: str | None = None
    password: str | None = None
    timeout: float = DEFAULT_TIMEOUT


def mask(location: str) -> str:
    """``location`` with the password of its ``user:password@`` part replaced by ``***``."""
    return re.sub(r"^([a-z+]+://[^/@:?#]*):[^/?#]*@", r"\1:***@", location, flags=re.I)


def parse_location(location: str) -> Endpoint:
    """Parse a ``sparql+http(s)://`` location (see the module docstring).

    >>> e = parse_location("sparql+http://u:secret@127.0.0.1:8890/sparql?timeout=5")
    >>> e.query_url, e.update_url, e.shown, e.timeout
    ('http://127.0.0.1:8890/sparql', 'http://127.0.0.1:8890/sparql', \
'sparql+http://u:***@127.0.0.1:8890/sparql?timeout=5', 5.0)
    >>> parse_location("sparql+http://127.0.0.1:7878").update_url
    'http://127.0.0.1:7878/update'
    """
    shown = mask(location)
    if not is_sparql_location(location):
        raise StoreError(f"{shown}: a remote store is sparql+http://HOST:PORT or sparql+https://")
    parts = urllib.parse.urlsplit(location[len("sparql+") :])
    try:
        _ = parts.port  # a port that is not a number raises here
    except ValueError:
        raise StoreError(f"{shown}: the port is not a number") from None
    if not parts.hostname:
        raise StoreError(f"{shown}: no host (e.g. sparql+http://127.0.0.1:7878)")
    opts = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(opts) - set(_OPTIONS))
    if unknown:
        raise StoreError(
            f"{shown}: unknown option {', '.join(unknown)} (valid: {', '.join(_OPTIONS)})"
        )
    host = parts.netloc.rpartition("@")[2]
    base = f"{parts.scheme}://{host}"
    path = parts.path.rstrip("/")

    def endpoint(name: str, default: str) -> str:
        value = opts[name][-1] if name in opts else (path or default)
        if value.startswith(("http://", "https://")):
            return value
        return base + ("" if value.startswith("/") else "/") + value

    timeout = DEFAULT_TIMEOUT
    raw_timeout = opts["timeout"][-1] if "timeout" in opts else os.environ.get("KG_SPARQL_TIMEOUT")
    if raw_timeout:
        try:
            timeout = float(raw_timeout)
        except ValueError:
            raise StoreError(
                f"{shown}: timeout={raw_timeout!r} is not a number of seconds"
            ) from None
    return Endpoint(
        query_url=endpoint("query", "/query"),
        update_url=endpoint("update", "/update"),
        shown=shown,
        user=urllib.parse.unquote(parts.username) if parts.username else None,
        password=urllib.parse.unquote(parts.password) if parts.password else None,
        timeout=timeout,
    )


class _HttpError(Exception):
    def __init__(self, code: int, detail: str):
        super().__init__(f"HTTP {code}: {detail}")
        self.code = code
        self.detail = detail


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _ox_term(b: dict[str, Any]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A SPARQL JSON result term as a pyoxigraph term (Virtuoso's ``1``/``0`` booleans and
    ``nodeID://`` blank nodes normalised)."""
    kind, value = b.get("type"), b.get("value", "")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        ok = re.fullmatch(r"[A-Za-z0-9_]+", value)
        return ox.BlankNode(value if ok else "b" + hashlib.sha1(value.encode()).hexdigest()[:16])
    lang = b.get("xml:lang")
    if lang:
        return ox.Literal(value, language=lang)
    dt = b.get("datatype")
    if not dt:
        return ox.Literal(value)
    if dt == XSD + "boolean" and value in ("1", "0"):
        value = "true" if value == "1" else "false"
    return ox.Literal(value, datatype=ox.NamedNode(dt))


def _py_value(b: dict[str, Any] | None) -> Any:
    if b is None:
        return None
    if b.get("type") in ("uri", "bnode"):
        return b.get("value", "")
    return term_value(_ox_term(b))


def _ntriples(triples: Iterable[ox.Triple]) -> str:
    """N-Triples text written by pyoxigraph (which escapes every term)."""
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def _has_bnode(q: ox.Quad) -> bool:
    return isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)


def _batches(quads: Iterable[ox.Quad], size: int) -> Iterator[list[ox.Quad]]:
    """Quads in lists of at most ``size``; quads that share blank nodes stay in one list (a
    blank node label means one node only within one request)."""
    batch: list[ox.Quad] = []
    linked: list[ox.Quad] = []
    for q in quads:
        if _has_bnode(q):
            linked.append(q)
            continue
        batch.append(q)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
    if linked:
        yield from _bnode_batches(linked, size)


def _bnode_batches(quads: list[ox.Quad], size: int) -> Iterator[list[ox.Quad]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for q in quads:
        ids = [t.value for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)]
        for other in ids[1:]:
            parent[find(other)] = find(ids[0])
        find(ids[0])
    groups: dict[str, list[ox.Quad]] = {}
    for q in quads:
        first = next(t.value for t in (q.subject, q.object) if isinstance(t, ox.BlankNode))
        groups.setdefault(find(first), []).append(q)
    batch: list[ox.Quad] = []
    for group in groups.values():
        if len(group) > size:
            raise StoreError(
                f"{len(group)} triples hang on one blank node structure: more than one request "
                f"of {size} can hold (a remote store keeps a blank node only within a request)"
            )
        if len(batch) + len(group) > size:
            yield batch
            batch = []
        batch.extend(group)
    if batch:
        yield batch


class _RemoteQuads:
    """The few :class:`pyoxigraph.Store` reads the library uses on ``store.raw``
    (``quads_for_pattern``, ``dump``, ``named_graphs``), over a :class:`SparqlStore`."""

    def __init__(self, store: SparqlStore):
        self._s = store

    def quads_for_pattern(
        self, subject: Any = None, predicate: Any = None, object: Any = None, graph_name: Any = None
    ) -> Iterator[ox.Quad]:
        return iter(self._s.quads(subject, predicate, object, graph_name))

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        return iter(ox.NamedNode(g) for g in self._s.graphs())

    def contains_named_graph(self, graph: Any) -> bool:
        return str(getattr(graph, "value", graph)) in self._s.graphs()

    def dump(self, output: Any, format: ox.RdfFormat, *, prefixes: Any = None) -> None:
        ox.serialize(self._s.quads(), output, format, prefixes=prefixes)

    def __len__(self) -> int:
        return len(self._s)


class SparqlStore:
    """The knowledge graph on a SPARQL 1.1 server, with :class:`KGStore`'s interface.

    Parameters
    ----------
    location
        ``sparql+http://HOST:PORT[/PATH][?query=PATH&update=PATH&timeout=S]``; see the
        module docstring.
    batch
        Triples per ``INSERT DATA`` request (at most 2,000).
    """

    def __init__(self, location: str, *, batch: int = BATCH):
        self.endpoint = parse_location(location)
        self.location = self.endpoint.shown
        self.timeout = self.endpoint.timeout
        self.batch = max(1, min(batch, BATCH))
        self._auth: str | None = None
        if self.endpoint.user is not None:
            token = f"{self.endpoint.user}:{self.endpoint.password or ''}".encode()
            self._auth = "Basic " + base64.b64encode(token).decode("ascii")
        self._graphs: list[str] | None = None
        self._empty_group_lists_graphs: bool | None = None
        self._staged: dict[str, int] = {}
        self.recovered = self._recover()

    def __repr__(self) -> str:
        return f"SparqlStore({self.location!r})"

    # -- HTTP ------------------------------------------------------------------------------
    def _fail(self, what: str) -> StoreError:
        msg = _one_line(f"{self.location}: {what}")
        if self.endpoint.password and len(self.endpoint.password) >= 3:
            msg = msg.replace(self.endpoint.password, "***")  # in case a server echoes it
        return StoreError(msg)

    def _post(self, url: str, params: list[tuple[str, str]], accept: str | None) -> bytes:
        body, _ = self._post_h(url, params, accept)
        return body

    def _post_h(
        self, url: str, params: list[tuple[str, str]], accept: str | None
    ) -> tuple[bytes, Message]:
        headers = {"Content-Type": _FORM, "User-Agent": "conflict-kg"}
        if accept:
            headers["Accept"] = accept
        if self._auth:
            headers["Authorization"] = self._auth
        data = urllib.parse.urlencode(params).encode("utf-8")
        req = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                return r.read(), r.headers
        except urllib.error.HTTPError as e:
            try:
                detail = e.read().decode("utf-8", errors="replace")
            except (OSError, http.client.HTTPException):
                detail = ""
            if e.code in (401, 403):
                raise self._fail(
                    f"the server refused access to {url} (HTTP {e.code}); check the user and "
                    "password in the store URL (sparql+http://USER:PASSWORD@HOST...) and that "
                    "this user may read and update"
                ) from None
            if e.code == 404:
                raise self._fail(
                    f"no SPARQL endpoint at {url} (HTTP 404); check the path, or give "
                    "?query=PATH&update=PATH"
                ) from None
            raise _HttpError(e.code, _one_line(detail or str(e.reason))) from None
        except TimeoutError:
            raise self._timeout(url) from None
        except urllib.error.URLError as e:
            if isinstance(e.reason, TimeoutError):
                raise self._timeout(url) from None
            raise self._fail(
                f"cannot reach {url} ({e.reason}); check that the SPARQL server is running "
                "and the host and port"
            ) from None
        except (OSError, http.client.HTTPException) as e:
            raise self._fail(
                f"the connection to {url} failed ({e!r}); check that the server is up and "
                "speaks HTTP on that port"
            ) from None

    def _timeout(self, url: str) -> StoreError:
        return self._fail(
            f"no answer from {url} within {self.timeout:g} s; check that the server is up and "
            "not overloaded, or raise ?timeout=SECONDS in the store URL"
        )

    def _query(self, query: str, accept: str, graphs: list[str] | None = None) -> bytes:
        names = self.graphs() if graphs is None else graphs
        names = names or [_NO_GRAPH]
        params = [("query", query)]
        params += [("default-graph-uri", g) for g in names]
        params += [("named-graph-uri", g) for g in names]
        try:
            body, headers = self._post_h(self.endpoint.query_url, params, accept)
        except _HttpError as e:
            if e.code == 400 or "37000" in e.detail or "SP030" in e.detail:
                raise QueryError(f"SPARQL error from {self.location}: {e.detail}") from None
            raise self._fail(f"the query failed: HTTP {e.code}: {e.detail}") from None
        if headers.get("X-SPARQL-MaxRows"):
            # Virtuoso cuts results at ResultSetMaxRows and says so only in this header
            raise self._fail(
                f"the server cut the result at {headers['X-SPARQL-MaxRows']} rows; raise "
                "ResultSetMaxRows in the [SPARQL] section of virtuoso.ini"
            )
        return body

    def _update(self, text: str, what: str) -> None:
        self._graphs = None
        try:
            self._post(self.endpoint.update_url, [("update", text)], None)
        except _HttpError as e:
            raise self._fail(f"cannot write {what}: HTTP {e.code}: {e.detail}") from None

    # -- the graphs of the knowledge graph ---------------------------------------------------
    def graphs(self) -> list[str]:
        """The named graphs of the knowledge graph on the server (cached until a write)."""
        if self._graphs is None:
            self._graphs = self._list_graphs()
        return self._graphs

    def _list_graphs(self, prefixes: tuple[str, ...] | None = None) -> list[str]:
        """The server's named graphs whose IRI starts with one of ``prefixes`` (default: the
        knowledge graph's)."""
        rows = " ".join(str(ox.Literal(p)) for p in (prefixes or (ontology().data_ns,)))
        # Oxigraph lists graphs (even empty ones) from its graph index with an empty group;
        # Virtuoso answers nothing to that, so it is asked for graphs that hold a triple
        forms = ["{}", "{ ?s ?p ?o }"]
        if self._empty_group_lists_graphs is not None:
            forms = [forms[0] if self._empty_group_lists_graphs else forms[1]]
        for form in forms:
            q = (
                f"SELECT DISTINCT ?g WHERE {{ VALUES ?prefix {{ {rows} }} "
                f"GRAPH ?g {form} FILTER(STRSTARTS(STR(?g), ?prefix)) }}"
            )
            try:
                body, _ = self._post_h(self.endpoint.query_url, [("query", q)], _JSON)
            except _HttpError as e:
                raise self._fail(f"cannot list the graphs: HTTP {e.code}: {e.detail}") from None
            found = sorted(r["g"] for r in self._parse(body).rows if r["g"])
            if found:
                if self._empty_group_lists_graphs is None and prefixes is None:
                    self._empty_group_lists_graphs = form == "{}"
                return found
        return []

    def clear(self) -> list[str]:
        """Drop every graph of the knowledge graph on the server, and any staging graph left
        by a failed write (other graphs on the server are not touched); returns them."""
        graphs = self._list_graphs((ontology().data_ns, _STAGING))
        if graphs:
            ops = [f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in graphs]
            self._update(" ;\n".join(ops), "every graph of the knowledge graph")
        self._staged.clear()
        return graphs

    @staticmethod
    def _staging(graph: str) -> ox.NamedNode:
        return ox.NamedNode(_STAGING + hashlib.sha1(graph.encode()).hexdigest())

    def _journal(self) -> ox.NamedNode:
        return ox.NamedNode(ontology().entity_iri("doc", "journal"))

    def _marker(self, graph: str) -> ox.Triple:
        return ox.Triple(
            ox.NamedNode(graph), ox.NamedNode(ontology().prop("note")), ox.Literal("loading")
        )

    # -- writing ---------------------------------------------------------------------------
    def _insert(self, graph: ox.NamedNode, quads: Iterable[ox.Quad], what: str) -> int:
        n = 0
        for batch in _batches(quads, self.batch):
            triples = [ox.Triple(q.subject, q.predicate, q.object) for q in batch]
            data = _ntriples(triples)
            if any(_has_bnode(q) for q in batch):
                # Virtuoso 7 refuses blank nodes in INSERT DATA; a template with one empty
                # solution makes one new node per label, as INSERT DATA does
                self._update(f"INSERT {{ GRAPH {graph} {{\n{data}}} }} WHERE {{}}", what)
            else:
                self._update(f"INSERT DATA {{ GRAPH {graph} {{\n{data}}} }}", what)
            n += len(batch)
        return n

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad]) -> int:
        """Atomically replace the named graph ``graph`` by ``quads`` (in any graph)."""
        n = self.stage(graph, quads, fresh=True)
        self.commit([graph])
        return n

    def stage(self, graph: str, quads: Iterable[ox.Quad], *, fresh: bool = False) -> int:
        """Add ``quads`` to the hidden staging copy of ``graph`` (``fresh`` empties it first).

        Nothing is visible until :meth:`commit`; :meth:`abort` throws the copy away.
        """
        ox.NamedNode(graph)  # validates the IRI
        staging = self._staging(graph)
        if fresh:
            self._update(f"DROP SILENT GRAPH {staging}", f"graph {graph}")
            self._staged[graph] = 0
        try:
            n = self._insert(staging, quads, f"graph {graph}")
        except BaseException:
            # the caller may not know this graph was being staged: leave no half copy behind
            self._staged.pop(graph, None)
            with contextlib.suppress(StoreError):
                self._update(f"DROP SILENT GRAPH {staging}", f"graph {graph}")
            raise
        self._staged[graph] = self._staged.get(graph, 0) + n
        return n

    def _has_triples(self, graph: ox.NamedNode) -> bool:
        rows = self._parse(
            self._query("ASK { GRAPH ?g { ?s ?p ?o } }", _JSON, graphs=[graph.value])
        )
        return bool(rows.rows and rows.rows[0].get("ask"))

    def commit(self, graphs: Iterable[str]) -> None:
        """Replace every graph by its staging copy, all in one update request."""
        ops = []
        names = list(graphs)
        for g in names:
            # graph names are NamedNode terms (validated and escaped by pyoxigraph): SPARQL
            # Update has no parameters for graph names
            target, staging = ox.NamedNode(g), self._staging(g)
            staged = self._staged.get(g)
            if staged is None:
                staged = 1 if self._has_triples(staging) else 0
            if staged:
                ops.append(f"MOVE SILENT GRAPH {staging} TO GRAPH {target}")
            else:
                ops.append(f"DROP SILENT GRAPH {target}")
                ops.append(f"DROP SILENT GRAPH {staging}")
        if ops:
            self._update(" ;\n".join(ops), "graphs " + ", ".join(names))
        for g in names:
            self._staged.pop(g, None)

    def abort(self, graphs: Iterable[str]) -> None:
        """Throw away the staging copies of ``graphs``."""
        names = list(graphs)
        ops = [f"DROP SILENT GRAPH {self._staging(g)}" for g in names]
        for g in names:
            self._staged.pop(g, None)
        if ops:
            self._update(" ;\n".join(ops), "staging graphs")

    # -- large documents: bulk writes with a journal -----------------------------------------
    def begin_bulk(self, graph: str) -> None:
        """Start replacing a large graph with bulk writes (not one transaction); a journal
        entry marks it as loading until :meth:`end_bulk` (see :meth:`KGStore.begin_bulk`)."""
        target = ox.NamedNode(graph)
        marker = _ntriples([self._marker(graph)])
        self._update(
            f"INSERT DATA {{ GRAPH {self._journal()} {{ {marker} }} }} ;\n"
            f"DROP SILENT GRAPH {target}",
            f"graph {graph}",
        )

    def bulk_add(self, graph: str, quads: Iterable[ox.Quad]) -> int:
        """Write ``quads`` straight into ``graph`` (between :meth:`begin_bulk` and
        :meth:`end_bulk`)."""
        return self._insert(ox.NamedNode(graph), quads, f"graph {graph}")

    def bulk_add_text(self, graph: str, data: bytes) -> int:
        """Write N-Quads text (whose graph term is ``graph``) into ``graph``, in batches;
        returns the number of quads."""
        target = ox.NamedNode(graph)
        try:
            quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS, lenient=True))
        except (SyntaxError, ValueError) as e:
            raise StoreError(f"cannot write graph {graph}: {e}") from e
        return self._insert(
            target, (ox.Quad(q.subject, q.predicate, q.object, target) for q in quads), graph
        )

    def end_bulk(self, graph: str, *, ok: bool = True) -> None:
        """Finish a bulk load; ``ok=False`` drops what was written."""
        marker = _ntriples([self._marker(graph)])
        ops = [] if ok else [f"DROP SILENT GRAPH {ox.NamedNode(graph)}"]
        ops.append(f"DELETE DATA {{ GRAPH {self._journal()} {{ {marker} }} }}")
        self._update(" ;\n".join(ops), f"graph {graph}")

    def _recover(self) -> list[str]:
        """Drop the graphs of bulk loads that never finished (see :meth:`begin_bulk`)."""
        j = self._journal()
        rows = self._parse(
            self._query("SELECT ?g WHERE { GRAPH ?j { ?g ?p ?o } }", _JSON, graphs=[j.value])
        ).rows
        dropped = sorted({str(r["g"]) for r in rows if r["g"]})
        if not dropped:
            return []
        ops = [f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in dropped]
        ops.append(f"DROP SILENT GRAPH {j}")
        self._update(" ;\n".join(ops), "the graphs of unfinished loads")
        return dropped

    def graph_sha256(self, graph: str) -> str | None:
        """The checksum recorded for a document graph, if it is in the store."""
        g = ox.NamedNode(graph)
        q = f"SELECT ?v WHERE {{ GRAPH ?g {{ ?g <{ontology().prop('sha256')}> ?v }} }}"
        rows = self._parse(self._query(self._bind(q, {"g": g}), _JSON, graphs=[graph])).rows
        return str(rows[0]["v"]) if rows else None

    def add_extraction(self, ex: Extraction) -> int:
        """Store one document's claims, replacing what an earlier ingest of it stored."""
        return self.replace_graph(ex.document.id, extraction_quads(ex))

    def remove_document(self, doc_iri: str) -> None:
        self._update(f"DROP SILENT GRAPH {ox.NamedNode(doc_iri)}", f"graph {doc_iri}")

    def ensure_reference(self) -> bool:
        """Load (or refresh) the ontology and the reference entities, both graphs in one
        commit; True if written (see :func:`kg.store.rdf.refresh_reference`)."""
        return refresh_reference(self)

    # -- reading ---------------------------------------------------------------------------
    @staticmethod
    def _bind(query: str, values: dict[str, Any]) -> str:
        from kg.query.registry import bind  # the project's one VALUES binder

        return bind(query, values)

    def _parse(self, body: bytes) -> Rows:
        try:
            data = json.loads(body)
        except ValueError as e:
            raise self._fail(f"the server's answer is not SPARQL JSON results ({e})") from None
        if "boolean" in data:
            return Rows(["ask"], [{"ask": bool(data["boolean"])}])
        names = list(data.get("head", {}).get("vars", []))
        bindings = data.get("results", {}).get("bindings", [])
        if names == ["__ASK_RETVAL"]:  # Virtuoso answers ASK as a one-cell SELECT
            ask = bool(bindings) and _py_value(bindings[0].get("__ASK_RETVAL")) not in (0, False)
            return Rows(["ask"], [{"ask": ask}])
        return Rows(names, [{n: _py_value(b.get(n)) for n in names} for b in bindings])

    def select(self, query: str, **params: Any) -> Rows:
        """Run a SELECT or ASK over the union of the knowledge graph's graphs; ``params`` bind
        variables by name (joined to the query as a ``VALUES`` row, never formatted)."""
        values = {k: _to_term(v) for k, v in params.items() if v is not None}
        if values:
            query = self._bind(query, values)
        return self._parse(self._query(query, _JSON))

    def query_raw(self, query: str) -> Any:
        """Run any query: SELECT gives :class:`Rows`, ASK a bool, CONSTRUCT and DESCRIBE a
        list of :class:`pyoxigraph.Triple`."""
        bare = re.sub(r"#[^\n]*|<[^>\s]*>|\"[^\"]*\"|'[^']*'", " ", query)
        form = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", bare, re.I)
        kind = form.group(1).upper() if form else "SELECT"
        if kind in ("CONSTRUCT", "DESCRIBE"):
            body = self._query(query, _NTRIPLES)
            try:
                return list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
            except SyntaxError as e:
                raise self._fail(f"the server's answer is not N-Triples ({e})") from None
        rows = self._parse(self._query(query, _JSON))
        if kind == "ASK" and rows.variables == ["ask"]:
            return bool(rows.rows[0]["ask"])
        return rows

    def quads(
        self, subject: Any = None, predicate: Any = None, obj: Any = None, graph: Any = None
    ) -> list[ox.Quad]:
        """The quads matching a pattern (``None`` matches anything), in the knowledge
        graph's graphs."""
        values = {
            k: v
            for k, v in (("s", subject), ("p", predicate), ("o", obj), ("g", graph))
            if v is not None
        }
        q = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        if values:
            q = self._bind(q, values)
        data = json.loads(self._query(q, _JSON))
        out = []
        for b in data.get("results", {}).get("bindings", []):
            s, p, o_, g = (_ox_term(b[k]) for k in ("s", "p", "o", "g"))
            if (
                isinstance(p, ox.NamedNode)
                and isinstance(g, ox.NamedNode)
                and not isinstance(s, ox.Literal)
            ):
                out.append(ox.Quad(s, p, o_, g))
        return out

    @property
    def raw(self) -> _RemoteQuads:
        """Pattern reads and dumps in the manner of :class:`pyoxigraph.Store` (read only)."""
        return _RemoteQuads(self)

    def documents(self) -> list[dict[str, Any]]:
        """The source documents in the store (not the reference or the ontology graphs)."""
        return store_documents(self)

    def stats(self) -> dict[str, int]:
        """Counts of documents, entities, claims, events and quads."""
        reference = ontology().entity_iri("doc", "reference") in self.graphs()
        return store_stats(self, has_reference=reference, quads=len(self), subclass="")

    # -- export ----------------------------------------------------------------------------
    def dump(self, fmt: str, out: BinaryIO | Any) -> None:
        """Serialise the store: ``nq`` and ``trig`` keep graphs; ``ttl`` and ``nt`` merge them."""
        formats = {
            "nq": ox.RdfFormat.N_QUADS,
            "trig": ox.RdfFormat.TRIG,
            "ttl": ox.RdfFormat.TURTLE,
            "nt": ox.RdfFormat.N_TRIPLES,
        }
        if fmt not in formats:
            raise StoreError(f"unknown format {fmt!r} (valid: {', '.join(formats)})")
        quads = self.quads()
        if fmt in ("ttl", "nt"):
            triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
            ox.serialize(sorted(triples, key=str), out, formats[fmt], prefixes=prefixes())
        else:
            quads.sort(key=lambda q: (str(q.graph_name), str(q.subject)))
            ox.serialize(quads, out, formats[fmt], prefixes=prefixes() if fmt == "trig" else None)

    def rdflib_dataset(self) -> Any:
        raise StoreError(
            f"{self.location}: an rdflib Dataset is only available over the embedded store; "
            "use select() or dump()"
        )

    def flush(self) -> None:
        """Nothing to do: every write is sent when it is made."""

    def close(self) -> None:
        """Forget the cached graph list (there is no connection to close)."""
        self._graphs = None

    def __len__(self) -> int:
        rows = self._parse(
            self._query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", _JSON)
        ).rows
        return int(rows[0]["n"]) if rows else 0
