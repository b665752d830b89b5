"""conflict-kg: a knowledge graph of armed actors, their affiliations and the events between them.

Every fact keeps its source, sentence and rule. The public API is re-exported here lazily so
that ``import kg`` (and ``kg --help``) stays fast.

Examples
--------
>>> import kg
>>> ex = kg.extract_text("JNIM, linked to al-Qaeda, ambushed Wagner fighters in Mopti.",
...                      report_date="2024-11-23")
>>> [(r.predicate) for r in ex.relations]
['affiliatedWith']
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_API = {
    "open_store": "kg.api",
    "ingest": "kg.api",
    "extract_file": "kg.api",
    "extract_text": "kg.api",
    "show": "kg.api",
    "named_query": "kg.api",
    "path": "kg.api",
    "neighbors": "kg.api",
    "analyze": "kg.api",
    "actor_graph": "kg.api",
    "stats": "kg.api",
    "sparql": "kg.api",
    "export": "kg.api",
    "evaluate": "kg.evaluate",
    "KGStore": "kg.store.oxigraph",
    "KGError": "kg.errors",
    "LoaderError": "kg.errors",
    "OntologyError": "kg.errors",
    "QueryError": "kg.errors",
    "StoreError": "kg.errors",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        import importlib

        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
