"""The remote SPARQL store against real servers (Oxigraph server and Virtuoso), compared with
the embedded store on the same input."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from conftest import EXAMPLES, kg
from servers import Server, free_port

import kg.api as api
import kg.store.sparql as sparql
from kg.errors import StoreError
from kg.ontology import ontology
from kg.query.registry import registry
from kg.store.oxigraph import KGStore
from kg.store.sparql import SparqlStore, parse_location

SERVERS = ["oxigraph", "virtuoso"]
REPORTS = sorted(EXAMPLES.glob("01*.txt"))


def _query_cases() -> list[tuple[str, dict[str, str]]]:
    """Every named query with its required parameters' examples, and with every example."""
    cases = []
    for q in registry().values():
        required = {p.name: p.example or "" for p in q.params if p.required}
        every = {p.name: p.example for p in q.params if p.example}
        cases.append((q.name, required))
        if every != required:
            cases.append((q.name, every))
    return cases


QUERIES = _query_cases()


def location(server: Server) -> str:
    """The store location of a test server."""
    if server.name == "virtuoso":
        return f"sparql+{server.url}/sparql"
    return f"sparql+{server.url}"


def wipe(loc: str) -> None:
    """Drop every graph the knowledge graph (and its staging) keeps on the server."""
    SparqlStore(loc).clear()


@pytest.fixture(params=SERVERS)
def remote(request: pytest.FixtureRequest) -> Iterator[str]:
    """The location of an empty knowledge graph on each test server in turn."""
    server: Server = request.getfixturevalue(f"{request.param}_server")
    loc = location(server)
    wipe(loc)
    yield loc
    wipe(loc)


@pytest.fixture(scope="module")
def embedded() -> KGStore:
    """The embedded store with the same examples, to compare with."""
    s = api.open_store(":memory:")
    assert isinstance(s, KGStore)
    api.ingest(REPORTS, s)
    return s


def normalised(rows: list[dict[str, Any]]) -> list[list[tuple[str, str]]]:
    """Rows in a comparable form: sorted, and GROUP_CONCAT lists (whose order SPARQL leaves
    open) sorted too."""

    def cell(v: Any) -> str:
        if isinstance(v, str) and "; " in v:
            return repr("; ".join(sorted(v.split("; "))))
        return repr(v)

    return sorted([sorted((k, cell(v)) for k, v in r.items()) for r in rows])


def doc_quads(s: SparqlStore, graph: str) -> set[str]:
    return {str(q) for q in s.quads(graph=ox.NamedNode(graph))}


def test_location_forms() -> None:
    e = parse_location("sparql+http://127.0.0.1:7878")
    assert (e.query_url, e.update_url) == (
        "http://127.0.0.1:7878/query",
        "http://127.0.0.1:7878/update",
    )
    e = parse_location("sparql+https://u:p%40ss@example.org:8890/sparql?timeout=2.5")
    assert e.query_url == e.update_url == "https://example.org:8890/sparql"
    assert (e.user, e.password, e.timeout) == ("u", "p@ss", 2.5)
    assert "p%40ss" not in e.shown and "***" in e.shown
    e = parse_location("sparql+http://h:1/repositories/kg?update=/repositories/kg/statements")
    assert e.query_url == "http://h:1/repositories/kg"
    assert e.update_url == "http://h:1/repositories/kg/statements"
    for bad in ("sparql+http://", "sparql+http://h:1?bogus=1", "sparql+http://h:x"):
        with pytest.raises(StoreError):
            parse_location(bad)


def test_ingest_matches_embedded(remote: str, embedded: KGStore) -> None:
    s = api.open_store(remote)
    assert isinstance(s, SparqlStore)
    api.ingest(REPORTS, s)
    assert s.stats() == embedded.stats()
    assert s.documents() == embedded.documents()
    doc = embedded.documents()[0]["doc"]
    assert s.graph_sha256(doc) == embedded.graph_sha256(doc) is not None
    assert len(s) == len(embedded)


def test_reingest_replaces_without_duplicates(remote: str, tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_text(REPORTS[0].read_text(encoding="utf-8"), encoding="utf-8")
    s = api.open_store(remote)
    api.ingest([report], s)
    first = s.stats()
    api.ingest([report], s)
    assert s.stats() == first
    # a changed report replaces the old graph: nothing of the old text stays
    report.write_text(
        "Title: A short report\nDate: 2024-06-13\n\nJNIM attacked a checkpoint in Mopti.\n",
        encoding="utf-8",
    )
    ex = api.ingest([report], s)[0]
    assert [d["title"] for d in s.documents()] == ["A short report"]
    titles = s.select(
        "SELECT ?t WHERE { GRAPH ?g { ?g <https://w3id.org/conflict-kg/ontology#title> ?t } }",
        g=ex.document.id,
    )
    assert [r["t"] for r in titles] == ["A short report"]
    assert s.stats()["quads"] < first["quads"]


def test_failing_batch_leaves_previous_graph(
    remote: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = tmp_path / "report.txt"
    report.write_text(REPORTS[0].read_text(encoding="utf-8"), encoding="utf-8")
    s = api.open_store(remote)
    assert isinstance(s, SparqlStore)
    ex = api.ingest([report], s)[0]
    before, stats = doc_quads(s, ex.document.id), s.stats()
    assert before
    report.write_text(
        "Title: Replacement\nDate: 2024-06-13\n\nJNIM attacked a checkpoint in Mopti.\n",
        encoding="utf-8",
    )
    # the server itself rejects the second batch of the new version (its text is not RDF)
    calls = {"n": 0}
    real = sparql._ntriples

    def broken(triples: Any) -> str:
        calls["n"] += 1
        return "this is not N-Triples" if calls["n"] == 2 else real(triples)

    monkeypatch.setattr(sparql, "_ntriples", broken)
    monkeypatch.setattr(SparqlStore, "__init__", _small_batches(SparqlStore.__init__))
    s2 = api.open_store(remote)
    with pytest.raises(StoreError) as err:
        api.ingest([report], s2)
    assert "\n" not in str(err.value) and "cannot write" in str(err.value)
    monkeypatch.undo()
    s3 = api.open_store(remote)
    assert doc_quads(s3, ex.document.id) == before
    assert s3.stats() == stats
    staging = s3._staging(ex.document.id)
    assert not s3._has_triples(staging)  # the failed ingest threw its staging copy away


def _small_batches(init: Any) -> Any:
    def wrapped(self: SparqlStore, location: str, **kw: Any) -> None:
        init(self, location, batch=20)

    return wrapped


@pytest.mark.parametrize(("name", "params"), QUERIES, ids=[f"{n}-{len(p)}" for n, p in QUERIES])
def test_named_queries_match_embedded(
    remote: str,
    embedded: KGStore,
    name: str,
    params: dict[str, str],
) -> None:
    s = api.open_store(remote)
    api.ingest(REPORTS, s)
    got = api.named_query(name, s, **params)
    want = api.named_query(name, embedded, **params)
    assert got.variables == want.variables
    assert normalised(got.rows) == normalised(want.rows)


def test_select_binds_parameters(remote: str) -> None:
    s = api.open_store(remote)
    label = "http://www.w3.org/2004/02/skos/core#prefLabel"
    jnim = "https://w3id.org/conflict-kg/id/actor/jnim"
    rows = s.select(f"SELECT ?x ?l WHERE {{ ?x <{label}> ?l }}", x=jnim).rows
    assert rows == [{"x": jnim, "l": "Jama'at Nusrat al-Islam wal-Muslimin"}]
    # a value is bound, never formatted: quotes and braces stay text
    odd = 'x" } ; DROP ALL ; { "'
    assert s.select(f"SELECT ?x ?l WHERE {{ ?x <{label}> ?l }}", l=odd).rows == []
    assert s.query_raw("ASK { ?s ?p ?o }") is True


def test_bulk_load_and_recovery(remote: str) -> None:
    s = SparqlStore(remote)
    graph = ontology().entity_iri("doc", "bulk-test")
    g = ox.NamedNode(graph)
    p = ox.NamedNode(ontology().prop("note"))
    data = "".join(f"<{graph}/r{i}> {p} {ox.Literal(f'row {i}')} {g} .\n" for i in range(4500))
    s.begin_bulk(graph)
    assert s.bulk_add_text(graph, data.encode()) == 4500
    s.end_bulk(graph)
    assert len(doc_quads(s, graph)) == 4500
    # a load that never ends is dropped the next time the store is opened
    s.begin_bulk(graph)
    s.bulk_add(graph, [ox.Quad(g, p, ox.Literal("half"), g)])
    again = SparqlStore(remote)
    assert again.recovered == [graph]
    assert doc_quads(again, graph) == set()


def test_blank_nodes_stay_together(remote: str) -> None:
    s = SparqlStore(remote, batch=3)
    graph = ontology().entity_iri("doc", "bnode-test")
    g, p = ox.NamedNode(graph), ox.NamedNode("http://example.org/p")
    b = ox.BlankNode("shared")
    quads = [
        ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), p, ox.Literal("x"), g) for i in range(5)
    ]
    quads.insert(2, ox.Quad(ox.NamedNode("http://example.org/a"), p, b, g))
    quads.insert(4, ox.Quad(b, p, ox.Literal("inside"), g))
    quads.append(ox.Quad(ox.NamedNode("http://example.org/c"), p, b, g))
    assert s.replace_graph(graph, quads) == 8
    rows = s.select("SELECT DISTINCT ?b WHERE { ?s ?p ?b . ?b ?p ?v }")
    assert len(rows) == 1  # one node, although its triples came in separate places
    with pytest.raises(StoreError, match="blank node"):
        s.replace_graph(graph, [ox.Quad(b, p, ox.Literal(str(i)), g) for i in range(4)])


def test_dump_keeps_graphs(remote: str, embedded: KGStore) -> None:
    import io

    s = api.open_store(remote)
    api.ingest(REPORTS, s)
    out = io.BytesIO()
    s.dump("nq", out)
    got = {str(q) for q in ox.parse(out.getvalue(), format=ox.RdfFormat.N_QUADS)}
    ref = io.BytesIO()
    embedded.dump("nq", ref)
    want = {str(q) for q in ox.parse(ref.getvalue(), format=ox.RdfFormat.N_QUADS)}
    assert len(got) == len(want)
    assert {q.split(" <")[0] for q in got} == {q.split(" <")[0] for q in want}


def test_cli_with_remote_store(remote: str) -> None:
    r = kg("--store", remote, "ingest", str(REPORTS[0]))
    assert r.exit_code == 0, r.output
    r = kg("--store", remote, "stats", "--format", "json")
    assert r.exit_code == 0, r.output
    assert '"documents"' in r.stdout


# -- errors: one line, naming the server, never the password -----------------------------------


def test_unreachable_server_is_one_line_store_error() -> None:
    port = free_port()
    loc = f"sparql+http://analyst:s3cret-pw@127.0.0.1:{port}/sparql"
    with pytest.raises(StoreError) as err:
        api.open_store(loc)
    msg = str(err.value)
    assert "\n" not in msg
    assert f"127.0.0.1:{port}" in msg and "s3cret-pw" not in msg
    assert "running" in msg  # says what to check
    r = kg("--store", loc, "stats")
    assert r.exit_code == 3 and r.crash is None
    assert "s3cret-pw" not in r.output and f"127.0.0.1:{port}" in r.output


class _Refuse(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="kg"')
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_refused_credentials_is_one_line_store_error() -> None:
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Refuse)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    try:
        port = httpd.server_address[1]
        with pytest.raises(StoreError) as err:
            SparqlStore(f"sparql+http://analyst:s3cret-pw@127.0.0.1:{port}")
    finally:
        httpd.shutdown()
        httpd.server_close()
    msg = str(err.value)
    assert "\n" not in msg and "s3cret-pw" not in msg
    assert "401" in msg and "password" in msg and f"127.0.0.1:{port}" in msg


def test_silent_server_times_out() -> None:
    with socket.socket() as listener:  # accepts connections, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        with pytest.raises(StoreError) as err:
            SparqlStore(f"sparql+http://u:s3cret-pw@127.0.0.1:{port}?timeout=0.5")
    msg = str(err.value)
    assert "\n" not in msg and "s3cret-pw" not in msg
    assert "0.5 s" in msg and f"127.0.0.1:{port}" in msg


def test_kg_store_env_opens_remote(remote: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_STORE", remote)
    assert isinstance(api.open_store(), SparqlStore)


@pytest.mark.parametrize(
    ("a", "b", "options"),
    [
        ("JNIM", "Wagner Group", {}),
        ("JNIM", "al-Qaeda", {}),
        ("Wagner Group", "Russia", {"all_paths": True, "max_hops": 3}),
        ("JNIM", "al-Qaeda", {"as_of": "2024-12-01"}),
        ("JNIM", "Malian Armed Forces", {"actors_only": True}),
    ],
)
def test_path_queries_match_embedded(
    remote: str, embedded: KGStore, a: str, b: str, options: dict[str, Any]
) -> None:
    s = api.open_store(remote)
    api.ingest(REPORTS, s)
    want = api.path(a, b, embedded, **options)
    assert want or options.get("actors_only")  # the cases are real paths in the examples
    assert api.path(a, b, s, **options) == want
