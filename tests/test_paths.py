"""Path queries on a small graph built here, with known answers."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_array

from kg.errors import QueryError
from kg.query.paths import ActorGraph, Edge, Node, Source, bfs_csr

DOC = Source("Test report", None, "a sentence", "2024-05-01")
REF = Source("Curated reference entities")


@pytest.fixture
def graph() -> ActorGraph:
    """W (a PMC) became AC in 2023-11; W supported M until then; G attacked W in an event in
    2024-07; M severed relations with U in 2024-08, after being allied with it; P is based in
    M (a location tie); AC exists only from 2023-11."""
    nodes = [
        Node("w", "Wagner", type="PrivateMilitaryCompany"),
        Node("ac", "Africa Corps", type="MilitaryUnit", valid_from="2023-11"),
        Node("m", "Mali", type="State"),
        Node("u", "Ukraine", type="State"),
        Node("g", "JNIM", type="ArmedGroup"),
        Node("q", "al-Qaeda", type="ArmedGroup"),
        Node("p", "Place", kind="place", type="Settlement"),
        Node("e1", "Ambush, Mopti, 2024-07-21", kind="event", type="Ambush", date="2024-07-21"),
    ]
    edges = [
        Edge("w", "ac", "succeededBy", "succession", "2023-11", sources=(REF,)),
        Edge("w", "m", "supports", "support", "2021-12", sources=(DOC,)),
        Edge("e1", "g", "perpetrator", "event", sources=(DOC,)),
        Edge("e1", "w", "target", "event", sources=(DOC,)),
        Edge("g", "q", "affiliatedWith", "affiliation", "2017-03", sources=(REF, DOC)),
        Edge("m", "u", "alliedWith", "affiliation", "2020", sources=(DOC,)),
        Edge("m", "u", "severedRelationsWith", "hostility", "2024-08", sources=(DOC,)),
        Edge("p", "m", "locatedIn", "location", sources=(REF,)),
    ]
    return ActorGraph(nodes, edges)


def relations(hops: list[dict]) -> list[str]:
    return [h["relation"] for h in hops]


def test_shortest_path_goes_through_the_event_and_names_each_hop(graph: ActorGraph):
    hops = graph.shortest_path("g", "m")
    assert [h["to"] for h in hops] == ["e1", "w", "m"]
    assert relations(hops) == ["perpetrator", "target", "supports"]
    assert [h["forward"] for h in hops] == [False, True, True]
    assert hops[0]["sources"][0] == {
        "document": "Test report",
        "source": None,
        "evidence": "a sentence",
    }
    assert graph.hop_count(["g", "e1", "w", "m"]) == 2  # the event joins two actors in one hop


def test_via_filters_relation_groups(graph: ActorGraph):
    assert graph.shortest_path("g", "m", via=["affiliation", "support"]) == []
    assert relations(graph.shortest_path("g", "q", via=["affiliation"])) == ["affiliatedWith"]
    with pytest.raises(QueryError, match="unknown relation group"):
        graph.view(via=["friendship"])


def test_location_is_not_followed_unless_asked(graph: ActorGraph):
    assert graph.shortest_path("p", "u") == []
    assert relations(graph.shortest_path("p", "m", via=["location"])) == ["locatedIn"]


def test_actors_only_joins_the_actors_of_an_event(graph: ActorGraph):
    hops = graph.shortest_path("g", "w", actors_only=True)
    assert [h["to"] for h in hops] == ["w"]
    assert "Ambush, Mopti" in hops[0]["relation"]


def test_as_of_before_the_transition_does_not_know_the_successor(graph: ActorGraph):
    with pytest.raises(QueryError, match="not valid on that date"):
        graph.shortest_path("ac", "m", as_of="2023-06-01")
    hops = graph.shortest_path("w", "m", as_of="2023-06-01")
    assert relations(hops) == ["supports"]


def test_as_of_after_the_transition_the_successor_inherits_the_ties(graph: ActorGraph):
    hops = graph.shortest_path("ac", "m", as_of="2024-01-01", via=["support", "succession"])
    assert relations(hops) == ["supports"]
    assert hops[0]["inherited_from"] == "Wagner"
    assert hops[0]["valid_from"] == "2023-11"
    # and the predecessor's own tie is closed: Wagner reaches Mali only through its successor
    hops = graph.shortest_path("w", "m", as_of="2024-01-01", via=["support", "succession"])
    assert [h["to"] for h in hops] == ["ac", "m"]


def test_events_after_the_date_are_left_out(graph: ActorGraph):
    assert graph.shortest_path("g", "w", as_of="2024-07-01") == []
    assert len(graph.shortest_path("g", "w", as_of="2024-07-22")) == 2


def test_severed_relations_end_the_alliance_without_contradiction(graph: ActorGraph):
    before = graph.view(as_of="2024-01-01").edges["m", "u"]["edges"]
    after = graph.view(as_of="2024-09-01").edges["m", "u"]["edges"]
    assert {e.predicate for e in before} == {"alliedWith"}
    assert {e.predicate for e in after} == {"severedRelationsWith"}
    # with no date both ties are shown side by side
    assert {e.predicate for e in graph.view().edges["m", "u"]["edges"]} == {
        "alliedWith",
        "severedRelationsWith",
    }


def test_all_paths_are_bounded_by_hops_and_shortest_first(graph: ActorGraph):
    paths = graph.all_paths("g", "u", max_hops=4)
    assert paths, "G reaches U through the event, Wagner and Mali"
    counts = [len(p) - sum(h["through_event"] for h in p) for p in paths]
    assert counts == sorted(counts) and max(counts) <= 4
    assert graph.all_paths("g", "u", max_hops=2) == []


def test_unknown_or_invalid_nodes_are_named(graph: ActorGraph):
    with pytest.raises(QueryError, match="not in the graph"):
        graph.shortest_path("g", "nowhere")


def test_neighbourhood_distances(graph: ActorGraph):
    assert graph.neighbourhood("g", 1) == {"g": 0, "e1": 1, "q": 1}
    two = graph.neighbourhood("g", 2)
    assert two["w"] == 2 and "m" not in two
    assert graph.neighbourhood("g", 3)["m"] == 3


def test_bfs_csr_matches_a_hand_computed_ring():
    n = 8
    rows = np.arange(n)
    cols = (rows + 1) % n
    m = csr_array((np.ones(n), (rows, cols)), shape=(n, n))
    m = (m + m.T).tocsr()
    assert bfs_csr(m.indptr, m.indices, 0, 2) == {0: 0, 1: 1, 7: 1, 2: 2, 6: 2}


def test_analyze_finds_the_broker(graph: ActorGraph):
    res = graph.analyze()
    assert res["nodes"] == 6 and res["components"][0]["size"] == 6
    assert res["betweenness"][0]["label"] in {"Wagner", "Mali"}
    assert {b["label"] for b in res["brokers"]} <= {"Wagner", "Mali", "JNIM"}
