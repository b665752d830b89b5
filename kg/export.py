"""Exports that need more than Oxigraph's serialisers (JSON-LD, through rdflib)."""

from __future__ import annotations

import io
import json
from typing import Any

from kg.ontology import prefixes
from kg.store.oxigraph import KGStore


def jsonld_context() -> dict[str, Any]:
    """The JSON-LD ``@context`` of the project's terms."""
    return dict(prefixes())


def jsonld(store: KGStore, out: Any) -> None:
    """Write the store as JSON-LD (named graphs kept) to a binary stream."""
    import pyoxigraph as ox
    import rdflib

    buf = io.BytesIO()
    store.raw.dump(buf, ox.RdfFormat.N_QUADS)
    ds = rdflib.Dataset()
    ds.parse(data=buf.getvalue().decode("utf-8"), format="nquads")
    text = ds.serialize(format="json-ld", context=jsonld_context(), indent=1)
    data = json.loads(text)
    out.write(json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
