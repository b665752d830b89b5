"""Cypher twins of the named queries: ``queries/<name>.cypher`` beside ``<name>.rq``.

A twin opens with the same header as its SPARQL file, as ``//`` comments::

    // name: affiliations
    // description: What an actor is affiliated with, directly and through others.
    // param: actor: entity (required) -- the actor, e.g. JNIM
    // param: as_of: date (optional) -- only ties valid on this date, e.g. 2023-06-01

then Cypher over the property graph of :mod:`kg.store.neo4j`. Parameters are Cypher
parameters (``$actor``), ``null`` when an optional one is not given; ``$kgo`` (the ontology
namespace) is always bound. A twin declares the same parameters as its ``.rq`` file and
returns the same columns in the same order; both are checked when the file is loaded.
Values are never formatted into the text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kg.errors import QueryError

#: Parameters every twin may use without declaring them.
IMPLICIT = ("kgo",)


def _strip_comments(text: str) -> str:
    """The text with ``//`` comments and string contents blanked (same length)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "'\"`":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (min(j, n - 1) - i - 1) + (c if j < n else ""))
            i = j + 1
            continue
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
            continue
        out.append(c)
        i += 1
    return "".join(out)[:n]


def _split_top(text: str, sep: str = ",") -> list[str]:
    parts, depth, last = [], 0, 0
    for i, c in enumerate(text):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == sep and depth == 0:
            parts.append(text[last:i])
            last = i + 1
    parts.append(text[last:])
    return [p.strip() for p in parts if p.strip()]


def return_columns(cypher: str) -> list[str]:
    """The column names of the last top-level ``RETURN`` of a Cypher query."""
    clean = _strip_comments(cypher)
    depth = 0
    last = None
    for m in re.finditer(r"[{}]|\bRETURN\b", clean, re.IGNORECASE):
        tok = m.group(0)
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
        elif depth == 0:
            last = m.end()
    if last is None:
        raise QueryError("no top-level RETURN")
    body = clean[last:]
    # the clause ends at ORDER BY, SKIP, LIMIT or UNION (all at depth 0)
    end = re.search(r"\b(ORDER\s+BY|SKIP|LIMIT|UNION)\b", body, re.IGNORECASE)
    if end:
        body = body[: end.start()]
    body = re.sub(r"^\s*DISTINCT\b", "", body, flags=re.IGNORECASE)
    cols = []
    for item in _split_top(body):
        alias = re.search(r"\bAS\s+`?(\w+)`?\s*$", item, re.IGNORECASE)
        if alias:
            cols.append(alias.group(1))
        elif re.fullmatch(r"\w+", item):
            cols.append(item)
        else:
            raise QueryError(f"name the returned column {item!r} with AS")
    return cols


def select_columns(sparql: str) -> list[str]:
    """The projected variables of a SPARQL SELECT, in order."""
    blank = re.sub(r'"(?:[^"\\]|\\.)*"' + r"|'(?:[^'\\]|\\.)*'", '""', sparql)
    m = re.search(r"\bSELECT\b(.*?)\bWHERE\b", blank, re.IGNORECASE | re.DOTALL)
    if m is None:
        raise QueryError("not a SELECT ... WHERE query")
    proj = re.sub(r"^\s*(DISTINCT|REDUCED)\b", "", m.group(1), flags=re.IGNORECASE)
    cols: list[str] = []
    depth, start = 0, 0
    for i, c in enumerate(proj):
        if c == "(":
            depth += 1
            if depth == 1:
                start = i
        elif c == ")":
            depth -= 1
            if depth == 0:
                a = re.search(r"\bAS\s+\?(\w+)\s*$", proj[start + 1 : i], re.IGNORECASE)
                if a is None:
                    raise QueryError(f"projection {proj[start : i + 1]!r} has no AS ?name")
                cols.append(a.group(1))
        elif c == "?" and depth == 0:
            v = re.match(r"\?(\w+)", proj[i:])
            if v:
                cols.append(v.group(1))
    return cols


def parse_cypher_file(path: Path, rq: Any) -> str:
    """Read and check the twin of the named query ``rq``; returns its Cypher text.

    The header must repeat the name and declare the same parameters as the ``.rq`` file;
    every parameter must be used; the columns must be the SPARQL query's, in order.
    """
    from kg.query.registry import _HEAD_RX, _PARAM_RX, PARAM_TYPES

    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise QueryError(f"{path}: cannot read: {e}") from e
    head: dict[str, str] = {}
    params: list[tuple[str, str, bool]] = []
    body: list[str] = []
    for n, line in enumerate(raw.splitlines(), 1):
        if not body and line.startswith("//"):
            as_rq = "#" + line[2:]
            pm = _PARAM_RX.match(as_rq)
            hm = _HEAD_RX.match(as_rq)
            if as_rq.lstrip("# ").startswith("param:") and not pm:
                raise QueryError(
                    f"{path}:{n}: bad parameter line; write "
                    "'// param: NAME: TYPE (required|optional) -- description, e.g. EXAMPLE'"
                )
            if pm:
                if pm.group("type") not in PARAM_TYPES:
                    raise QueryError(f"{path}:{n}: unknown parameter type {pm.group('type')!r}")
                params.append((pm.group("name"), pm.group("type"), pm.group("need") == "required"))
            elif hm:
                head[hm.group("key")] = hm.group("value").strip()
            continue
        body.append(line)
    text = "\n".join(body).strip()
    if head.get("name") != path.stem:
        raise QueryError(f"{path}:1: '// name: {path.stem}' must open the file")
    if not head.get("description"):
        raise QueryError(f"{path}: missing '// description: ...' line")
    want = [(p.name, p.type, p.required) for p in rq.params]
    if params != want:
        raise QueryError(f"{path}: parameters {params} differ from those of {rq.path.name}: {want}")
    clean = _strip_comments(text)
    used = set(re.findall(r"\$(\w+)", clean))
    for name, _, _ in params:
        if name not in used:
            raise QueryError(f"{path}: parameter {name!r} is not used in the query")
    unknown = used - {p[0] for p in params} - set(IMPLICIT)
    if unknown:
        raise QueryError(f"{path}: undeclared parameter(s) {', '.join(sorted(unknown))}")
    if clean.count("(") != clean.count(")") or clean.count("{") != clean.count("}"):
        raise QueryError(f"{path}: unbalanced brackets")
    try:
        cols = return_columns(text)
    except QueryError as e:
        raise QueryError(f"{path}: {e}") from e
    expected = select_columns(rq.text)
    if cols != expected:
        raise QueryError(f"{path}: returns {cols}, but {rq.path.name} selects {expected}")
    return text


def cypher_values(q: Any, params: dict[str, str], store: Any) -> dict[str, Any]:
    """Parameter values for a twin: entities looked up in ``store`` (IRIs), dates checked,
    integers parsed, missing optional ones ``None``."""
    from kg.ontology import ontology
    from kg.query.registry import to_term

    unknown = sorted(set(params) - {p.name for p in q.params})
    if unknown:
        valid = ", ".join(p.name for p in q.params) or "none"
        raise QueryError(
            f"query {q.name!r} takes no parameter {', '.join(unknown)} (valid: {valid})"
        )
    values: dict[str, Any] = {"kgo": ontology().ns}
    for p in q.params:
        if p.name in params and params[p.name] != "":
            term = to_term(p, params[p.name], store)
            values[p.name] = int(term.value) if p.type == "integer" else term.value
        elif p.required:
            ex = f" (e.g. {p.example})" if p.example else ""
            raise QueryError(f"query {q.name!r} needs -p {p.name}=...{ex}")
        else:
            values[p.name] = None
    return values


def run_cypher_named(name: str, params: dict[str, str], store: Any, neo: Any) -> Any:
    """Run the Cypher twin of the named query ``name`` on the Bolt server ``neo``
    (a :class:`kg.store.neo4j.Neo4jStore`); entity names are looked up in ``store``."""
    from kg.query.registry import get_query

    q = get_query(name)
    if not q.cypher:
        raise QueryError(f"query {name!r} has no Cypher twin (queries/{name}.cypher)")
    rows = neo.query(q.cypher, cypher_values(q, params, store))
    if not rows.variables:  # ArcadeDB names no columns when there is no row
        rows.variables = return_columns(q.cypher)
    return rows
