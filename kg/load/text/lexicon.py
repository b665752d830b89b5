"""The report loader's lexicons (``loaders/text/*.yaml``), validated and compiled at load.

Patterns are regular expressions over a sentence template in which every mention is a
placeholder (see :mod:`kg.load.text.extract`); ``{S}``, ``{O}``, ``{X}``, ``{Y}``, ``{D}``,
``{M}``, ``{gap}`` and ``{dir}`` expand to the placeholder groups described in
``relations.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kg.errors import LoaderError
from kg.ontology import Ontology, ontology
from kg.paths import loaders_dir
from kg.yamlfile import read_yaml

OPEN, CLOSE = "\u27e6", "\u27e7"  # entity placeholder ⟦n⟧
DOPEN, DCLOSE = "\u27ea", "\u27eb"  # demonym placeholder ⟪n⟫

_ONE = rf"{OPEN}\d+{CLOSE}"
# "A and B", "A, B and C", "A, B, and C" -- but not "A, and B" (two clauses)
_LIST = rf"{_ONE}(?:(?:, {_ONE})+(?:,? and {_ONE})?| and {_ONE})?"
SLOTS = {
    "{S}": rf"(?P<S>{_LIST})",
    "{O}": rf"(?P<O>{_LIST})",
    "{X}": rf"(?P<X>{_ONE})",
    "{Y}": rf"(?P<Y>{_ONE})",
    "{D}": rf"(?P<D>{DOPEN}\d+{DCLOSE})",
    "{M}": rf"(?:{_ONE})",
    "{gap}": rf"[^{OPEN}{CLOSE}.;]{{0,60}}",
    "{longgap}": rf"[^{OPEN}{CLOSE}.;]{{0,160}}",
    "{dir}": r"(?:(?:far |extreme )?(?:north|south|east|west|central|north-?east|north-?west|"
    r"south-?east|south-?west)(?:ern)?(?:-central)? )",
    "{OPEN}": OPEN,
}


def compile_pattern(pattern: str, where: str) -> re.Pattern[str]:
    """Expand the slots of a lexicon pattern and compile it (case-insensitive)."""
    rx = pattern
    for slot, repl in SLOTS.items():
        rx = rx.replace(slot, repl)
    try:
        return re.compile(rx, re.IGNORECASE)
    except re.error as e:
        raise LoaderError(f"bad pattern {pattern!r}: {e}", path=where) from e


@dataclass
class RelationRule:
    id: str
    predicate: str
    rx: re.Pattern[str]
    subject: list[str]
    object: list[str]
    confidence: float = 0.9
    dated: bool = False


@dataclass
class AttributionCue:
    id: str
    rx: re.Pattern[str]
    unnamed: bool = False


@dataclass
class StatementRule:
    id: str
    predicate: str
    rx: re.Pattern[str]
    about: str


@dataclass
class Trigger:
    type: str
    phrase: str
    pos: str  # "verb" | "noun"
    active_only: bool = False
    #: an actor must do it (active voice, named before the cue); no target needed
    needs_actor: bool = False
    #: ... and that actor is not an armed one ("Wagner marched on Moscow" is no protest)
    civil: bool = False


@dataclass
class GenericRule:
    heads: list[str]
    classes: list[str]
    prefer_focus: bool = False
    bare: bool = False


@dataclass
class CollectiveRule:
    """Unnamed people of one kind ("protesters", "unidentified gunmen"): their entity is
    ``name`` with ``{country}`` filled in, or ``unknown`` when no country is known."""

    kind: str
    name: str
    unknown: str
    cls: str
    heads: list[str]


@dataclass
class Lexicon:
    relations: list[RelationRule] = field(default_factory=list)
    attribution: list[AttributionCue] = field(default_factory=list)
    statements: list[StatementRule] = field(default_factory=list)
    suppress: list[str] = field(default_factory=list)
    hedges: dict[str, float] = field(default_factory=dict)
    triggers: list[Trigger] = field(default_factory=list)
    definite: set[str] = field(default_factory=set)
    new_incident: list[str] = field(default_factory=list)
    habitual: list[str] = field(default_factory=list)
    participatory: set[str] = field(default_factory=set)
    location_prepositions: list[str] = field(default_factory=list)
    fatality_verbs: list[str] = field(default_factory=list)
    fatality_nouns: list[str] = field(default_factory=list)
    fatality_lead: list[str] = field(default_factory=list)
    fatality_single: list[str] = field(default_factory=list)
    #: labels opening a dataset note ("Property destruction: ...") -> event class
    note_labels: dict[str, str] = field(default_factory=dict)
    generic: list[GenericRule] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    person_cues: list[str] = field(default_factory=list)
    heads: dict[str, str] = field(default_factory=dict)
    unit_heads: list[str] = field(default_factory=list)
    connectors: set[str] = field(default_factory=set)
    stopwords: set[str] = field(default_factory=set)
    collective: list[CollectiveRule] = field(default_factory=list)
    #: event family or role -> the collective kind people in it stand for
    collective_roles: dict[str, str] = field(default_factory=dict)


def _need(d: dict[str, Any], key: str, where: str) -> Any:
    if key not in d:
        raise LoaderError(f"missing key {key!r}", path=where)
    return d[key]


def _classes(o: Ontology, names: Any, where: str) -> list[str]:
    out = []
    for n in names or []:
        try:
            o.cls(str(n))
        except Exception as e:
            raise LoaderError(str(e), path=where) from e
        out.append(str(n))
    return out


def _load(folder: Path, o: Ontology) -> Lexicon:
    lex = Lexicon()

    def read(name: str) -> dict[str, Any]:
        path = folder / name
        data = read_yaml(path, lines=True) if path.is_file() else None
        if not isinstance(data, dict):
            raise LoaderError("expected a YAML mapping", path=str(path))
        return data

    def where(name: str, item: Any) -> str:
        line = item.get("__line__") if isinstance(item, dict) else None
        return f"{folder / name}:{line}" if line else str(folder / name)

    rel = read("relations.yaml")
    for item in _need(rel, "rules", str(folder / "relations.yaml")):
        w = where("relations.yaml", item)
        pred = str(_need(item, "predicate", w))
        try:
            o.prop(pred)
        except Exception as e:
            raise LoaderError(str(e), path=w) from e
        lex.relations.append(
            RelationRule(
                id=str(_need(item, "id", w)),
                predicate=pred,
                rx=compile_pattern(str(_need(item, "pattern", w)), w),
                subject=_classes(o, item.get("subject"), w),
                object=_classes(o, item.get("object"), w),
                confidence=float(item.get("confidence", 0.9)),
                dated=bool(item.get("dated", False)),
            )
        )

    att = read("attribution.yaml")
    for item in _need(att, "cues", str(folder / "attribution.yaml")):
        w = where("attribution.yaml", item)
        lex.attribution.append(
            AttributionCue(
                id=str(_need(item, "id", w)),
                rx=compile_pattern(str(_need(item, "pattern", w)), w),
                unnamed=bool(item.get("unnamed", False)),
            )
        )

    st = read("statements.yaml")
    for item in _need(st, "rules", str(folder / "statements.yaml")):
        w = where("statements.yaml", item)
        pred = str(_need(item, "predicate", w))
        try:
            o.prop(pred)
        except Exception as e:
            raise LoaderError(str(e), path=w) from e
        about = str(item.get("about", "event"))
        if about not in ("event", "object", "text", "event_or_object"):
            raise LoaderError(
                f"about must be event, object, text or event_or_object, got {about!r}", path=w
            )
        lex.statements.append(
            StatementRule(
                id=str(_need(item, "id", w)),
                predicate=pred,
                rx=compile_pattern(str(_need(item, "pattern", w)), w),
                about=about,
            )
        )
    lex.suppress = [str(s).lower() for s in st.get("suppress") or []]
    lex.hedges = {str(k).lower(): float(v) for k, v in (st.get("hedges") or {}).items()}

    ev = read("events.yaml")
    for item in _need(ev, "triggers", str(folder / "events.yaml")):
        w = where("events.yaml", item)
        etype = str(_need(item, "type", w))
        if etype not in _classes(o, [etype], w) or not o.is_a(etype, "Event"):
            raise LoaderError(f"{etype} is not an event class", path=w)
        for pos, key in (("verb", "verbs"), ("noun", "nouns")):
            for phrase in item.get(key) or []:
                lex.triggers.append(
                    Trigger(
                        etype,
                        str(phrase).lower(),
                        pos,
                        bool(item.get("active_only")),
                        bool(item.get("needs_actor") or item.get("civil")),
                        bool(item.get("civil")),
                    )
                )
    # longest phrases first, so "drone strike" wins over "strike"
    lex.triggers.sort(key=lambda t: -len(t.phrase))
    lex.definite = {str(x).lower() for x in ev.get("definite") or []}
    lex.new_incident = [str(x).lower() for x in ev.get("new_incident") or []]
    lex.habitual = [str(x).lower() for x in ev.get("habitual") or []]
    lex.participatory = set(_classes(o, ev.get("participatory"), str(folder / "events.yaml")))
    lex.location_prepositions = sorted(
        (str(x).lower() for x in ev.get("location_prepositions") or []), key=len, reverse=True
    )
    lex.fatality_verbs = [str(x).lower() for x in ev.get("fatality_verbs") or []]
    lex.fatality_nouns = [str(x).lower() for x in ev.get("fatality_nouns") or []]
    lex.fatality_lead = [str(x).lower() for x in ev.get("fatality_lead") or []]
    lex.fatality_single = [str(x).lower() for x in ev.get("fatality_single") or []]
    for label, cls in (ev.get("note_labels") or {}).items():
        if label == "__line__":
            continue
        w = str(folder / "events.yaml")
        if cls not in _classes(o, [cls], w) or not o.is_a(cls, "Event"):
            raise LoaderError(f"note_labels: {cls} is not an event class", path=w)
        lex.note_labels[str(label).lower()] = str(cls)

    mn = read("mentions.yaml")
    for item in _need(mn, "generic", str(folder / "mentions.yaml")):
        w = where("mentions.yaml", item)
        lex.generic.append(
            GenericRule(
                heads=[str(h) for h in _need(item, "heads", w)],
                classes=_classes(o, _need(item, "classes", w), w),
                prefer_focus=str(item.get("fallback", item.get("prefer", ""))) == "focus",
                bare=bool(item.get("bare", False)),
            )
        )
    lex.titles = [str(t) for t in mn.get("titles") or []]
    lex.person_cues = [str(t).lower() for t in mn.get("person_cues") or []]
    heads = mn.get("heads") or {}
    w = str(folder / "mentions.yaml")
    lex.heads = {str(k): v for k, v in heads.items() if k != "__line__"}
    _classes(o, list(lex.heads.values()), w)
    lex.unit_heads = [str(t).lower() for t in mn.get("unit_heads") or []]
    lex.connectors = {str(t).lower() for t in mn.get("connectors") or []}
    lex.stopwords = {str(t) for t in mn.get("stopwords") or []}
    for item in mn.get("collective") or []:
        w = where("mentions.yaml", item)
        name = str(_need(item, "name", w))
        if "{country}" not in name:
            raise LoaderError("a collective 'name' needs {country}", path=w)
        lex.collective.append(
            CollectiveRule(
                kind=str(_need(item, "kind", w)),
                name=name,
                unknown=str(_need(item, "unknown", w)),
                cls=_classes(o, [_need(item, "class", w)], w)[0],
                heads=[str(h) for h in _need(item, "heads", w)],
            )
        )
    kinds = {c.kind for c in lex.collective}
    roles = mn.get("collective_roles") or {}
    for key, kind in roles.items():
        if key == "__line__":
            continue
        if kind not in kinds:
            raise LoaderError(
                f"collective_roles: unknown kind {kind!r} (valid: {', '.join(sorted(kinds))})",
                path=w,
            )
        lex.collective_roles[str(key)] = str(kind)
    return lex


@cache
def lexicon(folder: str | None = None) -> Lexicon:
    """The report loader's lexicons (cached). ``folder`` overrides ``loaders/text``."""
    return _load(Path(folder) if folder else loaders_dir() / "text", ontology())
