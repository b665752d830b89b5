"""The questions the demo graph must answer (issue #3's done-when), through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT, kg


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("demo") / "kg-data"
    r = kg("--store", str(store), "ingest", str(ROOT / "examples" / "reports"))
    assert r.exit_code == 0, r.output
    return store


def run(store: Path, *args: str) -> str:
    r = kg("--store", str(store), *args)
    assert r.exit_code == 0, r.output
    return r.stdout


def test_path_from_jnim_to_ukraine_goes_through_events_with_sources(demo_store: Path):
    paths = json.loads(run(demo_store, "path", "JNIM", "Ukraine", "--all", "--format", "json"))
    assert paths
    for hops in paths:
        steps = len(hops) - sum(h["through_event"] for h in hops)
        assert steps <= 4
        assert all(h["sources"] for h in hops), "every hop names its source"
        assert hops[-1]["to_label"] == "Ukraine"
    # one of them runs through the Mopti ambush and the severing of relations
    assert any(
        any("Mopti" in h["to_label"] for h in hops)
        and hops[-1]["relation"] == "severedRelationsWith"
        for hops in paths
    )


def test_affiliations_of_jnim_include_al_qaeda(demo_store: Path):
    rows = json.loads(
        run(demo_store, "query", "affiliations", "-p", "actor=JNIM", "--format", "json")
    )
    assert any(r["to_label"] == "al-Qaeda" and r["relation"] == "affiliatedWith" for r in rows)


def test_contested_lists_the_mopti_fatalities_with_both_sources(demo_store: Path):
    out = run(demo_store, "contested")
    block = out.split("attack-mopti-2024-11-21 fatalities:", 1)[1].split("\nkg:", 1)[0]
    assert "6  according to Bloomberg" in block
    assert "7  according to Reuters" in block


def test_successors_of_wagner_give_the_africa_corps_with_its_date(demo_store: Path):
    rows = json.loads(
        run(demo_store, "query", "successors", "-p", "actor=Wagner", "--format", "json")
    )
    assert [(r["to_label"], r["since"]) for r in rows] == [("Africa Corps", "2023-11")]


def test_as_of_before_the_transition_never_routes_through_the_africa_corps(demo_store: Path):
    before = json.loads(
        run(
            demo_store,
            "path",
            "Wagner",
            "Russian Ministry of Defence",
            "--all",
            "--as-of",
            "2023-06-01",
            "--format",
            "json",
        )
    )
    assert all(h["to_label"] != "Africa Corps" for hops in before for h in hops)
    after = json.loads(
        run(
            demo_store,
            "path",
            "Wagner",
            "Russian Ministry of Defence",
            "--as-of",
            "2024-06-01",
            "--format",
            "json",
        )
    )
    assert [h["to_label"] for h in after[0]] == ["Africa Corps", "Russian Ministry of Defence"]


def test_unknown_actor_gets_the_closest_names(demo_store: Path):
    r = kg("--store", str(demo_store), "path", "Wagnr Group", "Mali")
    assert r.exit_code == 1
    assert "Wagner Group" in r.output and "closest known names" in r.output


def test_show_as_of_hides_later_ties(demo_store: Path):
    view = json.loads(
        run(demo_store, "show", "Wagner", "--as-of", "2016-01-01", "--format", "json")
    )
    assert all(
        r["valid_from"] is None or r["valid_from"] <= "2016-01-01" for r in view["relations"]
    )
    assert not any(r["other_label"] == "Africa Corps" for r in view["relations"])
    assert view["events"] == []


def test_neighbors_and_analyze_run_on_the_demo_graph(demo_store: Path):
    rows = json.loads(run(demo_store, "neighbors", "Wagner", "--hops", "1", "--format", "json"))
    assert rows[0]["label"] == "Wagner Group" and rows[0]["distance"] == 0
    assert any(r["label"] == "Africa Corps" for r in rows)
    res = json.loads(run(demo_store, "analyze", "--format", "json"))
    assert res["nodes"] > 50 and res["brokers"]
