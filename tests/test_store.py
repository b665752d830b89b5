"""The embedded Oxigraph store: named graphs per document, replacement, claims, exports."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest import KGO, actor

import kg
from kg.api import ingest, open_store
from kg.errors import StoreError
from kg.store.oxigraph import KGStore
from kg.store.rdf import extraction_quads

WriteReport = Callable[..., Path]

PREFIX = f"PREFIX kgo: <{KGO}>\n"
REFERENCE = "https://w3id.org/conflict-kg/id/doc/reference"

REPORT = """\
Mali and Niger severed diplomatic ties with Ukraine over the Tinzaouaten ambush.

Katiba Macina, an affiliate of al-Qaeda, attacked Malian soldiers near Djenne on Sunday.
According to AFP, nine soldiers were killed, while Reuters put the toll at eleven.
"""


def graph_size(store: KGStore, graph: str) -> int:
    return len(list(store.raw.quads_for_pattern(None, None, None, ox.NamedNode(graph))))


def ask(store: KGStore, query: str, **params: object) -> bool:
    rows = store.select(PREFIX + query, **params).rows
    return bool(rows[0]["ask"])


@pytest.fixture
def report(write_report: WriteReport) -> Path:
    return write_report(REPORT, name="ties.txt", title="Ties cut", date="2024-08-06")


def test_ingest_creates_the_document_graph(store: KGStore, report: Path):
    (ex,) = ingest([report], store)
    doc = ex.document.id
    assert doc.endswith("/doc/ties")
    assert store.raw.contains_named_graph(ox.NamedNode(doc))
    assert graph_size(store, doc) == len(extraction_quads(ex)) > 0
    # every quad about the document's claims is in the document's own graph
    assert ask(
        store,
        "ASK { GRAPH ?doc { ?doc a kgo:Report ; kgo:title ?t ; kgo:published ?d } }",
        doc=doc,
    )
    assert store.stats()["documents"] == 1
    docs = [d for d in store.documents() if d["doc"] != REFERENCE]
    assert [d["doc"] for d in docs] == [doc]
    assert docs[0]["title"] == "Ties cut"
    assert docs[0]["date"] == "2024-08-06"


def test_reingesting_the_same_document_adds_nothing(store: KGStore, report: Path):
    (ex,) = ingest([report], store)
    before = len(store)
    per_graph = graph_size(store, ex.document.id)
    ingest([report], store)
    ingest([report], store)
    assert len(store) == before
    assert graph_size(store, ex.document.id) == per_graph
    assert store.stats()["documents"] == 1


def test_changed_document_replaces_its_claims(
    store: KGStore, write_report: WriteReport, report: Path
):
    (ex,) = ingest([report], store)
    affiliation = """ASK { GRAPH ?doc {
        ?c kgo:subject ?s ; kgo:predicate kgo:affiliatedWith ; kgo:object ?o } }"""
    params = {"doc": ex.document.id, "s": actor("katiba-macina"), "o": actor("al-qaeda")}
    assert ask(store, affiliation, **params)
    # the same file, edited: the affiliation is gone from the text
    write_report(
        REPORT.replace("Katiba Macina, an affiliate of al-Qaeda,", "Katiba Macina"),
        name="ties.txt",
        title="Ties cut",
        date="2024-08-06",
    )
    (ex2,) = ingest([report], store)
    assert ex2.document.id == ex.document.id
    assert not ask(store, affiliation, **params)
    # the truthy edge of the old version is gone from the document graph too
    assert not ask(store, "ASK { GRAPH ?doc { ?s kgo:affiliatedWith ?o } }", **params)
    # what is still in the text is still there, once
    rows = store.select(
        PREFIX
        + """SELECT ?c ?doc ?s ?o WHERE { GRAPH ?doc {
            ?c kgo:subject ?s ; kgo:predicate kgo:severedRelationsWith ; kgo:object ?o } }""",
        doc=ex.document.id,
        s=actor("mali"),
        o=actor("ukraine"),
    ).rows
    assert len(rows) == 1
    assert store.stats()["documents"] == 1


def test_relation_is_a_truthy_edge_and_a_claim_node(store: KGStore, report: Path):
    (ex,) = ingest([report], store)
    doc = ex.document.id
    s, o = actor("mali"), actor("ukraine")
    assert ask(store, "ASK { GRAPH ?doc { ?s kgo:severedRelationsWith ?o } }", doc=doc, s=s, o=o)
    rows = store.select(
        PREFIX
        + """SELECT ?c ?s ?o ?doc ?ev ?text ?start ?end ?rule ?conf WHERE { GRAPH ?doc {
            ?c a kgo:Claim ; kgo:subject ?s ; kgo:predicate kgo:severedRelationsWith ;
               kgo:object ?o ; kgo:statedIn ?doc ; kgo:evidence ?ev ; kgo:rule ?rule ;
               kgo:confidence ?conf .
            ?ev a kgo:Evidence ; kgo:text ?text ; kgo:startOffset ?start ; kgo:endOffset ?end ;
                kgo:inDocument ?doc } }""",
        doc=doc,
        s=s,
        o=o,
    ).rows
    assert len(rows) == 1
    (r,) = rows
    assert r["rule"] == "rel.severed.relations"
    assert 0 < r["conf"] <= 1
    assert ex.document.text[r["start"] : r["end"]] == r["text"]
    assert "severed diplomatic ties" in r["text"]


def test_fatality_claims_keep_their_sources(store: KGStore, report: Path):
    ingest([report], store)
    rows = store.select(
        PREFIX
        + """SELECT ?value ?src ?q WHERE {
            ?c a kgo:CountClaim ; kgo:predicate kgo:fatalities ; kgo:value ?value ;
               kgo:assertedBy ?src ; kgo:qualifier ?q }"""
    ).rows
    assert {(r["value"], r["src"], r["q"]) for r in rows} == {
        (9, actor("afp"), f"{KGO}exact"),
        (11, actor("reuters"), f"{KGO}exact"),
    }


def test_union_graph_sees_every_document(store: KGStore, write_report: WriteReport, report: Path):
    other = write_report(
        "The CSP transitioned to the Azawad Liberation Front at a congress in Kidal.",
        name="fla.txt",
        title="A new name",
        date="2024-12-03",
    )
    exs = ingest([report, other], store)
    assert store.stats()["documents"] == 2
    rows = store.select(
        PREFIX
        + """SELECT DISTINCT ?doc WHERE { ?c kgo:statedIn ?doc .
             FILTER(?doc != <"""
        + REFERENCE
        + ">) }"
    ).rows
    assert {r["doc"] for r in rows} == {ex.document.id for ex in exs}
    # one query joins facts stated in different documents
    assert ask(
        store,
        """ASK { ?a kgo:severedRelationsWith ?u . ?csp kgo:succeededBy ?fla .
                 ?c kgo:statedIn ?d1 . ?c kgo:predicate kgo:succeededBy .
                 ?c2 kgo:statedIn ?d2 . ?c2 kgo:predicate kgo:severedRelationsWith .
                 FILTER(?d1 != ?d2) }""",
    )
    # and the reference entities are part of the union
    assert ask(store, "ASK { ?x kgo:succeededBy ?y }", x=actor("wagner"), y=actor("africa-corps"))


def test_rdflib_dataset_view(store: KGStore, report: Path):
    (ex,) = ingest([report], store)
    ds = store.rdflib_dataset()
    assert isinstance(ds, rdflib.Dataset)
    g = ds.graph(rdflib.URIRef(ex.document.id))
    assert len(g) == graph_size(store, ex.document.id) > 0
    assert (
        rdflib.URIRef(actor("mali")),
        rdflib.URIRef(f"{KGO}severedRelationsWith"),
        rdflib.URIRef(actor("ukraine")),
    ) in g


def test_on_disk_store_persists(tmp_path: Path, report: Path):
    location = tmp_path / "kg-data"
    s1 = open_store(location)
    (ex,) = ingest([report], s1)
    n = len(s1)
    stats = s1.stats()
    del s1
    s2 = open_store(location)
    assert s2.ensure_reference() is False  # already loaded and unchanged
    assert len(s2) == n
    assert s2.stats() == stats
    assert graph_size(s2, ex.document.id) == len(extraction_quads(ex))


def test_store_path_that_is_a_file(tmp_path: Path):
    f = tmp_path / "not-a-store"
    f.write_text("hello", encoding="utf-8")
    with pytest.raises(StoreError, match="not-a-store"):
        KGStore(f)


def test_bad_sparql_is_a_query_error(store: KGStore):
    with pytest.raises(kg.QueryError):
        store.select("SELECT WHERE {")


def test_whole_store_conforms_to_the_shapes(store: KGStore, report: Path, repo_root: Path):
    from pyshacl import validate

    ingest([report], store)
    buf = io.BytesIO()
    store.dump("nt", buf)
    data = rdflib.Graph().parse(data=buf.getvalue().decode("utf-8"), format="nt")
    shapes = rdflib.Graph().parse(repo_root / "ontology" / "shapes.ttl")
    onto = rdflib.Graph().parse(repo_root / "ontology" / "kg.ttl")
    _conforms, report_graph, text = validate(
        data, shacl_graph=shapes, ont_graph=onto, inference="rdfs"
    )
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    violations = [
        r
        for r in report_graph.subjects(rdflib.RDF.type, sh.ValidationResult)
        if report_graph.value(r, sh.resultSeverity) == sh.Violation
    ]
    assert violations == [], text


# -- exports --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "rdflib_format", "keeps_graphs"),
    [
        ("ttl", "turtle", False),
        ("trig", "trig", True),
        ("nq", "nquads", True),
        ("jsonld", "json-ld", True),
    ],
)
def test_export_parses_back(
    store: KGStore, report: Path, fmt: str, rdflib_format: str, keeps_graphs: bool
):
    (ex,) = ingest([report], store)
    buf = io.BytesIO()
    kg.export(store, fmt, buf)
    data = buf.getvalue()
    assert data
    if fmt == "jsonld":
        json.loads(data)
    ds = rdflib.Dataset()
    ds.parse(data=data.decode("utf-8"), format=rdflib_format)
    truthy = (
        rdflib.URIRef(actor("mali")),
        rdflib.URIRef(f"{KGO}severedRelationsWith"),
        rdflib.URIRef(actor("ukraine")),
    )
    q = (
        PREFIX
        + """SELECT ?c WHERE { GRAPH ?g {
        ?c kgo:statedIn ?doc ; kgo:predicate kgo:severedRelationsWith } }"""
    )
    if keeps_graphs:
        g = ds.graph(rdflib.URIRef(ex.document.id))
        assert len(g) == graph_size(store, ex.document.id)
        assert truthy in g
    else:
        g = ds.default_graph
        assert truthy in g
        q = q.replace("GRAPH ?g {", "{")
    hits = ds.query(q, initBindings={"doc": rdflib.URIRef(ex.document.id)})
    assert len(list(hits)) == 2  # Mali and Niger


def test_export_unknown_format(store: KGStore):
    with pytest.raises(StoreError, match="unknown format"):
        store.dump("xml", io.BytesIO())


def test_bulk_add_writes_every_batch_into_the_graph(tmp_path, monkeypatch):
    import kg.store.oxigraph as oxstore

    monkeypatch.setattr(oxstore, "BULK_BATCH", 7)
    store = KGStore(str(tmp_path / "s"))
    g = "https://example.org/doc/big"
    quads = [
        ox.Quad(
            ox.NamedNode(f"https://example.org/e{i}"),
            ox.NamedNode("https://example.org/p"),
            ox.Literal(str(i)),
            ox.DefaultGraph(),  # any graph given: bulk_add writes into its own
        )
        for i in range(50)
    ]
    store.begin_bulk(g)
    assert store.bulk_add(g, iter(quads)) == 50
    store.end_bulk(g)
    got = list(store._store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
    assert sorted(q.object.value for q in got) == sorted(str(i) for i in range(50))
