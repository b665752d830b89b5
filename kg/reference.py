"""Curated reference entities (``ontology/reference/*.yaml``), validated against the ontology.

Each file has a top-level ``entities:`` list (format in docs/decisions/001). Entities in
``places.yaml`` get place IRIs, all others actor IRIs. Relations listed on an entity become
claims of the reference document, so background knowledge is stored and queried exactly like
extracted facts, with ``kg:doc/reference`` as their source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kg.errors import OntologyError
from kg.model import Claim, Document, Entity, Evidence, Extraction, is_date
from kg.ontology import Ontology, ontology
from kg.paths import ontology_dir
from kg.yamlfile import read_yaml

_ID_RX = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_KEYS = {
    "id",
    "type",
    "label",
    "aliases",
    "wikidata",
    "country",
    "demonyms",
    "lat",
    "lon",
    "valid_from",
    "valid_until",
    "relations",
    "note",
    "region",
    "capital",
}


def load_yaml_with_lines(path: Path) -> Any:
    """Load a reference YAML file, recording ``__line__`` on every mapping."""
    return read_yaml(path, lines=True, error=OntologyError)


def _date(value: Any, where: str) -> str | None:
    if value is None:
        return None
    s = str(value)
    if not is_date(s):
        raise OntologyError(f"{where}: dates are real YYYY, YYYY-MM or YYYY-MM-DD dates, got {s!r}")
    return s


def _term(lookup: Any, name: str, where: str) -> str:
    """Look a term up in the ontology; errors name the reference file and line."""
    try:
        return str(lookup(name))
    except OntologyError as e:
        raise OntologyError(f"{where}: {e}") from None


@dataclass
class Reference:
    """All reference entities, their relations and the lookup tables built from them."""

    entities: dict[str, Entity] = field(default_factory=dict)
    relations: list[Claim] = field(default_factory=list)
    demonyms: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    capitals: dict[str, str] = field(default_factory=dict)  # capital IRI -> state IRI

    def extraction(self) -> Extraction:
        """The reference as one document's worth of claims (stored in its own graph)."""
        o = ontology()
        doc = Document(
            id=o.entity_iri("doc", "reference"),
            title="Curated reference entities",
            path="ontology/reference",
            kind="Dataset",
        )
        return Extraction(
            document=doc, entities=list(self.entities.values()), relations=list(self.relations)
        )


def _load_reference(folder: Path, o: Ontology) -> Reference:
    ref = Reference()
    raw: list[tuple[Path, dict[str, Any], str]] = []
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise OntologyError(f"{folder}: no reference files (*.yaml)")
    for path in files:
        data = load_yaml_with_lines(path)
        if not isinstance(data, dict) or not isinstance(data.get("entities"), list):
            raise OntologyError(f"{path}: expected a top-level 'entities:' list")
        kind = "place" if path.stem == "places" else "actor"
        for item in data["entities"]:
            where = f"{path}:{item.get('__line__', '?') if isinstance(item, dict) else '?'}"
            if not isinstance(item, dict):
                raise OntologyError(f"{where}: each entity is a mapping")
            unknown = set(item) - _KEYS - {"__line__"}
            if unknown:
                raise OntologyError(
                    f"{where}: unknown keys {sorted(unknown)} (valid: {sorted(_KEYS)})"
                )
            raw.append((path, item, kind))
        ref.files.append(path)

    ids: dict[str, str] = {}
    for path, item, kind in raw:
        where = f"{path}:{item['__line__']}"
        eid = str(item.get("id", ""))
        if not _ID_RX.match(eid):
            raise OntologyError(f"{where}: id {eid!r} must be a lower-case slug like 'al-qaeda'")
        if eid in ids:
            raise OntologyError(f"{where}: duplicate id {eid!r} (first at {ids[eid]})")
        ids[eid] = where
        etype = str(item.get("type", ""))
        _term(o.cls, etype, where)  # raises with the valid choices
        if not (o.is_a(etype, "Actor") or o.is_a(etype, "Place")):
            raise OntologyError(f"{where}: type {etype} is neither an Actor nor a Place")
        label = item.get("label")
        if not label:
            raise OntologyError(f"{where}: entity {eid!r} has no label")
        ent = Entity(
            id=o.entity_iri(kind, eid),
            label=str(label),
            type=etype,
            aliases=[str(a) for a in item.get("aliases") or []],
            wikidata=str(item["wikidata"]) if item.get("wikidata") else None,
            lat=float(item["lat"]) if item.get("lat") is not None else None,
            lon=float(item["lon"]) if item.get("lon") is not None else None,
            valid_from=_date(item.get("valid_from"), where),
            valid_until=_date(item.get("valid_until"), where),
        )
        if ent.wikidata and not re.match(r"^Q\d+$", ent.wikidata):
            raise OntologyError(f"{where}: wikidata id {ent.wikidata!r} is not like Q912")
        ref.entities[eid] = ent
        if item.get("note"):
            ref.notes[eid] = str(item["note"])
        for d in item.get("demonyms") or []:
            ref.demonyms[str(d)] = eid

    def resolve_id(ref_id: Any, where: str) -> Entity:
        e = ref.entities.get(str(ref_id))
        if e is None:
            close = sorted(k for k in ref.entities if k.startswith(str(ref_id)[:3]))[:5]
            raise OntologyError(f"{where}: unknown entity id {ref_id!r} (close: {close})")
        return e

    for path, item, _kind in raw:
        where = f"{path}:{item['__line__']}"
        ent = ref.entities[item["id"]]
        if item.get("country"):
            ent.country = resolve_id(item["country"], where).id
            if item.get("capital"):
                ref.capitals[ent.id] = ent.country
        for rel in item.get("relations") or []:
            rwhere = f"{path}:{rel.get('__line__', item['__line__'])}"
            if not isinstance(rel, dict) or "p" not in rel or "o" not in rel:
                raise OntologyError(f"{rwhere}: a relation is {{p: property, o: id}}")
            _term(o.prop, str(rel["p"]), rwhere)
            target = resolve_id(rel["o"], rwhere)
            ref.relations.append(
                Claim(
                    subject=ent.id,
                    predicate=str(rel["p"]),
                    object=target.id,
                    evidence=Evidence(
                        text=f"{path.name}: {item['id']} {rel['p']} {rel['o']}",
                        row=int(rel.get("__line__", item["__line__"])),
                    ),
                    rule="reference",
                    valid_from=_date(rel.get("from"), rwhere),
                    valid_until=_date(rel.get("until"), rwhere),
                    note=str(rel["note"]) if rel.get("note") else None,
                )
            )
    return ref


@cache
def reference(folder: str | None = None) -> Reference:
    """The reference entities (cached). ``folder`` overrides ``ontology/reference``."""
    return _load_reference(Path(folder) if folder else ontology_dir() / "reference", ontology())
