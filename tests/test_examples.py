"""The facts the project promises from its sample reports (examples/reports), checked in the
store with SPARQL, and the extraction quality on their gold files."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EXAMPLES, KGO, actor, place

from kg.api import ingest, open_store
from kg.demo import key_facts
from kg.evaluate import evaluate, load_gold
from kg.store.oxigraph import KGStore

PREFIX = (
    f"PREFIX kgo: <{KGO}>\n"
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)
REFERENCE = "https://w3id.org/conflict-kg/id/doc/reference"
MOPTI_EVENT = "https://w3id.org/conflict-kg/id/event/attack-mopti-2024-11-21"


@pytest.fixture(scope="module")
def examples() -> KGStore:
    store = open_store(":memory:")
    results = ingest([EXAMPLES], store)
    assert len(results) == len(list(EXAMPLES.glob("*.txt")))
    return store


def ask(store: KGStore, query: str, **params: object) -> bool:
    return bool(store.select(PREFIX + query, **params).rows[0]["ask"])


def claim_documents(store: KGStore, s: str, p: str, o: str) -> set[str]:
    """Documents with a claim ``s p o`` (claim node), whose truthy edge is also present."""
    assert ask(store, f"ASK {{ ?s kgo:{p} ?o }}", s=s, o=o), (s, p, o)
    rows = store.select(
        PREFIX
        + f"""SELECT ?doc ?s ?o WHERE {{
            ?c a kgo:Claim ; kgo:subject ?s ; kgo:predicate kgo:{p} ; kgo:object ?o ;
               kgo:statedIn ?doc ; kgo:evidence ?ev ; kgo:rule ?rule }}""",
        s=s,
        o=o,
    ).rows
    return {r["doc"] for r in rows}


def test_jnim_affiliated_with_al_qaeda(examples: KGStore):
    docs = claim_documents(examples, actor("jnim"), "affiliatedWith", actor("al-qaeda"))
    reports = docs - {REFERENCE}
    assert "https://w3id.org/conflict-kg/id/doc/01-mopti-wagner-ambush" in reports
    assert len(reports) >= 3  # several sample reports say so


def test_wagner_succeeded_by_africa_corps(examples: KGStore):
    docs = claim_documents(examples, actor("wagner"), "succeededBy", actor("africa-corps"))
    assert docs  # the reference states it with a validity date
    rows = examples.select(
        PREFIX
        + """SELECT ?from ?s ?o WHERE { ?c kgo:subject ?s ; kgo:predicate kgo:succeededBy ;
                kgo:object ?o ; kgo:validFrom ?from }""",
        s=actor("wagner"),
        o=actor("africa-corps"),
    ).rows
    assert rows and all(str(r["from"]).startswith("2023") for r in rows)


def test_africa_corps_controlled_by_russian_mod(examples: KGStore):
    docs = claim_documents(examples, actor("africa-corps"), "controlledBy", actor("russia-mod"))
    assert "https://w3id.org/conflict-kg/id/doc/04-wagner-becomes-africa-corps" in docs


def test_mali_severed_relations_with_ukraine(examples: KGStore):
    docs = claim_documents(examples, actor("mali"), "severedRelationsWith", actor("ukraine"))
    assert "https://w3id.org/conflict-kg/id/doc/03-mali-niger-cut-ties-with-ukraine" in docs
    niger = claim_documents(examples, actor("niger"), "severedRelationsWith", actor("ukraine"))
    assert niger - {REFERENCE}


def test_mopti_event_with_two_fatality_claims(examples: KGStore):
    rows = examples.select(
        PREFIX
        + """SELECT DISTINCT ?ev ?place WHERE {
            ?ev a/rdfs:subClassOf* kgo:Event ; kgo:place ?place ; kgo:date ?date .
            FILTER(?date = "2024-11-21"^^xsd:date) }""",
        place=place("mopti"),
    ).rows
    assert [r["ev"] for r in rows] == [MOPTI_EVENT]
    counts = examples.select(
        PREFIX
        + """SELECT ?ev ?value ?q ?src WHERE {
            ?c a kgo:CountClaim ; kgo:subject ?ev ; kgo:predicate kgo:fatalities ;
               kgo:value ?value ; kgo:qualifier ?q ; kgo:assertedBy ?src }""",
        ev=MOPTI_EVENT,
    ).rows
    assert {(r["value"], r["q"], r["src"]) for r in counts} == {
        (6, f"{KGO}exact", actor("bloomberg")),
        (7, f"{KGO}exact", actor("reuters")),
    }
    # both exact numbers are also values of the functional property: contested
    values = examples.select(
        PREFIX + "SELECT DISTINCT ?ev ?n WHERE { ?ev kgo:fatalities ?n }", ev=MOPTI_EVENT
    ).rows
    assert sorted(r["n"] for r in values) == [6, 7]
    roles = examples.select(
        PREFIX + "SELECT DISTINCT ?ev ?who WHERE { ?ev kgo:perpetrator ?who }", ev=MOPTI_EVENT
    ).rows
    assert [r["who"] for r in roles] == [actor("jnim")]


def test_key_facts_show_the_mopti_fatalities_as_contested(examples: KGStore):
    facts = key_facts(examples)
    contested = [c for c in facts["contested"] if c["event"] == MOPTI_EVENT]
    assert [c["property"] for c in contested] == ["fatalities"]
    assert set(contested[0]["values"].split(" | ")) == {"6", "7"}
    (ev,) = [e for e in facts["events"] if e["event"] == MOPTI_EVENT]
    assert ev["place"] == "Mopti"
    assert {(c["value"], c["qualifier"], c["source"]) for c in ev["fatalities"]} == {
        (6, "exact", "Bloomberg"),
        (7, "exact", "Reuters"),
    }
    rel = [
        r
        for r in facts["relations"]
        if r["subject"] == "Jama'at Nusrat al-Islam wal-Muslimin" and r["object"] == "al-Qaeda"
    ]
    assert rel and len(rel[0]["documents"]) >= 3


# The examples come in two sets: 01-13 were written with the first extraction rules (Sahel,
# Wagner); 14 and up were written for issue #7 on other conflicts before any rule was tuned for
# them (the development set). Held-out reports, written after the rules were frozen, are in
# examples/heldout/ (see README, "Evaluation").
FIRST_SET = [p for p in sorted(EXAMPLES.glob("*.gold.yaml")) if int(p.name[:2]) <= 13]
DEV_SET = [p for p in sorted(EXAMPLES.glob("*.gold.yaml")) if int(p.name[:2]) > 13]
HELDOUT = sorted((EXAMPLES.parent / "heldout").glob("*.gold.yaml"))
# the second held-out set, written after the rules were frozen at 8d6a181
HELDOUT2 = sorted((EXAMPLES.parent / "heldout2").glob("*.gold.yaml"))
# the third, written after the rules were frozen at 84cdecf
HELDOUT3 = sorted((EXAMPLES.parent / "heldout3").glob("*.gold.yaml"))
# the fourth, written after the rules were frozen at b8d7451
HELDOUT4 = sorted((EXAMPLES.parent / "heldout4").glob("*.gold.yaml"))


@pytest.mark.parametrize(
    ("files", "floor", "precision"),
    # Regression floors, not targets: they guard against a change that breaks extraction;
    # raise them when the extractor improves (today: F1 0.78 / P 0.88, F1 0.65 / P 0.78, on
    # the first held-out set, now used for development, F1 0.60 / P 0.73, on the second,
    # scored at the freeze 8d6a181 and used for development since, F1 0.66 / P 0.81, on the
    # third, scored at the freeze 84cdecf, F1 0.52 / P 0.68, and on the fourth, written after
    # the rules were frozen at b8d7451, F1 0.54 / P 0.65).
    [
        (FIRST_SET, 0.72, 0.82),
        (DEV_SET, 0.6, 0.73),
        (HELDOUT, 0.55, 0.68),
        (HELDOUT2, 0.61, 0.76),
        (HELDOUT3, 0.47, 0.62),
        (HELDOUT4, 0.49, 0.6),
    ],
    ids=["first-set", "dev-set", "held-out", "held-out-2", "held-out-3", "held-out-4"],
)
def test_evaluation_on_the_example_gold_files(files: list[Path], floor: float, precision: float):
    assert len(files) >= 10
    result = evaluate([str(p) for p in files])
    assert len(result["files"]) == len(files)
    assert result["overall"]["f1"] > floor, result["overall"]
    assert result["overall"]["precision"] > precision, result["overall"]


def test_every_example_report_has_its_gold_file():
    assert sorted(p.name[: -len(".gold.yaml")] for p in EXAMPLES.glob("*.gold.yaml")) == sorted(
        p.stem for p in EXAMPLES.glob("*.txt")
    )


def test_examples_gold_files_point_at_their_reports():
    golds = sorted(EXAMPLES.glob("*.gold.yaml"))
    assert golds
    for g in golds:
        gold = load_gold(g)
        assert Path(gold["_report"]).is_file(), g
        assert Path(gold["_report"]).name == g.name.replace(".gold.yaml", ".txt")


def test_the_scorer_matches_an_entity_by_its_own_names_before_generic_words():
    from kg.evaluate import evaluate_one
    from kg.model import Document, Entity, Extraction

    gold = {
        "entities": [
            {"id": "iskp", "type": "armed_group", "names": ["ISKP", "the militants"]},
            {"id": "taliban", "type": "armed_group", "names": ["Taliban"]},
        ]
    }
    taliban = Entity(id=actor("taliban"), label="Taliban", type="ArmedGroup", resolved=True)
    taliban.add_mention("Taliban")
    taliban.add_mention("the militants", generic=True)  # resolved to it by the loader
    ex = Extraction(document=Document(id="urn:d", title="t", text=""), entities=[taliban])
    ent = evaluate_one(gold, ex)["entities"]
    assert ent.misses == ["iskp"]  # the Taliban counts as the Taliban, not as ISKP
