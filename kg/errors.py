"""The one exception tree of the project.

Every error the library raises on purpose is a :class:`KGError`. The CLI turns them into
one-line messages and exit code 1; anything else is a bug.
"""

from __future__ import annotations


class KGError(Exception):
    """Base class of every error raised on purpose by :mod:`kg`."""


class OntologyError(KGError):
    """The ontology, a vocabulary or a reference file is broken, or a term is unknown."""


class LoaderError(KGError):
    """An input file cannot be read or does not follow its format.

    The message names the file (and the line when known) and what to do about it.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")
        self.path = path
        self.line = line


class QueryError(KGError):
    """A query is malformed, unknown, or got parameters it does not take."""


class StoreError(KGError):
    """The store cannot be opened, read or written."""
