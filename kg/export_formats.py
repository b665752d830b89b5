"""Exports to the formats of neighbouring tools: STIX 2.1 bundles and FollowTheMoney entities.

Both read the store through SPARQL only (:meth:`~kg.store.oxigraph.KGStore.select`) and write
deterministic output: the same graph gives byte-identical files, so exports can be diffed.

STIX 2.1 (:func:`export_stix`)
    ============================================  =============================================
    graph                                         STIX
    ============================================  =============================================
    ``ArmedGroup``, ``Militia``,                  ``threat-actor``
    ``PrivateMilitaryCompany``
    other organisations (``Organization``,        ``identity`` (``organization``; government
    ``GovernmentBody``, ``StateForce``,           bodies get the ``government`` sector)
    ``MediaOutlet``, ``Company``...)
    ``Person``                                    ``identity`` (``individual``)
    ``CivilianGroup``                             ``identity`` (``group``)
    ``State``                                     ``location`` with its ISO country code
    other places                                  ``location`` when they have coordinates (or
                                                  a country with a code); else left out
    ``Malware``, ``Tool``, ``AttackPattern``      ``malware`` (a family), ``tool``,
                                                  ``attack-pattern``
    ``Campaign`` events                           ``campaign`` (``first_seen``: its date);
                                                  other events are left out (STIX 2.1 has no
                                                  object for a dated conflict event)
    ============================================  =============================================

    An entity read from STIX keeps its object type and id (``kgo:stixId``): an intrusion-set
    stays an intrusion-set. Other ids are UUID 5 of the entity IRI. Relation claims become
    ``relationship`` objects: ``uses``, ``targets``, ``attributedTo`` -> ``attributed-to``,
    ``basedIn`` and ``locatedIn`` -> ``located-at``; every other relation (affiliated with,
    part of, supports...) is ``related-to`` with the property's label as its description,
    which :func:`kg.load.stix.read_stix` reads back. Validity becomes ``start_time`` and
    ``stop_time`` (the end of the stated day, month or year), the best confidence
    ``confidence``. A campaign's perpetrators and targets become ``attributed-to`` and
    ``targets``. Every object carries an external reference to its graph IRI (and to Wikidata
    when known). Timestamps are one fixed instant (``timestamp``).

FollowTheMoney (:func:`export_ftm`)
    Actors become ``Person``, ``Company`` (companies and private military companies),
    ``PublicBody`` (government bodies, state forces, states) or ``Organization`` (the rest),
    with names, aliases, country, Wikidata id and existence dates; places are left out.
    Each relation claim becomes one FtM record: ``memberOf`` -> ``Membership``, ``ownerOf``
    -> ``Ownership`` (when the asset is a company), ``directorOf`` -> ``Directorship``,
    ``sanctioned`` -> ``Sanction`` (``authority``: the sanctioning actor's name; ``program``:
    the claim's note), and the other actor-to-actor relations an ``UnknownLink`` whose
    ``role`` is the property's label. Events become ``Event`` records with their participants
    as ``involved``. Entities read from FtM keep their id (``kgo:ftmId``); other ids are
    ``kg-`` and a hash of the IRI or claim.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, BinaryIO, TextIO

from kg.model import short_hash
from kg.ontology import Ontology, ontology, sparql_prologue
from kg.store.oxigraph import KGStore

#: The one instant every exported STIX object is created and modified at (reproducible files).
DEFAULT_TIMESTAMP = "2020-01-01T00:00:00.000Z"
ROLES = ("perpetrator", "target", "victim", "participant", "supporter")
_INTERNAL = ("type", "place", "country", "date", *ROLES)
_THREAT_ACTORS = ("ArmedGroup", "Militia", "PrivateMilitaryCompany")
_STIX_CAPABILITIES = {"Malware": "malware", "Tool": "tool", "AttackPattern": "attack-pattern"}
_STIX_RELATIONS = {
    "uses": "uses",
    "targets": "targets",
    "attributedTo": "attributed-to",
    "basedIn": "located-at",
    "locatedIn": "located-at",
}


# -- reading the graph --------------------------------------------------------------------------
@dataclass
class Item:
    """An actor, place, capability or event of the graph, with what the exports need."""

    iri: str
    type: str
    label: str = ""
    aliases: list[str] = field(default_factory=list)
    stix_ids: list[str] = field(default_factory=list)
    ftm_ids: list[str] = field(default_factory=list)
    wikidata: str | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    date: str | None = None
    place: str | None = None


@dataclass
class Relation:
    """One relation claim (``claim`` is its node)."""

    claim: str
    s: str
    p: str
    o: str
    valid_from: str | None = None
    valid_until: str | None = None
    note: str | None = None
    confidence: float = 1.0
    source: str | None = None  # who asserted it


@dataclass
class GraphView:
    """What the exports read from a store."""

    items: dict[str, Item]
    relations: list[Relation]
    roles: list[tuple[str, str, str, str | None]]  # (event, role, actor, asserted by)

    def of_kind(self, o: Ontology, cls: str) -> list[Item]:
        return [i for i in self.items.values() if o.is_a(i.type, cls)]


def _best_type(o: Ontology, types: set[str]) -> str:
    best = [t for t in types if not any(o.is_a(u, t) and u != t for u in types)]
    return sorted(best)[0]


def read_graph(store: KGStore) -> GraphView:
    """Actors, places, capabilities and events, their relation claims and event roles."""
    o = ontology()
    pre = sparql_prologue()
    types: dict[str, set[str]] = defaultdict(set)
    typed = """SELECT DISTINCT ?x ?t WHERE {
        ?x rdf:type ?t . FILTER(STRSTARTS(STR(?t), STR(kgo:))) FILTER(isIRI(?x))
        FILTER(?t NOT IN (kgo:Claim, kgo:CountClaim, kgo:Statement, kgo:Evidence, kgo:Document,
                          kgo:Report, kgo:Dataset, kgo:Qualifier)) }"""
    for r in store.select(pre + typed):
        local = o.local(r["t"])
        if local in o.classes and any(
            o.is_a(local, c) for c in ("Actor", "Place", "Capability", "Event")
        ):
            types[r["x"]].add(local)
    items = {x: Item(x, _best_type(o, ts)) for x, ts in types.items()}
    ref_doc = o.entity_iri("doc", "reference")
    labels: dict[str, list[tuple[bool, str]]] = defaultdict(list)
    for r in store.select(pre + "SELECT ?x ?l ?g WHERE { GRAPH ?g { ?x skos:prefLabel ?l } }"):
        if r["x"] in items:
            labels[r["x"]].append((r["g"] != ref_doc, str(r["l"])))
    for x, ls in labels.items():
        items[x].label = min(ls)[1]
    for r in store.select(pre + "SELECT DISTINCT ?x ?l WHERE { ?x skos:altLabel ?l }"):
        if r["x"] in items:
            items[r["x"]].aliases.append(str(r["l"]))
    # claims carry validity too: the entities are the nodes with a kgo:resolved flag
    attrs = """SELECT ?x ?p ?v WHERE {
        { VALUES ?p { kgo:stixId kgo:ftmId owl:sameAs geo:lat geo:long kgo:country kgo:date
                      kgo:place }
          ?x ?p ?v }
        UNION { VALUES ?p { kgo:validFrom kgo:validUntil } ?x kgo:resolved ?r ; ?p ?v } }"""
    for r in store.select(pre + attrs):
        it = items.get(r["x"])
        if it is None:
            continue
        p, v = o.local(r["p"]) if r["p"].startswith(o.ns) else r["p"], r["v"]
        if p == "stixId":
            it.stix_ids.append(str(v))
        elif p == "ftmId":
            it.ftm_ids.append(str(v))
        elif p.endswith("#sameAs") and str(v).startswith("http://www.wikidata.org/entity/Q"):
            it.wikidata = min(filter(None, [it.wikidata, str(v).rsplit("/", 1)[1]]))
        elif p.endswith("#lat"):
            it.lat = float(v)
        elif p.endswith("#long"):
            it.lon = float(v)
        elif p in ("country", "place"):
            setattr(it, p, min(filter(None, [getattr(it, p), str(v)])))
        elif p in ("validFrom", "date"):
            key = "valid_from" if p == "validFrom" else "date"
            setattr(it, key, min(filter(None, [getattr(it, key), str(v)])))
        elif p == "validUntil":
            it.valid_until = max(filter(None, [it.valid_until, str(v)]))
    for it in items.values():
        it.aliases = sorted(set(it.aliases) - {it.label})
        it.stix_ids.sort()
        it.ftm_ids.sort()
    claims = (
        pre
        + """SELECT ?c ?s ?p ?o ?vf ?vu ?note ?conf ?src WHERE {
        ?c kgo:subject ?s ; kgo:predicate ?p ; kgo:object ?o . FILTER(isIRI(?o))
        OPTIONAL { ?c kgo:validFrom ?vf } OPTIONAL { ?c kgo:validUntil ?vu }
        OPTIONAL { ?c kgo:note ?note } OPTIONAL { ?c kgo:confidence ?conf }
        OPTIONAL { ?c kgo:assertedBy ?src } }"""
    )
    relations: list[Relation] = []
    roles: set[tuple[str, str, str, str | None]] = set()
    seen: set[str] = set()
    for r in store.select(claims):
        if not r["p"].startswith(o.ns) or r["c"] in seen:
            continue
        p = o.local(r["p"])
        if r["s"] not in items or r["o"] not in items:
            continue
        if p in ROLES:
            roles.add((r["s"], p, r["o"], r["src"]))
            continue
        if p in _INTERNAL or p not in o.properties or p not in o.families:
            continue
        seen.add(r["c"])
        relations.append(
            Relation(
                r["c"],
                r["s"],
                p,
                r["o"],
                str(r["vf"]) if r["vf"] else None,
                str(r["vu"]) if r["vu"] else None,
                str(r["note"]) if r["note"] else None,
                float(r["conf"]) if r["conf"] is not None else 1.0,
                r["src"],
            )
        )
    relations.sort(key=lambda x: x.claim)
    return GraphView(items, relations, sorted(roles, key=lambda x: tuple(map(str, x))))


# -- STIX ---------------------------------------------------------------------------------------
def _period(date: str) -> tuple[dt.datetime, dt.datetime]:
    """First and last instant of a ``YYYY[-MM[-DD]]`` date."""
    parts = [int(x) for x in date.split("-")]
    year, month, day = [*parts, 1, 1][:3]
    start = dt.datetime(year, month, day, tzinfo=dt.UTC)
    if len(parts) == 1:
        end = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)
    elif len(parts) == 2:
        end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=dt.UTC)
    else:
        end = start + dt.timedelta(days=1)
    return start, end - dt.timedelta(milliseconds=1)


def _stamp(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _country_code(label: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country name (through FollowTheMoney's country list)."""
    try:
        from followthemoney.types import registry
    except ImportError:
        return None
    code = registry.country.clean(label)
    return str(code) if code and len(str(code)) == 2 else None


def _country_of(view: GraphView, it: Item) -> str | None:
    """The country code of a state, or of the country an entity is tied to."""
    if it.type == "State":
        return _country_code(it.label)
    home = view.items.get(it.country) if it.country else None
    return _country_code(home.label) if home is not None else None


def _stix_type(o: Ontology, it: Item) -> str | None:
    """The STIX object type of an item (a kept STIX id of a fitting type wins)."""
    if o.is_a(it.type, "Event"):
        allowed = {"campaign"} if o.is_a(it.type, "Campaign") else set()
    elif o.is_a(it.type, "Capability"):
        allowed = {v for k, v in _STIX_CAPABILITIES.items() if o.is_a(it.type, k)}
    elif it.type == "State":
        allowed = {"location", "identity"}
    elif o.is_a(it.type, "Place"):
        allowed = {"location"}
    else:
        allowed = {"threat-actor", "intrusion-set", "identity"}
    for sid in it.stix_ids:
        t = sid.split("--", 1)[0]
        if t in allowed:
            return t
    if not allowed:
        return None
    if o.is_a(it.type, "Actor") and not o.is_a(it.type, "Place"):
        return "threat-actor" if it.type in _THREAT_ACTORS else "identity"
    return sorted(allowed)[0] if len(allowed) == 1 else "location"


def export_stix(store: KGStore, out: BinaryIO, *, timestamp: str = DEFAULT_TIMESTAMP) -> None:
    """Write the graph's actors, places, capabilities, campaigns and their relations as one
    STIX 2.1 bundle (JSON, UTF-8) to ``out``.

    The same graph always gives the same bytes: ids are kept STIX ids or UUID 5 of the IRIs,
    and every object is created and modified at ``timestamp``.
    """
    o = ontology()
    view = read_graph(store)
    ns = uuid.uuid5(uuid.NAMESPACE_URL, o.data_ns)
    ids: dict[str, str] = {}
    used: set[str] = set()
    objects: dict[str, dict[str, Any]] = {}
    for iri in sorted(view.items):
        it = view.items[iri]
        stype = _stix_type(o, it)
        if stype is None:
            continue
        sid = next((s for s in it.stix_ids if s.startswith(stype + "--") and s not in used), None)
        sid = sid or f"{stype}--{uuid.uuid5(ns, iri)}"
        obj = _stix_object(o, view, it, stype, sid, timestamp)
        if obj is None:
            continue
        used.add(sid)
        ids[iri] = sid
        objects[sid] = obj
    rels: dict[tuple[str, str, str, str | None, str | None], dict[str, Any]] = {}
    sources: dict[str, set[str | None]] = defaultdict(set)

    def relate(
        s: str, p: str, t: str, vf: str | None, vu: str | None, conf: float, src: str | None
    ) -> None:
        if s not in ids or t not in ids:
            return
        rtype = _STIX_RELATIONS.get(p, "related-to")
        key = (ids[s], rtype if rtype != "related-to" else p, ids[t], vf, vu)
        rel = rels.get(key)
        if rel is None:
            rid = uuid.uuid5(ns, "|".join(str(k) for k in key))
            rel = rels[key] = {
                "type": "relationship",
                "spec_version": "2.1",
                "id": f"relationship--{rid}",
                "created": timestamp,
                "modified": timestamp,
                "relationship_type": rtype,
                "source_ref": ids[s],
                "target_ref": ids[t],
                "confidence": 0,
            }
            if rtype == "related-to":
                rel["description"] = o.labels.get(p, p)
            if vf:
                rel["start_time"] = _stamp(_period(vf)[0])
            if vu:
                rel["stop_time"] = _stamp(_period(vu)[1])
            if vf and vu and rel["stop_time"] <= rel["start_time"]:
                del rel["stop_time"]
        rel["confidence"] = max(rel["confidence"], round(conf * 100))
        sources[rel["id"]].add(src)

    for r in view.relations:
        relate(r.s, r.p, r.o, r.valid_from, r.valid_until, r.confidence, r.source)
    for event, role, actor, src in view.roles:
        if event in ids and ids[event].startswith("campaign--"):
            pred = {"perpetrator": "attributedTo", "target": "targets"}.get(role)
            if pred:
                relate(event, pred, actor, None, None, 1.0, src)
    for rel in rels.values():
        # the creator, when every claim behind the relationship comes from one exported identity
        who = sources[rel["id"]]
        creator = ids.get(next(iter(who)) or "") if len(who) == 1 else None
        if creator and creator.startswith("identity--"):
            rel["created_by_ref"] = creator
        objects[rel["id"]] = rel
    ordered = [objects[k] for k in sorted(objects)]
    bundle_id = uuid.uuid5(ns, "bundle|" + "|".join(sorted(objects)))
    bundle = {"type": "bundle", "id": f"bundle--{bundle_id}", "objects": ordered}
    out.write(json.dumps(bundle, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))
    out.write(b"\n")


def _stix_object(
    o: Ontology, view: GraphView, it: Item, stype: str, sid: str, timestamp: str
) -> dict[str, Any] | None:
    name = it.label or it.iri.rsplit("/", 1)[-1]
    obj: dict[str, Any] = {
        "type": stype,
        "spec_version": "2.1",
        "id": sid,
        "created": timestamp,
        "modified": timestamp,
        "name": name,
    }
    # ids rather than URLs: a URL without a hash of its content is a STIX best-practice warning
    refs = [{"source_name": "conflict-kg", "external_id": it.iri}]
    if it.wikidata:
        refs.append({"source_name": "wikidata", "external_id": it.wikidata})
    obj["external_references"] = refs
    if it.aliases and stype not in ("identity", "location"):
        obj["aliases"] = list(it.aliases)
    if stype == "identity":
        if o.is_a(it.type, "Person"):
            obj["identity_class"] = "individual"
        elif it.type == "CivilianGroup":
            obj["identity_class"] = "group"
        else:
            obj["identity_class"] = "organization"
        if o.is_a(it.type, "GovernmentBody") or it.type == "State":
            obj["sectors"] = ["government"]
    elif stype == "malware":
        obj["is_family"] = True
    elif stype == "campaign" and it.date:
        obj["first_seen"] = _stamp(_period(it.date)[0])
    elif stype == "location":
        code = _country_of(view, it)
        if code:
            obj["country"] = code.upper()
        if it.lat is not None and it.lon is not None:
            obj["latitude"], obj["longitude"] = round(it.lat, 5), round(it.lon, 5)
        if "country" not in obj and "latitude" not in obj:
            return None  # STIX needs a country, a region or coordinates
    return obj


# -- FollowTheMoney -----------------------------------------------------------------------------
def _ftm_schema(o: Ontology, cls: str) -> str | None:
    if not o.is_a(cls, "Actor"):
        return None
    if o.is_a(cls, "Person"):
        return "Person"
    if o.is_a(cls, "Company") or o.is_a(cls, "PrivateMilitaryCompany"):
        return "Company"
    if cls == "State" or o.is_a(cls, "GovernmentBody") or o.is_a(cls, "StateForce"):
        return "PublicBody"
    return "Organization"


_FTM_TOPICS = {
    "State": "gov.national",
    "GovernmentBody": "gov",
    "StateForce": "mil",
    "MilitaryUnit": "mil",
    "InternationalOrganisation": "gov.igo",
}
_LEGAL_DATES = ("incorporationDate", "dissolutionDate")
_FTM_RELATIONS = {
    "memberOf": ("Membership", "member", "organization"),
    "ownerOf": ("Ownership", "owner", "asset"),
    "directorOf": ("Directorship", "director", "organization"),
}


def export_ftm(store: KGStore, out: TextIO) -> None:
    """Write the graph's actors, their relations and the events as FollowTheMoney JSON lines.

    One entity per line, entities first, then relation records and events, each group
    sorted by id; the same graph always gives the same text.
    """
    o = ontology()
    view = read_graph(store)
    schema: dict[str, str] = {}
    ids: dict[str, str] = {}
    used: set[str] = set()
    lines: list[dict[str, Any]] = []
    for iri in sorted(view.items):
        it = view.items[iri]
        sch = _ftm_schema(o, it.type)
        if sch is None:
            continue
        fid = next((f for f in it.ftm_ids if f not in used), None) or f"kg-{short_hash(iri)}"
        used.add(fid)
        ids[iri], schema[iri] = fid, sch
        props: dict[str, list[str]] = {"name": [it.label or iri.rsplit("/", 1)[-1]]}
        if it.aliases:
            props["alias"] = list(it.aliases)
        country = _country_of(view, it)
        if country:
            props["country"] = [country]
        if it.wikidata:
            props["wikidataId"] = [it.wikidata]
        born, gone = ("birthDate", "deathDate") if sch == "Person" else _LEGAL_DATES
        if it.valid_from:
            props[born] = [it.valid_from]
        if it.valid_until:
            props[gone] = [it.valid_until]
        topic = next((v for k, v in _FTM_TOPICS.items() if o.is_a(it.type, k)), None)
        if topic:
            props["topics"] = [topic]
        props["sourceUrl"] = [iri]
        lines.append({"id": fid, "schema": sch, "properties": props})
    records: list[dict[str, Any]] = []
    for r in view.relations:
        if r.s not in ids or r.o not in ids or o.groups.get(r.p) is None:
            continue
        rid = f"kg-{short_hash(r.claim)}"
        dates: dict[str, list[str]] = {}
        if r.valid_from:
            dates["startDate"] = [r.valid_from]
        if r.valid_until:
            dates["endDate"] = [r.valid_until]
        rel = _FTM_RELATIONS.get(r.p)
        if r.p == "sanctioned":
            props = {"entity": [ids[r.o]], "authority": [view.items[r.s].label], **dates}
            if r.note:
                props["program"] = [r.note]
            country = _country_of(view, view.items[r.s])
            if country:
                props["country"] = [country]
            records.append({"id": rid, "schema": "Sanction", "properties": props})
            continue
        fits = rel is not None and (
            (r.p != "ownerOf" or schema[r.o] == "Company")
            and (r.p != "memberOf" or schema[r.o] != "Person")
            and (r.p != "directorOf" or schema[r.o] != "Person")
        )
        if rel is not None and fits:
            sch, sprop, oprop = rel
            props = {sprop: [ids[r.s]], oprop: [ids[r.o]], **dates}
            if r.note:
                props["summary"] = [r.note]
            records.append({"id": rid, "schema": sch, "properties": props})
        else:
            props = {
                "subject": [ids[r.s]],
                "object": [ids[r.o]],
                "role": [o.labels.get(r.p, r.p)],
                **dates,
            }
            if r.note:
                props["summary"] = [r.note]
            records.append({"id": rid, "schema": "UnknownLink", "properties": props})
    involved: dict[str, set[str]] = defaultdict(set)
    for event, _role, actor, _src in view.roles:
        if actor in ids:
            involved[event].add(ids[actor])
    for it in sorted(view.of_kind(o, "Event"), key=lambda i: i.iri):
        label = o.labels.get(it.type, it.type)
        where = view.items[it.place].label if it.place in view.items else None
        name = it.label or ", ".join(filter(None, [label, where, it.date]))
        props = {"name": [name], "keywords": [label]}
        if it.date:
            props["date"] = [it.date]
        if where:
            props["location"] = [where]
        code = _country_of(view, it)
        if code:
            props["country"] = [code]
        if involved.get(it.iri):
            props["involved"] = sorted(involved[it.iri])
        props["sourceUrl"] = [it.iri]
        fid = next((f for f in it.ftm_ids if f not in used), None) or f"kg-{short_hash(it.iri)}"
        used.add(fid)
        records.append({"id": fid, "schema": "Event", "properties": props})
    for rec in sorted(lines, key=lambda d: d["id"]) + sorted(records, key=lambda d: d["id"]):
        out.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")
