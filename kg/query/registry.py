"""Named queries: ``queries/<name>.rq`` files with a header, loaded and validated here.

A query file starts with comment lines::

    # name: affiliations
    # description: What an actor is affiliated with, directly and through others.
    # param: actor: entity (required) -- the actor, e.g. JNIM
    # param: as_of: date (optional) -- only ties valid on this date, e.g. 2023-06-01

then the SPARQL text, which uses the project's prefixes (``kgo:``, ``kg:``, ``skos:``...)
without declaring them. Parameter types: ``entity`` (a name or IRI, resolved in the store),
``date`` (YYYY, YYYY-MM or YYYY-MM-DD), ``string``, ``integer``.

Values are bound, never formatted into the query: each is turned into an RDF term (IRIs
validated, literals escaped by pyoxigraph's serialiser) and joined to the outermost group of
the query as a ``VALUES`` row, ``UNDEF`` for optional parameters that are not given. That is
how SPARQL 1.1 binds values, and it works the same on every endpoint.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError
from kg.model import is_date
from kg.ontology import XSD, sparql_prologue
from kg.paths import queries_dir

PARAM_TYPES = ("entity", "date", "string", "integer")
_PARAM_RX = re.compile(
    r"^#\s*param:\s*(?P<name>[a-z_][a-z0-9_]*)\s*:\s*(?P<type>\w+)\s*"
    r"\((?P<need>required|optional)\)\s*(?:--\s*(?P<desc>.*))?$"
)
_HEAD_RX = re.compile(r"^#\s*(?P<key>name|description):\s*(?P<value>.+)$")


@dataclass(frozen=True)
class Param:
    """One parameter of a named query."""

    name: str
    type: str
    required: bool
    description: str = ""

    @property
    def example(self) -> str | None:
        m = re.search(r"e\.g\.\s*(.+?)\s*$", self.description)
        return m.group(1) if m else None


@dataclass
class NamedQuery:
    """A validated query file."""

    name: str
    description: str
    params: list[Param]
    text: str
    path: Path
    #: the Cypher twin (``<name>.cypher``, see :mod:`kg.query.cypher`), when there is one
    cypher: str | None = None

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def prologue() -> str:
    """The PREFIX lines every named query may rely on."""
    return sparql_prologue()


def bind(text: str, values: Mapping[str, ox.NamedNode | ox.Literal | None]) -> str:
    """Join ``values`` as one VALUES row to the outermost group of the query and to every
    nested group that mentions a parameter, so that FILTERs at any depth see them (joining the
    same constant row again changes no answer)."""
    if not values:
        return text
    m = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
    if m is None:
        raise QueryError("the query has no WHERE { ... } to bind parameters in")

    def block(keys: list[str]) -> str:
        if not keys:
            return ""
        names = " ".join(f"?{k}" for k in keys)
        row = " ".join("UNDEF" if values[k] is None else str(values[k]) for k in keys)
        return f" VALUES ({names}) {{ ({row}) }} "

    every = block(list(values))
    given = block([k for k, v in values.items() if v is not None])
    missing = block([k for k, v in values.items() if v is None])
    mention = re.compile(r"\?(?:" + "|".join(re.escape(k) for k in values) + r")\b")
    inserts: list[tuple[int, str]] = []
    for start, end in _groups(text, m.end() - 1):
        body = text[start + 1 : end]
        if start == m.end() - 1:
            # the outermost group: given values first (they narrow the search); the UNDEF row
            # of missing ones last, because Virtuoso 7 answers a variable that the patterns
            # bind as unbound when an UNDEF row for it opens that group before a subquery
            # (a join: its place changes no answer)
            inserts += [(start + 1, given), (end, missing)]
        elif not re.match(r"\s*SELECT\b", body, re.I) and mention.search(body):
            inserts.append((start + 1, every))
    out: list[str] = []
    last = 0
    for at, piece in sorted(inserts, key=lambda x: x[0]):
        out += [text[last:at], piece]
        last = at
    out.append(text[last:])
    return "".join(out)


def _groups(text: str, first: int) -> list[tuple[int, int]]:
    """Offsets of every group pattern ``{ ... }`` from the WHERE clause on (the outermost
    first), skipping VALUES data blocks, strings, IRIs and comments."""
    out: list[tuple[int, int]] = []
    stack: list[tuple[int, bool]] = []
    i = first
    n = len(text)
    while i < n:
        c = text[i]
        if c == "#":
            nl = text.find("\n", i)
            i = n if nl < 0 else nl
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if c == "<" and re.match(r"<[^\s<>\"{}|^`]*>", text[i:]):
            i = text.index(">", i) + 1
            continue
        if c == "{":
            data = bool(re.search(r"\bVALUES\s*(?:\?\w+|\([^)]*\))\s*$", text[:i], re.I))
            stack.append((i, data))
        elif c == "}" and stack:
            start, data = stack.pop()
            if not data:
                out.append((start, i))
        i += 1
    return sorted(out)


def parse_query_file(path: Path) -> NamedQuery:
    """Read and validate one ``.rq`` file; errors name the file and line."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise QueryError(f"{path}: cannot read: {e}") from e
    head: dict[str, str] = {}
    params: list[Param] = []
    body_lines: list[str] = []
    for n, line in enumerate(raw.splitlines(), 1):
        if not body_lines and line.startswith("#"):
            pm = _PARAM_RX.match(line)
            hm = _HEAD_RX.match(line)
            if line.lstrip("# ").startswith("param:") and not pm:
                raise QueryError(
                    f"{path}:{n}: bad parameter line; write "
                    "'# param: NAME: TYPE (required|optional) -- description, e.g. EXAMPLE'"
                )
            if pm:
                ptype = pm.group("type")
                if ptype not in PARAM_TYPES:
                    raise QueryError(
                        f"{path}:{n}: unknown parameter type {ptype!r} "
                        f"(valid: {', '.join(PARAM_TYPES)})"
                    )
                params.append(
                    Param(
                        pm.group("name"),
                        ptype,
                        pm.group("need") == "required",
                        (pm.group("desc") or "").strip(),
                    )
                )
            elif hm:
                head[hm.group("key")] = hm.group("value").strip()
            continue
        body_lines.append(line)
    text = "\n".join(body_lines).strip()
    if head.get("name") != path.stem:
        raise QueryError(
            f"{path}:1: '# name: {path.stem}' must open the file (the name is the stem)"
        )
    if not head.get("description"):
        raise QueryError(f"{path}: missing '# description: ...' line")
    select = re.search(r"\bSELECT\b(.*?)\bWHERE\b", text, re.IGNORECASE | re.DOTALL)
    if select is None:
        raise QueryError(f"{path}: a named query is a SELECT ... WHERE {{ ... }}")
    for p in params:
        if not re.search(rf"\?{p.name}\b", text):
            raise QueryError(f"{path}: parameter {p.name!r} is not used in the query")
    # the query must parse (with every parameter bound to a dummy value)
    dummy = {p.name: None for p in params}
    try:
        ox.Store().query(prologue() + bind(text, dummy))
    except SyntaxError as e:
        raise QueryError(f"{path}: SPARQL syntax error: {e}") from e
    return NamedQuery(path.stem, head["description"], params, text, path)


@cache
def registry(folder: str | None = None) -> dict[str, NamedQuery]:
    """All named queries, by name (cached)."""
    root = Path(folder) if folder else queries_dir()
    out = {}
    for f in sorted(root.glob("*.rq")):
        q = parse_query_file(f)
        twin = f.with_suffix(".cypher")
        if twin.is_file():
            from kg.query.cypher import parse_cypher_file

            q.cypher = parse_cypher_file(twin, q)
        out[q.name] = q
    return out


def get_query(name: str) -> NamedQuery:
    """The named query ``name``; an unknown name lists the close ones."""
    reg = registry()
    if name in reg:
        return reg[name]
    close = difflib.get_close_matches(name, list(reg), n=3, cutoff=0.4)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise QueryError(f"no named query {name!r}{hint} (see `kg queries`)")


def to_term(param: Param, value: str, store: Any) -> ox.NamedNode | ox.Literal:
    """Turn a parameter's text value into an RDF term (entities are looked up by name)."""
    if param.type == "entity":
        from kg.api import find_entity

        return ox.NamedNode(find_entity(value, store))
    if param.type == "date":
        v = value.strip()
        if not is_date(v):
            raise QueryError(
                f"parameter {param.name}: {value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
            )
        return ox.Literal(v)
    if param.type == "integer":
        try:
            return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
        except ValueError:
            raise QueryError(f"parameter {param.name}: {value!r} is not a whole number") from None
    return ox.Literal(value)


def run_named(name: str, params: dict[str, str], store: Any) -> Any:
    """Run a named query with ``params`` (text values) on ``store``; returns its rows."""
    q = get_query(name)
    unknown = sorted(set(params) - {p.name for p in q.params})
    if unknown:
        valid = ", ".join(p.name for p in q.params) or "none"
        raise QueryError(f"query {name!r} takes no parameter {', '.join(unknown)} (valid: {valid})")
    values: dict[str, ox.NamedNode | ox.Literal | None] = {}
    for p in q.params:
        if p.name in params and params[p.name] != "":
            values[p.name] = to_term(p, params[p.name], store)
        elif p.required:
            ex = f" (e.g. {p.example})" if p.example else ""
            raise QueryError(f"query {name!r} needs -p {p.name}=...{ex}")
        else:
            values[p.name] = None
    return store.select(prologue() + bind(q.text, values))
