"""The report extractor on short reports written for these tests, one feature each.

The reports are invented for the tests (Sahel and Russia-Ukraine situations) and read through
the same path as ``kg extract``: a file with a ``Title:``/``Date:`` header, then
:func:`kg.api.extract_file`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import actor, place

from kg.api import extract_file, extract_text
from kg.model import Claim, Document, Event, Extraction

WriteReport = Callable[..., Path]


def extract(write_report: WriteReport, body: str, date: str | None = "2024-06-13") -> Extraction:
    """Write a report (dated ``date``, a Thursday by default) and extract it."""
    return extract_file(write_report(body, date=date))


def relations(ex: Extraction, predicate: str) -> set[tuple[str, str]]:
    return {(c.subject, c.object or "") for c in ex.relations if c.predicate == predicate}


def labelled(ex: Extraction, predicate: str) -> set[tuple[str, str]]:
    """The (subject, object) labels of one predicate's relations."""
    labels = {e.id: e.label for e in ex.entities}
    return {(labels[s], labels[o]) for s, o in relations(ex, predicate)}


def only_event(ex: Extraction) -> Event:
    assert len(ex.events) == 1, [(e.type, e.date, e.place) for e in ex.events]
    return ex.events[0]


def counts(ev: Event) -> set[tuple[Any, str, str | None]]:
    return {(c.value, c.qualifier or "exact", c.source) for c in ev.fatalities}


# -- relations --------------------------------------------------------------------------------


def test_affiliation(write_report: WriteReport):
    ex = extract(
        write_report,
        "Traders in Niono said the gunmen who burned the cattle market belonged to Katiba "
        "Macina, an affiliate of al-Qaeda that recruits among herders in central Mali.",
    )
    assert relations(ex, "affiliatedWith") == {(actor("katiba-macina"), actor("al-qaeda"))}
    (c,) = [c for c in ex.relations if c.predicate == "affiliatedWith"]
    assert c.source is None  # the report's own voice
    assert c.rule.startswith("rel.affiliated")
    assert 0 < c.confidence <= 1


def test_succession_transitioned_to(write_report: WriteReport):
    ex = extract(
        write_report,
        "At a congress held in Kidal, the CSP transitioned to the Azawad Liberation Front, "
        "a single movement with one command.",
        date="2024-12-03",
    )
    assert relations(ex, "succeededBy") == {(actor("csp"), actor("fla"))}


def test_succession_rebranded_as(write_report: WriteReport):
    ex = extract(
        write_report,
        "At a congress held in Kidal late last month, the CSP was rebranded as the Azawad "
        "Liberation Front, and the movement promised to keep up the fight for the north.",
        date="2024-12-03",
    )
    assert relations(ex, "succeededBy") == {(actor("csp"), actor("fla"))}


def test_control_under_the_control_of(write_report: WriteReport):
    ex = extract(
        write_report,
        "In Djibo, the VDP, which are under the control of the Burkinabe army, man the "
        "checkpoints on the road to Ouahigouya.",
    )
    assert relations(ex, "controlledBy") == {(actor("vdp"), actor("burkina-armed-forces"))}


def test_severed_relations_with_a_list_subject(write_report: WriteReport):
    ex = extract(
        write_report,
        "Relations between the Sahel juntas and Kyiv soured within days. Mali and Niger "
        "severed diplomatic ties with Ukraine early this month.",
        date="2024-08-20",
    )
    assert relations(ex, "severedRelationsWith") == {
        (actor("mali"), actor("ukraine")),
        (actor("niger"), actor("ukraine")),
    }
    severed = [c for c in ex.relations if c.predicate == "severedRelationsWith"]
    assert len(severed) == 2
    assert all(c.evidence is not None and "severed" in c.evidence.text for c in severed)


def test_object_list_stops_at_a_new_clause(write_report: WriteReport):
    # ", and Burkina Faso recalled ..." starts a new clause: Burkina Faso is not an object
    ex = extract(
        write_report,
        "Mali and Niger severed diplomatic ties with Ukraine, and Burkina Faso recalled its "
        "envoy for consultations.",
        date="2024-08-20",
    )
    assert relations(ex, "severedRelationsWith") == {
        (actor("mali"), actor("ukraine")),
        (actor("niger"), actor("ukraine")),
    }


def test_accusation_in_a_trailing_phrase_keeps_the_main_fact(write_report: WriteReport):
    # the rupture is stated in the report's own voice; only the reason is an accusation
    ex = extract(
        write_report,
        "Mali and Niger severed diplomatic ties with Ukraine, accusing Kyiv of backing the "
        "rebels who routed government troops in the north.",
        date="2024-08-20",
    )
    assert relations(ex, "severedRelationsWith") == {
        (actor("mali"), actor("ukraine")),
        (actor("niger"), actor("ukraine")),
    }


# -- events, dates, counts --------------------------------------------------------------------


def test_event_roles_place_and_weekday_date(write_report: WriteReport):
    # 2024-06-13 is a Thursday: "on Tuesday" is 2024-06-11
    ex = extract(
        write_report,
        "ISSP fighters ambushed a Nigerien army patrol near Tillia on Tuesday, the defence "
        "ministry in Niamey said. The patrol had been escorting a fuel convoy towards the "
        "Malian border.",
    )
    ev = only_event(ex)
    assert ev.type == "Ambush"
    assert ev.roles("perpetrator") == [actor("issp")]
    assert ev.roles("target") == [actor("niger-armed-forces")]
    assert ev.place == place("tillia")
    assert ev.country == actor("niger")
    assert ev.date == "2024-06-11"
    assert ev.date_precision == "day"
    assert ev.rule.startswith("event.")


def test_event_perpetrator_named_after_from(write_report: WriteReport):
    ex = extract(
        write_report,
        "Gunmen from the Islamic State Sahel Province ambushed a Nigerien army patrol near "
        "Tillia on Tuesday.",
    )
    ev = only_event(ex)
    assert ev.roles("perpetrator") == [actor("issp")]
    assert ev.roles("target") == [actor("niger-armed-forces")]


def test_month_name_gives_month_precision(write_report: WriteReport):
    ex = extract(
        write_report,
        "In March, JNIM fighters attacked Burkinabe soldiers at Arbinda, in the country's "
        "north. The raid was only confirmed weeks later.",
    )
    ev = only_event(ex)
    assert ev.date == "2024-03"
    assert ev.date_precision == "month"
    assert ev.place == place("arbinda")
    assert ev.roles("perpetrator") == [actor("jnim")]


def test_relative_date_needs_a_report_date(write_report: WriteReport):
    ex = extract(
        write_report,
        "JNIM fighters attacked Burkinabe soldiers at Arbinda on Tuesday.",
        date=None,
    )
    ev = only_event(ex)
    assert ev.date is None
    dated = extract_text(
        "JNIM fighters attacked Burkinabe soldiers at Arbinda on Tuesday.",
        report_date="2024-06-13",
    )
    assert only_event(dated).date == "2024-06-11"


def test_two_sources_two_fatality_claims(write_report: WriteReport):
    ex = extract(
        write_report,
        "JNIM fighters attacked a Burkinabe army base at Djibo on Sunday. According to AFP, "
        "12 soldiers were killed, while Reuters put the toll at 15.",
    )
    ev = only_event(ex)
    assert ev.date == "2024-06-09"
    assert counts(ev) == {(12, "exact", actor("afp")), (15, "exact", actor("reuters"))}
    assert len(ev.fatalities) == 2
    for c in ev.fatalities:
        assert c.subject == ev.id
        assert c.predicate == "fatalities"
        assert c.rule


def test_at_least_and_more_than(write_report: WriteReport):
    ex = extract(
        write_report,
        "Militants raided a market in Seytenga on Friday. At least 30 civilians were killed "
        "and more than 40 others were wounded, a local official said.",
    )
    ev = only_event(ex)
    assert ev.place == place("seytenga")
    # the wounded are not a fatality count
    assert counts(ev) == {(30, "at_least", None)}
    later = extract(
        write_report,
        "Militants raided a market in Seytenga on Friday. More than 50 villagers were killed.",
    )
    assert counts(only_event(later)) == {(50, "more_than", None)}


def test_had_died_is_a_fatality_count(write_report: WriteReport):
    ex = extract(
        write_report,
        "Militants raided a market in Seytenga on Friday. By nightfall more than 50 villagers "
        "had died, residents said.",
    )
    assert counts(only_event(ex)) == {(50, "more_than", None)}


# -- statements -------------------------------------------------------------------------------


def test_denial_is_a_statement_not_a_fact(write_report: WriteReport):
    text = (
        "Ukraine's foreign ministry denied that the Main Intelligence Directorate had provided "
        "satellite images to the CSP before the fighting near the Algerian border."
    )
    ex = extract(write_report, text)
    assert relations(ex, "supports") == set()
    denials = [s for s in ex.statements if s.predicate == "denied"]
    assert len(denials) == 1
    (d,) = denials
    assert d.subject == actor("ukraine-mfa")
    assert "satellite images" in str(d.value)
    assert d.rule == "stmt.denied"
    # without the denial the same words are a support relation: the denial is what stops it
    plain = extract(write_report, text.replace("Ukraine's foreign ministry denied that ", ""))
    assert relations(plain, "supports") == {(actor("hur"), actor("csp"))}
    assert plain.statements == []


# -- entities ---------------------------------------------------------------------------------


def test_unknown_name_after_a_title_is_an_unresolved_person(write_report: WriteReport):
    ex = extract(
        write_report,
        "Colonel Ousmane Sidibe, who commands the garrison at Boni, said the attackers had fled "
        "towards the Burkinabe border.",
    )
    people = [e for e in ex.entities if e.type == "Person"]
    assert len(people) == 1
    (p,) = people
    assert p.resolved is False
    assert p.label == "Ousmane Sidibe"  # the title is not part of the name
    assert p.id.endswith("/ousmane-sidibe")
    assert "Ousmane Sidibe" in p.mentions
    boni = ex.entity(place("boni"))
    assert boni is not None and boni.resolved is True


def test_known_names_resolve_to_reference_entities(write_report: WriteReport):
    ex = extract(write_report, "Wagner and the FAMa patrolled around Tinzaouaten on Monday.")
    ids = {e.id for e in ex.entities}
    assert {actor("wagner"), actor("fama"), place("tin-zaouatine")} <= ids
    assert all(e.resolved for e in ex.entities)
    tz = ex.entity(place("tin-zaouatine"))
    assert tz is not None and tz.label == "Tin-Zaouatine" and "Tinzaouaten" in tz.mentions


# -- provenance of every claim ----------------------------------------------------------------

BUSY_REPORT = """\
Katiba Macina, an affiliate of al-Qaeda, has stepped up its campaign in central Mali.

On Sunday its fighters attacked Malian soldiers near Djenne. According to AFP, nine soldiers
were killed, while Reuters put the toll at eleven.

The CSP transitioned to the Azawad Liberation Front. In Djibo, the VDP, which are under the
control of the Burkinabe army, guarded the market.

Ukraine's foreign ministry denied that the Main Intelligence Directorate had provided satellite
images to the CSP. Mali and Niger severed diplomatic ties with Ukraine.
"""


def _claims(ex: Extraction) -> list[Claim]:
    out = list(ex.relations) + list(ex.statements)
    for ev in ex.events:
        out += ev.fatalities
        for c in ev.fatalities:
            out += c.parts
    return out


def test_evidence_offsets_point_into_the_document(write_report: WriteReport):
    ex = extract(write_report, BUSY_REPORT)
    doc = ex.document
    assert doc.text.startswith("Katiba Macina")  # the header is not part of the text
    spans = [c.evidence for c in _claims(ex)]
    spans += [e for ev in ex.events for e in ev.evidence]
    spans += [p.evidence for ev in ex.events for p in ev.participants]
    spans = [e for e in spans if e is not None]
    assert len(spans) >= 8
    for ev in spans:
        assert ev.start is not None and ev.end is not None
        assert 0 <= ev.start < ev.end <= len(doc.text)
        assert doc.text[ev.start : ev.end] == ev.text


def test_every_claim_has_a_rule(write_report: WriteReport):
    ex = extract(write_report, BUSY_REPORT)
    assert ex.relations and ex.events and ex.statements
    for c in ex.relations + ex.statements:
        assert c.rule.strip(), c
        assert c.evidence is not None
    for ev in ex.events:
        assert ev.rule.strip(), ev
        assert ev.evidence
        for c in ev.fatalities:
            assert c.rule.strip(), c
        for p in ev.participants:
            assert p.rule.strip(), p


def test_json_contract(write_report: WriteReport):
    path = write_report(BUSY_REPORT, title="Katiba Macina steps up attacks", date="2024-06-13")
    data = extract_file(path).to_json()
    json.dumps(data)  # plain JSON types only
    assert set(data) == {"document", "entities", "relations", "events", "statements"}
    assert {"id", "title", "date"} <= set(data["document"])
    assert data["document"]["title"] == "Katiba Macina steps up attacks"
    assert data["document"]["date"] == "2024-06-13"
    assert data["document"]["id"].endswith("/doc/report")
    for key in ("entities", "relations", "events", "statements"):
        assert isinstance(data[key], list) and data[key], key

    evidence_keys = {"text", "start", "end"}
    for e in data["entities"]:
        assert {"id", "label", "type", "resolved", "mentions"} <= set(e)
        assert isinstance(e["resolved"], bool) and isinstance(e["mentions"], list)
    for r in data["relations"]:
        assert {"subject", "predicate", "object", "source", "evidence", "rule"} <= set(r)
        assert evidence_keys <= set(r["evidence"])
        assert r["rule"]
    for ev in data["events"]:
        keys = {"id", "type", "date", "place", "participants", "fatalities", "evidence", "rule"}
        assert keys <= set(ev)
        assert evidence_keys <= set(ev["evidence"])
        assert ev["rule"]
        for p in ev["participants"]:
            assert {"entity", "role"} <= set(p)
        for f in ev["fatalities"]:
            assert {"value", "qualifier", "source"} <= set(f)
    for s in data["statements"]:
        assert {"by", "type", "about", "source", "evidence"} <= set(s)
        assert evidence_keys <= set(s["evidence"])

    (ev,) = [e for e in data["events"] if e["fatalities"]]
    assert {(f["value"], f["qualifier"], f["source"]) for f in ev["fatalities"]} == {
        (9, "exact", actor("afp")),
        (11, "exact", actor("reuters")),
    }
    assert ev["place"] == place("djenne")
    assert ev["date"] == "2024-06-09"
    assert {(p["entity"], p["role"]) for p in ev["participants"]} >= {
        (actor("fama"), "target"),
    }
    (st,) = data["statements"]
    assert (st["by"], st["type"]) == (actor("ukraine-mfa"), "denied")


@pytest.mark.parametrize("report_date", ["2024-06-13", None])
def test_extract_text_matches_extract_file(write_report: WriteReport, report_date: str | None):
    body = "JNIM fighters attacked Burkinabe soldiers at Arbinda on Tuesday."
    a = extract_text(body, report_date=report_date, doc_id="report")
    b = extract_file(write_report(body, date=None), report_date=report_date)
    assert a.document.id == b.document.id
    assert a.document.date == b.document.date == report_date
    assert a.to_json()["events"] == b.to_json()["events"]
    assert a.to_json()["entities"] == b.to_json()["entities"]


def test_a_speaker_does_not_own_the_description_of_itself():
    # "X, the al-Qaeda affiliate ..., said that ...": the affiliation is the report's voice,
    # only what follows "said that" is X's
    ex = extract_text(
        "JNIM, the al-Qaeda affiliate active across the Sahel, later said that its fighters "
        "had killed more than 30 soldiers near Djibo.",
        report_date="2024-06-14",
    )
    aff = [r for r in ex.relations if r.predicate == "affiliatedWith"]
    assert [(r.subject, r.object, r.source) for r in aff] == [
        (actor("jnim"), actor("al-qaeda"), None)
    ]
    counts = [c for e in ex.events for c in e.fatalities] or []
    assert all(c.source == actor("jnim") for c in counts)


def test_a_leading_attribution_covers_every_clause_without_its_own():
    ex = extract_text(
        "According to Reuters, at least 12 soldiers were killed in the ambush near Gao, "
        "while Agence France-Presse put the toll at 15.",
        report_date="2024-05-02",
    )
    counts = sorted(
        ((c.value, c.qualifier, c.source) for e in ex.events for c in e.fatalities),
        key=lambda t: t[0],
    )
    assert counts == [(12, "at_least", actor("reuters")), (15, "exact", actor("afp"))]


def test_a_dated_change_gives_the_claim_its_start():
    ex = extract_text(
        "Burkina Faso severed diplomatic relations with Ukraine on Monday. "
        "Its army chief died in August 2023.",
        report_date="2024-08-14",
    )
    [claim] = [r for r in ex.relations if r.predicate == "severedRelationsWith"]
    assert claim.valid_from == "2024-08-12"  # the Monday before the report


# -- sites named by a common noun, and "the group" after a tie -------------------------------


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("Gunmen stormed the Sahara Palms hotel in Niamey on Tuesday.", "Sahara Palms hotel"),
        (
            "A car bomb exploded outside the Tamarind shopping mall on Monday.",
            "Tamarind shopping mall",
        ),
        ("Fighters overran the Kolo checkpoint before dawn on Wednesday.", "Kolo checkpoint"),
        ("Rebels shelled the Mbeni Road overnight on Tuesday.", "Mbeni Road"),
        ("Troops searched the Gwoza forest on Wednesday.", "Gwoza forest"),
    ],
)
def test_a_name_before_a_facility_noun_is_a_site(write_report: WriteReport, body, name):
    ex = extract(write_report, body)
    [ent] = [e for e in ex.entities if e.label == name]
    assert ent.type == "Site"


def test_the_group_is_not_the_organisation_another_is_tied_to(write_report: WriteReport):
    ex = extract(
        write_report,
        "Ansar al-Sunna, which is linked to the Islamic State, claimed the raid on Monday. "
        "The group said eleven soldiers were killed.",
    )
    ansar = next(e for e in ex.entities if "Ansar al-Sunna" in e.mentions)
    assert "The group" in ansar.mentions
    assert not any(
        "group" in m.lower() for e in ex.entities if e.id != ansar.id for m in e.mentions
    )


def test_an_unqualified_president_leads_the_state_the_report_is_about(write_report: WriteReport):
    ex = extract(
        write_report,
        "KAMPALA, June 13 - Soldiers clashed with rebels in Kasese, in western Uganda, on "
        "Tuesday. President Edward Mukasa said the army would hold the town. "
        "Former President Paul Kato condemned the fighting.",
    )
    leads = {
        (c.subject.rsplit("/", 1)[-1], c.object) for c in ex.relations if c.predicate == "leaderOf"
    }
    assert ("edward-mukasa", actor("uganda")) in leads
    assert not any(s == "paul-kato" for s, _ in leads)  # "Former President"


def test_a_qualified_president_is_not_taken_for_the_home_state(write_report: WriteReport):
    ex = extract(
        write_report,
        "KAMPALA, June 13 - Soldiers clashed with rebels in Kasese, in western Uganda, on "
        "Tuesday. Kenyan President Samuel Otieno called for calm.",
    )
    assert not any(c.predicate == "leaderOf" and c.object == actor("uganda") for c in ex.relations)


def test_who_led_makes_a_leader(write_report: WriteReport):
    ex = extract(
        write_report,
        "Abubakar Shekau, who led Boko Haram for more than a decade, died in May 2021.",
    )
    assert (actor("shekau"), actor("boko-haram")) in relations(ex, "leaderOf") or any(
        c.predicate == "leaderOf" and c.object == actor("boko-haram") for c in ex.relations
    )


def test_a_trailing_according_to_speaks_for_the_count_before_it(write_report: WriteReport):
    ex = extract(
        write_report,
        "Rebels attacked Kasese on Monday. At least 17 people were killed in Kasese, "
        "according to a tally compiled by AFP from hospital sources.",
    )
    assert (17, "at_least", actor("afp")) in counts(only_event(ex))


def test_fighters_said_to_have_done_it_is_a_claim_of_the_incident(write_report: WriteReport):
    ex = extract(
        write_report,
        "Gunmen stormed the Sahara Palms hotel in Niamey on Tuesday, killing nine people. "
        "The attack began when a suicide bomber blew himself up in the lobby. "
        "Ansar al-Sunna said in a statement that its fighters had carried out the raid.",
    )
    ev = only_event(ex)  # the bomber's blast is the same incident, not a second event
    [claim] = [c for c in ex.statements if c.predicate == "claimedResponsibilityFor"]
    assert claim.object == ev.id


def test_fighters_who_had_not_done_it_make_no_claim(
    write_report: WriteReport,
):
    ex = extract(
        write_report,
        "Gunmen stormed the Sahara Palms hotel in Niamey on Tuesday, killing nine people. "
        "Ansar al-Sunna said in a statement that its fighters had not carried out the raid.",
    )
    assert not [c for c in ex.statements if c.predicate == "claimedResponsibilityFor"]


@pytest.mark.parametrize(
    "body",
    [
        "The rebels said on Tuesday that they had taken full control of Kasese.",
        "Rebel columns swept into Kasese on Tuesday.",
    ],
)
def test_taking_a_town_is_a_territorial_change(write_report: WriteReport, body):
    ev = only_event(extract(write_report, body))
    assert ev.type == "TerritorialChange" and ev.place == place("kasese")


# -- the country of a place told by the areas after it ------------------------------------
def _note(text: str):
    from kg.load.text.extract import ReportExtractor

    doc = Document(
        id=actor("x").replace("/actor/x", "/doc/note-test"),
        title="note",
        date="2023-09-30",
        text=text,
    )
    return ReportExtractor(register="notes").extract(doc)


@pytest.mark.parametrize(
    ("text", "place", "country"),
    [
        # a town of that name in several countries: the area picks Argentina's
        (
            "On 4 September 2023, bus drivers blocked the main avenue in Concepcion (Tucuman) "
            "over unpaid wages.",
            "Concepcion",
            "argentina",
        ),
        # a village the gazetteer does not know, in an ISO district and region
        (
            "On 9 September 2023, residents of Pader village (Oyam, Northern) marched to the "
            "district office over cattle thefts.",
            "Pader",
            "uganda",
        ),
        # the areas after "township", and the word naming their kind
        (
            "On 12 September 2023, in Hsihseng township (Taunggyi district, Shan-South state), "
            "villagers protested against the seizure of farmland.",
            "Hsihseng",
            "myanmar",
        ),
    ],
)
def test_areas_after_a_place_give_its_country(text: str, place: str, country: str):
    ex = _note(text)
    ents = {e.id: e for e in ex.entities}
    ev = ex.events[0]
    assert ents[ev.place].label.startswith(place)
    assert ev.country == actor(country)
    assert ents[ev.place].country == actor(country)


def test_areas_that_fit_no_single_country_give_none():
    # "Northern" is a region of many countries and the village is in no gazetteer
    ex = _note("On 2 September 2023, farmers gathered in Kwetakoro (Northern) over fertiliser.")
    ev = ex.events[0]
    assert ev.place and ev.country is None


def test_unnamed_protesters_are_of_the_country_of_their_place():
    # the note is about the war in Ukraine; the protest is in Spain
    ex = _note(
        "On 3 September 2023, protesters gathered in front of the town hall in Valencia "
        "(Valencia, Valencia) against the war in Ukraine and the shelling of Kharkiv in Ukraine."
    )
    labels = {e.id: e.label for e in ex.entities}
    ev = ex.events[0]
    assert ev.country == actor("spain")
    assert "Protesters (Spain)" in [labels[p.entity] for p in ev.participants]
    assert "Protesters (Ukraine)" not in labels.values()
    # a nationality written before them is kept
    ex = _note("On 3 September 2023, Ukrainian protesters gathered in Valencia over the war.")
    labels = {e.id: e.label for e in ex.entities}
    assert "Protesters (Ukraine)" in [labels[p.entity] for p in ex.events[0].participants]


@pytest.mark.parametrize(
    ("text", "place", "country"),
    [
        # particles inside a town's name, and a district after a dash
        (
            "On 2 August 2023, in Port-au-Prince - Carrefour-Feuilles, Ouest, residents "
            "burned tires to protest against kidnappings.",
            "Port-au-Prince - Carrefour-Feuilles",
            "haiti",
        ),
        (
            "On 7 August 2023, in Leon de los Aldama, Guanajuato, gunmen shot dead a shopkeeper.",
            "Leon de los Aldama",
            "mexico",
        ),
        # the district's name ends at the full stop; the city gives the country
        (
            "On 9 August 2023, dozens of people protested outside the parliament in "
            "Chisinau - Centru. Police watched.",
            "Chisinau - Centru",
            "moldova",
        ),
    ],
)
def test_place_names_with_particles_and_districts(text: str, place: str, country: str):
    ex = _note(text)
    ents = {e.id: e for e in ex.entities}
    ev = ex.events[0]
    assert ents[ev.place].label == place
    assert ev.country == actor(country)
    # plain "people" who protest are protesters of the country of the place
    if "people" in text:
        assert "Protesters (Moldova)" in [ents[p.entity].label for p in ev.participants]


# -- the sides of a fight, and events done by someone -------------------------------------
def _roles(ex: Extraction, ev: Event) -> set[tuple[str, str]]:
    labels = {e.id: e.label for e in ex.entities}
    return {(labels.get(p.entity, p.entity), p.role) for p in ev.participants}


def test_fighting_between_two_sides(write_report: WriteReport):
    ex = extract(
        write_report,
        "Heavy fighting broke out between the Sudanese army and the Rapid Support Forces near "
        "El Obeid on Monday, residents said.",
    )
    ev = only_event(ex)
    assert ev.type == "Battle"
    assert {r for _, r in _roles(ex, ev)} == {"participant"}
    assert len(ev.participants) == 2
    # a noun of a fight followed by "between" is a new event even without an article
    ex = extract(write_report, "Clashes between Boko Haram and ISWAP left 30 dead near Gwoza.")
    ev = only_event(ex)
    assert ev.type == "Battle" and len(ev.participants) == 2


def test_between_that_names_no_sides_or_a_past_accord(write_report: WriteReport):
    ex = extract(
        write_report,
        "The 2015 accord between the government and the northern movements has collapsed. "
        "Clashes between 10 and 20 villagers took place near Gao.",
    )
    assert not [e for e in ex.events if e.type == "Agreement"]
    assert all(not e.participants for e in ex.events)


def test_clashed_with_and_exchanged_fire(write_report: WriteReport):
    ex = extract(write_report, "On Tuesday the Malian army clashed with JNIM near Boni.")
    ev = only_event(ex)
    assert ev.roles("target") == [actor("jnim")]
    assert len(ev.roles("perpetrator")) == 1
    ex = extract(
        write_report,
        "On Tuesday the Houthis and pro-Hadi forces exchanged fire south of Marib.",
    )
    assert len(only_event(ex).participants) == 2


def test_a_plural_cue_done_by_someone_is_an_event(write_report: WriteReport):
    ex = extract(
        write_report,
        "On Sunday the Russian forces carried out air strikes, officials in Avdiivka said.",
    )
    ev = only_event(ex)
    assert ev.type == "AirStrike"
    assert [r for _, r in _roles(ex, ev)] == ["perpetrator"]


def test_shooting_a_named_kind_of_person(write_report: WriteReport):
    # "a guard", "a local administrator": a victim as good as a count
    ex = extract(
        write_report, "On Sunday JNIM gunmen shot and wounded a local administrator in Djenne."
    )
    ev = only_event(ex)
    assert ev.type == "Attack" and ev.rule == "event.verb.shot-and-wounded"
    assert ev.roles("perpetrator")
    # no one named before the verb: no event
    ex = extract(write_report, "On Sunday a guard was shot in Djenne.")
    assert not ex.events


def test_a_labelled_note_takes_its_opening_actor():
    ex = _note(
        "Looting: On 4 September 2023, suspected JNIM militants seized cattle in Dialloube "
        "(Mopti, Mopti)."
    )
    ev = only_event(ex)
    assert ev.type == "LootingDestruction"
    assert ev.roles("perpetrator") == [actor("jnim")]
    assert ev.participants[0].rule == "event.note.subject"
    ex = _note("Other: On 4 September 2023, a statement was read on the radio in Mopti (Mopti).")
    assert not only_event(ex).participants


def test_a_small_town_of_one_country_gives_its_country():
    ex = _note(
        "On 4 September 2023, about 40 hoteliers demonstrated in Oberstdorf against a "
        "tourism tax. [size=about 40]"
    )
    ev = only_event(ex)
    ents = {e.id: e for e in ex.entities}
    assert ev.country == actor("germany")
    assert ents[ev.place].lat is not None
    assert "Protesters (Germany)" in [ents[p.entity].label for p in ev.participants]
    # a name of a large town keeps the large town's country: the small namesakes (here in
    # the United States and Australia) do not decide it
    ex = _note("On 4 September 2023, about 40 hoteliers demonstrated in Springfield.")
    assert only_event(ex).country == actor("united-states")


def test_whose_strikes_a_name_before_the_cue_tells(write_report: WriteReport):
    ex = extract(write_report, "Israeli strikes on Khan Younis killed 20 people on Monday.")
    ev = only_event(ex)
    assert ev.roles("perpetrator") == [actor("israel")]
    labels = {e.id: e.label for e in ex.entities}
    assert labels[ev.place] == "Khan Younis"  # the place struck, not a target
    ex = extract(write_report, "On Monday RSF drone attacks hit the power station.")
    assert only_event(ex).roles("perpetrator") == [actor("rsf")]
    # with an article the strikes are ones already told of: no new event, no owner
    ex = extract(write_report, "Hours after the Port Sudan strikes, the army met in Kassala.")
    assert not ex.events


def test_the_day_a_toll_was_said_is_not_the_day_of_the_event(write_report: WriteReport):
    # the report is dated Thursday 13 June 2024
    ex = extract(
        write_report,
        "Drone strikes on the Port Sudan fuel depot killed 12 people, the army said on "
        "Wednesday. The strikes hit the depot late on Monday.",
    )
    ev = ex.events[0]
    assert ev.date != "2024-06-12"
    # an announcement that is the event itself keeps its day
    ex = extract(
        write_report,
        "The Wagner Group announced on Wednesday that it was pulling its fighters out of Mali.",
    )
    assert only_event(ex).date == "2024-06-12"


def test_a_kind_of_facility_after_a_name_makes_it_a_site(write_report: WriteReport):
    ex = extract(write_report, "US air strikes hit the Ras Isa fuel terminal on Thursday.")
    types = {e.label: e.type for e in ex.entities}
    assert types["Ras Isa"] == "Site"


def test_a_lowercase_ministry_is_the_states_and_a_source(write_report: WriteReport):
    ex = extract(
        write_report,
        "Pagers used by Hezbollah members exploded across Lebanon on Tuesday, killing at least "
        "12 people, the health ministry said.",
    )
    labels = {e.id: e.label for e in ex.entities}
    (c,) = only_event(ex).fatalities
    assert labels[c.source or ""] == "Ministry of Health of Lebanon"
    assert (c.source, actor("lebanon")) in relations(ex, "partOf")
    # the state named right before it wins
    ex = extract(write_report, "Drones hit Kharkiv on Monday, Ukraine's interior ministry said.")
    assert "Ministry of Interior of Ukraine" in {e.label for e in ex.entities}
    # an "interior ministry statement" of a report about Niger is Niger's
    ex = extract(
        write_report,
        "Gunmen attacked a mosque in Fambita in Niger on Friday. The village lies near the "
        "borders with Mali and Burkina Faso. According to an interior ministry statement, 44 "
        "people were killed.",
    )
    assert "Ministry of Interior of Niger" in {e.label for e in ex.entities}


def test_titles_and_reported_speech(write_report: WriteReport):
    # the apposition is the report's own voice; only the reported speech holds a modal
    ex = extract(
        write_report,
        "Debretsion Gebremichael, chairman of the Tigray People's Liberation Front (TPLF), "
        "told Reuters that his fighters would keep resisting.",
    )
    (c,) = [c for c in ex.relations if c.predicate == "leaderOf"]
    assert c.rule == "rel.leader.of"
    ex = extract(write_report, "UN Secretary-General Antonio Guterres visited Tripoli.")
    assert [c.rule for c in ex.relations if c.predicate == "leaderOf"] == [
        "rel.leader.secretary-general"
    ]
    # what is only said to be possible is not a fact
    ex = extract(write_report, "Officials said that Wagner would be affiliated with the junta.")
    assert not ex.relations


def test_a_name_used_for_a_place_is_that_place(write_report: WriteReport):
    ex = extract(
        write_report,
        "Gunmen attacked the village of Mafa on Friday. Mafa lies in Tarmuwa local government "
        "area, close to the boundary with Borno state. Many fled across the Naf river.",
    )
    types = {e.label: e.type for e in ex.entities}
    assert types["Mafa"] == "Settlement" and list(types).count("Mafa") == 1
    assert types["Naf river"] == "Site"
    assert (place("mafa"), place("tarmuwa")) in relations(ex, "locatedIn")


def test_support_and_mission_parts(write_report: WriteReport):
    ex = extract(
        write_report,
        "The Rwanda-backed M23 took Goma on Monday. Iran supplies the Houthis with missiles. "
        "They served with MONUSCO, the UN mission in Congo. Refugees reached Chad, according "
        "to the UN refugee agency (UNHCR). JNIM, the al-Qaeda branch in the Sahel, attacked "
        "Boni. The Kurdish-led SDF retreated.",
    )
    sup = relations(ex, "supports")
    assert (actor("rwanda"), actor("m23")) in sup
    assert (actor("iran"), actor("houthis")) in sup
    assert len(sup) == 2  # "Kurdish-led" says nothing of support
    parts = relations(ex, "partOf")
    assert (actor("monusco"), actor("un")) in parts
    assert not [p for p in parts if p[0] == actor("jnim")]  # a branch is an affiliate


def test_a_note_with_no_cue_takes_its_subject_after_a_place_phrase():
    ex = _note(
        "On 5 September 2023, in Lara state (coded to Barquisimeto, Lara), protesters "
        "demanded water and electricity. [size=no report]"
    )
    ev = only_event(ex)
    labels = {e.id: e.label for e in ex.entities}
    assert ev.type == "Protest" and ev.rule == "event.note.collective"
    assert [labels[p.entity] for p in ev.participants] == ["Protesters (Venezuela)"]


def test_places_inside_places(write_report: WriteReport):
    ex = extract(
        write_report,
        "Gunmen burned the market in Dangote, a town in Ghana's northern Savannah region, on "
        "Friday. A day later soldiers reached Bolenga and Tando, in the Kasai territory of "
        "Lomami province. Shells fell near Mirat, the capital of the eastern Mora region, and "
        "on a clinic in Zuri, in Lambo's Kanta district.",
    )
    got = labelled(ex, "locatedIn")
    assert ("Dangote", "Savannah region") in got  # past a country's possessive
    assert ("Kasai", "Lomami province") in got  # "X territory of Y"
    assert ("Bolenga", "Kasai") in got and ("Tando", "Kasai") in got  # a list of places
    assert ("Mirat", "Mora region") in got  # "the capital of the eastern X region"
    assert ("Kanta district", "Lambo") in got  # a town's possessive
    assert ("Zuri", "Kanta district") in got  # overlapping: "Zuri, in Lambo's Kanta district"
    assert all(o != "Ghana" for _, o in got)  # a country is the place's country, not a place
    types = {e.label: e.type for e in ex.entities}
    assert types["Tando"] == "Settlement"


def test_an_article_joined_by_a_hyphen_starts_a_place_name(write_report: WriteReport):
    ex = extract(
        write_report,
        "Residents of Tawra said the raids fell around al-Mazar and Hamdiya in eastern Kufa "
        "province.",
    )
    types = {e.label: e.type for e in ex.entities}
    assert types["al-Mazar"] == "Settlement" and types["Hamdiya"] == "Settlement"
    assert types["Tawra"] == "Settlement"  # "residents of X"
    assert ("al-Mazar", "Kufa province") in labelled(ex, "locatedIn")


def test_its_spokesman_is_the_previous_subjects(write_report: WriteReport):
    ex = extract(
        write_report,
        "JNIM denied the accusations on Sunday. Its military spokesman, Bakary Toure, said the "
        "fighters had struck only soldiers. Russia's Defence Ministry declined to comment. Its "
        "spokesman, Ilya Morov, said nothing of the strike.",
    )
    got = labelled(ex, "spokespersonOf")
    assert ("Bakary Toure", "Jama'at Nusrat al-Islam wal-Muslimin") in got
    assert ("Ilya Morov", "Russian Ministry of Defence") in got  # the ministry, not Russia
    # a person opening the previous sentence is not an organisation's spokesman's owner
    ex = extract(
        write_report,
        "President Assimi Goita visited Gao. Its spokesman, Bakary Toure, said little.",
    )
    assert not relations(ex, "spokespersonOf")


def test_ministers_and_government_spokesmen_of_the_reports_state(write_report: WriteReport):
    ex = extract(
        write_report,
        "BAMAKO - Gunmen attacked a gendarmerie post in Mali on Tuesday, the security ministry "
        "said. Security Minister Daoud Aly Mohammedine said 12 gendarmes died. Government "
        "spokesman Abdoulaye Maiga called it terrorism. Deputy Security Minister Ami Kone "
        "visited the post. Defence Minister Sadio Camara and Minister of Justice Amadou Keita were "
        "not there. Nigerien government "
        "spokesman Amadou Abdramane condemned the attack.",
    )

    ministry = "Ministry of Security of Mali"
    assert ("Daoud Aly Mohammedine", ministry) in labelled(ex, "leaderOf")  # the ministry named
    assert ("Ami Kone", ministry) in labelled(ex, "memberOf")  # a deputy is a member of it
    # no defence ministry named: a member of the state
    assert ("Sadio Camara", "Mali") in labelled(ex, "memberOf")
    assert ("Amadou Keita", "Mali") in labelled(ex, "memberOf")  # "Minister of X Y"
    assert ("Abdoulaye Maiga", "Mali") in labelled(ex, "spokespersonOf")
    assert ("Amadou Abdramane", "Niger") in labelled(ex, "spokespersonOf")  # the demonym's state
    assert "Niger" in {e.label for e in ex.entities}  # named only by its demonym


def test_a_force_named_by_its_state_is_part_of_it(write_report: WriteReport):
    ex = extract(
        write_report,
        "MOGADISHU - Government troops retook Bulo Burte in Somalia on Monday with help from "
        "clan militias.",
    )
    assert (actor("somali-national-army"), actor("somalia")) in relations(ex, "partOf")
    ex = extract(write_report, "MOGADISHU - The army retook Bulo Burte in Somalia on Monday.")
    assert not relations(ex, "partOf")  # "the army" alone does not say whose


def test_a_denial_of_the_incident_is_about_the_event(write_report: WriteReport):
    ex = extract(
        write_report,
        "Gunmen killed 14 villagers in Tamou on Friday, residents said. The army accused the "
        "Tamou Defence Front of the killings. The Tamou Defence Front denied any involvement. "
        "The Tamou Defence Front also denied receiving weapons from abroad.",
    )
    ev = only_event(ex)
    denials = [c for c in ex.statements if c.predicate == "denied"]
    assert len(denials) == 2, denials
    about_event = [c for c in denials if c.object == ev.id]
    assert len(about_event) == 1 and "involvement" in (about_event[0].note or "")
    # another matter is kept as the words denied
    assert [c.value for c in denials if c.object is None] == ["receiving weapons from abroad"]


def test_unnamed_killers_and_a_count_of_victims_are_an_incident(write_report: WriteReport):
    ex = extract(write_report, "Suspected jihadists killed 14 people in Tamou on Friday.")
    ev = only_event(ex)
    assert ev.type == "Attack" and ev.date == "2024-06-07" and not ev.participants
    assert {c.value for c in ev.fatalities} == {14}
    # no count, no named killer: nothing to tell the incident by
    assert not extract(write_report, "Rebels killed him.").events


def test_bombs_that_went_off_and_who_told_the_media(write_report: WriteReport):
    ex = extract(
        write_report,
        "At least 40 people were killed when two car bombs went off at a busy junction in "
        "Baidoa on Saturday, Governor Abdi Warsame said on Sunday, making it the town's worst "
        "attack in years. Police spokesman Ali Nur told state media that at least 12 bodies "
        "had been recovered.",
    )
    ev = only_event(ex)
    assert ev.type == "Bombing" and ev.date == "2024-06-08"
    labels = {e.id: e.label for e in ex.entities}
    got = {(c.value, c.qualifier, labels.get(c.source or "")) for c in ev.fatalities}
    assert (40, "at_least", "Abdi Warsame") in got  # the speaker of a cue before an aside
    assert (12, "at_least", "Ali Nur") in got  # "told state media"


def test_clashes_the_dead_were_killed_in_and_a_person_captured(write_report: WriteReport):
    ex = extract(
        write_report,
        "Eight police officers were killed in clashes that followed the capture of Ramon "
        "Quintero in the western state of Colima, officials said on Friday.",
    )
    assert sorted(e.type for e in ex.events) == ["Arrest", "Battle"]
    assert {e.label: e.type for e in ex.entities}["Colima"] == "Region"  # "state of X"
    assert all(e.place == place("colima") for e in ex.events)
    ev = only_event(
        extract(write_report, "Gunmen opened fire on a police aircraft in Manzanillo on Monday.")
    )
    assert ev.type == "Attack" and ev.date == "2024-06-10" and not ev.participants


def test_an_undated_placeless_incident_after_a_dated_one_is_of_its_time(write_report: WriteReport):
    ex = extract(
        write_report,
        "The army arrested Tomas Ruiz in Tarija on Tuesday. Gunmen then attacked army units "
        "across the region, killing 12 soldiers.",
    )
    dates = [(e.type, e.date) for e in ex.events]
    assert ("Attack", "2024-06-11") in dates, dates


def test_peoples_letters_and_surnames_are_no_new_entities(write_report: WriteReport):
    ex = extract(
        write_report,
        "Ahmed al-Mismari, a spokesman for the Libyan National Army, said Kurdish and Rohingya "
        "refugees were unharmed. ISIS-K was not involved, al-Mismari said.",
    )
    labels = sorted(e.label for e in ex.entities)
    assert "Ahmed al-Mismari" in labels
    assert not {"al-Mismari", "Kurdish", "Rohingya", "K"} & set(labels), labels


def test_based_run_by_and_listed_as_terrorists(write_report: WriteReport):
    ex = extract(
        write_report,
        "Human Rights Watch, a New York-based group, said the Houthi-run Al Masirah channel "
        "had lied. The United States and the European Union still list the Houthis as a "
        "terrorist organisation. JNIM, which Mali designated a terrorist group in 2017, "
        "attacked Boni. Mali does not list Wagner as a terrorist group.",
    )

    labels = {e.id: e.label for e in ex.entities}
    assert ("Human Rights Watch", "New York") in labelled(ex, "basedIn")
    houthis = labels[actor("houthis")]
    assert {("United States", houthis), ("European Union", houthis)} <= labelled(ex, "sanctioned")
    assert ("Mali", "Jama'at Nusrat al-Islam wal-Muslimin") in labelled(ex, "sanctioned")
    assert ("Mali", "Wagner Group") not in labelled(ex, "sanctioned")  # a negation is no fact
    assert any(p == "controlledBy" for p in {c.predicate for c in ex.relations})


def test_successions_told_from_the_successor_and_a_demonym_branch(write_report: WriteReport):
    ex = extract(
        write_report,
        "The Gulf Stabilisation Mission (GSM), which replaced the older MINUSMA force in 2024, "
        "withdrew. The Rapid Support Forces grew out of the Janjaweed militias. Katiba Macina, "
        "a Malian affiliate of al-Qaeda, attacked Boni.",
    )
    got = labelled(ex, "succeededBy")
    assert ("Janjaweed", "Rapid Support Forces") in got
    assert any(o == "Gulf Stabilisation Mission" for _, o in got), got
    assert (actor("katiba-macina"), actor("al-qaeda")) in relations(ex, "affiliatedWith")
