"""The Neo4j backend (kg/store/neo4j.py) on a real Bolt server (the ``bolt_server`` fixture:
``NEO4J_URI`` when set, else ArcadeDB started for the session).

The graph: the sample reports, the hand-made test documents of test_queries.py, two small
ACLED files that disagree about one event, and the ACLED subset in ../shared/data when it is
there. It is pushed once; every named query then runs as SPARQL on the embedded store and as
its Cypher twin on the server, and both must give the same rows (values compared as text,
``GROUP_CONCAT`` cells as sets of parts, rows in the same order where the query orders them, as
sets within ties and where it does not).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from conftest import EXAMPLES, ROOT, SHARED, kg
from test_queries import DOC_B, E2, E3, build_extractions
from test_tabular import acled_file

from kg.api import find_entity, ingest
from kg.api import path as embedded_path
from kg.errors import QueryError, StoreError
from kg.ontology import ontology
from kg.paths import queries_dir
from kg.query.cypher import parse_cypher_file, return_columns, run_cypher_named, select_columns
from kg.query.neo4j_path import shortest_path
from kg.query.paths import ActorGraph
from kg.query.registry import get_query, parse_query_file, registry, run_named
from kg.store.neo4j import (
    Mapper,
    Neo4jSettings,
    Neo4jStore,
    graph_digest,
    push,
    snapshot,
    store_graphs,
    sync,
    upper_snake,
)
from kg.store.oxigraph import KGStore

ROW = {
    "event_id_cnty": "NEO1", "event_date": "2022-03-27", "time_precision": "1",
    "event_type": "Battles", "sub_event_type": "Armed clash",
    "actor1": "JNIM: Group for Support of Islam and Muslims", "inter1": "2",
    "actor2": "Military Forces of Mali (2021-)", "inter2": "1", "country": "Mali",
    "admin1": "Mopti", "location": "Moura", "latitude": "14.2", "longitude": "-4.6",
    "source": "Radio A", "notes": "JNIM fighters clashed with soldiers near Moura.",
    "fatalities": "12",
}  # fmt: skip
SHARED_ACLED = SHARED / "data" / "acled" / "acled_2022H1_sahel_car_subset.csv"


def fill(store: KGStore, folder: Path) -> KGStore:
    store.ensure_reference()
    ingest([str(EXAMPLES)], store)
    for ex in build_extractions():
        store.add_extraction(ex)
    # two exports that disagree about one event (fatalities and date): contested, from datasets
    a = acled_file(folder, [ROW], name="export-a.csv")
    b = acled_file(
        folder, [{**ROW, "fatalities": "15", "event_date": "2022-03-28"}], name="export-b.csv"
    )
    # the shared ACLED subset when it is there; on CI it must be (a missing file fails)
    shared = SHARED_ACLED.exists() or os.environ.get("CI") == "true"
    files = [a, b] + ([SHARED_ACLED] if shared else [])
    ingest([str(f) for f in files], store)
    return store


def settings_of(server: Any) -> Neo4jSettings:
    return Neo4jSettings(
        uri=server.uri, user=server.user, password=server.password, database=server.database
    )


@pytest.fixture(scope="module")
def neo(bolt_server: Any) -> Iterator[Neo4jStore]:
    """The server, emptied when the module starts."""
    n = Neo4jStore(settings_of(bolt_server))
    n.query("MATCH (n) DETACH DELETE n")
    n.clear()
    yield n
    n.close()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> KGStore:
    return fill(KGStore(None), tmp_path_factory.mktemp("neo4j-data"))


@pytest.fixture(scope="module")
def pushed(store: KGStore, neo: Neo4jStore) -> Any:
    """The store pushed to the server (a test that changes the server puts it back)."""
    return push(store, neo)


# -- normalising rows ---------------------------------------------------------------------------


def norm(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float) and v == int(v):
        v = int(v)
    s = str(v)
    return "; ".join(sorted(s.split("; "))) if "; " in s else s


def order_keys(sparql: str) -> list[str]:
    m = re.search(r"\bORDER\s+BY\s+(.*)$", sparql, re.IGNORECASE | re.DOTALL)
    return re.findall(r"\?(\w+)", m.group(1)) if m else []


def comparable(rows: list[dict[str, Any]], keys: list[str]) -> list[Any]:
    """Rows as text; ordered queries as runs of equal sort keys, each run as a sorted list."""
    rows_n = [tuple((k, norm(r[k])) for k in r) for r in rows]
    if not keys:
        return sorted(rows_n, key=repr)
    runs: list[tuple[tuple[Any, ...], list[Any]]] = []
    for r in rows_n:
        d = dict(r)
        k = tuple(d[x] for x in keys)
        if runs and runs[-1][0] == k:
            runs[-1][1].append(r)
        else:
            runs.append((k, [r]))
    return [(k, sorted(v, key=repr)) for k, v in runs]


# -- the twins, without a server -----------------------------------------------------------------

QUERY_FILES = sorted(queries_dir().glob("*.rq"))


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_every_named_query_has_a_checked_cypher_twin(path: Path):
    twin = path.with_suffix(".cypher")
    assert twin.is_file(), f"{path.name} has no Cypher twin {twin.name}"
    q = parse_query_file(path)
    text = parse_cypher_file(twin, q)
    assert return_columns(text) == select_columns(q.text)
    assert registry()[q.name].cypher == text


def test_the_contested_twin_lists_the_ontology_functional_properties():
    # contested.cypher names them (Cypher has no dynamic relationship types): keep in step
    o = ontology()
    assert set(o.functional) == {"date", "datePrecision", "fatalities", "place", "country"}
    text = get_query("contested").cypher or ""
    for p in o.functional:
        assert f"'{p}' AS property" in text


GOOD_TWIN = """\
// name: q
// description: A test query.
// param: actor: entity (required) -- the actor, e.g. JNIM
MATCH (a:Resource {iri: $actor})-[:AFFILIATED_WITH]->(x) RETURN a.iri AS actor, x.iri AS x
"""
BROKEN_TWINS = {
    "other name": (GOOD_TWIN.replace("name: q", "name: other"), "must open the file"),
    "no description": (GOOD_TWIN.replace("// description: A test query.\n", ""), "description"),
    "other parameters": (
        GOOD_TWIN.replace("actor: entity (required)", "actor: string (required)"),
        "differ",
    ),
    "parameter unused": (GOOD_TWIN.replace("{iri: $actor}", ""), "'actor' is not used"),
    "undeclared parameter": (GOOD_TWIN.replace("x.iri AS x", "$who AS x"), "undeclared"),
    "other columns": (GOOD_TWIN.replace("x.iri AS x", "x.iri AS y"), "selects ['actor', 'x']"),
    "column without a name": (GOOD_TWIN.replace("x.iri AS x", "x.iri"), "name the returned"),
    "unbalanced": (GOOD_TWIN.replace("(x) RETURN", "(x RETURN"), "unbalanced"),
}


@pytest.mark.parametrize("case", list(BROKEN_TWINS))
def test_broken_twins_are_refused_naming_the_file(tmp_path: Path, case: str):
    rq = tmp_path / "q.rq"
    rq.write_text(
        "# name: q\n# description: A test query.\n"
        "# param: actor: entity (required) -- the actor, e.g. JNIM\n"
        "SELECT ?actor ?x WHERE { ?actor kgo:affiliatedWith ?x }\n",
        encoding="utf-8",
    )
    q = parse_query_file(rq)
    good = tmp_path / "q.cypher"
    good.write_text(GOOD_TWIN, encoding="utf-8")
    parse_cypher_file(good, q)
    text, expected = BROKEN_TWINS[case]
    good.write_text(text, encoding="utf-8")
    with pytest.raises(QueryError) as e:
        parse_cypher_file(good, q)
    assert str(good) in str(e.value)
    assert expected in str(e.value)


def test_the_mapping_names_labels_keys_and_types():
    assert upper_snake("affiliatedWith") == "AFFILIATED_WITH"
    assert upper_snake("subClassOf") == "SUB_CLASS_OF"
    assert upper_snake("versionIRI") == "VERSION_IRI"
    m = Mapper()
    n = m.naming
    assert n.key(ontology().prop("title")) == "title"
    assert n.key("http://purl.org/dc/terms/title") == "dcterms_title"  # kgo:title has "title"
    assert n.label(ontology().cls("ArmedGroup")) == "ArmedGroup"
    assert n.label("http://www.w3.org/2000/01/rdf-schema#Resource") == "rdfs_Resource"


def test_literals_keep_every_value_and_each_document_keeps_its_own(tmp_path: Path):
    s = fill(KGStore(None), tmp_path)
    quads = [
        q
        for g in store_graphs(s)
        for q in s.raw.quads_for_pattern(None, None, None, ox.NamedNode(g))
    ]
    state = Mapper().build(quads)
    e2 = state.nodes[E2]
    assert {"Resource", "Attack", "Event"} <= e2.labels
    assert e2.props["type"] == "Attack"
    assert e2.props["fatalities"] == [6, 7]  # contested: both values
    assert e2.props["date"] == "2024-11-21"
    doc_a = ontology().entity_iri("doc", "test-report-a")
    assert state.rels[(E2, "IN_GRAPH", doc_a)]["fatalities"] == [6, 7]
    assert state.rels[(E2, "PERPETRATOR", ontology().entity_iri("actor", "test-brigade"))] == {
        "graphs": [doc_a]
    }
    claims = [st for st in state.nodes.values() if "CountClaim" in st.labels]
    assert claims and all("Claim" in st.labels for st in claims)
    assert {c.props.get("qualifier") for c in claims} >= {"at_least"}


# -- the server ----------------------------------------------------------------------------------

CASES: list[tuple[str, dict[str, str]]] = [
    ("affiliations", {"actor": "JNIM"}),
    ("affiliations", {"actor": "Test Brigade"}),
    ("affiliations", {"actor": "Test Brigade", "as_of": "2024-01-01"}),
    ("affiliations", {"actor": "Wagner", "as_of": "2023-06-01"}),
    ("members", {"organisation": "al-Qaeda"}),
    ("members", {"organisation": "Russia", "as_of": "2020"}),
    ("members", {"organisation": "Russian Ministry of Defence", "as_of": "2024-06-01"}),
    ("successors", {"actor": "Wagner"}),
    ("successors", {"actor": "Test Militia"}),
    ("predecessors", {"actor": "Africa Corps"}),
    ("predecessors", {"actor": "Test Legion"}),
    ("supports", {}),
    ("supports", {"actor": "Russia"}),
    ("supports", {"actor": "Test Brigade", "as_of": "2023-06"}),
    ("affiliation_edges", {}),
    ("affiliation_edges", {"as_of": "2024-01-01"}),
    ("unresolved", {}),
    ("events_of_actor", {"actor": "JNIM"}),
    ("events_of_actor", {"actor": "Test Brigade", "from": "2024-01-01", "to": "2024-07-31"}),
    ("events_of_actor", {"actor": "JNIM", "country": "Mali", "role": "perpetrator"}),
    ("events_of_actor", {"actor": "Wagner", "from": "2024-07"}),
    ("timeline", {"actor": "Wagner"}),
    ("timeline", {"actor": "Test Brigade"}),
    ("timeline", {"actor": "JNIM", "from": "2022", "to": "2022-06"}),
    ("fatalities_by_actor", {"actor": "JNIM"}),
    ("fatalities_by_actor", {"actor": "Test Brigade", "role": "target"}),
    ("fatalities_by_actor", {"actor": "Test Brigade", "from": "2024-08"}),
    ("fatalities_by_actor", {"actor": "FAMa", "role": "target", "to": "2023"}),
    ("attacks_between", {"actor": "JNIM", "other": "Wagner"}),
    ("attacks_between", {"actor": "Test Brigade", "other": "FAMa"}),
    ("attacks_between", {"actor": "JNIM", "other": "FAMa"}),
    ("actors_in_place", {"place": "Mopti"}),
    ("actors_in_place", {"place": "Mali"}),
    ("actors_in_place", {"place": "Mali", "from": "2024-07-15"}),
    ("sources", {"subject": "JNIM"}),
    ("sources", {"subject": "Test Brigade", "predicate": "affiliatedWith"}),
    ("sources", {"subject": E2, "predicate": "fatalities"}),
    ("sources", {"subject": "Test Brigade", "object": "Russian Ministry of Defence"}),
    ("sources", {"subject": ontology().entity_iri("event", "acled-neo1")}),
    ("contested", {}),
    ("contested", {"subject": E2}),
    ("contested", {"subject": ontology().entity_iri("event", "acled-neo1")}),
]


def test_every_named_query_is_exercised():
    assert {name for name, _ in CASES} == set(registry())


@pytest.mark.parametrize(("name", "params"), CASES, ids=lambda x: str(x))
def test_twin_gives_the_rows_of_the_embedded_query(
    store: KGStore, neo: Neo4jStore, pushed: Any, name: str, params: dict[str, str]
):
    expected = run_named(name, params, store)
    got = run_cypher_named(name, params, store, neo)
    assert got.variables == expected.variables
    keys = order_keys(get_query(name).text)
    assert comparable(got.rows, keys) == comparable(expected.rows, keys)


def test_contested_covers_reports_and_datasets(store: KGStore, neo: Neo4jStore, pushed: Any):
    rows = run_cypher_named("contested", {}, store, neo).rows
    subjects = {r["subject"] for r in rows}
    neo1 = ontology().entity_iri("event", "acled-neo1")
    assert {E2, neo1} <= subjects
    figures = {(r["property"], r["value"]) for r in rows if r["subject"] == neo1}
    assert {("fatalities", "12"), ("fatalities", "15")} <= figures
    assert ("date", "2022-03-27") in figures


def test_second_push_changes_nothing(store: KGStore, neo: Neo4jStore, pushed: Any):
    assert pushed.nodes_created > 1000 and pushed.relationships_created > 3000
    before = snapshot(neo)
    again = push(store, neo)
    assert again.written == 0, again.as_dict()
    assert snapshot(neo) == before
    assert sync(store, neo).written == 0


def test_sync_sends_only_the_changed_document(
    store: KGStore, neo: Neo4jStore, pushed: Any, tmp_path: Path
):
    before = snapshot(neo)
    original = next(ex for ex in build_extractions() if ex.document.id == DOC_B)
    changed = next(ex for ex in build_extractions() if ex.document.id == DOC_B)
    e3 = next(e for e in changed.events if e.id == E3)
    e3.fatalities[0].value = 4  # was 3
    changed.events = [e for e in changed.events if e.type != "Battle"]  # drops E5
    try:
        store.add_extraction(changed)
        res = sync(store, neo)
        assert res.changed_graphs == [DOC_B] and res.deleted_graphs == []
        assert 0 < res.written < before["nodes"] // 4
        rows = run_cypher_named("timeline", {"actor": "Test Brigade"}, store, neo).rows
        assert (rows[0]["fatalities_low"], rows[0]["fatalities_high"]) == (4, 4)
        for name in ("timeline", "contested"):
            params = {"actor": "Test Militia"} if name == "timeline" else {}
            keys = order_keys(get_query(name).text)
            want = comparable(run_named(name, params, store).rows, keys)
            assert comparable(run_cypher_named(name, params, store, neo).rows, keys) == want
        synced = snapshot(neo)
        # the same as pushing the changed store into an empty database
        fresh = Neo4jStore(neo.settings)
        fresh.clear()
        push(store, fresh)
        assert snapshot(fresh) == synced
        fresh.close()
        # a deleted document: what only it stated goes
        store.remove_document(DOC_B)
        res = sync(store, neo)
        assert res.deleted_graphs == [DOC_B] and res.changed_graphs == []
        oasis = ontology().entity_iri("place", "test-oasis")
        assert not neo.query("MATCH (n:Resource {iri: $i}) RETURN n.iri AS i", {"i": oasis}).rows
        assert not neo.query(
            "MATCH (n:Resource)-[:IN_GRAPH]->(:Resource {iri: $d}) RETURN n.iri AS i LIMIT 1",
            {"d": DOC_B},
        ).rows
    finally:
        store.add_extraction(original)
        res = sync(store, neo)
    assert res.changed_graphs == [DOC_B]
    assert snapshot(neo) == before


def _one_line_error(e: BaseException, settings: Neo4jSettings) -> str:
    msg = str(e)
    assert "\n" not in msg
    assert settings.safe_uri in msg
    if settings.password:
        assert settings.password not in msg
    return msg


def test_wrong_password_is_one_line_and_the_store_is_untouched(store: KGStore, bolt_server: Any):
    digests = {g: graph_digest(store, g) for g in store_graphs(store)}
    size = len(store)
    bad = Neo4jSettings(
        uri=bolt_server.uri, user=bolt_server.user, password="not-the-password-42",
        database=bolt_server.database,
    )  # fmt: skip
    with pytest.raises(StoreError) as e, Neo4jStore(bad) as neo:
        push(store, neo)
    msg = _one_line_error(e.value, bad)
    assert "NEO4J_PASSWORD" in msg and "refused" in msg
    with pytest.raises(StoreError), Neo4jStore(bad) as neo:
        sync(store, neo)
    assert len(store) == size
    assert {g: graph_digest(store, g) for g in store_graphs(store)} == digests


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_server_is_one_line_and_the_store_is_untouched(store: KGStore):
    size = len(store)
    down = Neo4jSettings(uri=f"bolt://127.0.0.1:{_closed_port()}", password="secret-pw-123")
    with pytest.raises(StoreError) as e, Neo4jStore(down) as neo:
        push(store, neo)
    msg = _one_line_error(e.value, down)
    assert "cannot reach" in msg and "NEO4J_URI" in msg
    bad_uri = Neo4jSettings(uri="http://127.0.0.1:7474", password="secret-pw-123")
    with pytest.raises(StoreError) as e, Neo4jStore(bad_uri) as neo:
        neo.query("RETURN 1 AS x")
    assert "NEO4J_URI" in _one_line_error(e.value, bad_uri)
    assert len(store) == size


HOSTILE = [
    "perpetrator' OR 1=1 //",
    '"}) MATCH (n) DETACH DELETE n //',
    "x}) DETACH DELETE n RETURN 1 AS x //",
    "$subject",
    "affiliatedWith` DETACH DELETE n //",
    "\\' OR true OR '",
    "') RETURN 1 UNION MATCH (n) RETURN n //",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_parameters_with_cypher_syntax_are_inert(
    store: KGStore, neo: Neo4jStore, pushed: Any, value: str
):
    before = neo.counts()
    assert (
        run_cypher_named("sources", {"subject": "JNIM", "predicate": value}, store, neo).rows == []
    )
    params = {"actor": "Test Brigade", "role": value}
    assert run_cypher_named("events_of_actor", params, store, neo).rows == []
    assert run_cypher_named("fatalities_by_actor", params, store, neo).rows == []
    got = neo.query("MATCH (n:Resource {iri: $x}) RETURN n.iri AS i", {"x": value})
    assert got.rows == []
    cypher = "MATCH (n:Resource) WHERE n.iri = $x RETURN n.iri AS i"
    r = kg("cypher", cypher, "-p", f"x={value}", *conn_args(neo), "--format", "json")
    assert r.exit_code == 0, r.output
    assert r.stdout.strip() == "[]"
    assert neo.counts() == before


PAIRS = [
    ("JNIM", "Ukraine", None),
    ("JNIM", "Wagner", None),
    ("Test Legion", "Ukraine", None),
    ("Test Brigade", "Russia", ["affiliation"]),
    ("Wagner", "Africa Corps", ["succession"]),
    ("Russia", "Test Front", ["support", "event"]),
    ("FAMa", "Test Brigade", ["event"]),
    ("JNIM", "Test Alliance", ["hostility"]),
]


@pytest.mark.parametrize(("a", "b", "via"), PAIRS, ids=lambda x: str(x))
def test_path_on_the_server_answers_as_the_embedded_view(
    store: KGStore, neo: Neo4jStore, pushed: Any, a: str, b: str, via: list[str] | None
):
    want = embedded_path(a, b, store, via=via)
    ia, ib = find_entity(a, store), find_entity(b, store)
    got = shortest_path(neo, ia, ib, via=via)
    if not want:
        assert got == []
        return
    (hops,) = want
    assert len(got) == len(hops)  # as short
    steps = [sum(1 for h in p if not h["through_event"]) for p in (got, hops)]
    assert steps[0] <= steps[1]
    # the hops the server chose, described by the embedded graph: the same words
    graph = ActorGraph.from_store(store)
    nodes = [got[0]["from"]] + [h["to"] for h in got]
    assert graph.hops(graph.view(via=via), nodes) == got
    if [h["to"] for h in hops] == [h["to"] for h in got]:
        assert got == hops


def test_path_errors(store: KGStore, neo: Neo4jStore, pushed: Any):
    ia = find_entity("JNIM", store)
    with pytest.raises(QueryError, match="not in the graph"):
        shortest_path(neo, ia, ontology().entity_iri("actor", "nobody-at-all"))
    with pytest.raises(QueryError, match="unknown relation group"):
        shortest_path(neo, ia, ia, via=["friendship"])
    assert shortest_path(neo, ia, ia) == []


# -- the command line -----------------------------------------------------------------------------


def conn_args(neo: Neo4jStore) -> list[str]:
    s = neo.settings
    out = ["--uri", s.uri, "--user", s.user, "--password", s.password]
    return out + (["--database", s.database] if s.database else [])


@pytest.fixture(scope="module")
def disk_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("neo4j-cli") / "kg-data"
    s = fill(KGStore(path), path.parent)
    s.close()
    del s
    return path


def env_of(neo: Neo4jStore) -> dict[str, str]:
    s = neo.settings
    env = {**os.environ, "NEO4J_URI": s.uri, "NEO4J_USER": s.user, "NEO4J_PASSWORD": s.password}
    if s.database:
        env["NEO4J_DATABASE"] = s.database
    return env


def test_cli_push_sync_query_path_and_cypher(disk_store: Path, neo: Neo4jStore, pushed: Any):
    import json

    store = ["--store", str(disk_store)]
    # once as a real process, the connection from the environment
    p = subprocess.run(
        [str(Path(sys.executable).parent / "kg"), *store, "neo4j", "push"],
        env=env_of(neo), capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    assert re.search(r"push: \d+ of \d+ graph\(s\) sent.* in [\d.]+ s", p.stdout), p.stdout
    assert neo.settings.password not in p.stdout + p.stderr
    r = kg(*store, "neo4j", "sync", *conn_args(neo), "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["nodes_created"] == 0
    for name, params in [
        ("affiliations", ["-p", "actor=JNIM"]),
        ("timeline", ["-p", "actor=Wagner"]),
    ]:
        emb = kg(*store, "query", name, *params, "--format", "json")
        srv = kg(
            *store, "query", name, *params, "--backend", "neo4j", *conn_args(neo), "-f", "json"
        )
        assert emb.exit_code == 0 and srv.exit_code == 0, srv.output
        keys = order_keys(get_query(name).text)
        assert comparable(json.loads(srv.stdout), keys) == comparable(json.loads(emb.stdout), keys)
    r = kg(*store, "path", "JNIM", "Wagner", "--backend", "neo4j", *conn_args(neo))
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("path 1 (1 hop):")
    as_of = ["--as-of", "2024-01-01"]
    r = kg(*store, "path", "JNIM", "Wagner", "--backend", "neo4j", *as_of, *conn_args(neo))
    assert r.exit_code == 2 and "--as-of" in r.output and "embedded" in r.output
    jnim = ontology().entity_iri("actor", "jnim")
    r = kg(
        "cypher",
        "MATCH (n:ArmedGroup {iri: $i}) RETURN n.type AS type, labels(n) AS labels",
        "-p",
        f"i={jnim}",
        *conn_args(neo),
        "-f",
        "json",
    )
    assert r.exit_code == 0, r.output
    (row,) = json.loads(r.stdout)
    assert row["type"] == "ArmedGroup"
    assert {"Actor", "Organization", "Resource"} <= set(row["labels"])


def test_cli_errors_exit_3_with_one_line(disk_store: Path, neo: Neo4jStore):
    store = ["--store", str(disk_store)]
    s = neo.settings
    bad = ["--uri", s.uri, "--user", s.user, "--password", "wrong-password-99"]
    bad += ["--database", s.database] if s.database else []
    for args in (
        ["neo4j", "push", *bad],
        ["query", "timeline", "-p", "actor=JNIM", "--backend", "neo4j", *bad],
        [
            "neo4j",
            "sync",
            "--uri",
            f"bolt://127.0.0.1:{_closed_port()}",
            "--password",
            "x-secret-x",
        ],
    ):
        r = kg(*store, *args)
        assert r.exit_code == 3, r.output
        assert r.crash is None
        lines = [x for x in r.output.splitlines() if x.startswith("Error:")]
        assert len(lines) == 1 and ("NEO4J_" in lines[0])
        assert "wrong-password-99" not in r.output and "x-secret-x" not in r.output
    r = kg("cypher", "MATCH (n RETURN n", *conn_args(neo))
    assert r.exit_code == 1 and "Cypher error" in r.output
