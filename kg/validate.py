"""``kg validate``: the store against the SHACL shapes (``ontology/shapes.ttl``).

The graphs are merged (with the ontology, for RDFS inference) and checked with pyshacl; each
result names the node, the property, the message and its severity, and, for claims, the
document that stated it and the sentence or row it came from. Functional facts with several
values are warnings ("contested"), not errors. pyshacl holds the graph in memory, so stores
above ``max_quads`` are refused with a message rather than left to exhaust memory.
"""

from __future__ import annotations

import io
from typing import Any

from kg.errors import OntologyError, StoreError
from kg.ontology import ontology
from kg.paths import ontology_dir
from kg.query.registry import prologue
from kg.store.oxigraph import KGStore

MAX_QUADS = 2_000_000


def validate(store: KGStore, *, max_quads: int = MAX_QUADS) -> dict[str, Any]:
    """Check the store; returns ``{"conforms", "violations", "warnings", "results"}``."""
    import rdflib
    from pyshacl import validate as shacl

    n = len(store)
    if n > max_quads:
        raise StoreError(
            f"the store holds {n:,} quads, more than kg validate checks in memory "
            f"({max_quads:,}); raise --max-quads if this machine has the memory"
        )
    buf = io.BytesIO()
    store.dump("nt", buf)
    data = rdflib.Graph().parse(data=buf.getvalue().decode("utf-8"), format="nt")
    graphs = []
    for f in (ontology_dir() / "shapes.ttl", ontology_dir() / "kg.ttl"):
        try:
            graphs.append(rdflib.Graph().parse(f, format="turtle"))
        except SyntaxError as e:  # rdflib's BadSyntax is one, with a line and a reason
            line = getattr(e, "lines", None)
            why = getattr(e, "_why", None) or " ".join(str(e).split())
            at = f"{f}:{line + 1}" if isinstance(line, int) else str(f)
            raise OntologyError(f"{at}: invalid Turtle: {why}") from None
    shapes, onto = graphs
    conforms, report, _text = shacl(
        data, shacl_graph=shapes, ont_graph=onto, inference="rdfs", allow_warnings=True
    )
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    o = ontology()
    results = []
    for r in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = str(report.value(r, sh.focusNode))
        path = report.value(r, sh.resultPath)
        severity = str(report.value(r, sh.resultSeverity)).rsplit("#", 1)[-1]
        where = _provenance(store, focus)
        results.append(
            {
                "severity": severity,
                "node": focus,
                "property": o.local(str(path)) if path is not None else None,
                "message": str(report.value(r, sh.resultMessage) or ""),
                "documents": where["documents"],
                "evidence": where["evidence"],
            }
        )
    results.sort(key=lambda x: (x["severity"] != "Violation", x["node"], x["property"] or ""))
    violations = sum(1 for x in results if x["severity"] == "Violation")
    return {
        "conforms": violations == 0,
        "shacl_conforms": bool(conforms),
        "quads": n,
        "violations": violations,
        "warnings": len(results) - violations,
        "results": results,
    }


def _provenance(store: KGStore, node: str) -> dict[str, Any]:
    rows = store.select(
        prologue()
        + """SELECT DISTINCT ?n ?title ?text WHERE {
             { GRAPH ?g { ?n ?p ?o } } UNION { ?c kgo:subject ?n ; kgo:statedIn ?g }
             OPTIONAL { ?g kgo:title ?title }
             OPTIONAL { ?n kgo:evidence/kgo:text ?text } }""",
        n=node,
    ).rows
    return {
        "documents": sorted({str(r["title"]) for r in rows if r["title"]}),
        "evidence": next((str(r["text"]) for r in rows if r["text"]), None),
    }
