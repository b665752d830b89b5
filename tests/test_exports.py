"""Graph exports: GraphML and GEXF for Gephi, CSV for neo4j-admin, JSON-LD with the published
context."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest
from conftest import ROOT

from kg.api import export, ingest
from kg.query.paths import GROUPS, ActorGraph
from kg.store.oxigraph import KGStore


@pytest.fixture(scope="module")
def store() -> KGStore:
    s = KGStore(None)
    s.ensure_reference()
    ingest([ROOT / "examples" / "reports"], s)
    return s


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_gephi_formats_open_in_networkx_with_the_same_counts(
    store: KGStore, tmp_path: Path, fmt: str
):
    path = tmp_path / f"graph.{fmt}"
    with path.open("wb") as fh:
        export(store, fmt, fh)
    g = getattr(nx, f"read_{fmt}")(path)
    view = ActorGraph.from_store(store).view(via=GROUPS)
    assert g.number_of_nodes() == view.number_of_nodes()
    assert g.number_of_edges() == sum(len(d["edges"]) for _, _, d in view.edges(data=True))
    jnim = "https://w3id.org/conflict-kg/id/actor/jnim"
    assert g.nodes[jnim]["type"] == "ArmedGroup"
    rels = {
        d["relation"]
        for _, v, d in g.out_edges(jnim, data=True)
        if v == "https://w3id.org/conflict-kg/id/actor/al-qaeda"
    }
    assert "affiliatedWith" in rels


def test_neo4j_csv_is_consistent(store: KGStore, tmp_path: Path):
    export(store, "neo4j-csv", tmp_path)
    with (tmp_path / "nodes.csv").open(encoding="utf-8") as fh:
        nodes = list(csv.DictReader(fh))
    with (tmp_path / "relationships.csv").open(encoding="utf-8") as fh:
        rels = list(csv.DictReader(fh))
    ids = {n["id:ID"] for n in nodes}
    assert len(ids) == len(nodes)
    assert all(r[":START_ID"] in ids and r[":END_ID"] in ids for r in rels)
    jnim = next(n for n in nodes if n["id:ID"].endswith("/actor/jnim"))
    assert set(jnim[":LABEL"].split(";")) >= {"ArmedGroup", "Organization", "Actor"}
    assert any(r[":TYPE"] == "AFFILIATED_WITH" and r[":START_ID"] == jnim["id:ID"] for r in rels)
    assert any(n[":LABEL"].startswith("Claim") or ";Claim" in n[":LABEL"] for n in nodes)


def test_jsonld_uses_the_published_context(store: KGStore):
    buf = io.BytesIO()
    export(store, "jsonld", buf)
    data = json.loads(buf.getvalue())
    published = json.loads((ROOT / "ontology" / "context.jsonld").read_text())
    assert data["@context"] == published["@context"]


def test_dataset_facts_reach_the_graph_exports(tmp_path: Path):
    # a dataset row has no claim nodes: its edges must still reach Gephi and neo4j-admin
    from test_tabular import ROW, acled_file

    s = KGStore(None)
    s.ensure_reference()
    ingest([acled_file(tmp_path, [ROW])], s)
    event = "https://w3id.org/conflict-kg/id/event/acled-tst1"
    wagner = "https://w3id.org/conflict-kg/id/actor/wagner"
    export(s, "neo4j-csv", tmp_path / "csv")
    with (tmp_path / "csv" / "relationships.csv").open(encoding="utf-8") as fh:
        rels = {(r[":START_ID"], r[":TYPE"], r[":END_ID"]) for r in csv.DictReader(fh)}
    assert (event, "PERPETRATOR", wagner) in rels
    path = tmp_path / "graph.graphml"
    with path.open("wb") as fh:
        export(s, "graphml", fh)
    g = nx.read_graphml(path)
    assert g.has_edge(event, wagner) or g.has_edge(wagner, event)
