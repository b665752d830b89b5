"""The named queries (queries/*.rq): the registry that loads them, parameter binding, and each
query's answers on a small hand-made graph whose answers are known.

The graph (built by :func:`build_extractions`) holds, beside the reference entities:

- an affiliation chain Test Brigade -affiliatedWith-> Test Front -partOf-> Test Alliance, plus
  Test Brigade -memberOf-> CSP (from 2024-06) and -controlledBy-> Russian Ministry of Defence
  (2018 to 2022-12), which the reference ties to Russia (partOf);
- a succession Test Militia -> Test Brigade (2022-05) -> Test Legion (2024-02);
- support: Test Alliance supports Test Brigade (2023-01 to 2024-03), Russia supports Test Front;
- five events (E1-E5 below) with roles, places, countries and fatality claims.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import actor, kg, place

from kg.api import find_entity
from kg.cli.main import cli
from kg.errors import QueryError
from kg.model import Claim, Document, Entity, Event, Evidence, Extraction, Participant
from kg.ontology import ontology
from kg.paths import queries_dir
from kg.query.registry import bind, get_query, parse_query_file, prologue, registry, run_named
from kg.store.oxigraph import KGStore

# -- the test graph ----------------------------------------------------------------------------

ONTO = ontology()
DOC_A = ONTO.entity_iri("doc", "test-report-a")
DOC_B = ONTO.entity_iri("doc", "test-report-b")
TITLE_A = "Test report A"
TITLE_B = "Test report B"
REFERENCE_TITLE = "Curated reference entities"

BRIGADE = ONTO.entity_iri("actor", "test-brigade")  # unresolved
FRONT = ONTO.entity_iri("actor", "test-front")
ALLIANCE = ONTO.entity_iri("actor", "test-alliance")
MILITIA = ONTO.entity_iri("actor", "test-militia")
LEGION = ONTO.entity_iri("actor", "test-legion")
OASIS = ONTO.entity_iri("place", "test-oasis")  # unresolved, inside Mopti Region

JNIM, WAGNER, FAMA, CSP = actor("jnim"), actor("wagner"), actor("fama"), actor("csp")
RUSSIA, RUSSIA_MOD = actor("russia"), actor("russia-mod")
MALI, NIGER = actor("mali"), actor("niger")
BLOOMBERG, REUTERS = actor("bloomberg"), actor("reuters")
MOPTI, GAO, TIN_ZAOUATINE = place("mopti"), place("gao"), place("tin-zaouatine")
MOPTI_REGION = place("mopti-region")

#: E1: Test Brigade ambushes Wagner at Tin-Zaouatine in July 2024 (month precision);
#: Bloomberg says "at least 6" died, Reuters "6": not contested.
E1 = ONTO.entity_iri("event", "test-ambush-2024-07")
#: E2: Test Brigade attacks FAMa in Mopti on 2024-11-21; Bloomberg 6, Reuters 7: contested.
E2 = ONTO.entity_iri("event", "test-attack-2024-11-21")
#: E3: FAMa drone strike on Test Brigade at Test Oasis (in Mopti Region), 2023-03-05; 3 dead.
E3 = ONTO.entity_iri("event", "test-strike-2023-03-05")
#: E4: Test Brigade deploys (Test Front supporting) in Niger, no place, 2024-02-10; no count.
E4 = ONTO.entity_iri("event", "test-deployment-2024-02-10")
#: E5: Test Militia and Test Legion fight at Gao, 2022-09-01, no event country (Gao is in Mali).
E5 = ONTO.entity_iri("event", "test-battle-2022-09-01")

EVIDENCE_AFFILIATION = "The Test Brigade, an affiliate of the Test Front, claimed the attack."
EVIDENCE_6 = "Bloomberg said six soldiers died in the Mopti attack."
EVIDENCE_7 = "Reuters put the toll of the Mopti attack at seven."


def ev(text: str) -> Evidence:
    return Evidence(text=text, start=0, end=len(text), sentence=0)


def rel(
    s: str,
    p: str,
    o: str,
    *,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    text: str | None = None,
    confidence: float = 0.9,
) -> Claim:
    return Claim(
        subject=s,
        predicate=p,
        object=o,
        source=source,
        evidence=ev(text or f"{s} {p} {o}"),
        rule=f"test.{p}",
        confidence=confidence,
        valid_from=since,
        valid_until=until,
    )


def deaths(
    event: str, n: int, source: str | None, text: str, qualifier: str | None = None
) -> Claim:
    return Claim(
        subject=event,
        predicate="fatalities",
        value=n,
        qualifier=qualifier,
        source=source,
        evidence=ev(text),
        rule="test.fatalities",
    )


def event(
    iri: str,
    type_: str,
    date: str,
    *,
    where: str | None,
    country: str | None,
    roles: list[tuple[str, str]],
    fatalities: tuple[Claim, ...] = (),
) -> Event:
    return Event(
        id=iri,
        type=type_,
        date=date,
        place=where,
        country=country,
        participants=[Participant(entity=e, role=r) for e, r in roles],
        fatalities=list(fatalities),
        evidence=[ev(f"{type_} on {date}")],
        rule="test.event",
    )


def build_extractions() -> list[Extraction]:
    brigade = Entity(BRIGADE, "Test Brigade", "ArmedGroup", resolved=False)
    a = Extraction(
        document=Document(id=DOC_A, title=TITLE_A, date="2024-11-25"),
        entities=[
            brigade,
            Entity(FRONT, "Test Front", "ArmedGroup"),
            Entity(ALLIANCE, "Test Alliance", "ArmedGroup"),
            Entity(MILITIA, "Test Militia", "ArmedGroup"),
            Entity(LEGION, "Test Legion", "ArmedGroup"),
        ],
        relations=[
            rel(
                BRIGADE,
                "affiliatedWith",
                FRONT,
                source=BLOOMBERG,
                since="2020-01",
                text=EVIDENCE_AFFILIATION,
            ),
            rel(FRONT, "partOf", ALLIANCE, source=REUTERS, since="2019-03"),
            rel(BRIGADE, "memberOf", CSP, since="2024-06"),
            rel(BRIGADE, "controlledBy", RUSSIA_MOD, since="2018", until="2022-12"),
            rel(MILITIA, "succeededBy", BRIGADE, source=REUTERS, since="2022-05"),
            rel(BRIGADE, "succeededBy", LEGION, source=BLOOMBERG, since="2024-02"),
            rel(
                ALLIANCE,
                "supports",
                BRIGADE,
                source=REUTERS,
                since="2023-01",
                until="2024-03",
                confidence=0.8,
            ),
            rel(RUSSIA, "supports", FRONT, source=BLOOMBERG, since="2024-05", confidence=0.6),
        ],
        events=[
            event(
                E1,
                "Ambush",
                "2024-07",
                where=TIN_ZAOUATINE,
                country=MALI,
                roles=[(BRIGADE, "perpetrator"), (WAGNER, "target")],
                fatalities=(
                    deaths(E1, 6, BLOOMBERG, "at least six died", qualifier="at_least"),
                    deaths(E1, 6, REUTERS, "six died"),
                ),
            ),
            event(
                E2,
                "Attack",
                "2024-11-21",
                where=MOPTI,
                country=MALI,
                roles=[(BRIGADE, "perpetrator"), (FAMA, "target")],
                fatalities=(
                    deaths(E2, 6, BLOOMBERG, EVIDENCE_6),
                    deaths(E2, 7, REUTERS, EVIDENCE_7),
                ),
            ),
        ],
    )
    b = Extraction(
        document=Document(id=DOC_B, title=TITLE_B, date="2024-03-01"),
        entities=[
            brigade,
            Entity(OASIS, "Test Oasis", "Settlement", resolved=False),
        ],
        relations=[rel(OASIS, "locatedIn", MOPTI_REGION)],
        events=[
            event(
                E3,
                "DroneStrike",
                "2023-03-05",
                where=OASIS,
                country=MALI,
                roles=[(FAMA, "perpetrator"), (BRIGADE, "target")],
                fatalities=(deaths(E3, 3, None, "three fighters were killed"),),
            ),
            event(
                E4,
                "Deployment",
                "2024-02-10",
                where=None,
                country=NIGER,
                roles=[(BRIGADE, "participant"), (FRONT, "supporter")],
            ),
            event(
                E5,
                "Battle",
                "2022-09-01",
                where=GAO,
                country=None,
                roles=[(MILITIA, "participant"), (LEGION, "participant")],
            ),
        ],
    )
    return [a, b]


def fill(store: KGStore) -> KGStore:
    store.ensure_reference()
    for ex in build_extractions():
        store.add_extraction(ex)
    return store


@pytest.fixture(scope="module")
def g() -> KGStore:
    """An in-memory store: the reference plus the two test documents."""
    return fill(KGStore(None))


def run(name: str, store: KGStore, **params: str) -> list[dict[str, Any]]:
    return run_named(name, params, store).rows


def triples(rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(r["from_label"], r["relation"], r["to_label"]) for r in rows]


def split(cell: str | None) -> set[str]:
    return set(cell.split("; ")) if cell else set()


# -- 1. the registry ---------------------------------------------------------------------------

QUERY_FILES = sorted(queries_dir().glob("*.rq"))


def test_there_are_named_queries():
    names = {f.stem for f in QUERY_FILES}
    assert {
        "actors_in_place",
        "affiliations",
        "attacks_between",
        "contested",
        "events_of_actor",
        "fatalities_by_actor",
        "members",
        "predecessors",
        "sources",
        "successors",
        "supports",
        "timeline",
        "unresolved",
    } <= names
    assert set(registry()) == names


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_every_query_file_loads_with_a_description(path: Path):
    q = parse_query_file(path)
    assert q.name == path.stem
    assert len(q.description) > 20
    assert q.text.lstrip().upper().startswith("SELECT")
    for p in q.params:
        assert p.type in ("entity", "date", "string", "integer")
        assert p.description, f"{path.name}: parameter {p.name} has no description"
        if p.required:
            assert p.example, f"{path.name}: required parameter {p.name} has no example"


def test_every_query_file_has_a_cypher_twin():
    # the twin (queries/<name>.cypher) answers the same question on a Neo4j server; the
    # registry checks its header, parameters and columns against the .rq file when loading
    missing = [f.name for f in QUERY_FILES if not f.with_suffix(".cypher").is_file()]
    assert not missing, f"no Cypher twin (queries/<name>.cypher) for {', '.join(missing)}"
    assert all(q.cypher for q in registry().values())


def test_kg_queries_lists_every_query():
    res = CliRunner().invoke(cli, ["queries", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert [r["name"] for r in rows] == sorted(f.stem for f in QUERY_FILES)
    by_name = {r["name"]: r for r in rows}
    assert by_name["affiliations"]["parameters"] == "actor: entity, as_of?: date"
    assert by_name["affiliations"]["description"] == registry()["affiliations"].description
    table = CliRunner().invoke(cli, ["queries"])
    assert table.exit_code == 0, table.output
    for f in QUERY_FILES:
        assert re.search(rf"^{f.stem}\s", table.stdout, re.MULTILINE), f.stem


GOOD_HEADER = """\
# name: q
# description: A test query.
# param: actor: entity (required) -- the actor, e.g. JNIM
"""
GOOD_BODY = "SELECT ?actor ?x WHERE { ?actor kgo:affiliatedWith ?x }\n"

BROKEN = {
    "missing name": (
        "# description: A test query.\n# param: actor: entity (required) -- e.g. JNIM\n"
        + GOOD_BODY,
        "# name: q",
    ),
    "name is not the stem": (GOOD_HEADER.replace("name: q", "name: other") + GOOD_BODY, "stem"),
    "missing description": (
        GOOD_HEADER.replace("# description: A test query.\n", "") + GOOD_BODY,
        "description",
    ),
    "malformed param line": (
        GOOD_HEADER.replace("actor: entity (required)", "actor entity required") + GOOD_BODY,
        "bad parameter line",
    ),
    "param without required/optional": (
        GOOD_HEADER.replace(" (required)", "") + GOOD_BODY,
        "bad parameter line",
    ),
    "unknown param type": (
        GOOD_HEADER.replace("actor: entity", "actor: place") + GOOD_BODY,
        "unknown parameter type 'place'",
    ),
    "declared param not used": (
        GOOD_HEADER + "# param: since: date (optional) -- e.g. 2024\n" + GOOD_BODY,
        "'since' is not used",
    ),
    "SPARQL syntax error": (
        GOOD_HEADER + "SELECT ?actor ?x WHERE { ?actor kgo:affiliatedWith ?x \n",
        "syntax error",
    ),
    "undeclared prefix": (
        GOOD_HEADER + "SELECT ?actor ?x WHERE { ?actor nope:affiliatedWith ?x }\n",
        "syntax error",
    ),
    "not a SELECT": (GOOD_HEADER + "ASK { ?actor ?p ?o }\n", "SELECT"),
}


def test_a_good_query_file_parses(tmp_path: Path):
    path = tmp_path / "q.rq"
    path.write_text(GOOD_HEADER + GOOD_BODY, encoding="utf-8")
    q = parse_query_file(path)
    assert (q.name, q.description) == ("q", "A test query.")
    assert [(p.name, p.type, p.required, p.example) for p in q.params] == [
        ("actor", "entity", True, "JNIM")
    ]
    assert q.text == GOOD_BODY.strip()


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_query_files_are_refused_naming_the_file(tmp_path: Path, case: str):
    text, expected = BROKEN[case]
    path = tmp_path / "q.rq"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QueryError) as e:
        parse_query_file(path)
    msg = str(e.value)
    assert str(path) in msg
    assert expected.lower() in msg.lower()


def test_unknown_query_name_suggests_the_close_one():
    with pytest.raises(QueryError) as e:
        get_query("affiliation")
    assert "affiliations" in str(e.value)
    assert "kg queries" in str(e.value)


# -- 3. each named query on the test graph -----------------------------------------------------


def test_test_graph_is_as_built(g: KGStore):
    assert find_entity("Test Brigade", g) == BRIGADE
    assert find_entity("test brigade", g) == BRIGADE
    assert find_entity("FAMa", g) == FAMA
    docs = {d["doc"]: d["title"] for d in g.documents()}
    assert docs[DOC_A] == TITLE_A
    assert docs[DOC_B] == TITLE_B


def test_affiliations_direct_and_transitive(g: KGStore):
    rows = run("affiliations", g, actor="Test Brigade")
    assert triples(rows) == [
        ("Russian Ministry of Defence", "partOf", "Russia"),  # through controlledBy
        ("Test Brigade", "affiliatedWith", "Test Front"),
        ("Test Brigade", "controlledBy", "Russian Ministry of Defence"),
        (
            "Test Brigade",
            "memberOf",
            "Permanent Strategic Framework for Peace, Security and Development",
        ),
        ("Test Front", "partOf", "Test Alliance"),  # through affiliatedWith
    ]
    by = {(r["from"], r["relation"], r["to"]): r for r in rows}
    direct = by[(BRIGADE, "affiliatedWith", FRONT)]
    assert direct["actor"] == BRIGADE
    assert (direct["valid_from"], direct["valid_until"]) == ("2020-01", "")
    assert (direct["sources"], direct["documents"]) == ("Bloomberg", 1)
    chain = by[(FRONT, "partOf", ALLIANCE)]
    assert (chain["valid_from"], chain["sources"]) == ("2019-03", "Reuters")
    control = by[(BRIGADE, "controlledBy", RUSSIA_MOD)]
    assert (control["valid_from"], control["valid_until"]) == ("2018", "2022-12")
    assert control["sources"] == TITLE_A  # no source: the document speaks
    ref = by[(RUSSIA_MOD, "partOf", RUSSIA)]
    assert (ref["valid_from"], ref["valid_until"], ref["sources"]) == ("", "", REFERENCE_TITLE)


def test_affiliations_as_of_excludes_links_outside_their_dates(g: KGStore):
    rows = run("affiliations", g, actor="Test Brigade", as_of="2024-01-01")
    links = set(triples(rows))
    assert ("Test Brigade", "affiliatedWith", "Test Front") in links
    assert ("Test Front", "partOf", "Test Alliance") in links
    # valid only from 2024-06
    assert not any(r["relation"] == "memberOf" for r in rows)
    # valid only until 2022-12
    assert not any(r["relation"] == "controlledBy" for r in rows)
    assert all(r["as_of"] == "2024-01-01" for r in rows)
    # once membership starts it is there
    later = run("affiliations", g, actor="Test Brigade", as_of="2024-07-01")
    assert ("Test Brigade", "memberOf", CSP_LABEL) in set(triples(later))


CSP_LABEL = "Permanent Strategic Framework for Peace, Security and Development"


def test_affiliations_as_of_does_not_follow_an_expired_link(g: KGStore):
    # Test Brigade was controlled by the Russian MoD only until 2022-12: on 2024-01-01 the
    # MoD's own tie to Russia is not an affiliation of the brigade
    rows = run("affiliations", g, actor="Test Brigade", as_of="2024-01-01")
    assert triples(rows) == [
        ("Test Brigade", "affiliatedWith", "Test Front"),
        ("Test Front", "partOf", "Test Alliance"),
    ]
    # before any link of the brigade was valid, it had no affiliations at all
    assert run("affiliations", g, actor="Test Brigade", as_of="2017-06") == []


def test_affiliations_of_a_reference_actor(g: KGStore):
    rows = run("affiliations", g, actor="JNIM")
    assert triples(rows) == [
        ("Jama'at Nusrat al-Islam wal-Muslimin", "affiliatedWith", "al-Qaeda"),
        (
            "Jama'at Nusrat al-Islam wal-Muslimin",
            "affiliatedWith",
            "al-Qaeda in the Islamic Maghreb",
        ),
        ("al-Qaeda in the Islamic Maghreb", "affiliatedWith", "al-Qaeda"),
    ]
    assert [r["valid_from"] for r in rows] == ["2017-03", "2017-03", "2007-01"]


def test_members_is_the_inverse(g: KGStore):
    rows = run("members", g, organisation="Test Alliance")
    assert triples(rows) == [
        ("Test Front", "partOf", "Test Alliance"),
        ("Test Brigade", "affiliatedWith", "Test Front"),
    ]
    assert [r["sources"] for r in rows] == ["Reuters", "Bloomberg"]
    assert [r["valid_from"] for r in rows] == ["2019-03", "2020-01"]
    assert all(r["organisation"] == ALLIANCE for r in rows)
    # the brigade's affiliation starts in 2020-01
    assert triples(run("members", g, organisation="Test Alliance", as_of="2019-06")) == [
        ("Test Front", "partOf", "Test Alliance")
    ]
    assert triples(run("members", g, organisation="Test Front")) == [
        ("Test Brigade", "affiliatedWith", "Test Front")
    ]


def succession(rows: list[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    return [(r["from_label"], r["to_label"], r["since"], r["sources"]) for r in rows]


def test_successors(g: KGStore):
    assert succession(run("successors", g, actor="Test Militia")) == [
        ("Test Militia", "Test Brigade", "2022-05", "Reuters"),
        ("Test Brigade", "Test Legion", "2024-02", "Bloomberg"),
    ]
    assert succession(run("successors", g, actor="Test Brigade")) == [
        ("Test Brigade", "Test Legion", "2024-02", "Bloomberg"),
    ]
    assert run("successors", g, actor="Test Legion") == []
    # the reference's succession
    assert succession(run("successors", g, actor="Wagner")) == [
        ("Wagner Group", "Africa Corps", "2023-11", REFERENCE_TITLE),
    ]


def test_predecessors(g: KGStore):
    rows = run("predecessors", g, actor="Test Legion")
    assert succession(rows) == [
        ("Test Brigade", "Test Legion", "2024-02", "Bloomberg"),
        ("Test Militia", "Test Brigade", "2022-05", "Reuters"),
    ]
    assert [(r["from"], r["to"]) for r in rows] == [(BRIGADE, LEGION), (MILITIA, BRIGADE)]
    assert run("predecessors", g, actor="Test Militia") == []
    assert succession(run("predecessors", g, actor="Africa Corps")) == [
        ("Wagner Group", "Africa Corps", "2023-11", REFERENCE_TITLE),
    ]


def support(rows: list[dict[str, Any]]) -> list[tuple[str, str, str, str, str, float]]:
    return [
        (
            r["supporter_label"],
            r["supported_label"],
            r["valid_from"],
            r["valid_until"],
            r["sources"],
            r["confidence"],
        )
        for r in rows
    ]


def test_supports_filtered_by_supporter_and_by_supported(g: KGStore):
    # as supporter
    assert support(run("supports", g, actor="Test Alliance")) == [
        ("Test Alliance", "Test Brigade", "2023-01", "2024-03", "Reuters", 0.8)
    ]
    # as supported
    assert support(run("supports", g, actor="Test Front")) == [
        ("Russia", "Test Front", "2024-05", "", "Bloomberg", 0.6)
    ]
    assert support(run("supports", g, actor="Test Brigade")) == [
        ("Test Alliance", "Test Brigade", "2023-01", "2024-03", "Reuters", 0.8)
    ]
    # Russia supports four states in the reference, and the Test Front here
    russia = run("supports", g, actor="Russia")
    assert [(r["supported_label"], r["sources"]) for r in russia] == [
        ("Burkina Faso", REFERENCE_TITLE),
        ("Central African Republic", REFERENCE_TITLE),
        ("Mali", REFERENCE_TITLE),
        ("Niger", REFERENCE_TITLE),
        ("Test Front", "Bloomberg"),
    ]
    assert {r["supporter"] for r in russia} == {RUSSIA}


def test_supports_as_of(g: KGStore):
    assert len(run("supports", g, actor="Test Alliance", as_of="2023-06-01")) == 1
    assert run("supports", g, actor="Test Alliance", as_of="2024-06-01") == []  # ended 2024-03
    assert run("supports", g, actor="Test Alliance", as_of="2022-12-31") == []  # from 2023-01
    everyone = run("supports", g, as_of="2024-06-01")
    assert ("Russia", "Test Front") in {
        (r["supporter_label"], r["supported_label"]) for r in everyone
    }
    assert "Test Alliance" not in {r["supporter_label"] for r in everyone}


def events(rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(r["event"], r["event_role"], r["date"]) for r in rows]


def test_events_of_actor(g: KGStore):
    rows = run("events_of_actor", g, actor="Test Brigade")
    assert events(rows) == [
        (E3, "target", "2023-03-05"),
        (E4, "participant", "2024-02-10"),
        (E1, "perpetrator", "2024-07"),
        (E2, "perpetrator", "2024-11-21"),
    ]
    assert [(r["type"], r["place_label"], r["country_label"], r["documents"]) for r in rows] == [
        ("DroneStrike", "Test Oasis", "Mali", TITLE_B),
        ("Deployment", None, "Niger", TITLE_B),
        ("Ambush", "Tin-Zaouatine", "Mali", TITLE_A),
        ("Attack", "Mopti", "Mali", TITLE_A),
    ]


def test_events_of_actor_role_filter(g: KGStore):
    assert events(run("events_of_actor", g, actor="Test Brigade", role="perpetrator")) == [
        (E1, "perpetrator", "2024-07"),
        (E2, "perpetrator", "2024-11-21"),
    ]
    assert events(run("events_of_actor", g, actor="Test Brigade", role="target")) == [
        (E3, "target", "2023-03-05"),
    ]
    assert events(run("events_of_actor", g, actor="Test Front", role="supporter")) == [
        (E4, "supporter", "2024-02-10"),
    ]
    assert run("events_of_actor", g, actor="Test Brigade", role="victim") == []


def test_events_of_actor_dates_with_day_and_month_precision(g: KGStore):
    def dates(**p: str) -> list[str]:
        return [r["date"] for r in run("events_of_actor", g, actor="Test Brigade", **p)]

    # an event dated 2024-07 (month) is inside from=2024-07-15 and inside to=2024-07-15
    assert dates(**{"from": "2024-07-15"}) == ["2024-07", "2024-11-21"]
    assert dates(to="2024-07-15") == ["2023-03-05", "2024-02-10", "2024-07"]
    assert dates(**{"from": "2024-08-01"}) == ["2024-11-21"]
    assert dates(to="2024-06-30") == ["2023-03-05", "2024-02-10"]
    # day bounds are inclusive
    assert dates(**{"from": "2024-02-10", "to": "2024-02-10"}) == ["2024-02-10"]
    assert dates(**{"from": "2024-02-11", "to": "2024-06-30"}) == []
    # a month bound against day and month dates
    assert dates(**{"from": "2024-02", "to": "2024-07"}) == ["2024-02-10", "2024-07"]


def test_events_of_actor_month_and_year_bounds_include_the_whole_period(g: KGStore):
    def dates(**p: str) -> list[str]:
        return [r["date"] for r in run("events_of_actor", g, actor="Test Brigade", **p)]

    # to=2023 means "up to the end of 2023", so an event on 2023-03-05 is inside it
    assert dates(**{"from": "2023", "to": "2023"}) == ["2023-03-05"]
    # to=2024-11 means "up to the end of November 2024": 2024-11-21 is inside it
    assert dates(**{"from": "2024-07", "to": "2024-11"}) == ["2024-07", "2024-11-21"]
    # the other queries with from/to read the bounds the same way
    timeline = run("timeline", g, actor="Test Brigade", to="2023")
    assert [r["event"] for r in timeline] == [E3]
    counts = run("fatalities_by_actor", g, actor="Test Brigade", role="target", to="2023")
    assert [r["event"] for r in counts] == [E3]


def test_events_of_actor_country_filter(g: KGStore):
    mali = run("events_of_actor", g, actor="Test Brigade", country="Mali")
    assert [r["event"] for r in mali] == [E3, E1, E2]
    assert {r["country"] for r in mali} == {MALI}
    niger = run("events_of_actor", g, actor="Test Brigade", country="Niger")
    assert [r["event"] for r in niger] == [E4]
    assert run("events_of_actor", g, actor="Test Brigade", country="Ukraine") == []
    both = run(
        "events_of_actor", g, actor="Test Brigade", country="Mali", role="target", to="2023-12-31"
    )
    assert [r["event"] for r in both] == [E3]


def attacks(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (
            r["event"],
            r["type"],
            r["date"],
            r["place_label"],
            r["perpetrator_label"],
            r["target_label"],
            r["fatalities_low"],
            r["fatalities_high"],
            r["documents"],
        )
        for r in rows
    ]


def test_attacks_between_both_directions(g: KGStore):
    expected = [
        (
            E3,
            "DroneStrike",
            "2023-03-05",
            "Test Oasis",
            "Malian Armed Forces",
            "Test Brigade",
            3,
            3,
            TITLE_B,
        ),
        (
            E2,
            "Attack",
            "2024-11-21",
            "Mopti",
            "Test Brigade",
            "Malian Armed Forces",
            6,  # Bloomberg
            7,  # Reuters
            TITLE_A,
        ),
    ]
    assert attacks(run("attacks_between", g, actor="Test Brigade", other="FAMa")) == expected
    assert attacks(run("attacks_between", g, actor="FAMa", other="Test Brigade")) == expected
    wagner = run("attacks_between", g, actor="Wagner", other="Test Brigade")
    assert attacks(wagner) == [
        (E1, "Ambush", "2024-07", "Tin-Zaouatine", "Test Brigade", "Wagner Group", 6, 6, TITLE_A)
    ]
    # the deployment (not violent) and roles other than perpetrator/target do not count
    assert run("attacks_between", g, actor="Test Brigade", other="Test Front") == []
    assert run("attacks_between", g, actor="Test Militia", other="Test Legion") == []


def in_place(rows: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    return {
        (r["actor_label"], r["how"], r["events"], r["first"], r["last"])
        for r in rows
        if r["how"] != "based or operating"
    }


def test_actors_in_place_through_located_in(g: KGStore):
    # Test Oasis lies in Mopti Region (kgo:locatedIn); E3 is placed in Test Oasis
    rows = run("actors_in_place", g, place="Mopti Region")
    assert in_place(rows) == {
        ("Malian Armed Forces", "perpetrator", 1, "2023-03-05", "2023-03-05"),
        ("Test Brigade", "target", 1, "2023-03-05", "2023-03-05"),
    }
    assert {r["place"] for r in rows} == {MOPTI_REGION}
    assert in_place(run("actors_in_place", g, place="Mopti")) == {
        ("Test Brigade", "perpetrator", 1, "2024-11-21", "2024-11-21"),
        ("Malian Armed Forces", "target", 1, "2024-11-21", "2024-11-21"),
    }
    assert in_place(run("actors_in_place", g, place="Gao")) == {
        ("Test Militia", "participant", 1, "2022-09-01", "2022-09-01"),
        ("Test Legion", "participant", 1, "2022-09-01", "2022-09-01"),
    }


MALI_EVENT_ACTORS = {
    ("Test Brigade", "perpetrator", 2, "2024-07", "2024-11-21"),  # E1, E2
    ("Test Brigade", "target", 1, "2023-03-05", "2023-03-05"),  # E3
    ("Malian Armed Forces", "perpetrator", 1, "2023-03-05", "2023-03-05"),  # E3
    ("Malian Armed Forces", "target", 1, "2024-11-21", "2024-11-21"),  # E2
    ("Wagner Group", "target", 1, "2024-07", "2024-07"),  # E1
}
# E5 has no event country, but it is placed in Gao, a town whose kgo:country is Mali
MALI_GAO_ACTORS = {
    ("Test Militia", "participant", 1, "2022-09-01", "2022-09-01"),
    ("Test Legion", "participant", 1, "2022-09-01", "2022-09-01"),
}


def test_actors_in_place_by_event_country(g: KGStore):
    rows = run("actors_in_place", g, place="Mali")
    assert in_place(rows) >= MALI_EVENT_ACTORS
    # the Deployment in Niger is not in Mali
    assert not any(r["how"] == "supporter" for r in rows)
    assert in_place(run("actors_in_place", g, place="Niger")) == {
        ("Test Brigade", "participant", 1, "2024-02-10", "2024-02-10"),
        ("Test Front", "supporter", 1, "2024-02-10", "2024-02-10"),
    }
    # actors the reference says operate in Mali come as "based or operating"
    based = {r["actor"] for r in rows if r["how"] == "based or operating"}
    assert {JNIM, WAGNER, CSP} <= based
    assert all(r["events"] == 0 for r in rows if r["how"] == "based or operating")


def test_actors_in_place_includes_events_in_towns_of_the_country(g: KGStore):
    rows = run("actors_in_place", g, place="Mali")
    assert in_place(rows) == MALI_EVENT_ACTORS | MALI_GAO_ACTORS


def test_actors_in_place_date_filter(g: KGStore):
    rows = run("actors_in_place", g, place="Mali", **{"from": "2024-07-15"})
    # E1 (2024-07) and E2 (2024-11-21) only: not E3 (2023-03-05) nor E5 (2022-09-01)
    assert in_place(rows) == {
        ("Test Brigade", "perpetrator", 2, "2024-07", "2024-11-21"),
        ("Malian Armed Forces", "target", 1, "2024-11-21", "2024-11-21"),
        ("Wagner Group", "target", 1, "2024-07", "2024-07"),
    }
    assert in_place(run("actors_in_place", g, place="Mopti Region", to="2022-12-31")) == set()


def test_timeline(g: KGStore):
    rows = run("timeline", g, actor="Test Brigade")
    assert [
        (
            r["date"],
            r["event"],
            r["type"],
            r["event_role"],
            r["place_label"],
            r["country_label"],
            r["fatalities_low"],
            r["fatalities_high"],
            r["fatality_claims"],
            r["documents"],
        )
        for r in rows
    ] == [
        ("2023-03-05", E3, "DroneStrike", "target", "Test Oasis", "Mali", 3, 3, 1, TITLE_B),
        ("2024-02-10", E4, "Deployment", "participant", None, "Niger", None, None, 0, TITLE_B),
        ("2024-07", E1, "Ambush", "perpetrator", "Tin-Zaouatine", "Mali", 6, 6, 2, TITLE_A),
        ("2024-11-21", E2, "Attack", "perpetrator", "Mopti", "Mali", 6, 7, 2, TITLE_A),
    ]
    window = run("timeline", g, actor="Test Brigade", **{"from": "2024-01-01", "to": "2024-07-31"})
    assert [r["event"] for r in window] == [E4, E1]
    assert [r["event"] for r in run("timeline", g, actor="Test Legion")] == [E5]


def test_fatalities_by_actor(g: KGStore):
    rows = run("fatalities_by_actor", g, actor="Test Brigade")  # as perpetrator by default
    assert [
        (r["event"], r["date"], r["type"], r["place_label"], r["low"], r["high"], r["claims"])
        for r in rows
    ] == [
        (E1, "2024-07", "Ambush", "Tin-Zaouatine", 6, 6, 2),
        (E2, "2024-11-21", "Attack", "Mopti", 6, 7, 2),
    ]
    assert split(rows[0]["figures"]) == {"at least 6 (Bloomberg)", "exact 6 (Reuters)"}
    assert split(rows[1]["figures"]) == {"exact 6 (Bloomberg)", "exact 7 (Reuters)"}
    target = run("fatalities_by_actor", g, actor="Test Brigade", role="target")
    assert [(r["event"], r["low"], r["high"], r["claims"], r["figures"]) for r in target] == [
        (E3, 3, 3, 1, "exact 3 (the report)")
    ]
    # the deployment has no fatality claims
    assert run("fatalities_by_actor", g, actor="Test Brigade", role="participant") == []
    late = run("fatalities_by_actor", g, actor="Test Brigade", **{"from": "2024-08"})
    assert [r["event"] for r in late] == [E2]
    assert [r["event"] for r in run("fatalities_by_actor", g, actor="FAMa")] == [E3]


def test_sources_gives_the_source_and_the_evidence(g: KGStore):
    rows = run("sources", g, subject="Test Brigade", predicate="affiliatedWith")
    assert len(rows) == 1
    r = rows[0]
    assert (r["relation"], r["other_label"], r["source"], r["cited_by"]) == (
        "affiliatedWith",
        "Test Front",
        "Bloomberg",
        None,
    )
    assert (r["document"], r["evidence"], r["rule"]) == (
        TITLE_A,
        EVIDENCE_AFFILIATION,
        "test.affiliatedWith",
    )
    assert r["confidence"] == pytest.approx(0.9)
    every = run("sources", g, subject="Test Brigade")
    assert [(r["relation"], r["other_label"]) for r in every] == [
        ("affiliatedWith", "Test Front"),
        ("controlledBy", "Russian Ministry of Defence"),
        ("memberOf", CSP_LABEL),
        ("succeededBy", "Test Legion"),
    ]
    by_object = run("sources", g, subject="Test Brigade", object="Russian Ministry of Defence")
    assert [(r["relation"], r["source"], r["document"]) for r in by_object] == [
        ("controlledBy", None, TITLE_A)
    ]
    assert run("sources", g, subject="Test Brigade", predicate="partOf") == []


def test_sources_of_fatality_counts(g: KGStore):
    rows = run("sources", g, subject=E2, predicate="fatalities")
    assert sorted((r["value"], r["source"], r["evidence"], r["rule"]) for r in rows) == [
        ("6", "Bloomberg", EVIDENCE_6, "test.fatalities"),
        ("7", "Reuters", EVIDENCE_7, "test.fatalities"),
    ]


def test_contested_shows_both_figures_with_their_sources(g: KGStore):
    rows = run("contested", g)
    assert [
        (r["subject"], r["property"], r["value"], r["qualifier"], r["source"], r["document"])
        for r in rows
    ] == [
        (E2, "fatalities", "6", "exact", "Bloomberg", TITLE_A),
        (E2, "fatalities", "7", "exact", "Reuters", TITLE_A),
    ]
    assert [r["evidence"] for r in rows] == [EVIDENCE_6, EVIDENCE_7]
    # "at least 6" and "6" agree: the ambush is not contested
    assert E1 not in {r["subject"] for r in rows}
    assert len(run("contested", g, subject=E2)) == 2
    assert run("contested", g, subject=E1) == []


def test_unresolved_lists_the_unresolved_entities_with_their_documents(g: KGStore):
    rows = run("unresolved", g)
    assert [(r["entity"], r["label"], r["type"]) for r in rows] == [
        (BRIGADE, "Test Brigade", "ArmedGroup"),
        (OASIS, "Test Oasis", "Settlement"),
    ]
    assert split(rows[0]["documents"]) == {TITLE_A, TITLE_B}
    assert rows[1]["documents"] == TITLE_B


# -- 4. parameter errors -----------------------------------------------------------------------


def test_missing_required_parameter_names_it_with_the_example(g: KGStore):
    with pytest.raises(QueryError) as e:
        run("affiliations", g)
    msg = str(e.value)
    assert "actor" in msg
    assert "JNIM" in msg  # the example from the header
    with pytest.raises(QueryError) as e:
        run("attacks_between", g, actor="JNIM")
    assert "other" in str(e.value)
    assert "Wagner" in str(e.value)


def test_unknown_parameter_lists_the_valid_ones(g: KGStore):
    with pytest.raises(QueryError) as e:
        run("affiliations", g, actor="JNIM", date="2024-01-01")
    msg = str(e.value)
    assert "date" in msg
    assert "actor" in msg
    assert "as_of" in msg
    with pytest.raises(QueryError) as e:
        run("unresolved", g, actor="JNIM")
    assert "actor" in str(e.value)


@pytest.mark.parametrize(
    "value", ["2024-13-45x", "2024/01/01", "24-01-01", "yesterday", "2024-1-1", "2024-13-45"]
)
def test_bad_dates_are_refused(g: KGStore, value: str):
    with pytest.raises(QueryError) as e:
        run("affiliations", g, actor="JNIM", as_of=value)
    assert "as_of" in str(e.value)
    assert "YYYY" in str(e.value)


def test_unknown_entity_suggests_close_names(g: KGStore):
    with pytest.raises(QueryError) as e:
        run("affiliations", g, actor="JNMI")
    msg = str(e.value)
    assert "JNMI" in msg
    assert "JNIM" in msg
    with pytest.raises(QueryError) as e:
        run("affiliations", g, actor="Test Brigad")
    assert "Test Brigade" in str(e.value)


# -- 5. injection ------------------------------------------------------------------------------

HOSTILE_STRINGS = [
    'affiliatedWith" } } DROP ALL ; #',
    'affiliatedWith" } } ; INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> } #',
    "affiliatedWith\n} DROP ALL ;\n#",
    "affiliatedWith'} DROP ALL #",
    '"""affiliatedWith"""',
    "affiliatedWith\\",
    'affiliatedWith\\" } #',
    "affiliatedWith # a comment",
    '" || true || "',
    '") } UNION { ?c ?p ?o } #',
    "}",
    "{ } } }",
    "DROP ALL",
    "\r\n\t",
    "affiliatedWith\u2028}",
]


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_hostile_string_values_are_bound_not_injected(g: KGStore, value: str):
    before = len(g)
    rows = run("sources", g, subject="Test Brigade", predicate=value)
    assert rows == []
    assert len(g) == before
    # a value that would widen the filter if it were formatted into the text does not
    assert run("events_of_actor", g, actor="Test Brigade", role=value) == []
    assert run("fatalities_by_actor", g, actor="Test Brigade", role=value) == []
    assert len(g) == before


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_bound_text_holds_the_value_in_one_escaped_literal(value: str):
    subject = ox.NamedNode(BRIGADE)
    values = {"subject": subject, "predicate": ox.Literal(value), "object": None}
    bound = bind(get_query("sources").text, values)
    # the whole bound query still parses
    ox.Store().query(prologue() + bound)
    # the value appears only as an escaped literal, once per VALUES row the binding adds (one
    # per group that uses the parameters), and the rest is the query as written
    literal = str(ox.Literal(value))
    plain = bind(get_query("sources").text, {**values, "predicate": ox.Literal("X")})
    assert bound.count(literal) == plain.count('"X"') >= 1
    assert bound.replace(literal, '"X"') == plain
    # and its VALUES row reads back exactly the values given, nothing more
    probe = ox.Store().query(bind("SELECT * WHERE { }", values))
    (sol,) = list(probe)
    assert sol["subject"] == subject
    assert sol["predicate"] == ox.Literal(value)
    assert sol["object"] is None
    assert {v.value for v in probe.variables} == {"subject", "predicate", "object"}


HOSTILE_NAMES = [
    'JNIM" } } DROP ALL ; #',
    "JNIM> } DROP ALL #",
    "al-Qaeda\n} DROP ALL ;",
    "<https://w3id.org/conflict-kg/id/actor/jnim>",
    "http://x> } DROP ALL #",
    "https://w3id.org/conflict-kg/id/actor/jnim> ?p ?o } #",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_entity_names_are_refused_before_running(
    g: KGStore, monkeypatch: pytest.MonkeyPatch, name: str
):
    before = len(g)
    seen: list[str] = []
    real_select = g.select

    def spy(query: str, **params: Any) -> Any:
        seen.append(query)
        return real_select(query, **params)

    monkeypatch.setattr(g, "select", spy)
    with pytest.raises(QueryError):
        run("affiliations", g, actor=name)
    assert not any("kgo:affiliatedWith|kgo:partOf" in q for q in seen), "the query ran"
    assert len(g) == before


# -- 6. the CLI --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def disk_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store holding the test graph, for the CLI."""
    path = tmp_path_factory.mktemp("queries") / "kg-data"
    s = fill(KGStore(path))
    s.close()
    del s
    return path


def test_cli_query_json(disk_store: Path):
    r = kg(
        "--store", str(disk_store), "query", "affiliations", "-p", "actor=JNIM", "--format", "json"
    )
    assert r.exit_code == 0, r.output + (r.crash or "")
    rows = json.loads(r.stdout)
    assert [(x["from"], x["relation"], x["to"]) for x in rows] == [
        (JNIM, "affiliatedWith", actor("al-qaeda")),
        (JNIM, "affiliatedWith", actor("aqim")),
        (actor("aqim"), "affiliatedWith", actor("al-qaeda")),
    ]
    assert rows[0]["actor"] == JNIM
    assert rows[0]["valid_from"] == "2017-03"


def test_cli_query_csv_has_a_header(disk_store: Path):
    r = kg(
        "--store",
        str(disk_store),
        "query",
        "affiliations",
        "-p",
        "actor=Test Brigade",
        "--as-of",
        "2024-01-01",
        "--format",
        "csv",
    )
    assert r.exit_code == 0, r.output + (r.crash or "")
    table = list(csv.reader(io.StringIO(r.stdout)))
    assert table[0] == [
        "from",
        "from_label",
        "relation",
        "to",
        "to_label",
        "valid_from",
        "valid_until",
        "sources",
        "documents",
    ]
    body = [(row[1], row[2], row[4]) for row in table[1:]]
    assert ("Test Brigade", "affiliatedWith", "Test Front") in body
    assert ("Test Front", "partOf", "Test Alliance") in body
    assert not any(rel == "controlledBy" for _, rel, _ in body)


def test_cli_query_param_without_equals_is_a_usage_error(disk_store: Path):
    r = kg("--store", str(disk_store), "query", "affiliations", "-p", "actor")
    assert r.exit_code == 2, r.output
    assert r.crash is None
    assert "key=value" in r.output
    assert "'actor'" in r.output


def test_cli_query_errors_are_one_line_messages(disk_store: Path):
    r = kg("--store", str(disk_store), "query", "affiliation", "-p", "actor=JNIM")
    assert r.exit_code == 1, r.output
    assert r.crash is None
    assert "affiliations" in r.output
    r = kg("--store", str(disk_store), "query", "affiliations")
    assert r.exit_code == 1, r.output
    assert "actor" in r.output


def test_cli_query_with_a_malformed_iri_is_a_message_not_a_crash(disk_store: Path):
    r = kg("--store", str(disk_store), "query", "affiliations", "-p", "actor=http://x> }")
    assert r.crash is None, r.crash
    assert r.exit_code == 1, r.output


def test_cli_contested(disk_store: Path):
    r = kg("--store", str(disk_store), "contested")
    assert r.exit_code == 0, r.output + (r.crash or "")
    lines = r.stdout.splitlines()
    assert lines[0] == "kg:event/test-attack-2024-11-21 fatalities:"
    six = next(i for i, x in enumerate(lines) if x.strip().startswith("6 "))
    seven = next(i for i, x in enumerate(lines) if x.strip().startswith("7 "))
    assert "according to Bloomberg" in lines[six]
    assert "according to Reuters" in lines[seven]
    assert TITLE_A in lines[six]
    assert EVIDENCE_6 in r.stdout
    assert EVIDENCE_7 in r.stdout
    assert "test-ambush" not in r.stdout
    j = kg("--store", str(disk_store), "contested", "--format", "json")
    assert j.exit_code == 0, j.output
    assert [(x["value"], x["source"]) for x in json.loads(j.stdout)] == [
        ("6", "Bloomberg"),
        ("7", "Reuters"),
    ]


def test_cli_timeline(disk_store: Path):
    r = kg("--store", str(disk_store), "timeline", "Test Brigade")
    assert r.exit_code == 0, r.output + (r.crash or "")
    out = r.stdout
    positions = [out.index(d) for d in ("2023-03-05", "2024-02-10", "2024-07", "2024-11-21")]
    assert positions == sorted(positions)
    assert "DroneStrike" in out
    assert "Tin-Zaouatine" in out
    j = kg(
        "--store",
        str(disk_store),
        "timeline",
        "Test Brigade",
        "--from",
        "2024-07-15",
        "--format",
        "json",
    )
    assert j.exit_code == 0, j.output
    assert [
        (x["event"], x["fatalities_low"], x["fatalities_high"]) for x in json.loads(j.stdout)
    ] == [
        (E1, 6, 6),
        (E2, 6, 7),
    ]
    bad = kg("--store", str(disk_store), "timeline", "Nobody At All")
    assert bad.exit_code == 1, bad.output
    assert "Nobody At All" in bad.output


def test_find_entity_in_other_letter_case_is_an_index_lookup(g: KGStore, monkeypatch):
    # the name in a usual letter case is found without reading every label (one query);
    # a spelling that differs in more than letter case still falls back to the scan
    calls: list[str] = []
    select = g.select
    monkeypatch.setattr(g, "select", lambda q, **p: calls.append(q) or select(q, **p))
    front = find_entity("Test Front", g)
    for name, want in (("TEST BRIGADE", BRIGADE), ("test brigade", BRIGADE), ("test front", front)):
        calls.clear()
        assert find_entity(name, g) == want
        assert len(calls) == 1, name
    calls.clear()
    assert find_entity("test-brigade", g) == BRIGADE
    assert len(calls) == 2
