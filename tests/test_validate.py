"""kg validate: SHACL over the store, problems traced to their documents."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import ROOT, kg

from kg.api import ingest
from kg.errors import StoreError
from kg.ontology import ontology
from kg.store.oxigraph import KGStore
from kg.validate import validate


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


def test_too_large_a_store_is_refused_with_the_way_out():
    store = KGStore(None)
    store.ensure_reference()
    with pytest.raises(StoreError, match="raise --max-quads"):
        validate(store, max_quads=10)
