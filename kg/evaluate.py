"""``kg eval``: precision and recall of the report loader against expected-facts files.

A gold file (format of ``../shared/eval/*.gold.yaml``) lists entities with the surface names
that count as them, relations and event types as *families*, events with roles and
fatality claims with who made them, and statements. The project's terms map onto families
through the ``kgo:family`` annotations of the ontology. Scores are given per fact kind:

- entities: a predicted entity is right when one of its names is a name of a gold entity;
- relations: (subject, family, object) over matched entities; inverse properties are turned
  round and symmetric ones compared both ways;
- events: same type family (or both violent), compatible date (one a prefix of the other)
  and a compatible place when both have one: the same, or one inside the other by the gold
  file's own ``located_in`` relations and entity countries (a coarser place, like a coarser
  date, names the same event; an exact place scores higher when several events compete);
- roles: (event, role, entity) over matched events ("targets" accepts target or victim);
- counts: (event, value, qualifier, source) over matched events; count claims without a
  number ("all members of the squad") cannot be compared and are not scored;
- statements: (speaker, type, about) where about is a matched event or free text.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from kg.errors import LoaderError
from kg.model import Extraction
from kg.ontology import ontology
from kg.resolve import default_resolver, key_tokens

KINDS = ("entities", "relations", "events", "roles", "counts", "statements")
_FAMILY_SYNONYMS = {
    "provided_support_to": "supports",
    "subordinate_to": "controlled_by",
    "member_of": "member_of",
    "became": "succeeded_by",
}
_SYMMETRIC = {"allied_with", "severed_relations_with"}
_VIOLENT = {"attack", "battle", "massacre", "strike", "bombing"}
_ROLE_KEYS = {
    "perpetrators": {"perpetrator"},
    "targets": {"target", "victim"},
    "victims": {"victim", "target"},
    "supported_by": {"supporter"},
    "participants": {"participant", "perpetrator", "target", "supporter", "victim"},
}


def same_family(a: str, b: str) -> bool:
    """Whether two event families count as the same event type: equal, or both violent
    (an ambush reported as an attack, a clash as a battle)."""
    return a == b or (a in _VIOLENT and b in _VIOLENT)


def load_gold(path: str | Path) -> dict[str, Any]:
    """Read and check a gold file; errors name the file."""
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LoaderError("no such gold file", path=str(p)) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise LoaderError(f"cannot read gold file: {e}", path=str(p)) from e
    if not isinstance(data, dict) or "report" not in data:
        raise LoaderError("not a gold file (no 'report:' key)", path=str(p))
    for key in ("entities", "relations", "events", "statements"):
        if not isinstance(data.get(key) or [], list):
            raise LoaderError(f"'{key}' must be a list", path=str(p))
    data["_path"] = str(p)
    data["_report"] = str((p.parent / str(data["report"])).resolve())
    return data


def _title_keys() -> set[str]:
    from kg.load.text.lexicon import lexicon

    return {w.lower().rstrip(".") for t in lexicon().titles for w in t.split()}


def _names_key(names: Iterable[str]) -> set[tuple[str, ...]]:
    """Matching keys of names: folded words, without a leading "the" or titles."""
    titles = _title_keys()
    out = set()
    for n in names:
        k = key_tokens(n)
        if k and k[0] == "the":
            k = k[1:]
        while len(k) > 1 and k[0] in titles:
            k = k[1:]
        if k:
            out.add(k)
    return out


class _Score:
    def __init__(self) -> None:
        self.tp_pred = 0
        self.n_pred = 0
        self.tp_gold = 0
        self.n_gold = 0
        self.misses: list[str] = []
        self.false: list[str] = []

    def add(self, other: _Score) -> None:
        for k in ("tp_pred", "n_pred", "tp_gold", "n_gold"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        self.misses += other.misses
        self.false += other.false

    def as_dict(self) -> dict[str, Any]:
        p = self.tp_pred / self.n_pred if self.n_pred else 1.0
        r = self.tp_gold / self.n_gold if self.n_gold else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f, 4),
            "predicted": self.n_pred,
            "expected": self.n_gold,
            "misses": self.misses,
            "false": self.false,
        }


def _set_score(pred: set[Any], gold: set[Any], show: Any) -> _Score:
    s = _Score()
    s.n_pred, s.n_gold = len(pred), len(gold)
    s.tp_pred = len(pred & gold)
    s.tp_gold = len(pred & gold)
    s.misses = sorted(show(x) for x in gold - pred)
    s.false = sorted(show(x) for x in pred - gold)
    return s


def evaluate_one(gold: dict[str, Any], ex: Extraction) -> dict[str, _Score]:
    """Score one extraction against one gold file."""
    o = ontology()
    resolver = default_resolver()
    # -- entities ------------------------------------------------------------------------
    gold_names = {g["id"]: _names_key(g.get("names") or []) for g in gold.get("entities") or []}
    gmap: dict[str, str] = {}  # predicted IRI -> gold id
    label: dict[str, str] = {}
    for e in ex.entities:
        # its own names count before the generic words that were resolved to it ("the
        # militants" resolved to the Taliban is the Taliban, not another gold group so called)
        names = [e.label, *(m for m in e.mentions if m not in e.generic)]
        ref_id = e.id.rsplit("/", 1)[-1]
        if ref_id in resolver.ref.entities and resolver.ref.entities[ref_id].id == e.id:
            names += resolver.ref.entities[ref_id].aliases
        own = _names_key(names)
        keys = own | _names_key(e.generic)
        label[e.id] = e.label
        best = max(
            gold_names,
            key=lambda g: (len(own & gold_names[g]), len(keys & gold_names[g])),
            default=None,
        )
        if best is not None and keys & gold_names[best]:
            gmap[e.id] = best
    ent = _Score()
    ent.n_pred = len(ex.entities)
    ent.tp_pred = sum(1 for e in ex.entities if e.id in gmap)
    ent.n_gold = len(gold_names)
    matched = set(gmap.values())
    ent.tp_gold = len(matched)
    ent.misses = sorted(f"{g}" for g in gold_names if g not in matched)
    ent.false = sorted(f"{e.label} ({e.type})" for e in ex.entities if e.id not in gmap)

    def g_of(iri: str | None) -> str:
        if iri is None:
            return "report"
        return gmap.get(iri, f"?{label.get(iri, iri.rsplit('/', 1)[-1])}")

    # -- relations -----------------------------------------------------------------------
    def norm_rel(s: str, fam: str, obj: str) -> tuple[str, str, str]:
        fam = _FAMILY_SYNONYMS.get(fam, fam)
        if fam in _SYMMETRIC and obj < s:
            s, obj = obj, s
        return (s, fam, obj)

    gold_rel = {norm_rel(r["s"], str(r["type"]), r["o"]) for r in gold.get("relations") or []}
    pred_rel = set()
    for c in ex.relations:
        pred = c.predicate
        s, obj = c.subject, c.object or ""
        if pred in o.inverse and o.family(pred) is None:
            pred, s, obj = o.inverse[pred], obj, s
        fam = o.family(pred) or pred
        if pred == "precededBy":
            fam, s, obj = "succeeded_by", obj, s
        pred_rel.add(norm_rel(g_of(s), fam, g_of(obj)))
    rel = _set_score(pred_rel, gold_rel, lambda t: f"{t[0]} {t[1]} {t[2]}")

    # -- events --------------------------------------------------------------------------
    gevents = gold.get("events") or []

    # what each gold place lies in: its located_in relations and its country, transitively
    up: dict[str, set[str]] = {}
    for r in gold.get("relations") or []:
        if str(r.get("type")) == "located_in":
            up.setdefault(str(r["s"]), set()).add(str(r["o"]))
    for g in gold.get("entities") or []:
        if g.get("country"):
            up.setdefault(str(g["id"]), set()).add(str(g["country"]))

    def within(place: str) -> set[str]:
        seen: set[str] = set()
        todo = [place]
        while todo:
            for nxt in up.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    def compatible(ge: dict[str, Any], pe: Any) -> int:
        gf, pf = str(ge.get("type")), o.family(pe.type) or ""
        if not same_family(gf, pf):
            return 0
        score = 1
        gd = str(ge.get("date") or "")
        pd = pe.date or ""
        if gd and pd:
            if not (gd.startswith(pd) or pd.startswith(gd)):
                return 0
            score += 2
        gl = ge.get("location")
        pl = g_of(pe.place) if pe.place else None
        if gl and pl:
            if gl == pl:
                score += 2
            elif pl in within(gl) or gl in within(pl):
                score += 1  # a coarser or finer place, by the gold's own containment
            else:
                return 0
        if score == 1:
            return 0  # neither date nor place agree: not enough to call it the same event
        return score + (1 if gf == pf else 0)

    pairs = sorted(
        (
            (compatible(ge, pe), gi, pi)
            for gi, ge in enumerate(gevents)
            for pi, pe in enumerate(ex.events)
        ),
        reverse=True,
    )
    ev_match: dict[int, int] = {}  # predicted index -> gold index
    used_g: set[int] = set()
    for sc, gi, pi in pairs:
        if sc <= 0 or gi in used_g or pi in ev_match:
            continue
        ev_match[pi] = gi
        used_g.add(gi)
    evs = _Score()
    evs.n_pred, evs.n_gold = len(ex.events), len(gevents)
    evs.tp_pred = evs.tp_gold = len(ev_match)
    evs.misses = [
        f"{ge.get('id')} ({ge.get('type')}, {ge.get('date')}, {ge.get('location')})"
        for gi, ge in enumerate(gevents)
        if gi not in used_g
    ]
    evs.false = [
        f"{pe.type} {pe.date} {g_of(pe.place or pe.country) if pe.place or pe.country else '-'}"
        for pi, pe in enumerate(ex.events)
        if pi not in ev_match
    ]

    def ev_id(pi: int) -> str:
        return str(gevents[ev_match[pi]].get("id")) if pi in ev_match else f"?event{pi}"

    # -- roles ---------------------------------------------------------------------------
    gold_roles: set[tuple[str, str, str]] = set()
    for ge in gevents:
        for key in _ROLE_KEYS:
            for ent_id in ge.get(key) or []:
                if ent_id in gold_names:
                    gold_roles.add((str(ge.get("id")), key, ent_id))
    pred_roles: set[tuple[str, str, str]] = set()
    for pi, pe in enumerate(ex.events):
        for p in pe.participants:
            key = next(
                (
                    k
                    for k in ("perpetrators", "targets", "supported_by", "participants")
                    if p.role in _ROLE_KEYS[k]
                ),
                "participants",
            )
            cand = (ev_id(pi), key, g_of(p.entity))
            if p.role == "victim" and (ev_id(pi), "victims", g_of(p.entity)) in gold_roles:
                cand = (ev_id(pi), "victims", g_of(p.entity))
            if cand not in gold_roles:
                alt = (ev_id(pi), "participants", g_of(p.entity))
                if alt in gold_roles:
                    cand = alt
            pred_roles.add(cand)
    roles = _set_score(pred_roles, gold_roles, lambda t: f"{t[0]} {t[1]} {t[2]}")

    # -- counts --------------------------------------------------------------------------
    def gcount(ev: str, c: dict[str, Any]) -> tuple[Any, ...]:
        src = c.get("source") or "report"
        value = c.get("value")
        if value is None and c.get("low") is not None:
            value = (c.get("low"), c.get("high"))
        return (ev, value, c.get("qualifier") or "exact", src)

    gold_counts = {
        gcount(str(ge.get("id")), c) for ge in gevents for c in ge.get("fatalities") or []
    }
    pred_counts = set()
    for pi, pe in enumerate(ex.events):
        for c in pe.fatalities:
            value: Any = c.value
            if value is None and c.low is not None:
                value = (c.low, c.high)
            if value is None:
                continue
            q = c.qualifier or "exact"
            if q == "range":
                q = "exact" if not isinstance(value, tuple) else "range"
            pred_counts.add((ev_id(pi), value, q, g_of(c.source)))
    # gold ranges are written with qualifier "range" or none
    gold_counts = {(e, v, "range" if isinstance(v, tuple) else q, s) for e, v, q, s in gold_counts}
    counts = _set_score(pred_counts, gold_counts, lambda t: f"{t[0]} {t[2]} {t[1]} ({t[3]})")

    # -- statements ----------------------------------------------------------------------
    gold_st: set[tuple[str, str, str]] = set()
    event_ids = {str(ge.get("id")) for ge in gevents}
    for s_ in gold.get("statements") or []:
        about = str(s_.get("about"))
        gold_st.add(
            (str(s_.get("by")), str(s_.get("type")), about if about in event_ids else "text")
        )
    for ge in gevents:
        for who in ge.get("claims_of_involvement") or []:
            gold_st.add((who, "claimed_involvement", str(ge.get("id"))))
        for who in ge.get("claims_of_responsibility") or []:
            gold_st.add((who, "claimed_responsibility", str(ge.get("id"))))
    pred_st = set()
    pev = {pe.id: pi for pi, pe in enumerate(ex.events)}
    for c in ex.statements:
        fam = o.family(c.predicate) or c.predicate
        if c.object and c.object in pev:
            about = ev_id(pev[c.object])
        elif c.object and fam == "accused":
            about = "text"
        else:
            about = "text"
        pred_st.add((g_of(c.subject), fam, about))
    stm = _set_score(pred_st, gold_st, lambda t: f"{t[0]} {t[1]} {t[2]}")
    return {
        "entities": ent,
        "relations": rel,
        "events": evs,
        "roles": roles,
        "counts": counts,
        "statements": stm,
    }


def evaluate(gold_paths: list[str]) -> dict[str, Any]:
    """Evaluate the report loader on each gold file; returns per-file, per-kind and overall
    scores with every miss and false fact."""
    from kg.load.documents import read_report
    from kg.load.text.extract import ReportExtractor

    extractor = ReportExtractor()
    totals = {k: _Score() for k in KINDS}
    files = []
    for gp in gold_paths:
        gold = load_gold(gp)
        rd = gold.get("report_date")
        doc = read_report(gold["_report"], str(rd) if rd else None)
        ex = extractor.extract(doc)
        scores = evaluate_one(gold, ex)
        for k in KINDS:
            totals[k].add(scores[k])
        files.append(
            {
                "gold": gp,
                "report": gold["_report"],
                "kinds": {k: v.as_dict() for k, v in scores.items()},
            }
        )
    overall = _Score()
    for k in KINDS:
        overall.add(totals[k])
    out = overall.as_dict()
    return {
        "files": files,
        "kinds": {k: v.as_dict() for k, v in totals.items()},
        "overall": {k: out[k] for k in ("precision", "recall", "f1", "predicted", "expected")},
    }


def render(result: dict[str, Any], details: bool = True) -> str:
    """A readable report of :func:`evaluate`'s result."""
    lines = []
    for f in result["files"]:
        lines.append(f"== {f['gold']}")
        for k in KINDS:
            s = f["kinds"][k]
            lines.append(
                f"  {k:<11} P {s['precision']:.2f}  R {s['recall']:.2f}  "
                f"({s['predicted']} predicted, {s['expected']} expected)"
            )
            if details:
                lines += [f"      miss:  {m}" for m in s["misses"]]
                lines += [f"      false: {m}" for m in s["false"]]
    lines.append("== all files")
    for k in KINDS:
        s = result["kinds"][k]
        lines.append(
            f"  {k:<11} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  "
            f"({s['predicted']} predicted, {s['expected']} expected)"
        )
    o = result["overall"]
    lines.append(f"  {'overall':<11} P {o['precision']:.3f}  R {o['recall']:.3f}  F1 {o['f1']:.3f}")
    return "\n".join(lines)
