"""The ontology as data: terms, closed namespace, hierarchy, annotations, and the SHACL shapes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, Literal, URIRef

from kg.errors import OntologyError
from kg.ontology import Ontology, ontology

KGO = rdflib.Namespace("https://w3id.org/conflict-kg/ontology#")
KG = rdflib.Namespace("https://w3id.org/conflict-kg/id/")
DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")

# Terms that decision 001 says the code relies on.
CLASSES_001 = [
    "Actor", "Organization", "ArmedGroup", "Militia", "PrivateMilitaryCompany", "MilitaryUnit",
    "StateForce", "GovernmentBody", "IntelligenceAgency", "InternationalOrganisation",
    "MediaOutlet", "Company", "State", "Person", "CivilianGroup", "Place", "Region", "Settlement",
    "Site", "Event", "Battle", "Attack", "Ambush", "Massacre", "Strike", "AirStrike",
    "DroneStrike", "Shelling", "Bombing", "SuicideBombing", "Abduction", "Coup", "Mutiny",
    "Agreement", "Deployment", "Withdrawal", "DiplomaticRupture", "TerritorialChange",
    "OtherEvent", "Document", "Report", "Dataset", "Claim", "CountClaim", "Statement", "Evidence",
]  # fmt: skip
PROPERTIES_001 = [
    "affiliatedWith", "memberOf", "partOf", "succeededBy", "precededBy", "controlledBy",
    "founderOf", "leaderOf", "commanderOf", "spokespersonOf", "supports", "alliedWith",
    "severedRelationsWith", "sanctioned", "basedIn", "operatesIn", "locatedIn", "accused",
    "claimedResponsibilityFor", "claimedInvolvementIn", "denied", "perpetrator", "target",
    "victim", "participant", "supporter", "date", "datePrecision", "place", "country",
    "fatalities", "subject", "predicate", "object", "value", "low", "high", "qualifier",
    "countOf", "partOfCount", "assertedBy", "citedBy", "statedIn", "evidence", "rule",
    "confidence", "hedge", "validFrom", "validUntil", "note", "text", "startOffset",
    "endOffset", "sentenceIndex", "rowNumber", "inDocument", "title", "published",
    "sourcePath", "sha256", "wordCount", "resolved", "demonym",
]  # fmt: skip
QUALIFIERS_001 = [
    "exact", "at_least", "more_than", "about", "up_to", "fewer_than", "nearly", "all", "range",
]  # fmt: skip


def test_terms_load():
    o = ontology()
    assert isinstance(o, Ontology)
    assert o.ns == str(KGO)
    assert o.data_ns == str(KG)
    for c in CLASSES_001:
        assert o.cls(c) == str(KGO[c])
    for p in PROPERTIES_001:
        assert o.prop(p) == str(KGO[p])
    for q in QUALIFIERS_001:
        assert o.individual(q) == str(KGO[q])
    # individuals are not mistaken for classes or properties
    assert "exact" not in o.classes and "exact" not in o.properties
    assert o.term("Ambush") == str(KGO.Ambush)
    assert o.term("affiliatedWith") == str(KGO.affiliatedWith)
    assert o.local(str(KGO.Ambush)) == "Ambush"
    assert o.entity_iri("actor", "jnim") == f"{KG}actor/jnim"


def _close_matches(message: str) -> list[str]:
    m = re.search(r"did you mean ([^?]+)\?", message)
    assert m, f"no 'did you mean' in: {message}"
    return [x.strip() for x in m.group(1).split(",")]


def test_unknown_class_lists_close_matches():
    with pytest.raises(OntologyError) as err:
        ontology().cls("Ambsuh")
    msg = str(err.value)
    assert "'Ambsuh'" in msg
    assert "Ambush" in _close_matches(msg)


def test_unknown_property_lists_close_matches():
    with pytest.raises(OntologyError) as err:
        ontology().prop("afiliatedWith")
    assert "affiliatedWith" in _close_matches(str(err.value))


def test_unknown_term_and_individual_raise():
    o = ontology()
    with pytest.raises(OntologyError) as err:
        o.term("severedRelationWith")
    assert "severedRelationsWith" in _close_matches(str(err.value))
    with pytest.raises(OntologyError) as err:
        o.individual("atleast")
    assert "at_least" in _close_matches(str(err.value))
    # a class is not a property: the namespaces are kept apart
    with pytest.raises(OntologyError):
        o.prop("Ambush")


def test_is_a_hierarchy():
    o = ontology()
    assert o.is_a("Ambush", "Attack")
    assert o.is_a("Attack", "Event")
    assert o.is_a("Ambush", "Event")
    assert o.is_a("IntelligenceAgency", "GovernmentBody")
    assert o.is_a("IntelligenceAgency", "Organization")
    assert o.is_a("IntelligenceAgency", "Actor")
    assert o.is_a("DroneStrike", "Strike")
    assert o.is_a("State", "Actor") and o.is_a("State", "Place")
    assert o.is_a("Ambush", "Ambush")
    # and not the other way round
    assert not o.is_a("Attack", "Ambush")
    assert not o.is_a("GovernmentBody", "IntelligenceAgency")
    assert not o.is_a("Ambush", "Actor")
    assert o.ancestors("Ambush")[:2] == ["Ambush", "Attack"]
    assert "Ambush" in o.subclasses("Attack") and "Battle" not in o.subclasses("Attack")


def test_functional_properties():
    f = ontology().functional
    assert {"date", "place", "country", "fatalities"} <= f
    assert "affiliatedWith" not in f


def test_symmetric_transitive_inverse():
    o = ontology()
    assert {"alliedWith", "severedRelationsWith"} <= o.symmetric
    assert "partOf" in o.transitive
    assert o.inverse["succeededBy"] == "precededBy"
    assert o.inverse["precededBy"] == "succeededBy"


def test_families():
    o = ontology()
    assert o.family("affiliatedWith") == "affiliated_with"
    assert o.family("severedRelationsWith") == "severed_relations_with"
    assert o.family("Ambush") == "attack"
    assert o.family("Massacre") == "massacre"
    assert o.family("DroneStrike") == "strike"
    assert o.family("TerritorialChange") == "territory_change"
    assert o.family("claimedResponsibilityFor") == "claimed_responsibility"


def test_broken_ontology_file_is_reported(tmp_path: Path):
    bad = tmp_path / "kg.ttl"
    bad.write_text(
        "@prefix kgo: <https://w3id.org/conflict-kg/ontology#> .\nkgo:Actor a ;\n",
        encoding="utf-8",
    )
    with pytest.raises(OntologyError) as err:
        ontology(str(bad))
    assert str(bad) in str(err.value)
    noprefix = tmp_path / "none.ttl"
    noprefix.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    with pytest.raises(OntologyError, match="kgo"):
        ontology(str(noprefix))


def test_every_ttl_parses_with_rdflib(repo_root: Path):
    files = sorted((repo_root / "ontology").rglob("*.ttl"))
    names = {f.relative_to(repo_root / "ontology").as_posix() for f in files}
    assert {"kg.ttl", "shapes.ttl", "vocab/event-types.ttl", "vocab/actor-types.ttl"} <= names
    for f in files:
        g = rdflib.Graph().parse(f, format="turtle")
        assert len(g) > 0, f


# -- SHACL --------------------------------------------------------------------------------------


def _claim_graph(*, confidence: Literal, with_rule: bool = True) -> rdflib.Graph:
    g = rdflib.Graph()
    doc, claim, ev = KG["doc/test"], KG["claim/c1"], KG["evidence/e1"]
    jnim, aq = KG["actor/jnim"], KG["actor/al-qaeda"]
    g.add((doc, RDF.type, KGO.Report))
    g.add((doc, KGO.title, Literal("A test report")))
    for who, name in ((jnim, "JNIM"), (aq, "al-Qaeda")):
        g.add((who, RDF.type, KGO.ArmedGroup))
        g.add((who, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), Literal(name)))
    g.add((jnim, KGO.affiliatedWith, aq))
    g.add((claim, RDF.type, KGO.Claim))
    g.add((claim, KGO.subject, jnim))
    g.add((claim, KGO.predicate, KGO.affiliatedWith))
    g.add((claim, KGO.object, aq))
    g.add((claim, KGO.statedIn, doc))
    g.add((claim, KGO.evidence, ev))
    if with_rule:
        g.add((claim, KGO.rule, Literal("rel.affiliated.affiliate-of")))
    g.add((claim, KGO.confidence, confidence))
    g.add((ev, RDF.type, KGO.Evidence))
    g.add((ev, KGO.inDocument, doc))
    g.add((ev, KGO.text, Literal("JNIM, an affiliate of al-Qaeda, ...")))
    g.add((ev, KGO.startOffset, Literal(0)))
    g.add((ev, KGO.endOffset, Literal(35)))
    return g


def _validate(data: rdflib.Graph, repo_root: Path) -> tuple[bool, rdflib.Graph]:
    from pyshacl import validate

    shapes = rdflib.Graph().parse(repo_root / "ontology" / "shapes.ttl")
    onto = rdflib.Graph().parse(repo_root / "ontology" / "kg.ttl")
    conforms, report, _text = validate(data, shacl_graph=shapes, ont_graph=onto, inference="rdfs")
    return bool(conforms), report


def _violations(report: rdflib.Graph) -> set[str]:
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    return {
        str(report.value(r, sh.resultMessage))
        for r in report.subjects(RDF.type, sh.ValidationResult)
        if report.value(r, sh.resultSeverity) == sh.Violation
    }


def test_shapes_accept_a_correct_claim(repo_root: Path):
    g = _claim_graph(confidence=Literal("0.9", datatype=DECIMAL))
    conforms, report = _validate(g, repo_root)
    assert conforms, report.serialize(format="turtle")


def test_shapes_reject_a_broken_claim(repo_root: Path):
    g = _claim_graph(confidence=Literal("1.5", datatype=DECIMAL), with_rule=False)
    conforms, report = _validate(g, repo_root)
    assert not conforms
    messages = _violations(report)
    assert any("kgo:rule" in m for m in messages), messages
    assert any("kgo:confidence" in m for m in messages), messages


def test_shapes_target_subclasses_through_rdfs_inference(repo_root: Path):
    # a CountClaim is a Claim: without a qualifier or a value it breaks the count shape
    g = _claim_graph(confidence=Literal("0.9", datatype=DECIMAL))
    g.set((KG["claim/c1"], RDF.type, KGO.CountClaim))
    conforms, report = _validate(g, repo_root)
    assert not conforms
    messages = _violations(report)
    assert any("qualifier" in m for m in messages), messages
    assert any("kgo:value" in m for m in messages), messages
