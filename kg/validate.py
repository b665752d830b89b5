"""``kg validate``: the store against the SHACL shapes (``ontology/shapes.ttl``).

Two ways to check, with the same results:

- ``sparql`` (the default): the shapes are compiled into SPARQL queries (:func:`compile_shapes`)
  that run on the store itself, so a store of millions of quads is checked in bounded memory
  (the store's query engine streams; only the results and a few sets of terms are held);
- ``shacl``: the graphs are merged (with the ontology, for RDFS inference) and checked with
  pyshacl, the reference implementation. pyshacl holds the graph in memory, so stores above
  ``max_quads`` are refused with a message rather than left to exhaust memory.

The compiled queries reproduce what pyshacl does with ``inference="rdfs"``: a shape's focus
nodes are the instances of its target class and of its subclasses, and also the nodes that
RDFS entailment types through ``rdfs:domain`` and ``rdfs:range`` (a ``kgo:subject`` makes its
subject a claim), with ``rdfs:subPropertyOf`` followed; the schema (subclasses,
sub-properties, domains, ranges) is read from the ontology and from the store. The
compiler knows the SHACL features the shapes use (targets, ``sh:minCount``, ``sh:maxCount``,
``sh:nodeKind``, ``sh:datatype``, ``sh:minInclusive`` and its three siblings, ``sh:in``,
``sh:lessThanOrEquals``, ``sh:hasValue``, ``sh:or`` of properties that must be present,
``sh:severity``, ``sh:message``, ``sh:deactivated``, IRI paths); a shape using anything else
raises :class:`UnsupportedShape`, and ``auto`` then falls back to pyshacl.

Each result names the node, the property, the message and its severity, and, for claims, the
document that stated it and the sentence or row it came from. Functional facts with several
values are warnings ("contested"), not errors. tests/test_validate.py checks that both ways find
the same problems on broken stores.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import KGError, OntologyError, StoreError
from kg.ontology import RDF, RDFS, XSD, ontology
from kg.paths import ontology_dir
from kg.query.registry import prologue
from kg.store.oxigraph import KGStore

MAX_QUADS = 2_000_000
METHODS = ("auto", "sparql", "shacl")
SH = "http://www.w3.org/ns/shacl#"
#: lexical forms of the numeric datatypes a value must match (ill-typed literals are violations)
_LEXICAL = {
    XSD + "integer": r"^\s*[+-]?[0-9]+\s*$",
    XSD + "decimal": r"^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*$",
    XSD + "boolean": r"^\s*(true|false|1|0)\s*$",
}
#: SPARQL comparison operator of each value-range constraint (value OP limit must hold)
_RANGES = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
_PROPERTY_KEYS = {
    "path", "minCount", "maxCount", "nodeKind", "datatype", "in", "lessThanOrEquals",
    "hasValue", "message", "severity", "name", "description", "deactivated", *_RANGES,
}  # fmt: skip
_NODE_KEYS = {
    "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "property", "or",
    "message", "severity", "deactivated",
}  # fmt: skip
_IGNORED = {RDF + "type", RDFS + "label", RDFS + "comment"}


class UnsupportedShape(KGError):
    """A shape uses a SHACL feature that :func:`compile_shapes` does not translate."""


def validate(store: KGStore, *, max_quads: int = MAX_QUADS, method: str = "auto") -> dict[str, Any]:
    """Check the store; returns ``{"conforms", "violations", "warnings", "results", ...}``.

    ``method`` is ``sparql`` (queries compiled from the shapes, any size of store), ``shacl``
    (pyshacl in memory, stores up to ``max_quads``) or ``auto`` (``sparql`` unless a shape
    needs pyshacl).
    """
    if method not in METHODS:
        raise KGError(f"unknown validation method {method!r} (valid: {', '.join(METHODS)})")
    n = len(store)
    if method != "shacl":
        try:
            checks = compile_shapes()
        except UnsupportedShape:
            if method == "sparql":
                raise
            method = "shacl"
        else:
            method = "sparql"
    if method == "shacl":
        if n > max_quads:
            raise StoreError(
                f"the store holds {n:,} quads, more than kg validate checks in memory with "
                f"pyshacl ({max_quads:,}); raise --max-quads if this machine has the memory, "
                "or use --method sparql"
            )
        found = _shacl(store)
    else:
        found = list(run_checks(store, checks))
    results = _with_provenance(store, found)
    results.sort(key=lambda x: (x["severity"] != "Violation", x["node"], x["property"] or ""))
    violations = sum(1 for x in results if x["severity"] == "Violation")
    return {
        "conforms": violations == 0,
        "shacl_conforms": violations == 0,
        "method": method,
        "quads": n,
        "violations": violations,
        "warnings": len(results) - violations,
        "results": results,
    }


# -- pyshacl ---------------------------------------------------------------------------------


def _shacl(store: KGStore) -> list[dict[str, Any]]:
    import rdflib
    from pyshacl import validate as shacl

    def turtle(path: Path) -> rdflib.Graph:
        try:
            return rdflib.Graph().parse(path, format="turtle")
        except SyntaxError as e:  # rdflib's BadSyntax: one line, with the line number
            raise OntologyError(
                f"{path}: invalid Turtle: {' '.join(str(e).split())[:300]}"
            ) from None

    shapes = turtle(ontology_dir() / "shapes.ttl")
    onto = turtle(ontology_dir() / "kg.ttl")
    buf = io.BytesIO()
    store.dump("nt", buf)
    data = rdflib.Graph().parse(data=buf.getvalue().decode("utf-8"), format="nt")
    _conforms, report, _text = shacl(
        data, shacl_graph=shapes, ont_graph=onto, inference="rdfs", allow_warnings=True
    )
    sh = rdflib.Namespace(SH)
    o = ontology()
    out = []
    for r in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        path = report.value(r, sh.resultPath)
        out.append(
            {
                "severity": str(report.value(r, sh.resultSeverity)).rsplit("#", 1)[-1],
                "node": str(report.value(r, sh.focusNode)),
                "property": o.local(str(path)) if path is not None else None,
                "message": str(report.value(r, sh.resultMessage) or ""),
            }
        )
    return out


# -- the shapes as SPARQL --------------------------------------------------------------------


@dataclass
class Check:
    """One constraint of one shape, as SPARQL.

    Either a whole query whose rows are the problems (``?focus``, and ``?v`` for a value), or,
    when ``condition`` is set, a boolean expression on ``?focus`` (true: a problem): the
    conditions of a shape are evaluated together, once per focus node (see :func:`run_checks`).
    ``$FOCUS`` in the text stands for the focus-node pattern, ``$PATH`` for the property and
    its sub-properties (``$PATH<iri>`` for another property), ``$N`` for a number unique to
    the condition within its query.
    """

    shape: str
    constraint: str  # the constraint component's local name, e.g. "MinCountConstraintComponent"
    severity: str  # Violation, Warning or Info
    message: str
    path: str | None  # the property IRI (None for a constraint on the node itself)
    query: str = ""
    condition: str = ""


@dataclass
class _Shape:
    iri: str
    props: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]] = field(default_factory=dict)

    def one(self, key: str) -> Any:
        vals = self.props.get(key) or []
        return vals[0] if vals else None


def _read_shapes(path: Path) -> tuple[ox.Store, dict[str, _Shape]]:
    g = ox.Store()
    try:
        g.load(path=str(path), format=ox.RdfFormat.TURTLE)
    except SyntaxError as e:
        raise OntologyError(f"{path}: invalid Turtle: {e}") from None
    except OSError as e:
        raise OntologyError(f"{path}: cannot read: {e.strerror or e}") from None
    shapes: dict[str, _Shape] = {}

    def shape(node: Any) -> _Shape:
        key = _key(node)
        if key not in shapes:
            s = shapes[key] = _Shape(key)
            for q in g.quads_for_pattern(node, None, None):
                p = q.predicate.value
                if p in _IGNORED:
                    continue
                if not p.startswith(SH):
                    raise UnsupportedShape(f"{key}: unknown property {p} in a shape")
                s.props.setdefault(p[len(SH) :], []).append(q.object)  # type: ignore[arg-type]
        return shapes[key]

    node_shape = ox.NamedNode(SH + "NodeShape")
    for q in g.quads_for_pattern(None, ox.NamedNode(RDF + "type"), node_shape):
        shape(q.subject)
    for s in list(shapes.values()):
        for p in s.props.get("property", []):
            shape(p)
        for lst in s.props.get("or", []):
            for alt in _rdf_list(g, lst):
                shape(alt)
    return g, shapes


def _key(node: Any) -> str:
    """A shape's name: its IRI, or the blank node's label."""
    return node.value if isinstance(node, ox.NamedNode) else str(node)


def _rdf_list(g: ox.Store, head: Any) -> list[Any]:
    out = []
    nil = ox.NamedNode(RDF + "nil")
    while head != nil:
        first = next(g.quads_for_pattern(head, ox.NamedNode(RDF + "first"), None), None)
        rest = next(g.quads_for_pattern(head, ox.NamedNode(RDF + "rest"), None), None)
        if first is None or rest is None:
            raise UnsupportedShape(f"{head}: a broken RDF list in the shapes")
        out.append(first.object)
        head = rest.object
    return out


def _text(term: Any) -> str:
    return term.value if isinstance(term, ox.Literal | ox.NamedNode) else str(term)


def _shapes_file(path: str | None) -> tuple[str, int]:
    """The shapes file and its modification time (the key of the caches below)."""
    p = Path(path) if path else ontology_dir() / "shapes.ttl"
    try:
        return str(p), p.stat().st_mtime_ns
    except OSError as e:
        raise OntologyError(f"{p}: cannot read: {e.strerror or e}") from None


def compile_shapes(path: str | None = None) -> tuple[Check, ...]:
    """The checks of ``ontology/shapes.ttl`` (or ``path``), without their focus-node patterns
    (those need the schema of the store they run on: :func:`run_checks` adds them)."""
    return _compile(*_shapes_file(path))


@cache
def _compile(path: str, _mtime: int) -> tuple[Check, ...]:
    g, shapes = _read_shapes(Path(path))
    checks: list[Check] = []
    property_shapes = {_key(p) for s in shapes.values() for p in s.props.get("property", [])}
    alternatives = {
        _key(a) for s in shapes.values() for lst in s.props.get("or", []) for a in _rdf_list(g, lst)
    }
    for s in shapes.values():
        if s.iri in property_shapes or s.iri in alternatives:
            continue
        unknown = set(s.props) - _NODE_KEYS
        if unknown:
            raise UnsupportedShape(f"{s.iri}: sh:{', sh:'.join(sorted(unknown))} not compiled")
        if _text(s.one("deactivated")) == "true":
            continue
        severity = _text(s.one("severity") or ox.NamedNode(SH + "Violation")).rsplit("#", 1)[-1]
        message = _text(s.one("message") or "")
        for lst in s.props.get("or", []):
            paths = []
            for alt in _rdf_list(g, lst):
                a = shapes[_key(alt)]
                if set(a.props) - {"path", "minCount"} or _text(a.one("minCount")) != "1":
                    raise UnsupportedShape(f"{s.iri}: only an sh:or of required properties")
                paths.append(_path(a))
            missing = " && ".join(
                f"NOT EXISTS {{ ?focus ?p$N_{i} ?v$N_{i} . VALUES ?p$N_{i} {{ $PATH<{p}> }} }}"
                for i, p in enumerate(paths)
            )
            checks.append(
                Check(s.iri, "OrConstraintComponent", severity, message, None, condition=missing)
            )
        for p in s.props.get("property", []):
            checks += _property_checks(g, s, shapes[_key(p)])
    return tuple(checks)


def _path(s: _Shape) -> str:
    path = s.one("path")
    if not isinstance(path, ox.NamedNode) or len(s.props.get("path", [])) != 1:
        raise UnsupportedShape(f"{s.iri}: only IRI paths are compiled")
    return path.value


def _property_checks(g: ox.Store, node: _Shape, s: _Shape) -> list[Check]:
    unknown = set(s.props) - _PROPERTY_KEYS
    if unknown:
        raise UnsupportedShape(f"{s.iri}: sh:{', sh:'.join(sorted(unknown))} not compiled")
    if _text(s.one("deactivated")) == "true":
        return []
    path = _path(s)
    severity = _text(s.one("severity") or ox.NamedNode(SH + "Violation")).rsplit("#", 1)[-1]
    message = _text(s.one("message") or "")
    out = []

    def add(component: str, query: str, default: str, condition: str = "") -> None:
        out.append(Check(node.iri, component, severity, message or default, path, query, condition))

    # value nodes: ?v is a value of the path at ?focus (sub-properties included, see run_checks)
    values = "?focus ?p ?v . VALUES ?p { $PATH }"
    if s.one("minCount") is not None:
        n = int(_text(s.one("minCount")))
        default = f"Less than {n} values on {path}"
        if n == 1:
            add(
                "MinCountConstraintComponent",
                "",
                default,
                "NOT EXISTS { ?focus ?p$N ?v$N . VALUES ?p$N { $PATH } }",
            )
        else:
            add(
                "MinCountConstraintComponent",
                f"""SELECT ?focus WHERE {{ {{ SELECT DISTINCT ?focus WHERE {{ $FOCUS }} }}
                  FILTER NOT EXISTS {{ SELECT ?focus WHERE {{ {values} }}
                                      GROUP BY ?focus HAVING (COUNT(DISTINCT ?v) >= {n}) }} }}""",
                default,
            )
    if s.one("maxCount") is not None:
        n = int(_text(s.one("maxCount")))
        # candidates first (the nodes with too many values), then whether each is a focus node
        add(
            "MaxCountConstraintComponent",
            f"""SELECT ?focus WHERE {{
              {{ SELECT ?focus WHERE {{ {values} }} GROUP BY ?focus
                 HAVING (COUNT(DISTINCT ?v) > {n}) }}
              FILTER EXISTS {{ $FOCUS }} }}""",
            f"More than {n} values on {path}",
        )
    tests: list[tuple[str, str, str]] = []
    kind = s.one("nodeKind")
    if kind is not None:
        k = _text(kind).rsplit("#", 1)[-1]
        ok = {
            "IRI": "isIRI(?v)",
            "BlankNode": "isBlank(?v)",
            "Literal": "isLiteral(?v)",
            "BlankNodeOrIRI": "!isLiteral(?v)",
            "BlankNodeOrLiteral": "!isIRI(?v)",
            "IRIOrLiteral": "!isBlank(?v)",
        }[k]
        tests.append(("NodeKindConstraintComponent", ok, f"Value is not of node kind {k}"))
    dt = s.one("datatype")
    if dt is not None:
        d = _text(dt)
        ok = f"isLiteral(?v) && DATATYPE(?v) = <{d}>"
        if d in _LEXICAL:
            ok += f' && REGEX(STR(?v), "{_LEXICAL[d]}")'.replace("\\", "\\\\")
        tests.append(("DatatypeConstraintComponent", ok, f"Value is not Literal with datatype {d}"))
    for key, op in _RANGES.items():
        limit = s.one(key)
        if limit is not None:
            name = key[0].upper() + key[1:] + "ConstraintComponent"
            ok = f"COALESCE(?v {op} {_sparql_term(limit)}, false)"
            tests.append((name, ok, f"Value is not {op} {_text(limit)}"))
    members = s.props.get("in", [])
    if members:
        items = [_sparql_term(t) for lst in members for t in _rdf_list(g, lst)]
        ok = f"?v IN ({', '.join(items)})" if items else "false"
        tests.append(("InConstraintComponent", ok, "Value is not in the allowed list"))
    for component, ok, default in tests:
        # the bad values first (a scan of the property), then whether each node is a focus node
        add(
            component,
            f"""SELECT ?focus ?v WHERE {{
              {{ SELECT DISTINCT ?focus ?v WHERE {{ {values} FILTER(!({ok})) }} }}
              FILTER EXISTS {{ $FOCUS }} }}""",
            default,
        )
    for want in s.props.get("hasValue", []):
        add(
            "HasValueConstraintComponent",
            "",
            f"Missing expected value {_text(want)}",
            f"NOT EXISTS {{ ?focus ?p$N {_sparql_term(want)} . VALUES ?p$N {{ $PATH }} }}",
        )
    for other in s.props.get("lessThanOrEquals", []):
        if not isinstance(other, ox.NamedNode):
            raise UnsupportedShape(f"{s.iri}: sh:lessThanOrEquals takes a property IRI")
        add(
            "LessThanOrEqualsConstraintComponent",
            f"""SELECT ?focus ?v ?w WHERE {{
              {{ SELECT DISTINCT ?focus ?v ?w WHERE {{ {values}
                 ?focus ?q ?w . VALUES ?q {{ $PATH<{other.value}> }}
                 FILTER(!COALESCE(?v <= ?w, false)) }} }}
              FILTER EXISTS {{ $FOCUS }} }}""",
            f"Value is not <= value of {other.value}",
        )
    return out


def _sparql_term(t: Any) -> str:
    if isinstance(t, ox.NamedNode | ox.Literal):
        return str(t)
    raise UnsupportedShape(f"{t}: a blank node where a value is expected")


# -- running the checks ----------------------------------------------------------------------


@dataclass
class _Schema:
    """What RDFS entailment needs: subclasses, sub-properties, domains and ranges."""

    sub_classes: dict[str, set[str]]  # class -> itself and every subclass
    sub_props: dict[str, set[str]]  # property -> itself and every sub-property
    domain: dict[str, set[str]]  # property -> its domains
    range: dict[str, set[str]]

    def classes_under(self, cls: str) -> set[str]:
        return self.sub_classes.get(cls, set()) | {cls}

    def props_under(self, prop: str) -> set[str]:
        return self.sub_props.get(prop, set()) | {prop}

    def typing(self, cls: str, which: dict[str, set[str]]) -> set[str]:
        """Properties whose domain (or range) makes a node an instance of ``cls``."""
        under = self.classes_under(cls)
        direct = {p for p, cs in which.items() if cs & under}
        return {q for p in direct for q in self.props_under(p)}


def _schema(store: KGStore) -> _Schema:
    pairs: dict[str, set[tuple[str, str]]] = {
        k: set() for k in ("subClassOf", "subPropertyOf", "domain", "range")
    }
    rows = store.select(
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o . VALUES ?p { "
        + " ".join(f"<{RDFS}{k}>" for k in pairs)
        + " } }"
    ).rows
    triples = [(str(r["s"]), str(r["p"]), str(r["o"])) for r in rows]
    onto = ontology_dir() / "kg.ttl"
    triples += [
        (t.subject.value, t.predicate.value, t.object.value)
        for t in ox.parse(path=str(onto), format=ox.RdfFormat.TURTLE)
        if t.predicate.value.startswith(RDFS) and not isinstance(t.object, ox.Literal)
    ]
    for s, p, o in triples:
        key = p[len(RDFS) :]
        if key in pairs:
            pairs[key].add((s, o))

    def closure(edges: set[tuple[str, str]]) -> dict[str, set[str]]:
        """parent -> every descendant (transitive)."""
        children: dict[str, set[str]] = {}
        for child, parent in edges:
            children.setdefault(parent, set()).add(child)
        out: dict[str, set[str]] = {}
        for top in children:
            seen, todo = set(), [top]
            while todo:
                for c in children.get(todo.pop(), ()):
                    if c not in seen:
                        seen.add(c)
                        todo.append(c)
            out[top] = seen
        return out

    sub_props = closure(pairs["subPropertyOf"])
    domain: dict[str, set[str]] = {}
    rng: dict[str, set[str]] = {}
    for s, o in pairs["domain"]:
        domain.setdefault(s, set()).add(o)
    for s, o in pairs["range"]:
        rng.setdefault(s, set()).add(o)
    # a sub-property has its super-properties' domains and ranges (rdfs7 then rdfs2/rdfs3)
    return _Schema(closure(pairs["subClassOf"]), sub_props, domain, rng)


def _values(terms: Iterable[str]) -> str:
    return " ".join(f"<{t}>" for t in sorted(terms))


def focus_pattern(schema: _Schema, targets: dict[str, list[str]]) -> str:
    """A group pattern binding ``?focus`` to the focus nodes of a shape's targets."""
    branches = []
    for cls in targets.get("targetClass", []):
        branches.append(
            f"{{ ?focus <{RDF}type> ?fc . VALUES ?fc {{ {_values(schema.classes_under(cls))} }} }}"
        )
        dom = schema.typing(cls, schema.domain)
        if dom:
            branches.append(f"{{ ?focus ?fd ?fdo . VALUES ?fd {{ {_values(dom)} }} }}")
        rng = schema.typing(cls, schema.range)
        if rng:
            branches.append(f"{{ ?frs ?fr ?focus . VALUES ?fr {{ {_values(rng)} }} }}")
    for node in targets.get("targetNode", []):
        branches.append(f"{{ BIND({node} AS ?focus) }}")
    for p in targets.get("targetSubjectsOf", []):
        branches.append(
            f"{{ ?focus ?fs ?fso . VALUES ?fs {{ {_values(schema.props_under(p))} }} }}"
        )
    for p in targets.get("targetObjectsOf", []):
        branches.append(
            f"{{ ?fos ?fo ?focus . VALUES ?fo {{ {_values(schema.props_under(p))} }} }}"
        )
    return " UNION ".join(branches) if branches else "FILTER(false)"


@cache
def _targets(path: str, _mtime: int) -> dict[str, dict[str, list[str]]]:
    """shape IRI -> its targets (kind -> IRIs, or N-Triples terms for sh:targetNode)."""
    _g, shapes = _read_shapes(Path(path))
    out: dict[str, dict[str, list[str]]] = {}
    for s in shapes.values():
        t: dict[str, list[str]] = {}
        for kind in ("targetClass", "targetSubjectsOf", "targetObjectsOf"):
            t[kind] = [_text(v) for v in s.props.get(kind, [])]
        t["targetNode"] = [_sparql_term(v) for v in s.props.get("targetNode", [])]
        out[s.iri] = t
    return out


def run_checks(store: KGStore, checks: Iterable[Check]) -> Iterator[dict[str, Any]]:
    """The problems the checks find in ``store``: one dict per SHACL validation result.

    The conditions of a shape (required properties, ``sh:or``) run in one query over its
    distinct focus nodes; the other checks look for the bad values or nodes first and then
    ask whether each is a focus node, so that the store is scanned per property, not per
    focus node."""
    schema = _schema(store)
    targets = _targets(*_shapes_file(None))
    o = ontology()

    def result(c: Check, node: Any) -> dict[str, Any]:
        return {
            "severity": c.severity,
            "node": str(node),
            "property": o.local(c.path) if c.path else None,
            "message": c.message,
        }

    checks = list(checks)
    by_shape: dict[str, list[Check]] = {}
    for c in checks:
        if c.condition:
            by_shape.setdefault(c.shape, []).append(c)
    for shape, conds in by_shape.items():
        focus = focus_pattern(schema, targets[shape])
        binds = []
        for i, c in enumerate(conds):
            cond = _expand_paths(c.condition.replace("$N", str(i)), schema, c.path)
            binds.append(f"BIND({cond} AS ?c{i})")
        q = f"""SELECT ?focus {" ".join(f"?c{i}" for i in range(len(conds)))} WHERE {{
              {{ SELECT DISTINCT ?focus WHERE {{ {focus} }} }}
              {" ".join(binds)}
              FILTER({" || ".join(f"?c{i}" for i in range(len(conds)))}) }}"""
        for r in store.select(prologue() + q).rows:
            for i, c in enumerate(conds):
                if r[f"c{i}"] is True:
                    yield result(c, r["focus"])
    for c in checks:
        if c.condition:
            continue
        q = c.query.replace("$FOCUS", focus_pattern(schema, targets[c.shape]))
        q = _expand_paths(q, schema, c.path)
        done: set[tuple[Any, ...]] = set()
        for r in store.select(prologue() + q).rows:
            # one result per focus node (and value node, for value constraints), as pyshacl
            key = tuple(r.values())
            if key not in done:
                done.add(key)
                yield result(c, r["focus"])


def _expand_paths(q: str, schema: _Schema, path: str | None) -> str:
    """``$PATH<iri>`` -> the IRI and its sub-properties; ``$PATH`` alone -> the shape's path."""
    import re

    def sub(m: re.Match[str]) -> str:
        p = m.group(1) or path
        assert p is not None
        return _values(schema.props_under(p))

    return re.sub(r"\$PATH(?:<([^>]*)>)?", sub, q)


# -- where each problem comes from -----------------------------------------------------------


def _with_provenance(store: KGStore, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each result with the documents that state its node and the first evidence text."""
    where = _provenance(store, sorted({r["node"] for r in found}))
    empty: dict[str, Any] = {"documents": [], "evidence": None}
    return [{**r, **where.get(r["node"], empty)} for r in found]


def _provenance(store: KGStore, nodes: list[str], chunk: int = 500) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    iris = [n for n in nodes if n.startswith(("http://", "https://", "urn:"))]
    for i in range(0, len(iris), chunk):
        part = " ".join(str(ox.NamedNode(n)) for n in iris[i : i + chunk])
        rows = store.select(
            prologue()
            + f"""SELECT DISTINCT ?n ?title ?text WHERE {{ VALUES ?n {{ {part} }}
                 {{ GRAPH ?g {{ ?n ?p ?o }} }} UNION {{ ?c kgo:subject ?n ; kgo:statedIn ?g }}
                 OPTIONAL {{ ?g kgo:title ?title }}
                 OPTIONAL {{ ?n kgo:evidence ?ev . ?ev kgo:text ?text }} }}"""
        ).rows
        for r in rows:
            d = out.setdefault(str(r["n"]), {"documents": set(), "texts": set()})
            if r["title"]:
                d["documents"].add(str(r["title"]))
            if r["text"]:
                d["texts"].add(str(r["text"]))
    return {
        n: {"documents": sorted(d["documents"]), "evidence": min(d["texts"], default=None)}
        for n, d in out.items()
    }
