"""STIX 2.0/2.1 bundles -> claims.

A bundle (a JSON object with ``"type": "bundle"``) becomes one :class:`~kg.model.Extraction`
whose document is the bundle file (a ``Dataset``). Objects map to the ontology as follows:

============================  ================================================================
STIX object                   becomes
============================  ================================================================
``threat-actor``              an actor: ``Person`` when its ``resource_level`` is
                              ``individual`` (or OpenCTI says ``Threat-Actor-Individual``),
                              ``StateForce`` for ``nation-state`` actors, ``Organization``
                              for activists, hackers and other unarmed kinds, else
                              ``ArmedGroup``
``intrusion-set``             ``Organization``: a cyber group (APT28...) is an organised actor
                              but not, as such, an armed group
``identity``                  by ``identity_class``: ``individual`` -> ``Person``,
                              ``organization``/``group``/``unknown`` -> ``Organization``
                              (``GovernmentBody`` when its sectors say government); ``class``
                              (sectors) and ``system`` are skipped
``location``                  a ``State`` for countries, else ``Region``, ``Settlement`` or
                              ``Site`` (from OpenCTI's location type or the fields present);
                              coordinates kept
``campaign``                  a ``Campaign`` event (date: ``first_seen``), also labelled
``malware``/``tool``/         ``Malware``/``Tool``/``AttackPattern`` capabilities
``attack-pattern``            (IRIs ``kg:capability/<slug>``; never resolved)
``report``                    not an entity: its name (and publication date) is added to the
                              evidence of every claim about an object it refers to; a bundle
                              with one report takes its publication date
``relationship``              a relation claim: ``uses`` -> ``kgo:uses``, ``attributed-to`` ->
                              ``attributedTo``, ``targets`` -> ``targets``, ``located-at`` and
                              ``originates-from`` -> ``basedIn`` (``locatedIn`` between
                              places), ``part-of`` -> ``partOf`` (``locatedIn`` between
                              places), ``related-to`` only when its description names an
                              ontology property (as :mod:`kg.export_formats` writes it); other
                              types are skipped
anything else                 skipped and counted (sightings, indicators, observed data...)
============================  ================================================================

A campaign's ``attributed-to`` and ``targets`` relationships also give the event a
``perpetrator`` or ``target`` role. Revoked objects are skipped. Names resolve to reference
entities first (the name, then the aliases, only to an entity of a compatible class); other
names become unresolved entities with IRIs from their slug. Each object's STIX id is kept as a
``kgo:stixId`` claim, so that exports can give it the same id again. The claims' source is the
bundle object's creator (``created_by_ref``) when the bundle holds that identity.

The ``stix2`` package checks every object; objects it rejects are still read as plain JSON
(and counted in the summary), so one odd object does not lose a whole bundle.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kg.errors import LoaderError
from kg.model import (
    Claim,
    Document,
    Entity,
    Event,
    Evidence,
    Extraction,
    Participant,
    ascii_slug,
    slugify,
)
from kg.ontology import Ontology, ontology
from kg.resolve import Resolver, default_resolver

#: STIX relationship types read as a property directly (others need the endpoints' classes).
RELATIONSHIP_PROPERTIES = {
    "uses": "uses",
    "attributed-to": "attributedTo",
    "targets": "targets",
}
CAPABILITIES = {"malware": "Malware", "tool": "Tool", "attack-pattern": "AttackPattern"}
_UNARMED_THREAT_ACTORS = {"activist", "competitor", "hacker", "sensationalist"}
_ISO_CODE = re.compile(r"^[A-Z]{2,3}$")
_HEAD_BYTES = 64 * 1024
_MAX_SNIFF_BYTES = 256 * 1024 * 1024


# -- shared by the STIX and FtM loaders ---------------------------------------------------------
def iso_date(value: Any) -> str | None:
    """A ``YYYY[-MM[-DD]]`` date from a timestamp or partial date, or None if it is not one.

    >>> iso_date("2015-05-15T09:12:16.432Z"), iso_date("2023-02"), iso_date("soon")
    ('2015-05-15', '2023-02', None)
    """
    if value is None:
        return None
    s = str(value).strip()
    m = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:$|[T ])", s)
    if not m:
        return None
    year, month, day = m.groups()
    try:
        if day:
            return dt.date(int(year), int(month), int(day)).isoformat()
        if month:
            return f"{year}-{month}" if 1 <= int(month) <= 12 else year
    except ValueError:
        return None
    return year


def name_slug(names: Iterable[str], fallback: str) -> str:
    """The slug of the first name that has one, else of the first name transliterated to
    Latin letters (when ``normality``, which FollowTheMoney brings, is installed), else of
    ``fallback`` (an id).

    >>> name_slug(["APT1", "Comment Crew"], "intrusion-set--1")
    'apt1'
    """
    names = list(names)
    for n in names:
        s = ascii_slug(n)
        if s:
            return s
    try:
        from normality import ascii_text
    except ImportError:
        return slugify(fallback)
    for n in names:
        s = ascii_slug(ascii_text(n) or "")
        if s:
            return s
    return slugify(fallback)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def compatible(o: Ontology, ref_type: str, wanted: str) -> bool:
    """Whether a reference entity of class ``ref_type`` may stand for a record of ``wanted``:
    persons for persons, other actors (states included) for other actors, places for places."""
    if o.is_a(wanted, "Person"):
        return o.is_a(ref_type, "Person")
    if o.is_a(wanted, "Actor"):
        return o.is_a(ref_type, "Actor") and not o.is_a(ref_type, "Person")
    if o.is_a(wanted, "Place"):
        return o.is_a(ref_type, "Place")
    return False


@dataclass
class EntityTable:
    """The entities one document mentions: resolved reference entities and new ones."""

    resolver: Resolver
    o: Ontology
    entities: dict[str, Entity] = field(default_factory=dict)

    def get(
        self,
        names: list[str],
        cls: str,
        *,
        fallback: str,
        resolve: bool = True,
        kind: str | None = None,
    ) -> str:
        """The IRI of the entity called ``names[0]`` (aliases after it) of class ``cls``."""
        names = [n.strip() for n in names if n and n.strip()]
        names = list(dict.fromkeys(names))
        if resolve:
            for n in names:
                ref = self.resolver.lookup(n)
                if ref is not None and compatible(self.o, ref.type, cls):
                    ent = self.entities.get(ref.id)
                    if ent is None:
                        ent = self.entities[ref.id] = replace(
                            ref, resolved=True, mentions=[], aliases=[], generic=[]
                        )
                    if names:
                        ent.add_mention(names[0])
                    return ref.id
        if kind is None:
            if self.o.is_a(cls, "Actor"):
                kind = "actor"
            elif self.o.is_a(cls, "Place"):
                kind = "place"
            elif self.o.is_a(cls, "Event"):
                kind = "event"
            else:
                kind = "capability"
        slug = name_slug(names, fallback)
        iri = self.o.entity_iri(kind, slug)
        if self._taken(iri, cls):
            iri = self.o.entity_iri(kind, f"{slug}-{slugify(cls)}")
        label = names[0] if names else fallback
        ent = self.entities.get(iri)
        if ent is None:
            ent = self.entities[iri] = Entity(
                id=iri, label=label, type=cls, resolved=False, mentions=[label]
            )
        for n in names:
            if n != ent.label and n not in ent.aliases:
                ent.aliases.append(n)
        return iri

    def _taken(self, iri: str, cls: str) -> bool:
        """Whether another kind of thing already has this IRI (same name, other class): an
        entity of this document or a reference entity (a person called "Niger" is not the
        state)."""
        ent = self.entities.get(iri)
        if ent is None:
            ref = self.resolver.ref.entities.get(iri.rsplit("/", 1)[-1])
            ent = ref if ref is not None and ref.id == iri else None
        return ent is not None and ent.type != cls

    def keep(self, ref: Entity) -> str:
        """Add a reference entity (found some other way than by name)."""
        if ref.id not in self.entities:
            self.entities[ref.id] = replace(ref, resolved=True, mentions=[], aliases=[], generic=[])
        return ref.id


# -- detection ----------------------------------------------------------------------------------
def detect_json(path: Path) -> str | None:
    """``"stix"`` for a STIX bundle, ``"ftm"`` for FollowTheMoney JSON lines, else None.

    Reads the first line (FtM: one JSON object with ``schema`` and ``properties`` per line), then
    looks for ``"type": "bundle"`` near the start; a pretty-printed object that puts its type
    after a long ``objects`` list is parsed whole (up to 256 MB).
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except OSError:
        return None
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if not text.startswith("{"):
        return None
    first = text.split("\n", 1)[0].strip()
    try:
        obj = json.loads(first)
    except ValueError:
        obj = None
    if isinstance(obj, dict):
        if "schema" in obj and "properties" in obj:
            return "ftm"
        if obj.get("type") == "bundle":
            return "stix"
    if re.search(r'"type"\s*:\s*"bundle"', text):
        return "stix"
    try:
        if path.stat().st_size > _MAX_SNIFF_BYTES:
            return None
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return "stix" if isinstance(data, dict) and data.get("type") == "bundle" else None


# -- reading ------------------------------------------------------------------------------------
def _load_bundle(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise LoaderError(f"cannot read: {e.strerror or e}", path=str(path)) from e
    try:
        data = json.loads(raw)
    except UnicodeDecodeError as e:
        raise LoaderError(f"is not UTF-8 JSON: {e.reason}", path=str(path)) from None
    except json.JSONDecodeError as e:
        raise LoaderError(
            f"invalid JSON at column {e.colno}: {e.msg}", path=str(path), line=e.lineno
        ) from None
    if not isinstance(data, dict) or data.get("type") != "bundle":
        raise LoaderError(
            'is not a STIX bundle (a JSON object with "type": "bundle")', path=str(path)
        )
    objects = data.get("objects") or []
    if not isinstance(objects, list):
        raise LoaderError('"objects" of the bundle is not a list', path=str(path))
    return data


def _stix2_rejects(data: dict[str, Any], path: Path) -> dict[int, str]:
    """Index -> reason, for the objects the ``stix2`` package refuses to parse."""
    try:
        import stix2
        from stix2.exceptions import STIXError
    except ImportError:
        raise LoaderError(
            "reading STIX needs the stix2 package: pip install 'stix2>=3.0,<4'", path=str(path)
        ) from None

    errors = (STIXError, ValueError, TypeError, KeyError, AttributeError)
    try:
        stix2.parse(data, allow_custom=True)  # the whole bundle at once: the common case
        return {}
    except errors:
        pass
    objects = data.get("objects") or []
    out: dict[int, str] = {}
    for i, obj in enumerate(objects):
        try:
            stix2.parse(dict(obj) if isinstance(obj, dict) else obj, allow_custom=True)
        except errors as e:
            out[i] = f"{type(e).__name__}: {e}".splitlines()[0][:300]
    return out


def _text(v: Any) -> str:
    return v.strip() if isinstance(v, str) else ""


def _names(obj: dict[str, Any], *, codes: bool = True) -> list[str]:
    names = [_text(obj.get("name"))]
    for key in ("aliases", "x_mitre_aliases", "x_opencti_aliases"):
        vals = obj.get(key)
        if isinstance(vals, list):
            names.extend(_text(v) for v in vals)
    names = [n for n in names if n and (codes or not _ISO_CODE.match(n))]
    return list(dict.fromkeys(names))


def actor_class(obj: dict[str, Any], o: Ontology) -> str | None:
    """The ontology class of a threat-actor, intrusion-set or identity object (None: skip)."""
    t = obj.get("type")
    if t == "intrusion-set":
        return "Organization"
    if t == "threat-actor":
        types = {str(x).lower() for x in obj.get("threat_actor_types") or obj.get("labels") or []}
        if (
            str(obj.get("resource_level", "")).lower() == "individual"
            or str(obj.get("x_opencti_type", "")).lower() == "threat-actor-individual"
        ):
            return "Person"
        if "nation-state" in types:
            return "StateForce"
        if types and types <= _UNARMED_THREAT_ACTORS:
            return "Organization"
        return "ArmedGroup"
    if t == "identity":
        cls = str(obj.get("identity_class", "organization")).lower()
        if cls == "individual":
            return "Person"
        if cls in ("organization", "group", "unknown"):
            sectors = [str(s).lower() for s in obj.get("sectors") or []]
            if any(s.startswith("government") for s in sectors):
                return "GovernmentBody"
            return "Organization"
        return None  # "class" (sectors of industry), "system"
    return None


def location_class(obj: dict[str, Any]) -> str:
    """``State``, ``Region``, ``Settlement`` or ``Site`` for a location object."""
    kind = str(obj.get("x_opencti_location_type", "")).lower()
    by_kind = {
        "country": "State",
        "region": "Region",
        "administrative-area": "Region",
        "city": "Settlement",
        "position": "Site",
    }
    if kind in by_kind:
        return by_kind[kind]
    if obj.get("street_address"):
        return "Site"
    if obj.get("city"):
        return "Settlement"
    if obj.get("administrative_area"):
        return "Region"
    if obj.get("country"):
        # a country has no coordinates of its own; a named point with a country code is a spot
        has_point = obj.get("latitude") is not None and obj.get("longitude") is not None
        return "Site" if has_point else "State"
    if obj.get("region"):
        return "Region"
    return "Site"


class StixReader:
    """One bundle -> one extraction (see the module docstring for the mapping)."""

    def __init__(self, resolver: Resolver | None = None):
        self.r = resolver or default_resolver()
        self.o = ontology()

    def read(self, path: Path) -> Extraction:
        data = _load_bundle(path)
        objects: list[Any] = data.get("objects") or []
        rejected = _stix2_rejects(data, path)
        o = self.o
        doc = Document(
            id=o.entity_iri("doc", slugify("stix-" + path.stem)),
            title=f"STIX bundle: {path.name}",
            path=str(path),
            sha256=file_sha256(path),
            kind="Dataset",
        )
        table = EntityTable(self.r, o)
        by_id: dict[str, dict[str, Any]] = {}
        skipped: Counter[str] = Counter()
        for obj in objects:
            if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
                skipped["not an object with an id"] += 1
                continue
            if obj.get("revoked") is True:
                skipped[f"{obj.get('type')} (revoked)"] += 1
                continue
            by_id[obj["id"]] = obj
        reports: dict[str, list[str]] = {}
        published: list[str] = []
        for obj in by_id.values():
            if obj.get("type") == "report":
                name = _text(obj.get("name")) or obj["id"]
                date = iso_date(obj.get("published"))
                if date:
                    published.append(date)
                for ref in obj.get("object_refs") or []:
                    reports.setdefault(str(ref), []).append(name)
        if len(published) == 1:
            doc.date = published[0]

        # pass 1: objects -> entities and campaign events
        iris: dict[str, str] = {}
        events: dict[str, Event] = {}
        event_objs: dict[str, dict[str, Any]] = {}
        loaded: Counter[str] = Counter()
        id_claims: list[tuple[str, dict[str, Any]]] = []
        for sid, obj in by_id.items():
            t = str(obj.get("type"))
            names = _names(obj)
            if t in ("threat-actor", "intrusion-set", "identity"):
                cls = actor_class(obj, o)
                if cls is None or not names:
                    why = "no name" if cls else f"identity_class {obj.get('identity_class')}"
                    skipped[f"{t} ({why})"] += 1
                    continue
                iri = table.get(names, cls, fallback=sid)
            elif t == "location":
                cls = location_class(obj)
                names = _names(obj, codes=False) or [
                    n for n in (_text(obj.get(k)) for k in ("city", "country", "region")) if n
                ]
                if not names:
                    skipped["location (no name)"] += 1
                    continue
                iri = table.get(names, cls, fallback=sid, kind="actor" if cls == "State" else None)
                ent = table.entities[iri]
                lat, lon = obj.get("latitude"), obj.get("longitude")
                if (
                    not ent.resolved
                    and isinstance(lat, int | float)
                    and isinstance(lon, int | float)
                ):
                    ent.lat, ent.lon = float(lat), float(lon)
            elif t in CAPABILITIES:
                if not names:
                    skipped[f"{t} (no name)"] += 1
                    continue
                iri = table.get(names, CAPABILITIES[t], fallback=sid, resolve=False)
            elif t == "campaign":
                if not names:
                    skipped["campaign (no name)"] += 1
                    continue
                iri = table.get(names, "Campaign", fallback=sid, resolve=False, kind="event")
                date = iso_date(obj.get("first_seen"))
                event_objs.setdefault(iri, obj)
                events[iri] = events.get(iri) or Event(
                    id=iri,
                    type="Campaign",
                    date=date,
                    date_precision="day" if date and len(date) == 10 else None,
                    evidence=[self._evidence(obj, reports, f"STIX campaign {names[0]}")],
                    rule="stix.campaign",
                )
            elif t in ("relationship", "report"):
                continue  # read below
            else:
                skipped[t] += 1
                continue
            for ref in _wikidata(obj):
                ent = table.entities[iri]
                if not ent.resolved and ent.wikidata is None:
                    ent.wikidata = ref
            iris[sid] = iri
            loaded[t] += 1
            id_claims.append((iri, obj))

        def source(obj: dict[str, Any]) -> str | None:
            return iris.get(str(obj.get("created_by_ref")))

        for ev in events.values():
            ev.source = source(event_objs[ev.id])
        relations: list[Claim] = []
        for iri, obj in id_claims:
            t = str(obj["type"])
            relations.append(
                Claim(
                    subject=iri,
                    predicate="stixId",
                    value=obj["id"],
                    source=source(obj),
                    evidence=self._evidence(obj, reports, f"STIX {t} {_text(obj.get('name'))}"),
                    rule=f"stix.id.{t}",
                )
            )

        # pass 2: relationships -> relation claims (and campaign roles)
        rel_skipped: Counter[str] = Counter()
        rel_loaded: Counter[str] = Counter()
        for obj in by_id.values():
            if obj.get("type") != "relationship":
                continue
            rtype = str(obj.get("relationship_type", ""))
            s, t_ = iris.get(str(obj.get("source_ref"))), iris.get(str(obj.get("target_ref")))
            if s is None or t_ is None:
                rel_skipped[f"{rtype} (an end is not loaded)"] += 1
                continue
            pred = self._predicate(rtype, obj, table.entities.get(s), table.entities.get(t_))
            if pred is None:
                rel_skipped[rtype] += 1
                continue
            sname = table.entities[s].label if s in table.entities else s
            tname = table.entities[t_].label if t_ in table.entities else t_
            evidence = self._evidence(obj, reports, f"STIX relationship: {sname} {rtype} {tname}")
            conf = obj.get("confidence")
            claim = Claim(
                subject=s,
                predicate=pred,
                object=t_,
                source=source(obj),
                evidence=evidence,
                rule=f"stix.relationship.{rtype}",
                confidence=conf / 100 if isinstance(conf, int) and 0 <= conf <= 100 else 1.0,
                valid_from=iso_date(obj.get("start_time")),
                valid_until=iso_date(obj.get("stop_time")),
            )
            relations.append(claim)
            rel_loaded[rtype] += 1
            event = events.get(s)
            role = {"attributedTo": "perpetrator", "targets": "target"}.get(pred)
            if event is not None and role:
                event.add_participant(
                    Participant(t_, role, evidence, claim.rule, claim.source, claim.confidence)
                )
        summary: dict[str, Any] = {
            "format": "stix",
            "objects": len(objects),
            "loaded": dict(sorted(loaded.items())),
            "skipped": dict(sorted(skipped.items())),
            "relationships": dict(sorted(rel_loaded.items())),
            "relationships_skipped": dict(sorted(rel_skipped.items())),
            "entities": len(table.entities),
            "resolved": sum(1 for e in table.entities.values() if e.resolved),
            "rejected_by_stix2": len(rejected),
            "errors": [f"object {i}: {msg}" for i, msg in sorted(rejected.items())][:20],
        }
        return Extraction(
            document=doc,
            entities=list(table.entities.values()),
            relations=relations,
            events=list(events.values()),
            summary=summary,
        )

    def _predicate(
        self, rtype: str, obj: dict[str, Any], s: Entity | None, t: Entity | None
    ) -> str | None:
        o = self.o
        if s is None or t is None:
            return None
        s_place = o.is_a(s.type, "Place")
        t_place = o.is_a(t.type, "Place")
        s_actor = o.is_a(s.type, "Actor")
        if rtype in RELATIONSHIP_PROPERTIES:
            return RELATIONSHIP_PROPERTIES[rtype]
        if rtype in ("located-at", "originates-from"):
            if not t_place:
                return None
            if s_place:  # a place (a state too) inside a region
                return "locatedIn"
            return "basedIn" if s_actor else None
        if rtype == "part-of":
            if s_place and t_place:
                return "locatedIn"
            if s_actor and o.is_a(t.type, "Actor"):
                return "partOf"
            return None
        if rtype == "related-to":
            return property_from_description(_text(obj.get("description")), o)
        return None

    @staticmethod
    def _evidence(obj: dict[str, Any], reports: dict[str, list[str]], default: str) -> Evidence:
        text = _text(obj.get("description")) or default
        names = reports.get(str(obj.get("id")))
        if names:
            text += f" [report: {'; '.join(dict.fromkeys(names))}]"
        return Evidence(text=f"{text} [{obj.get('id')}]")


def property_from_description(text: str, o: Ontology | None = None) -> str | None:
    """The ontology property a ``related-to`` relationship names in its description: its
    label ("affiliated with") or ``kgo:<name>``, as :func:`kg.export_formats.export_stix`
    writes it; None for any other description."""
    o = o or ontology()
    t = text.strip().rstrip(".").lower()
    if not t:
        return None
    if t.startswith("kgo:") and t[4:] in {p.lower() for p in o.properties}:
        return next(p for p in o.properties if p.lower() == t[4:])
    for p, label in sorted(o.labels.items()):
        if p in o.properties and p in o.families and label.lower() == t:
            return p
    return None


def _wikidata(obj: dict[str, Any]) -> list[str]:
    out = []
    for ref in obj.get("external_references") or []:
        if not isinstance(ref, dict):
            continue
        if str(ref.get("source_name", "")).lower() == "wikidata":
            qid = str(ref.get("external_id", ""))
            if re.match(r"^Q\d+$", qid):
                out.append(qid)
    return out


def read_stix(path: Path, *, resolver: Resolver | None = None) -> Extraction:
    """Read a STIX 2.0/2.1 bundle into an :class:`~kg.model.Extraction` (nothing is stored).

    Raises :class:`~kg.errors.LoaderError` when the file is not JSON or not a bundle.

    >>> ex = read_stix(Path("enterprise-attack.json"))  # doctest: +SKIP
    >>> ex.summary["relationships"]  # doctest: +SKIP
    {'attributed-to': 25, 'uses': 1253}
    """
    return StixReader(resolver).read(Path(path))
