"""kg validate: SHACL over the store, problems traced to their documents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from conftest import ROOT, kg

from kg.api import ingest
from kg.errors import StoreError
from kg.ontology import ontology
from kg.store.oxigraph import KGStore
from kg.validate import compile_shapes, validate


def test_the_example_graph_conforms_and_contested_facts_are_warnings():
    store = KGStore(None)
    store.ensure_reference()
    ingest([ROOT / "examples" / "reports"], store)
    res = validate(store)
    assert res["conforms"] and res["violations"] == 0
    contested = [r for r in res["results"] if r["severity"] == "Warning"]
    assert any(
        r["node"].endswith("attack-mopti-2024-11-21")
        and r["property"] == "fatalities"
        and r["documents"]
        for r in contested
    )


def test_a_broken_claim_is_a_violation_named_with_its_document(tmp_path: Path):
    o = ontology()
    store = KGStore(tmp_path / "kg-data")
    store.ensure_reference()
    ingest([ROOT / "examples" / "reports" / "01-mopti-wagner-ambush.txt"], store)
    doc = ox.NamedNode(o.entity_iri("doc", "01-mopti-wagner-ambush"))
    [claim] = [
        q.subject
        for q in store.raw.quads_for_pattern(None, ox.NamedNode(o.prop("rule")), None, doc)
    ][:1]
    rule = next(store.raw.quads_for_pattern(claim, ox.NamedNode(o.prop("rule")), None, doc))
    store.raw.remove(rule)  # a claim without the rule that produced it
    res = validate(store)
    assert not res["conforms"]
    [bad] = [r for r in res["results"] if r["severity"] == "Violation"]
    assert bad["node"] == claim.value and bad["property"] == "rule"
    assert bad["documents"] == [
        "Al-Qaeda affiliate kills Wagner fighters at checkpoint in central Mali"
    ]
    store.close()
    r = kg("--store", str(tmp_path / "kg-data"), "validate")
    assert r.exit_code == 1 and "Violation" in r.stdout and "1 violation(s)" in r.stderr


def test_too_large_a_store_for_pyshacl_is_refused_with_the_way_out():
    store = KGStore(None)
    store.ensure_reference()
    with pytest.raises(StoreError, match="raise --max-quads"):
        validate(store, max_quads=10, method="shacl")


# -- the SPARQL checks find what pyshacl finds ---------------------------------------------------

KGO_NS = "https://w3id.org/conflict-kg/ontology#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _p(name: str) -> ox.NamedNode:
    return ox.NamedNode(KGO_NS + name)


def _one_report() -> tuple[KGStore, ox.NamedNode]:
    store = KGStore(None)
    store.ensure_reference()
    ingest([ROOT / "examples" / "reports" / "01-mopti-wagner-ambush.txt"], store)
    return store, ox.NamedNode(ontology().entity_iri("doc", "01-mopti-wagner-ambush"))


def _found(res: dict[str, Any]) -> list[tuple[str, str, str, str, tuple[str, ...]]]:
    """The results as comparable rows (blank nodes, named differently by each way, as _:b)."""
    return sorted(
        (
            r["severity"],
            r["node"] if r["node"].startswith("http") else "_:b",
            r["property"] or "",
            r["message"],
            tuple(r["documents"]),
        )
        for r in res["results"]
    )


def _both(store: KGStore) -> tuple[dict[str, Any], dict[str, Any]]:
    by_sparql = validate(store, method="sparql")
    by_shacl = validate(store, method="shacl")
    assert by_sparql["method"] == "sparql" and by_shacl["method"] == "shacl"
    return by_sparql, by_shacl


def test_sparql_checks_find_what_pyshacl_finds_in_a_broken_store():
    store, doc = _one_report()
    raw = store.raw
    claims = sorted(
        {q.subject for q in raw.quads_for_pattern(None, _p("rule"), None, doc)}, key=str
    )
    counts = sorted(
        {q.subject for q in raw.quads_for_pattern(None, RDF_TYPE, _p("CountClaim"), doc)},
        key=str,
    )
    evidence = sorted(
        {q.object for q in raw.quads_for_pattern(claims[0], _p("evidence"), None, doc)}, key=str
    )
    assert len(claims) > 6 and counts and evidence
    # ClaimShape: no rule (minCount), two rules (maxCount), a confidence out of range and one
    # that is a string (maxInclusive, datatype), a literal subject (nodeKind)
    raw.remove(next(raw.quads_for_pattern(claims[0], _p("rule"), None, doc)))
    raw.add(ox.Quad(claims[1], _p("rule"), ox.Literal("another.rule"), doc))
    raw.add(
        ox.Quad(
            claims[2],
            _p("confidence"),
            ox.Literal("1.5", datatype=ox.NamedNode(XSD_NS + "decimal")),
            doc,
        )
    )
    raw.add(ox.Quad(claims[3], _p("confidence"), ox.Literal("high"), doc))
    for q in list(raw.quads_for_pattern(claims[4], _p("subject"), None, doc)):
        raw.remove(q)
    raw.add(ox.Quad(claims[4], _p("subject"), ox.Literal("JNIM"), doc))
    # CountClaimShape: a qualifier outside the list, a low bound above the high one, no value
    c = counts[0]
    for prop in ("qualifier", "value", "low", "high"):
        for q in list(raw.quads_for_pattern(c, _p(prop), None, doc)):
            raw.remove(q)
    raw.add(ox.Quad(c, _p("qualifier"), _p("roughly"), doc))
    # EvidenceShape: neither text nor row (sh:or), a negative offset
    for q in list(raw.quads_for_pattern(evidence[0], _p("text"), None, doc)):
        raw.remove(q)
    minus_three = ox.Literal("-3", datatype=ox.NamedNode(XSD_NS + "integer"))
    raw.add(ox.Quad(evidence[0], _p("startOffset"), minus_three, doc))
    # ActorShape through RDFS entailment: a perpetrator (range kgo:Actor) with no label, and a
    # node typed with a subclass of kgo:Actor; ClaimShape through a domain (kgo:subject)
    event = next(raw.quads_for_pattern(None, _p("perpetrator"), None, doc)).subject
    nameless = ox.NamedNode(ontology().entity_iri("actor", "nameless-gunmen"))
    raw.add(ox.Quad(event, _p("perpetrator"), nameless, doc))
    militia = ox.NamedNode(ontology().entity_iri("actor", "nameless-militia"))
    raw.add(ox.Quad(militia, RDF_TYPE, _p("Militia"), doc))
    stray = ox.NamedNode(ontology().entity_iri("claim", "stray"))
    raw.add(ox.Quad(stray, _p("subject"), militia, doc))
    # EventShape (warnings): a second date
    raw.add(ox.Quad(event, _p("date"), ox.Literal("2024-11-22"), doc))
    by_sparql, by_shacl = _both(store)
    assert _found(by_sparql) == _found(by_shacl)
    assert by_sparql["violations"] == by_shacl["violations"] >= 12
    assert by_sparql["warnings"] == by_shacl["warnings"] >= 1
    props = {(r["node"], r["property"]) for r in by_sparql["results"]}
    assert (claims[0].value, "rule") in props and (nameless.value, None) in props
    assert (stray.value, "rule") in props and (c.value, "qualifier") in props


def test_sparql_checks_find_what_pyshacl_finds_in_documents_and_counts():
    store, doc = _one_report()
    raw = store.raw
    # DocumentShape: neither title nor path, two publication dates
    for prop in ("title", "sourcePath"):
        for q in list(raw.quads_for_pattern(doc, _p(prop), None, doc)):
            raw.remove(q)
    raw.add(ox.Quad(doc, _p("published"), ox.Literal("2024-11-23"), doc))
    raw.add(ox.Quad(doc, _p("published"), ox.Literal("2024-11-24"), doc))
    # CountClaimShape: low above high, a negative value, a second qualifier
    c = next(raw.quads_for_pattern(None, RDF_TYPE, _p("CountClaim"), doc)).subject
    integer = ox.NamedNode(XSD_NS + "integer")
    raw.add(ox.Quad(c, _p("low"), ox.Literal("9", datatype=integer), doc))
    raw.add(ox.Quad(c, _p("high"), ox.Literal("4", datatype=integer), doc))
    raw.add(ox.Quad(c, _p("high"), ox.Literal("12", datatype=integer), doc))
    for q in list(raw.quads_for_pattern(c, _p("value"), None, doc)):
        raw.remove(q)
    raw.add(ox.Quad(c, _p("value"), ox.Literal("-1", datatype=integer), doc))
    raw.add(ox.Quad(c, _p("qualifier"), _p("about"), doc))
    by_sparql, by_shacl = _both(store)
    assert _found(by_sparql) == _found(by_shacl)
    on_claim = {r["property"] for r in by_sparql["results"] if r["node"] == c.value}
    assert on_claim == {"low", "high", "value", "qualifier"}
    on_doc = {r["property"] for r in by_sparql["results"] if r["node"] == doc.value}
    assert on_doc == {None, "published"}


def test_the_sparql_checks_are_the_default_and_take_any_size_of_store():
    store = KGStore(None)
    store.ensure_reference()
    res = validate(store, max_quads=10)  # above the in-memory limit: checked by SPARQL
    assert res["method"] == "sparql" and res["conforms"]


def test_every_shape_compiles_to_sparql():
    checks = compile_shapes()
    shapes = {c.shape.rsplit("#", 1)[-1] for c in checks}
    assert shapes == {"ClaimShape", "CountClaimShape", "EvidenceShape", "EventShape",
                      "DocumentShape", "ActorShape"}  # fmt: skip
    assert all(c.query.lstrip().startswith("SELECT") or c.condition for c in checks)
