"""The ontology as data: terms, hierarchy and annotations read from ``ontology/kg.ttl``.

Python never hand-copies an IRI: it asks :func:`ontology` for a term by its local name and
gets an error listing close matches when the term does not exist (a closed namespace).

>>> from kg.ontology import ontology
>>> o = ontology()
>>> o.prop("affiliatedWith").endswith("#affiliatedWith")
True
>>> o.is_a("Ambush", "Attack")
True
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kg.errors import OntologyError
from kg.paths import ontology_dir

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
WD = "http://www.wikidata.org/entity/"

_PREFIX_RX = re.compile(r"@prefix\s+(\w*):\s*<([^>]+)>\s*\.", re.I)


@dataclass
class Ontology:
    """Terms of the ontology, indexed by local name."""

    path: Path
    ns: str
    data_ns: str
    classes: dict[str, str] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)
    individuals: dict[str, str] = field(default_factory=dict)
    parents: dict[str, set[str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    families: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    functional: set[str] = field(default_factory=set)
    symmetric: set[str] = field(default_factory=set)
    transitive: set[str] = field(default_factory=set)
    inverse: dict[str, str] = field(default_factory=dict)

    # -- lookups ---------------------------------------------------------------------------
    def _lookup(self, table: dict[str, str], local: str, what: str) -> str:
        try:
            return table[local]
        except KeyError:
            close = difflib.get_close_matches(local, list(table), n=5, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise OntologyError(
                f"unknown {what} {local!r} in {self.path.name}{hint} "
                f"(valid: {', '.join(sorted(table))})"
            ) from None

    def cls(self, local: str) -> str:
        """IRI of a class, by local name."""
        return self._lookup(self.classes, local, "class")

    def prop(self, local: str) -> str:
        """IRI of a property, by local name."""
        return self._lookup(self.properties, local, "property")

    def individual(self, local: str) -> str:
        """IRI of a named individual (count qualifiers), by local name."""
        return self._lookup(self.individuals, local, "individual")

    def term(self, local: str) -> str:
        """IRI of any term (class, property or individual)."""
        for table in (self.classes, self.properties, self.individuals):
            if local in table:
                return table[local]
        return self._lookup({**self.classes, **self.properties}, local, "term")

    def local(self, iri: str) -> str:
        """Local name of an ontology IRI (``kgo:Ambush`` -> ``"Ambush"``)."""
        if iri.startswith(self.ns):
            return iri[len(self.ns) :]
        return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]

    def ancestors(self, local: str) -> list[str]:
        """The class and all its superclasses, nearest first."""
        seen: list[str] = []
        todo = [local]
        while todo:
            c = todo.pop(0)
            if c in seen:
                continue
            seen.append(c)
            todo.extend(sorted(self.parents.get(c, ())))
        return seen

    def is_a(self, local: str, ancestor: str) -> bool:
        """Whether class ``local`` is ``ancestor`` or one of its subclasses."""
        return ancestor in self.ancestors(local)

    def family(self, local: str) -> str | None:
        """The evaluation family of a class or property, inherited from superclasses."""
        for c in self.ancestors(local):
            if c in self.families:
                return self.families[c]
        return None

    def subclasses(self, local: str) -> list[str]:
        """All classes that are ``local`` or below it."""
        return sorted(c for c in self.classes if self.is_a(c, local))

    def entity_iri(self, kind: str, slug: str) -> str:
        """IRI of a data entity: ``kind`` is ``actor``, ``place``, ``event``, ``doc``..."""
        return f"{self.data_ns}{kind}/{slug}"


def _load(path: Path) -> Ontology:
    import pyoxigraph as ox

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise OntologyError(f"{path}: cannot read the ontology: {e}") from e
    prefixes = {p: iri for p, iri in _PREFIX_RX.findall(text)}
    ns = prefixes.get("kgo")
    if not ns:
        raise OntologyError(f"{path}: no '@prefix kgo:' declaration")
    data_ns = prefixes.get("kg") or ns.replace("ontology#", "id/")
    try:
        triples = list(ox.parse(input=text.encode(), format=ox.RdfFormat.TURTLE, base_iri=ns))
    except SyntaxError as e:
        raise OntologyError(f"{path}: invalid Turtle: {e}") from e

    o = Ontology(path=path, ns=ns, data_ns=data_ns)
    class_types = {OWL + "Class", RDFS + "Class"}
    prop_types = {
        OWL + "ObjectProperty",
        OWL + "DatatypeProperty",
        OWL + "AnnotationProperty",
        RDF + "Property",
        OWL + "FunctionalProperty",
        OWL + "TransitiveProperty",
        OWL + "SymmetricProperty",
    }
    for t in triples:
        s, p, obj = t.subject, t.predicate.value, t.object
        if not isinstance(s, ox.NamedNode) or not s.value.startswith(ns):
            continue
        local = s.value[len(ns) :]
        ov = obj.value if isinstance(obj, ox.NamedNode | ox.Literal) else None
        if p == RDF + "type" and ov in class_types:
            o.classes[local] = s.value
        elif p == RDF + "type" and ov in prop_types:
            o.properties[local] = s.value
            if ov == OWL + "FunctionalProperty":
                o.functional.add(local)
            elif ov == OWL + "TransitiveProperty":
                o.transitive.add(local)
            elif ov == OWL + "SymmetricProperty":
                o.symmetric.add(local)
        elif p == RDF + "type" and ov and ov.startswith(ns):
            o.individuals[local] = s.value
        elif p == RDFS + "subClassOf" and ov and ov.startswith(ns):
            o.parents.setdefault(local, set()).add(ov[len(ns) :])
        elif p == RDFS + "label" and isinstance(obj, ox.Literal):
            o.labels.setdefault(local, obj.value)
        elif p == ns + "family" and isinstance(obj, ox.Literal):
            o.families[local] = obj.value
        elif p == ns + "relationGroup" and isinstance(obj, ox.Literal):
            o.groups[local] = obj.value
        elif p == OWL + "inverseOf" and ov and ov.startswith(ns):
            o.inverse[local] = ov[len(ns) :]
            o.inverse[ov[len(ns) :]] = local
    for local in list(o.individuals):
        if local in o.classes or local in o.properties:
            del o.individuals[local]
    if "Event" not in o.classes or "Actor" not in o.classes:
        raise OntologyError(f"{path}: the ontology must define kgo:Actor and kgo:Event")
    return o


def prefixes() -> dict[str, str]:
    """The project's prefixes (for SPARQL, Turtle, TriG and the JSON-LD context)."""
    o = ontology()
    return {
        "kgo": o.ns,
        "kg": o.data_ns,
        "skos": SKOS,
        "rdf": RDF,
        "rdfs": RDFS,
        "owl": OWL,
        "xsd": XSD,
        "geo": GEO,
        "prov": PROV,
        "wd": WD,
    }


def sparql_prologue() -> str:
    """``PREFIX`` lines for :func:`prefixes`, to put before a query."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes().items())


@cache
def ontology(path: str | None = None) -> Ontology:
    """The project's ontology (cached). ``path`` overrides ``ontology/kg.ttl``."""
    return _load(Path(path) if path else ontology_dir() / "kg.ttl")


#: bumped when :func:`ontology_triples` changes what it derives, so stores reload the ontology
ONTOLOGY_BUILD = "closure-1"


def ontology_triples(files: list[Path]) -> list[Any]:
    """The triples of the ontology's Turtle files plus the entailed ``rdfs:subClassOf``
    closure (reflexive and transitive, RDFS rules rdfs10 and rdfs11), as pyoxigraph triples.

    With the closure stated, queries ask ``?cls rdfs:subClassOf kgo:Event`` in one hop instead
    of the property path ``rdfs:subClassOf*``, which some SPARQL servers (Virtuoso 7.2) answer
    wrongly after a join.
    """
    import pyoxigraph as ox

    sub = ox.NamedNode(RDFS + "subClassOf")
    triples: list[ox.Triple] = []
    parents: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    classes: set[ox.NamedNode] = set()
    owl_class = ox.NamedNode(OWL + "Class")
    rdf_type = ox.NamedNode(RDF + "type")
    for f in files:
        try:
            parsed = list(ox.parse(path=str(f), format=ox.RdfFormat.TURTLE))
        except SyntaxError as e:
            raise OntologyError(f"{f}: invalid Turtle: {e}") from None
        except OSError as e:
            raise OntologyError(f"{f}: cannot read: {e.strerror or e}") from None
        for t in parsed:
            triples.append(ox.Triple(t.subject, t.predicate, t.object))
            if t.predicate == sub and isinstance(t.subject, ox.NamedNode):
                if isinstance(t.object, ox.NamedNode):
                    parents.setdefault(t.subject, set()).add(t.object)
                    classes |= {t.subject, t.object}
            elif (
                t.predicate == rdf_type
                and t.object == owl_class
                and isinstance(t.subject, ox.NamedNode)
            ):
                classes.add(t.subject)
    seen = set(triples)
    for c in sorted(classes, key=str):
        todo, ancestors = [c], {c}
        while todo:
            for p in parents.get(todo.pop(), ()):
                if p not in ancestors:
                    ancestors.add(p)
                    todo.append(p)
        for a in sorted(ancestors, key=str):
            t = ox.Triple(c, sub, a)
            if t not in seen:
                seen.add(t)
                triples.append(t)
    return triples
