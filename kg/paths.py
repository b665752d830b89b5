"""Where the project's data folders (ontology, loaders, queries) are.

In a source checkout they sit next to the ``kg`` package; in an installed wheel they are
shipped inside it as ``kg/_data``. ``KG_HOME`` overrides both.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from kg.errors import OntologyError


@cache
def data_root() -> Path:
    """Return the folder that holds ``ontology/``, ``loaders/`` and ``queries/``."""
    candidates = []
    if os.environ.get("KG_HOME"):
        candidates.append(Path(os.environ["KG_HOME"]))
    here = Path(__file__).resolve().parent
    candidates += [here / "_data", here.parent]
    for c in candidates:
        if (c / "ontology" / "kg.ttl").is_file():
            return c
    raise OntologyError(
        "cannot find ontology/kg.ttl (looked in "
        + ", ".join(str(c) for c in candidates)
        + "); set KG_HOME to the project folder"
    )


def ontology_dir() -> Path:
    return data_root() / "ontology"


def loaders_dir() -> Path:
    return data_root() / "loaders"


def queries_dir() -> Path:
    return data_root() / "queries"
