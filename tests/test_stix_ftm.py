"""STIX 2 and FollowTheMoney: import (kg.load.stix, kg.load.ftm), export (kg.export_formats)
and round trips. Small fixtures written for the project (tests/fixtures), then the real files
in ../shared/data (which must be there on CI)."""

from __future__ import annotations

import io
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import KGO, actor, place

from kg.errors import LoaderError
from kg.export_formats import export_ftm, export_stix
from kg.load.ftm import read_ftm
from kg.load.stix import detect_json, read_stix
from kg.model import Extraction
from kg.ontology import sparql_prologue
from kg.store.oxigraph import KGStore

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
STIX_FIXTURE = FIXTURES / "stix_sahel_bundle.json"
FTM_FIXTURE = FIXTURES / "sample.ftm.json"
ENTERPRISE = SHARED_DATA / "stix" / "enterprise-attack_groups_software_subset.json"
ZALA = SHARED_DATA / "ftm" / "zala_entities.ftm.json"
T1 = SHARED_DATA / "ftm" / "t1_entities.ftm.json"


def need(path: Path) -> Path:
    """The real data file, or a skip (a failure on CI)."""
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing")
        pytest.skip(f"{path} is not here")
    return path


def select(store: KGStore, query: str, **params: Any) -> list[dict[str, Any]]:
    return store.select(sparql_prologue() + query, **params).rows


def rels(ex: Extraction, pred: str | None = None) -> set[tuple[str, str, str]]:
    return {
        (c.subject, c.predicate, c.object)
        for c in ex.relations
        if c.object and (pred is None or c.predicate == pred)
    }


def stix_ids(ex: Extraction) -> dict[str, str]:
    """STIX id -> entity IRI, from the kgo:stixId claims."""
    return {str(c.value): c.subject for c in ex.relations if c.predicate == "stixId"}


def stix_objects(path: Path) -> list[dict[str, Any]]:
    return list(json.loads(path.read_bytes())["objects"])


def ftm_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


# -- STIX import: the fixture ---------------------------------------------------------------------
def test_stix_fixture_objects_map_to_classes_and_resolve():
    ex = read_stix(STIX_FIXTURE)
    ents = {e.id: e for e in ex.entities}
    # names resolve to reference entities of a fitting class
    assert ents[actor("jnim")].type == "ArmedGroup" and ents[actor("jnim")].resolved
    assert ents[actor("al-qaeda")].resolved
    assert ents[actor("mali")].type == "State"
    assert ents[actor("fama")].type == "StateForce"  # an identity named like a reference force
    assert ents[place("tin-zaouatine")].resolved  # "Tinzaouaten", a known spelling
    # unknown names become unresolved entities; a persona and a group of the same name differ
    wells = ents[place("example-wells")]
    assert (wells.type, wells.resolved, wells.lat, wells.lon) == ("Settlement", False, 17.5, -1.25)
    assert ents[actor("falcon-cell")].type == "Person"  # resource_level individual
    assert ents[actor("falcon-cell-organization")].type == "Organization"
    assert ents[actor("sahel-test-desk")].type == "Organization"
    malware = ents["https://w3id.org/conflict-kg/id/capability/testdropper"]
    assert malware.type == "Malware" and not malware.resolved
    # stix2 refuses the malware (no is_family) but the loader keeps it as plain JSON
    assert ex.summary["rejected_by_stix2"] == 1
    assert "is_family" in ex.summary["errors"][0]
    assert ex.summary["skipped"] == {
        "identity (identity_class class)": 1,
        "sighting": 1,
        "threat-actor (revoked)": 1,
    }
    # every loaded object keeps its STIX id
    ids = stix_ids(ex)
    assert ids["threat-actor--5d0f1c3e-7a7b-4f0e-9d1e-2f6b8a1c0003"] == actor("jnim")
    assert len(ids) == sum(ex.summary["loaded"].values()) == 11
    # one report in the bundle: its publication date is the document's
    assert ex.document.date == "2024-07-05" and ex.document.kind == "Dataset"
    assert ex.document.id.endswith("/doc/stix-stix-sahel-bundle")


def test_stix_fixture_relationships_become_claims():
    ex = read_stix(STIX_FIXTURE)
    desk = actor("sahel-test-desk")
    campaign = "https://w3id.org/conflict-kg/id/event/test-convoy-ambushes"
    assert rels(ex) == {
        (actor("jnim"), "affiliatedWith", actor("al-qaeda")),  # related-to "affiliated with"
        (actor("jnim"), "basedIn", actor("mali")),  # located-at, actor -> place
        (place("example-wells"), "locatedIn", actor("mali")),  # located-at between places
        (campaign, "attributedTo", actor("jnim")),
        (campaign, "targets", actor("fama")),
        (actor("falcon-cell"), "uses", "https://w3id.org/conflict-kg/id/capability/testdropper"),
    }
    aff = next(c for c in ex.relations if c.predicate == "affiliatedWith")
    assert (aff.source, aff.valid_from, aff.confidence, aff.rule) == (
        desk,
        "2017-03-02",
        0.8,
        "stix.relationship.related-to",
    )
    assert aff.evidence is not None and aff.evidence.row is None
    assert "relationship--5d0f1c3e-7a7b-4f0e-9d1e-2f6b8a1c0101" in aff.evidence.text
    # a vague related-to and a target that is a sector are not facts of the graph
    assert ex.summary["relationships_skipped"] == {
        "related-to": 1,
        "targets (an end is not loaded)": 1,
    }
    # the campaign is an event with roles, a date and a name
    (ev,) = ex.events
    assert (ev.id, ev.type, ev.date, ev.source) == (campaign, "Campaign", "2024-07-02", desk)
    assert {(p.role, p.entity) for p in ev.participants} == {
        ("perpetrator", actor("jnim")),
        ("target", actor("fama")),
    }
    assert ex.entity(campaign).label == "Test Convoy Ambushes"
    # the report is kept as evidence of what it refers to
    attributed = next(c for c in ex.relations if c.predicate == "attributedTo")
    assert "[report: Test note on convoy ambushes]" in attributed.evidence.text


def test_stix_fixture_in_a_store(store: KGStore):
    ex = read_stix(STIX_FIXTURE)
    store.add_extraction(ex)
    rows = select(
        store,
        """SELECT ?s ?o ?doc ?src ?from ?text ?sid WHERE {
          ?c kgo:subject ?s ; kgo:predicate kgo:affiliatedWith ; kgo:object ?o ;
             kgo:statedIn ?doc ; kgo:assertedBy ?src ; kgo:validFrom ?from ;
             kgo:evidence/kgo:text ?text .
          ?s kgo:stixId ?sid }""",
        s=actor("jnim"),
        o=actor("al-qaeda"),
        doc=ex.document.id,
    )
    assert len(rows) == 1
    assert rows[0]["src"] == actor("sahel-test-desk") and rows[0]["from"] == "2017-03-02"
    assert rows[0]["sid"] == "threat-actor--5d0f1c3e-7a7b-4f0e-9d1e-2f6b8a1c0003"
    # the campaign is an event with a perpetrator role and a label
    rows = select(
        store,
        "SELECT ?a ?e ?l WHERE { ?e a kgo:Campaign ; kgo:perpetrator ?a ; skos:prefLabel ?l }",
        a=actor("jnim"),
    )
    assert [r["l"] for r in rows] == ["Test Convoy Ambushes"]
    # re-ingesting the same bundle replaces its graph
    n = len(store)
    store.add_extraction(read_stix(STIX_FIXTURE))
    assert len(store) == n


def test_stix_bad_files_are_loader_errors(tmp_path: Path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"type": "bundle",\n "objects": [\n  {"type": }\n]}', encoding="utf-8")
    with pytest.raises(LoaderError, match=r"bad\.json:3: invalid JSON"):
        read_stix(bad)
    other = tmp_path / "other.json"
    other.write_text('{"type": "indicator", "id": "indicator--1"}', encoding="utf-8")
    with pytest.raises(LoaderError, match="is not a STIX bundle"):
        read_stix(other)
    with pytest.raises(LoaderError, match="cannot read"):
        read_stix(tmp_path / "missing.json")


def test_detect_json(tmp_path: Path):
    assert detect_json(STIX_FIXTURE) == "stix"
    assert detect_json(FTM_FIXTURE) == "ftm"
    # a bundle whose "type" comes after a long object list is still recognised
    objects = [{"type": "identity", "id": f"identity--{i}", "name": "x" * 200} for i in range(500)]
    late = tmp_path / "late.json"
    late.write_text(json.dumps({"objects": objects, "type": "bundle"}, indent=2), encoding="utf-8")
    assert detect_json(late) == "stix"
    plain = tmp_path / "plain.json"
    plain.write_text('{"hello": "world"}\n', encoding="utf-8")
    assert detect_json(plain) is None
    csv = tmp_path / "rows.csv"
    csv.write_text("a,b\n1,2\n", encoding="utf-8")
    assert detect_json(csv) is None
    assert detect_json(tmp_path / "missing.json") is None


# -- STIX import: the real files ------------------------------------------------------------------
@pytest.fixture(scope="module")
def enterprise() -> Extraction:
    return read_stix(need(ENTERPRISE))


@pytest.fixture(scope="module")
def enterprise_store(enterprise: Extraction) -> KGStore:
    s = KGStore(None)
    s.add_extraction(enterprise)
    return s


def test_mitre_enterprise_counts(enterprise: Extraction, enterprise_store: KGStore):
    objs = [o for o in stix_objects(ENTERPRISE) if not o.get("revoked")]
    intrusion_sets = {o["id"] for o in objs if o["type"] == "intrusion-set"}
    uses = [o for o in objs if o.get("relationship_type") == "uses"]
    assert intrusion_sets and uses
    assert enterprise.summary["loaded"]["intrusion-set"] == len(intrusion_sets)
    assert enterprise.summary["relationships"]["uses"] == len(uses)
    # in the store: one organisation per intrusion-set, one kgo:uses claim per relationship
    rows = select(
        enterprise_store,
        """SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a kgo:Organization ; kgo:stixId ?id .
           FILTER(STRSTARTS(?id, "intrusion-set--")) }""",
    )
    assert rows[0]["n"] == len(intrusion_sets)
    rows = select(
        enterprise_store,
        "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c kgo:predicate kgo:uses ; kgo:subject ?s }",
    )
    assert rows[0]["n"] == len(uses)
    assert enterprise.summary["relationships_skipped"] == {}


def test_mitre_enterprise_uses_of_one_group(enterprise_store: KGStore):
    objs = stix_objects(ENTERPRISE)
    by_id = {o["id"]: o for o in objs}
    used_by: dict[str, set[str]] = {}
    for o in objs:
        if o.get("relationship_type") == "uses" and o["source_ref"].startswith("intrusion-set--"):
            used_by.setdefault(o["source_ref"], set()).add(o["target_ref"])
    # the intrusion-set with the most uses relationships (ties: the first by id)
    group = min(used_by, key=lambda k: (-len(used_by[k]), k))
    rows = select(
        enterprise_store,
        """SELECT ?gid ?name ?tid ?rule ?who WHERE {
          ?g kgo:stixId ?gid ; skos:prefLabel ?name .
          ?c kgo:subject ?g ; kgo:predicate kgo:uses ; kgo:object ?t ; kgo:rule ?rule ;
             kgo:assertedBy/skos:prefLabel ?who .
          ?g kgo:uses ?t . ?t kgo:stixId ?tid }""",
        gid=group,
    )
    assert {r["tid"] for r in rows} == used_by[group]
    assert {r["name"] for r in rows} == {by_id[group]["name"]}
    assert {r["rule"] for r in rows} == {"stix.relationship.uses"}
    assert {r["who"] for r in rows} == {"The MITRE Corporation"}


def test_oasis_examples_load():
    files = sorted(need(SHARED_DATA / "stix" / "oasis_examples").glob("*.json"))
    assert len(files) >= 10
    for f in files:
        ex = read_stix(f)
        objs = stix_objects(f)
        assert ex.summary["objects"] == len(objs), f
        loaded = sum(ex.summary["loaded"].values())
        skipped = sum(ex.summary["skipped"].values())
        structural = sum(1 for o in objs if o["type"] in ("relationship", "report"))
        assert loaded + skipped + structural == len(objs), f
    apt1 = read_stix(SHARED_DATA / "stix" / "oasis_examples" / "apt1.json")
    assert apt1.summary["relationships"] == {"attributed-to": 7, "uses": 16}
    types = {e.label: e.type for e in apt1.entities}
    assert types["APT1"] == "Organization" and types["Wang Dong"] == "Person"
    assert types["Unit 61398"] == "StateForce"  # a nation-state threat actor


def test_opencti_geography_countries_are_states():
    path = need(SHARED_DATA / "stix" / "opencti_datasets" / "geography.json")
    ex = read_stix(path)
    objs = stix_objects(path)
    countries = [o for o in objs if o.get("x_opencti_location_type") == "Country"]
    by_label = {e.label: e for e in ex.entities}
    for name in ("Mali", "Niger", "Burkina Faso", "Chad"):
        e = by_label[name]
        assert (e.id, e.type, e.resolved) == (actor(name.lower().replace(" ", "-")), "State", True)
    # every state is in the reference (ontology/reference/world-states.yaml)
    assert by_label["Egypt"].type == "State" and by_label["Egypt"].resolved
    assert sum(1 for e in ex.entities if e.type == "State") == len(countries)
    located = sum(1 for o in objs if o.get("relationship_type") == "located-at")
    assert ex.summary["relationships"] == {"located-at": located}
    assert (actor("mali"), "locatedIn", place("sub-saharan-africa")) in rels(ex)
    assert by_label["Africa"].id == place("africa") and by_label["Africa"].resolved


def test_ics_attack_skips_revoked_objects():
    path = need(SHARED_DATA / "stix" / "ics-attack.json")
    ex = read_stix(path)
    objs = stix_objects(path)
    revoked = sum(1 for o in objs if o.get("revoked"))
    assert sum(n for k, n in ex.summary["skipped"].items() if "revoked" in k) == revoked
    assert ex.summary["loaded"]["attack-pattern"] == sum(
        1 for o in objs if o["type"] == "attack-pattern" and not o.get("revoked")
    )


# -- FtM import -----------------------------------------------------------------------------------
def test_ftm_fixture_entities_and_relations():
    ex = read_ftm(FTM_FIXTURE)
    ents = {e.id: e for e in ex.entities}
    person, company = actor("amadou-testperson"), actor("test-logistics-sarl")
    assert ents[person].type == "Person" and ents[person].country == actor("mali")
    assert (ents[person].valid_from, ents[person].aliases) == ("1980-05", ["A. Testperson"])
    assert (ents[company].type, ents[company].valid_from, ents[company].valid_until) == (
        "Company",
        "2015-02-01",
        "2023",
    )
    assert ents[actor("wagner")].resolved  # an FtM Company named like a reference PMC
    assert ents[actor("test-ministry-of-mines")].type == "GovernmentBody"  # PublicBody
    assert ents[actor("test-holding-entity")].type == "Organization"  # LegalEntity
    assert rels(ex) == {
        (person, "memberOf", actor("test-veterans-club")),
        (person, "memberOf", actor("wagner")),  # an Employment
        (actor("test-holding-entity"), "ownerOf", company),
        (person, "directorOf", company),
        (company, "supports", actor("wagner")),  # an UnknownLink whose role is "supports"
        (actor("council-of-the-european-union"), "sanctioned", actor("wagner")),
        (actor("united-states"), "sanctioned", company),  # no authority: the country
        (actor("new-zealand"), "sanctioned", person),  # no authority: the country
    }
    own = next(c for c in ex.relations if c.predicate == "ownerOf")
    assert (own.valid_from, own.valid_until, own.note) == (
        "2016-06-30",
        "2022-12-31",
        "percentage: 51",
    )
    assert own.evidence is not None and own.evidence.row == 11  # the line in the file
    eu = next(c for c in ex.relations if c.subject == actor("council-of-the-european-union"))
    assert (eu.valid_from, eu.note, eu.rule) == ("2023-02-25", "Test programme 1", "ftm.Sanction")
    us = next(c for c in ex.relations if c.subject == actor("united-states"))
    assert us.valid_from == "2024-01-10"  # no startDate: the listing date
    (ev,) = ex.events
    assert (ev.type, ev.date, ev.place, ev.country) == (
        "Arrest",
        "2024-03-04",
        place("kidal"),
        actor("mali"),
    )
    assert {p.entity for p in ev.participants} == {person, actor("test-ministry-of-mines")}
    assert ex.summary["skipped"] == {"Address": 1}
    assert sum(ex.summary["relations_skipped"].values()) == 2  # an asset elsewhere, a vague link
    ftm_ids = {c.value: c.subject for c in ex.relations if c.predicate == "ftmId"}
    assert ftm_ids["t-person-1"] == person and ftm_ids["t-event"] == ev.id


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            '{"id": "a", "schema": "Person", "properties": {}}\n\n{"id": "b", "sch',
            3,
            "invalid JSON",
        ),
        ('{"id": "a", "schema": "Person", "properties": {}}\n["a list"]\n', 2, "JSON object"),
        ('{"id": "a", "properties": {}}\n', 1, "missing: schema"),
        ('{"id": "a", "schema": "Spaceship", "properties": {}}\n', 1, "not an FtM entity"),
        ('{"id": "", "schema": "Person", "properties": {}}\n', 1, "id is empty"),
    ],
)
def test_ftm_malformed_line_names_file_and_line(tmp_path: Path, text: str, line: int, message: str):
    path = tmp_path / "broken.ftm.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoaderError) as err:
        read_ftm(path)
    assert f"{path}:{line}: " in str(err.value) and message in str(err.value)
    assert err.value.line == line


@pytest.mark.parametrize("name", ["zala_entities.ftm.json", "t1_entities.ftm.json"])
def test_ftm_real_files_counts(name: str):
    path = need(SHARED_DATA / "ftm" / name)
    lines = ftm_lines(path)
    schemas = Counter(d["schema"] for d in lines)
    ex = read_ftm(path)
    store = KGStore(None)
    store.ensure_reference()
    store.add_extraction(ex)
    for schema, cls in (("Person", "Person"), ("Company", "Company")):
        rows = select(
            store,
            """SELECT ?cls ?rule ?doc (COUNT(DISTINCT ?x) AS ?n) WHERE {
              ?x a ?cls . ?c kgo:subject ?x ; kgo:predicate kgo:ftmId ; kgo:rule ?rule ;
                 kgo:statedIn ?doc } GROUP BY ?cls ?rule ?doc""",
            cls=KGO + cls,
            rule=f"ftm.id.{schema}",
            doc=ex.document.id,
        )
        assert sum(r["n"] for r in rows) == schemas[schema], schema
    for schema, pred in (
        ("Ownership", "ownerOf"),
        ("Directorship", "directorOf"),
        ("Sanction", "sanctioned"),
    ):
        rows = select(
            store,
            """SELECT ?p ?doc (COUNT(DISTINCT ?c) AS ?n) WHERE {
              ?c kgo:predicate ?p ; kgo:statedIn ?doc } GROUP BY ?p ?doc""",
            p=KGO + pred,
            doc=ex.document.id,
        )
        assert sum(r["n"] for r in rows) == schemas[schema], schema
        assert ex.summary["loaded"].get(schema, 0) == schemas[schema]


def test_ftm_sanction_dates_and_authority():
    path = need(ZALA)
    lines = ftm_lines(path)
    by_id = {d["id"]: d for d in lines}
    ex = read_ftm(path)
    labels = {e.id: e.label for e in ex.entities}
    ftm_of = {c.subject: c.value for c in ex.relations if c.predicate == "ftmId"}
    got = Counter(
        (labels[c.subject], ftm_of[c.object], c.valid_from)
        for c in ex.relations
        if c.predicate == "sanctioned"
    )
    want = Counter(
        (
            d["properties"]["authority"][0],
            d["properties"]["entity"][0],
            min(d["properties"].get("startDate") or d["properties"].get("listingDate") or [None]),
        )
        for d in lines
        if d["schema"] == "Sanction" and d["properties"].get("authority")
    )
    assert got == want
    assert all(by_id[ftm_of[c.object]] for c in ex.relations if c.predicate == "sanctioned")
    # names in Cyrillic get a transliterated slug, so one authority is one entity
    ids = [e.id for e in ex.entities if e.label == "ГУР МО України"]
    assert ids == [actor("gur-mo-ukraini")]


# -- exports --------------------------------------------------------------------------------------
def _validate_stix(data: bytes) -> None:
    from stix2validator import validate_string

    res = validate_string(data.decode("utf-8"))
    assert res.is_valid, [str(e) for e in res.errors][:10]
    assert not res.errors


def test_export_stix_validates_and_is_reproducible(store: KGStore, repo_root: Path):
    from kg.api import ingest

    ingest([repo_root / "examples" / "reports" / "01-mopti-wagner-ambush.txt"], store)
    store.add_extraction(read_stix(STIX_FIXTURE))
    for f in ("apt1.json", "defining-campaigns-threat-actors-intrusion-sets.json"):
        store.add_extraction(read_stix(need(SHARED_DATA / "stix" / "oasis_examples" / f)))
    a, b = io.BytesIO(), io.BytesIO()
    export_stix(store, a)
    export_stix(store, b)
    assert a.getvalue() == b.getvalue()
    _validate_stix(a.getvalue())
    bundle = json.loads(a.getvalue())
    objs = {o["id"]: o for o in bundle["objects"]}
    kinds = Counter(o["type"] for o in objs.values())
    assert {"threat-actor", "identity", "location", "campaign", "malware", "relationship"} <= set(
        kinds
    )
    # kept STIX ids come back; reference actors get UUID 5 ids from their IRIs
    jnim = objs["threat-actor--5d0f1c3e-7a7b-4f0e-9d1e-2f6b8a1c0003"]
    assert jnim["name"] == "Jama'at Nusrat al-Islam wal-Muslimin"
    assert {"source_name": "conflict-kg", "external_id": actor("jnim")} in jnim[
        "external_references"
    ]
    mali = next(o for o in objs.values() if o.get("name") == "Mali")
    assert (mali["type"], mali["country"]) == ("location", "ML")
    # relations without a STIX type are related-to with the property's label
    aff = [
        o
        for o in objs.values()
        if o.get("relationship_type") == "related-to"
        and o["source_ref"] == jnim["id"]
        and o["description"] == "affiliated with"
    ]
    assert aff and all(o["start_time"].startswith("2017-03") for o in aff[:1])
    # a campaign's perpetrator is attributed-to, once
    camp = "campaign--5d0f1c3e-7a7b-4f0e-9d1e-2f6b8a1c0012"
    attributed = [
        o
        for o in objs.values()
        if o.get("relationship_type") == "attributed-to" and o["source_ref"] == camp
    ]
    assert [o["target_ref"] for o in attributed] == [jnim["id"]]
    assert attributed[0]["created_by_ref"] == "identity--5d0f1c3e-7a7b-4f0e-9d1e-2f6b8a1c0002"
    # every reference exists in the bundle
    for o in objs.values():
        if o["type"] == "relationship":
            assert o["source_ref"] in objs and o["target_ref"] in objs


def test_export_stix_round_trip_mitre(
    enterprise: Extraction, enterprise_store: KGStore, tmp_path: Path
):
    out = tmp_path / "export.json"
    with out.open("wb") as fh:
        export_stix(enterprise_store, fh)
    _validate_stix(out.read_bytes())
    again = read_stix(out)

    def groups(ex: Extraction) -> set[str]:
        return {
            ex.entity(iri).label
            for sid, iri in stix_ids(ex).items()
            if sid.startswith("intrusion-set")
        }

    def uses(ex: Extraction) -> set[tuple[str, str]]:
        labels = {e.id: e.label for e in ex.entities}
        return {(labels[s], labels[o]) for s, _, o in rels(ex, "uses")}

    assert groups(again) == groups(enterprise) and len(groups(enterprise)) == 172
    assert uses(again) == uses(enterprise)
    assert stix_ids(again) == stix_ids(enterprise)  # the same ids, hence the same entities
    assert rels(again) == rels(enterprise)

    # who said it (created_by_ref) survives, also where the source bundle does not say
    def said(ex: Extraction) -> set[tuple[str, str, str | None, str | None]]:
        return {(c.subject, c.predicate, c.object, c.source) for c in ex.relations if c.object}

    assert said(again) == said(enterprise)
    assert {c.source for c in again.relations} == {actor("the-mitre-corporation"), None}


def test_export_ftm_lines_are_valid_ftm(store: KGStore):
    from followthemoney import model

    store.add_extraction(read_ftm(FTM_FIXTURE))
    store.add_extraction(read_stix(STIX_FIXTURE))
    a, b = io.StringIO(), io.StringIO()
    export_ftm(store, a)
    export_ftm(store, b)
    assert a.getvalue() == b.getvalue()
    lines = [json.loads(x) for x in a.getvalue().splitlines()]
    for d in lines:
        proxy = model.get_proxy(d, cleaned=False)  # cleaning drops what the schema refuses
        assert proxy.id == d["id"] and proxy.schema.name == d["schema"]
        assert proxy.to_dict()["properties"] == d["properties"], d
    assert len({d["id"] for d in lines}) == len(lines)
    schemas = Counter(d["schema"] for d in lines)
    for s in ("Person", "Organization", "Company", "PublicBody", "Membership", "Ownership"):
        assert schemas[s] > 0, s
    assert {"Directorship", "Sanction", "UnknownLink", "Event"} <= set(schemas)
    # reference relations without an FtM schema are unknown links named by the property
    roles = {d["properties"]["role"][0] for d in lines if d["schema"] == "UnknownLink"}
    assert {"affiliated with", "supports"} <= roles
    wagner = next(d for d in lines if d["properties"]["name"] == ["Wagner Group"])
    assert wagner["schema"] == "Company" and wagner["id"] == "t-wagner"  # its FtM id is kept


@pytest.mark.parametrize("source", ["fixture", "zala", "t1"])
def test_export_ftm_round_trip(source: str, tmp_path: Path):
    path = {"fixture": FTM_FIXTURE, "zala": ZALA, "t1": T1}[source]
    first = read_ftm(need(path))
    store = KGStore(None)
    store.add_extraction(first)
    out = tmp_path / "export.ftm.json"
    with out.open("w", encoding="utf-8") as fh:
        export_ftm(store, fh)
    again = read_ftm(out)

    def facts(ex: Extraction) -> Counter[tuple[Any, ...]]:
        return Counter(
            (c.subject, c.predicate, c.object, c.valid_from, c.valid_until, c.note)
            for c in ex.relations
            if c.object
        )

    assert facts(again) == facts(first)
    assert {(e.id, e.type) for e in again.entities} == {(e.id, e.type) for e in first.entities}
    ids = {(c.subject, c.value) for c in again.relations if c.predicate == "ftmId"}
    assert {(c.subject, c.value) for c in first.relations if c.predicate == "ftmId"} <= ids
    assert [(e.id, e.type, e.date, e.place) for e in again.events] == [
        (e.id, e.type, e.date, e.place) for e in first.events
    ]
