"""The mapping-driven dataset loader: small fixtures written here, then the real files in
../shared/data (which must be there on CI)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from conftest import actor, kg

from kg.api import detect_format, ingest, named_query
from kg.errors import LoaderError
from kg.load.tabular import mappings
from kg.ontology import ontology
from kg.store.oxigraph import KGStore

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]  # fmt: skip


def acled_file(tmp_path: Path, rows: list[dict[str, str]], name: str = "acled.csv") -> Path:
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=ACLED_COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in ACLED_COLUMNS})
    return path


ROW = {
    "event_id_cnty": "TST1", "event_date": "2022-03-27", "time_precision": "1",
    "event_type": "Violence against civilians", "sub_event_type": "Attack",
    "actor1": "Military Forces of Mali (2021-)", "assoc_actor_1": "Wagner Group", "inter1": "1",
    "actor2": "Civilians (Mali)", "inter2": "7", "country": "Mali", "admin1": "Mopti",
    "location": "Moura", "latitude": "14.2", "longitude": "-4.6", "source": "Radio A; Paper B",
    "notes": "Soldiers and foreign fighters killed villagers in the market.", "fatalities": "30",
}  # fmt: skip


def q(store: KGStore, where: str, **params: str):
    o = ontology()
    return store.select(
        f"PREFIX kgo: <{o.ns}>\nSELECT DISTINCT * WHERE {{ {where} }}", **params
    ).rows


def test_every_mapping_loads_and_names_its_file():
    ms = mappings()
    assert {"acled", "acled_old", "ucdp_ged", "gdelt1"} <= set(ms)
    for name, m in ms.items():
        assert m.path.stem == name and m.description


def test_a_broken_mapping_names_the_file_and_line(tmp_path: Path):
    from kg.load.tabular import load_mapping

    bad = tmp_path / "broken.yaml"
    bad.write_text(
        "name: broken\nevent:\n  id: 'x-{id}'\n  type: {column: t, map: {a: Nonsense}}\n"
    )
    with pytest.raises(LoaderError, match=r"broken.yaml:4: 'Nonsense' is not an event class"):
        load_mapping(bad)


def test_a_row_becomes_an_event_with_both_actors_and_the_publishers_count(tmp_path: Path):
    store = KGStore(None)
    store.ensure_reference()
    (res,) = ingest([acled_file(tmp_path, [ROW])], store)
    assert res.summary["format"] == "acled" and res.summary["loaded"] == 1
    ev = ontology().entity_iri("event", "acled-tst1")
    roles = {
        (r["r"].rsplit("#")[-1], r["a"])
        for r in q(
            store, "?ev ?r ?a . FILTER(?r IN (kgo:perpetrator, kgo:victim, kgo:participant))", ev=ev
        )
    }
    assert ("perpetrator", actor("fama")) in roles  # "Military Forces of Mali (2021-)"
    assert ("perpetrator", actor("wagner")) in roles  # the associated actor, same side
    assert any(r == "victim" for r, _ in roles)
    # the dataset states the figure in its own graph; ACLED (the publisher) asserts it
    [c] = q(store, "GRAPH ?g { ?ev kgo:fatalities ?v } ?g kgo:publisher ?src", ev=ev)
    assert c["v"] == 30 and c["src"] == actor("acled")
    [d] = q(
        store,
        "?ev kgo:date ?d ; kgo:place ?p . ?p <http://www.w3.org/2004/02/skos/core#prefLabel> ?l",
        ev=ev,
    )
    assert d["d"] == "2022-03-27" and str(d["l"]) == "Moura"
    # the row is the evidence: its number and its notes, with the outlets it names
    [e] = q(store, "?ev kgo:sourceRow ?n ; kgo:sourceText ?t", ev=ev)
    assert e["n"] == 2 and "market" in e["t"] and "Radio A; Paper B" in e["t"]
    # and `sources` tells who said the figure, where, on what evidence, by which rule
    rows = named_query("sources", store, subject=ev, predicate="fatalities").rows
    [s] = rows
    assert s["value"] == "30" and s["source"] == "Armed Conflict Location & Event Data Project"
    assert s["rule"] == "tabular.acled" and "market" in s["evidence"]
    assert s["document"].endswith(".csv")


def test_loading_the_same_file_twice_changes_nothing(tmp_path: Path):
    store = KGStore(None)
    store.ensure_reference()
    path = acled_file(tmp_path, [ROW, {**ROW, "event_id_cnty": "TST2", "fatalities": "3"}])
    ingest([path], store)
    n = len(store)
    ingest([path], store)
    assert len(store) == n


def test_a_malformed_row_fails_or_is_skipped(tmp_path: Path):
    path = acled_file(tmp_path, [ROW, {**ROW, "event_id_cnty": "TST2", "event_date": "31/02"}])
    store = KGStore(None)
    store.ensure_reference()
    before = len(store)
    with pytest.raises(LoaderError, match=r"acled.csv:3: date '31/02'"):
        ingest([path], store)
    assert len(store) == before  # nothing half-written
    (res,) = ingest([path], store, on_error="skip")
    assert (res.summary["loaded"], res.summary["skipped"]) == (1, 1)
    assert "acled.csv:3" in res.summary["errors"][0]


def test_ragged_rows_are_reported_with_their_line(tmp_path: Path):
    path = acled_file(tmp_path, [ROW])
    with path.open("a", encoding="utf-8") as fh:
        fh.write("TST3,2022-03-28,only,a,few,fields\n")
    with pytest.raises(LoaderError, match=r"acled.csv:3: 6 fields where the header has 31"):
        ingest([path], KGStore(None))


def test_format_is_recognised_from_the_header(tmp_path: Path):
    assert detect_format(acled_file(tmp_path, [ROW])) == "acled"
    other = tmp_path / "other.csv"
    other.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(LoaderError, match=r"unrecognised format \(known: report, stix, ftm, acled"):
        detect_format(other)


def test_the_cli_says_which_format_it_used(tmp_path: Path):
    store = tmp_path / "kg-data"
    r = kg("--store", str(store), "ingest", str(acled_file(tmp_path, [ROW])))
    assert r.exit_code == 0, r.output
    assert "acled, 1 rows, 1 loaded, 0 skipped" in r.stderr
    r = kg("--store", str(store), "ingest", "--format", "nope", str(tmp_path / "acled.csv"))
    assert r.exit_code == 1 and "unknown format 'nope' (known: report, stix, ftm, acled" in r.output


# -- the real files ------------------------------------------------------------------------
def need_shared() -> None:
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SHARED_DATA} is missing")
        pytest.skip("../shared/data is not here")


@pytest.fixture(scope="module")
def real_store() -> KGStore:
    need_shared()
    store = KGStore(None)
    store.ensure_reference()
    ingest(
        [
            SHARED_DATA / "acled",
            SHARED_DATA / "ucdp",
            SHARED_DATA / "gdelt" / "gdelt1_westafrica_conflict_events_1994-1997.csv",
        ],
        store,
    )
    return store


def count_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.DictReader(fh))


def test_real_files_load_every_row(real_store: KGStore):
    events = {
        r["d"]: r["n"]
        for r in real_store.select(
            f"PREFIX kgo: <{ontology().ns}>\nSELECT ?d (COUNT(DISTINCT ?e) AS ?n) "
            "WHERE { GRAPH ?d { ?e kgo:date ?x } } GROUP BY ?d"
        ).rows
    }
    o = ontology()
    expect = {
        "acled-acled-old-deletion-dummy": "acled/acled_old_deletion_dummy.csv",
        "acled-acled-old-dummy": "acled/acled_old_dummy.csv",
        "acled-acled-2022h1-sahel-car-subset": "acled/acled_2022H1_sahel_car_subset.csv",
        "acled-old-1900-01-01-2022-11-02-burkina-faso": (
            "acled/1900-01-01-2022-11-02-Burkina_Faso.csv"
        ),
        "ucdp-ged-gedevent-v23-1-car": "ucdp/GEDEvent_v23_1_CAR.csv",
        "gdelt1-gdelt1-westafrica-conflict-events-1994-1997": (
            "gdelt/gdelt1_westafrica_conflict_events_1994-1997.csv"
        ),
    }
    for slug, rel in expect.items():
        assert events[o.entity_iri("doc", slug)] == count_rows(SHARED_DATA / rel), rel


def test_real_acled_wagner_and_malian_forces_act_together(real_store: KGStore):
    with (SHARED_DATA / "acled" / "acled_2022H1_sahel_car_subset.csv").open(
        encoding="utf-8", newline=""
    ) as fh:
        together = [
            r["event_id_cnty"]
            for r in csv.DictReader(fh)
            if {"Military Forces of Mali", "Wagner"}
            <= {
                w
                for w in ("Military Forces of Mali", "Wagner")
                if w in r["actor1"] or w in r["assoc_actor_1"]
            }
        ]
    assert together
    for eid in together:
        ev = ontology().entity_iri("event", f"acled-{eid.lower()}")
        actors = {r["a"] for r in q(real_store, "?ev kgo:perpetrator|kgo:participant ?a", ev=ev)}
        assert {actor("fama"), actor("wagner")} <= actors, eid


def test_real_ucdp_ranges_survive(real_store: KGStore):
    with (SHARED_DATA / "ucdp" / "GEDEvent_v23_1_CAR.csv").open(encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["low"] != r["high"])
    ev = ontology().entity_iri("event", f"ucdp-ged-{row['id']}")
    [c] = q(
        real_store,
        "?c kgo:subject ?ev ; kgo:predicate kgo:fatalities ; kgo:low ?lo ; "
        "kgo:high ?hi ; kgo:value ?best",
        ev=ev,
    )
    assert (c["lo"], c["best"], c["hi"]) == (int(row["low"]), int(row["best"]), int(row["high"]))


def test_real_gdelt_codes_become_event_types(real_store: KGStore):
    ev = ontology().entity_iri("event", "gdelt-12493469")  # root code 19: fight
    types = {r["t"].rsplit("#")[-1] for r in q(real_store, "?ev a ?t", ev=ev)}
    assert "Battle" in types


def test_a_killed_bulk_load_leaves_no_half_document(tmp_path: Path):
    import pyoxigraph as ox

    path = tmp_path / "kg-data"
    store = KGStore(path)
    store.ensure_reference()
    before = len(store)
    graph = ontology().entity_iri("doc", "half-loaded")
    store.begin_bulk(graph)
    store.bulk_add(
        graph,
        [
            ox.Quad(
                ox.NamedNode(graph),
                ox.NamedNode(ontology().prop("title")),
                ox.Literal("half"),
                ox.NamedNode(graph),
            )
        ],
    )
    store.flush()
    del store  # the process dies here: end_bulk never runs
    import gc

    gc.collect()
    reopened = KGStore(path)
    assert reopened.recovered == [graph]
    assert len(reopened) == before
    assert not reopened.raw.contains_named_graph(ox.NamedNode(graph))


def test_two_datasets_that_disagree_are_contested_with_their_publisher(tmp_path: Path):
    store = KGStore(None)
    store.ensure_reference()
    first = acled_file(tmp_path, [ROW], name="acled-a.csv")
    second = acled_file(tmp_path, [{**ROW, "fatalities": "34"}], name="acled-b.csv")
    ingest([first, second], store)
    rows = [
        r
        for r in named_query("contested", store).rows
        if r["subject"].endswith("/event/acled-tst1") and r["property"] == "fatalities"
    ]
    assert {(r["value"], r["document"].rsplit(" ", 1)[-1]) for r in rows} == {
        ("30", "acled-a.csv"),
        ("34", "acled-b.csv"),
    }
    assert {r["source"] for r in rows} == {"Armed Conflict Location & Event Data Project"}
    assert all("market" in r["evidence"] for r in rows)
    # fatalities_by_actor shows the range 30-34 from two claims
    [f] = [
        r
        for r in named_query("fatalities_by_actor", store, actor="Wagner Group").rows
        if r["event"].endswith("/event/acled-tst1")
    ]
    assert (f["low"], f["high"], f["claims"]) == (30, 34, 2)


def test_row_text_with_quotes_backslashes_and_newlines_survives_the_bulk_writer(tmp_path: Path):
    store = KGStore(None)
    store.ensure_reference()
    notes = 'He said "stop" \\ then left.\nSecond line\r\nand <script>alert(1)</script> } .'
    ingest([acled_file(tmp_path, [{**ROW, "notes": notes}])], store)
    ev = ontology().entity_iri("event", "acled-tst1")
    [e] = q(store, "?ev kgo:sourceText ?t", ev=ev)
    assert e["t"].startswith(notes)  # kept exactly, one literal


def test_an_event_in_a_place_of_its_country_gets_the_country_through_the_place(tmp_path: Path):
    """Dataset rows leave out kgo:country when the place states the same country (one quad a
    row fewer); queries, `kg show` read it through the place, and a country that differs from
    the place's is still stated."""
    store = KGStore(None)
    store.ensure_reference()
    rows = [
        ROW,  # Moura: a place generated for this file, in Mali
        {**ROW, "event_id_cnty": "TST2", "location": "Gao"},  # a reference town in Mali
        # a Gao in Niger is not the reference town (in Mali): a place of its own, in Niger
        {**ROW, "event_id_cnty": "TST3", "location": "Gao", "country": "Niger"},
    ]
    ingest([acled_file(tmp_path, rows)], store)
    o = ontology()
    ev = {k: o.entity_iri("event", f"acled-tst{k}") for k in (1, 2, 3)}
    stated = {r["ev"] for r in q(store, "GRAPH ?g { ?ev kgo:country ?c } ?g a kgo:Dataset")}
    assert stated & set(ev.values()) == set()
    got = named_query("events_of_actor", store, actor=actor("fama"), country=actor("mali"))
    assert {r["event"] for r in got.rows} == {ev[1], ev[2]}
    assert {r["country_label"] for r in got.rows} == {"Mali"}
    niger = named_query("events_of_actor", store, actor=actor("fama"), country=actor("niger"))
    assert [r["event"] for r in niger.rows] == [ev[3]]
    timeline = named_query("timeline", store, actor=actor("fama")).rows
    assert {r["event"]: r["country_label"] for r in timeline}[ev[1]] == "Mali"


def test_the_bulk_writer_states_a_country_its_place_does_not_give():
    from kg.model import Document, Entity, Event, Extraction
    from kg.store.nquads import DatasetWriter

    o = ontology()
    doc = o.entity_iri("doc", "acled-t")
    w = DatasetWriter(doc)
    place = Entity(id=o.entity_iri("place", "x"), label="X", type="Settlement", country=None)
    same = Entity(
        id=o.entity_iri("place", "y"), label="Y", type="Settlement", country=actor("mali")
    )
    evs = [
        Event(id=o.entity_iri("event", "a"), type="Attack", place=place.id, country=actor("mali")),
        Event(id=o.entity_iri("event", "b"), type="Attack", place=same.id, country=actor("mali")),
        Event(id=o.entity_iri("event", "c"), type="Attack", country=actor("mali")),
    ]
    text, _ = w.chunk(
        Extraction(document=Document(id=doc, title="t"), entities=[place, same], events=evs)
    )
    with_country = {
        line.split(" ")[0][1:-1] for line in text.splitlines() if "#country>" in line.split(" ")[1]
    }
    assert with_country == {evs[0].id, evs[2].id, same.id}


def _both_paths(path: Path, chunk: int) -> tuple[list[str], list[str]]:
    """The N-Quads of a file through the Event objects (extractions + DatasetWriter.chunk)
    and through the bulk path (text_chunks), each as sorted lines."""
    from kg.load.tabular import LoadReport, TabularLoader, dataset_document, detect
    from kg.store.nquads import DatasetWriter

    m = detect(path)
    doc = dataset_document(path, m)
    a, wa = TabularLoader(m), DatasetWriter(doc.id)
    rep_a = LoadReport(str(path), m.name)
    by_events = [
        wa.chunk(ex)[0] for ex in a.extractions(path, doc, rep_a, on_error="skip", chunk=chunk)
    ]
    b, wb = TabularLoader(m), DatasetWriter(doc.id)
    rep_b = LoadReport(str(path), m.name)
    direct = [t for t, _ in b.text_chunks(path, doc, rep_b, wb, on_error="skip", chunk=chunk)]
    assert (rep_a.rows, rep_a.loaded, rep_a.skipped, rep_a.entities) == (
        rep_b.rows,
        rep_b.loaded,
        rep_b.skipped,
        rep_b.entities,
    )
    return sorted("".join(by_events).splitlines()), sorted("".join(direct).splitlines())


def test_the_bulk_path_writes_what_the_event_objects_say(tmp_path):
    rows = [
        ROW,
        # a close misspelling: a fuzzy judgement (a claim) and its raw-name entity
        {**ROW, "event_id_cnty": "TST2", "actor1": "Jama'at Nusrat al-Islam wal-Muslimeen"},
        {**ROW, "event_id_cnty": "TST3", "fatalities": "many"},  # skipped
        {**ROW, "event_id_cnty": "", "location": "Somewhere"},  # skipped: no id
        {**ROW, "event_id_cnty": "TST4", "location": "", "country": "Niger", "fatalities": ""},
        {**ROW, "event_id_cnty": "TST5", "event_date": "2022-03"},  # skipped: bad date
    ]
    by_events, direct = _both_paths(acled_file(tmp_path, rows), chunk=2)
    assert by_events == direct
    text = "\n".join(direct)
    assert "#mergedInto>" in text and "#sourceRow>" in text and "#fatalities>" in text


def test_the_bulk_path_matches_the_event_objects_on_the_real_files():
    need_shared()
    files = [
        *sorted((SHARED_DATA / "acled").glob("*.csv")),
        SHARED_DATA / "ucdp" / "GEDEvent_v23_1_CAR.csv",  # ranges: count claims
        SHARED_DATA / "gdelt" / "gdelt1_westafrica_conflict_events_1994-1997.csv",
    ]
    for path in files:
        by_events, direct = _both_paths(path, chunk=997)
        assert by_events == direct, path
        assert len(direct) > 100, path
