"""One engine for tabular event datasets (ACLED, UCDP GED, GDELT...), driven by mapping files.

A mapping (``loaders/<name>.yaml``, schema in ``loaders/README.md``) says which columns hold the
event's id, type, date, place, fatalities and actors; this module reads the file as a stream
of rows and turns each into an :class:`~kg.model.Event` with its roles and count claims,
attributed to the dataset's publisher, with the row (number and text) as evidence. Nothing
here knows a particular dataset.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import math
import re
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from kg.errors import LoaderError
from kg.model import Claim, Document, Entity, Event, Evidence, Extraction, Participant, slugify
from kg.ontology import Ontology, ontology
from kg.paths import loaders_dir, ontology_dir
from kg.resolve import Resolver, default_resolver
from kg.yamlfile import read_yaml

if TYPE_CHECKING:
    from kg.store.nquads import DatasetWriter

ROLES = ("perpetrator", "target", "victim", "participant", "supporter")
#: similarity (0-100, token-sorted) from which a dataset name is taken for a known one
FUZZY_THRESHOLD = 92.0
PRECISIONS = ("day", "month", "year")
_KEYS = {"name", "description", "publisher", "detect", "csv", "derived", "event", "actors", "names"}
_EVENT_KEYS = {"id", "type", "date", "precision", "place", "fatalities", "evidence", "sources"}
_DETECT_KEYS = {"extensions", "header_all", "header_none", "values", "refuse"}
_CSV_KEYS = {"delimiter", "encoding", "columns", "quoting"}
_QUOTING: dict[str, Literal[0, 3]] = {"minimal": csv.QUOTE_MINIMAL, "none": csv.QUOTE_NONE}
#: a derived column: the parts (columns each uses, its template) and what joins them
Derived = tuple[list[tuple[tuple[str, ...], str]], str]
csv.field_size_limit(10 * 1024 * 1024)
#: the longest line of a dataset file (characters): a longer one is refused before it is held
MAX_LINE_CHARS = 1 << 20
#: the largest count (fatalities) a row may give
MAX_COUNT = 10**9

#: A row's dead: (value, low, high)
Dead = tuple[int | None, int | None, int | None]


def is_range(dead: Dead) -> bool:
    """Whether a row's dead are a range (a count claim), not one exact figure."""
    return dead[1] is not None and dead[2] is not None and dead[1] != dead[2]


#: What one row states (:meth:`TabularLoader.row_facts`): event IRI, type, date, date
#: precision, place, country, [(actor, role)], dead, evidence text, line
RowFacts = tuple[
    str,
    str,
    str | None,
    str | None,
    str | None,
    str | None,
    list[tuple[str, str]],
    Dead | None,
    str,
    int,
]


@dataclass
class Mapping:
    """A validated mapping file."""

    name: str
    description: str
    path: Path
    raw: dict[str, Any]
    publisher: str | None = None
    header_all: list[str] = field(default_factory=list)
    header_none: list[str] = field(default_factory=list)
    extensions: list[str] = field(default_factory=list)
    delimiter: str = ","
    encoding: str = "utf-8"
    names: list[tuple[re.Pattern[str], str | None]] = field(default_factory=list)
    #: a headerless file's columns, in order (``csv.columns``); empty: the first line names them
    fields: list[str] = field(default_factory=list)
    quoting: Literal[0, 3] = csv.QUOTE_MINIMAL
    #: headerless detection: column -> pattern the first line's value must match
    values: dict[str, re.Pattern[str]] = field(default_factory=dict)
    #: look-alike files: (pattern of the first line, what to say about such a file)
    refuse: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    #: extra columns made from others: name -> ([(columns used, template)], separator)
    derived: dict[str, Derived] = field(default_factory=dict)

    @property
    def event(self) -> dict[str, Any]:
        return self.raw["event"]  # read on every row: no copy

    @property
    def actors(self) -> list[dict[str, Any]]:
        return self.raw.get("actors") or []

    def columns(self) -> set[str]:
        """Every column the mapping reads (for checking a file's header)."""
        cols = set(self.header_all)
        for a in self.actors:
            cols.add(a["column"])
        return cols


def _values(d: Any) -> list[Any]:
    return [v for k, v in (d or {}).items() if k != "__line__"]


def _strip(obj: Any) -> Any:
    """A copy without the ``__line__`` keys the YAML reader adds."""
    if isinstance(obj, dict):
        return {k: _strip(v) for k, v in obj.items() if k != "__line__"}
    if isinstance(obj, list):
        return [_strip(v) for v in obj]
    return obj


def _fail(path: Path, item: Any, msg: str) -> LoaderError:
    line = item.get("__line__") if isinstance(item, dict) else None
    return LoaderError(msg, path=str(path), line=line)


def load_mapping(path: Path, o: Ontology | None = None) -> Mapping:
    """Read and check one mapping file."""
    o = o or ontology()
    raw = read_yaml(path, lines=True)
    if not isinstance(raw, dict):
        raise LoaderError("a mapping is a YAML mapping", path=str(path))
    unknown = set(raw) - _KEYS - {"__line__"}
    if unknown:
        raise _fail(path, raw, f"unknown keys {sorted(unknown)} (valid: {sorted(_KEYS)})")
    if raw.get("name") != path.stem:
        raise _fail(path, raw, f"'name: {path.stem}' must match the file name")
    ev = raw.get("event")
    if not isinstance(ev, dict) or "id" not in ev or "type" not in ev:
        raise _fail(path, raw, "'event:' needs at least 'id' and 'type'")
    bad = set(ev) - _EVENT_KEYS - {"__line__"}
    if bad:
        raise _fail(path, ev, f"unknown event keys {sorted(bad)} (valid: {sorted(_EVENT_KEYS)})")
    t = ev["type"]
    for cls in [*list(_values(t.get("map"))), t.get("default", "OtherEvent")]:
        if cls not in o.classes or not o.is_a(cls, "Event"):
            raise _fail(path, t, f"{cls!r} is not an event class (see ontology/kg.ttl)")
    if t.get("vocab") and t["vocab"] not in _VOCABS:
        raise _fail(path, t, f"unknown vocab {t['vocab']!r} (valid: {sorted(_VOCABS)})")
    prec = ev.get("precision") or {}
    for v in _values(prec.get("map")):
        if v not in PRECISIONS:
            raise _fail(path, prec, f"precision {v!r} (valid: {', '.join(PRECISIONS)})")
    for a in raw.get("actors") or []:
        if "column" not in a:
            raise _fail(path, a, "each actor needs a 'column'")
        role = a.get("role") or {}
        for r in [*list(_values(role.get("map"))), role.get("default", "participant")]:
            if r not in ROLES:
                raise _fail(path, a, f"role {r!r} (valid: {', '.join(ROLES)})")
    det = raw.get("detect") or {}
    csv_opts = raw.get("csv") or {}
    m = Mapping(
        name=raw["name"],
        description=str(raw.get("description", "")),
        path=path,
        raw=_strip(raw),
        publisher=raw.get("publisher"),
        header_all=list(det.get("header_all") or []),
        header_none=list(det.get("header_none") or []),
        extensions=[e.lower() for e in det.get("extensions") or [".csv"]],
        delimiter=str(csv_opts.get("delimiter", ",")),
        encoding=str(csv_opts.get("encoding", "utf-8")),
    )
    for rule in raw.get("names") or []:
        try:
            rx = re.compile(rule["pattern"])
        except (KeyError, re.error) as e:
            raise _fail(path, rule, f"bad name pattern: {e}") from e
        if "name" not in rx.groupindex:
            raise _fail(path, rule, "a name pattern needs a (?P<name>...) group")
        typ = rule.get("type")
        if typ is not None and typ not in o.classes:
            raise _fail(path, rule, f"unknown class {typ!r}")
        m.names.append((rx, typ))
    if m.publisher and m.publisher not in default_resolver().ref.entities:
        raise _fail(path, raw, f"publisher {m.publisher!r} is not a reference entity id")
    _layout(m, raw)
    return m


def _layout(m: Mapping, raw: dict[str, Any]) -> None:
    """The file layout keys of a mapping (``detect``, ``csv``, ``derived``), checked."""
    path = m.path
    det, opts = raw.get("detect") or {}, raw.get("csv") or {}
    for section, keys, name in ((det, _DETECT_KEYS, "detect"), (opts, _CSV_KEYS, "csv")):
        bad = set(section) - keys - {"__line__"}
        if bad:
            raise _fail(path, section, f"unknown {name} keys {sorted(bad)} (valid: {sorted(keys)})")
    quoting = opts.get("quoting", "minimal")
    if quoting not in _QUOTING:
        raise _fail(path, opts, f"quoting {quoting!r} (valid: {', '.join(_QUOTING)})")
    m.quoting = _QUOTING[quoting]
    cols = opts.get("columns")
    if cols is not None:
        if not isinstance(cols, list) or not cols or not all(isinstance(c, str) for c in cols):
            raise _fail(path, opts, "'columns:' lists a headerless file's column names, in order")
        dup = sorted({c for c in cols if cols.count(c) > 1})
        if dup:
            raise _fail(path, opts, f"columns named twice: {', '.join(dup)}")
        if m.header_all or m.header_none:
            raise _fail(
                path,
                det,
                "header_all/header_none are for files with a header row; a headerless file "
                "(csv: columns) is recognised by its column count and detect: values",
            )
        m.fields = list(cols)
    for col, pattern in _items(det.get("values")):
        if not m.fields:
            raise _fail(path, det, "detect: values needs csv: columns (a headerless file)")
        try:
            m.values[col] = re.compile(str(pattern))
        except re.error as e:
            raise _fail(path, det, f"bad pattern for {col!r}: {e}") from e
    for rule in det.get("refuse") or []:
        if not isinstance(rule, dict) or not rule.get("line") or not rule.get("says"):
            raise _fail(path, det, "each refuse rule needs 'line' (a pattern) and 'says'")
        try:
            m.refuse.append((re.compile(str(rule["line"])), str(rule["says"]).strip()))
        except re.error as e:
            raise _fail(path, rule, f"bad line pattern: {e}") from e
    for name, spec in _items(raw.get("derived")):
        if isinstance(spec, str):
            parts, sep = [spec], ""
        elif isinstance(spec, dict) and isinstance(spec.get("parts"), list):
            parts, sep = spec["parts"], str(spec.get("join", "; "))
        else:
            raise _fail(path, raw["derived"], f"derived {name!r}: a template or {{parts, join}}")
        compiled: list[tuple[tuple[str, ...], str]] = []
        for part in parts:
            try:
                used = tuple(
                    f for _, f, _, _ in string.Formatter().parse(str(part)) if f is not None
                )
            except ValueError as e:
                raise _fail(path, raw["derived"], f"derived {name!r}: {e} in {part!r}") from e
            if any(not f or any(ch in f for ch in ".[]") for f in used):
                raise _fail(path, raw["derived"], f"derived {name!r}: name a column in {{}}")
            compiled.append((used, str(part)))
        m.derived[name] = (compiled, sep)
    if m.fields:  # every column the mapping reads is one of the file's, or derived before
        known = set(m.fields)
        for name, (compiled, _) in m.derived.items():
            for col in (c for used, _t in compiled for c in used):
                if col not in known:
                    raise _fail(path, raw["derived"], f"no column {col!r} in csv: columns")
            known.add(name)
        for col, where in _read_columns(raw):
            if col not in known:
                raise _fail(path, where, f"no column {col!r} in csv: columns (or derived)")


def _items(d: Any) -> list[tuple[str, Any]]:
    return [(str(k), v) for k, v in (d or {}).items() if k != "__line__"]


def _read_columns(raw: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(column, the part of the mapping that names it) for the event, actors and detection."""
    ev = raw["event"]
    yield from ((f, ev) for _, f, _, _ in string.Formatter().parse(ev["id"]) if f)
    for key in ("type", "date", "precision"):
        if isinstance(ev.get(key), dict) and ev[key].get("column"):
            yield ev[key]["column"], ev[key]
    for key in ("place", "fatalities"):
        part = ev.get(key) or {}
        yield from ((v, part) for k, v in part.items() if k != "__line__" and isinstance(v, str))
    yield from ((str(v), ev["place"]) for v in (ev.get("place") or {}).get("admin") or [])
    if ev.get("evidence"):
        yield ev["evidence"], ev
    if (ev.get("sources") or {}).get("column"):
        yield ev["sources"]["column"], ev["sources"]
    for a in raw.get("actors") or []:
        yield a["column"], a
        if a.get("type_code"):
            yield a["type_code"], a
        if isinstance(a.get("associated"), dict):
            yield a["associated"]["column"], a
        if isinstance(a.get("role"), dict) and a["role"].get("by_column"):
            yield a["role"]["by_column"], a
    det = raw.get("detect") or {}
    yield from ((col, det) for col, _ in _items(det.get("values")))


@cache
def mappings() -> dict[str, Mapping]:
    """Every mapping in ``loaders/`` by name."""
    return {p.stem: load_mapping(p) for p in sorted(loaders_dir().glob("*.yaml"))}


def read_header(path: Path, delimiter: str = ",") -> list[str]:
    return next(csv.reader([first_line(path)], delimiter=delimiter), [])


def first_line(path: Path) -> str:
    """The file's first line, without its byte order mark and line end ("" if unreadable)."""
    try:
        with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as fh:
            return fh.readline(1 << 20).rstrip("\r\n")
    except OSError:
        return ""


def _is_header(m: Mapping, values: list[str]) -> bool:
    """Whether a headerless format's first row is its column names after all."""
    return [v.strip().casefold() for v in values] == [c.casefold() for c in m.fields]


def _matches(m: Mapping, first: str) -> bool:
    """Whether a file whose first line is ``first`` is of format ``m``."""
    values = next(csv.reader([first], delimiter=m.delimiter, quoting=m.quoting), [])
    if m.fields:  # headerless: the column count, then the values' patterns
        if len(values) != len(m.fields):
            return False
        if _is_header(m, values):
            return True
        row = dict(zip(m.fields, values, strict=True))
        return all(rx.fullmatch(row[c].strip()) for c, rx in m.values.items())
    header = set(values)
    return all(c in header for c in m.header_all) and not any(c in header for c in m.header_none)


def refusal(m: Mapping, first: str) -> str | None:
    """What ``m``'s refuse rules say about a file whose first line is ``first``, if anything."""
    return next((says for rx, says in m.refuse if rx.search(first)), None)


def detect(path: Path) -> Mapping | None:
    """The mapping whose detection rules the file's first line satisfies, if any.

    A file that no mapping takes but a mapping's ``refuse`` rules describe (a look-alike
    table, such as GDELT mentions next to GDELT events) raises :class:`LoaderError` saying
    what it is.
    """
    candidates = [m for m in mappings().values() if path.suffix.lower() in m.extensions]
    if not candidates:
        return None
    first = first_line(path)
    for m in candidates:
        if _matches(m, first):
            return m
    for m in candidates:
        says = refusal(m, first)
        if says:
            raise LoaderError(says, path=str(path))
    return None


# -- vocabularies ---------------------------------------------------------------------------
_VOCABS = {"acled": "https://w3id.org/conflict-kg/vocab/acled/"}


@cache
def vocab_classes(vocab: str) -> dict[str, str]:
    """Concept label (case-folded) -> kgo class, through the classes' close/narrow matches."""
    import pyoxigraph as ox

    o = ontology()
    store = ox.Store()
    store.load(path=str(ontology_dir() / "vocab" / "event-types.ttl"), format=ox.RdfFormat.TURTLE)
    q = f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
      SELECT ?label ?cls WHERE {{
        ?cls skos:closeMatch|skos:narrowMatch ?c . ?c skos:prefLabel|skos:altLabel ?label .
        FILTER(STRSTARTS(STR(?c), "{_VOCABS[vocab]}")) FILTER(STRSTARTS(STR(?cls), "{o.ns}")) }}"""
    out: dict[str, str] = {}
    for sol in store.query(q):  # type: ignore[union-attr]
        label = str(sol["label"].value).casefold()
        cls = o.local(sol["cls"].value)
        # the most specific class wins when several match
        if label not in out or o.is_a(cls, out[label]):
            out[label] = cls
    return out


@cache
def actor_type_classes() -> dict[str, str]:
    """ACLED interaction code -> kgo class (ontology/vocab/actor-types.ttl)."""
    import pyoxigraph as ox

    o = ontology()
    store = ox.Store()
    store.load(path=str(ontology_dir() / "vocab" / "actor-types.ttl"), format=ox.RdfFormat.TURTLE)
    q = f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
      SELECT ?code ?cls WHERE {{ ?c skos:notation ?code ; <{o.ns}actorClass> ?cls }}"""
    rows = store.query(q)
    return {str(s["code"].value): o.local(s["cls"].value) for s in rows}  # type: ignore[union-attr]


# -- rows -----------------------------------------------------------------------------------
@dataclass
class LoadReport:
    """What a load did: rows read, loaded and skipped, events and entities."""

    path: str
    format: str
    rows: int = 0
    loaded: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    entities: int = 0
    resolved: int = 0


class TabularLoader:
    """Rows of one file -> extractions, chunk by chunk."""

    def __init__(self, mapping: Mapping, resolver: Resolver | None = None):
        self.m = mapping
        self.r = resolver or default_resolver()
        self.o = ontology()
        ev = mapping.event
        self.vocab = vocab_classes(ev["type"]["vocab"]) if ev["type"].get("vocab") else {}
        self.codes = actor_type_classes()
        self._entities: dict[str, Entity] = {}
        self._names: dict[str, str | None] = {}
        self.judgements: list[Claim] = []  # fuzzy matches, recorded once per name
        self.publisher = self.r.ref.entities[mapping.publisher].id if mapping.publisher else None
        self.rule = f"tabular.{mapping.name}"
        # rows repeat their dates, places and countries: each is parsed and resolved once
        self._dates: dict[str, tuple[str | None, str | None]] = {}
        self._places: dict[tuple[str, str], tuple[str | None, str | None]] = {}
        self._states: dict[str, str | None] = {}
        self._types: dict[str, str] = {}
        # the mapping read once into plain values: row_event runs a million times
        self._id_template = str(ev["id"])
        #: the columns of the id: each must have a value ("acled-" is no id)
        self._id_fields = [f for _, f, _, _ in string.Formatter().parse(self._id_template) if f]
        self._evidence_col = ev.get("evidence") or ""
        sources = ev.get("sources") or {}
        self._sources_col = sources.get("column", "")
        self._sources_split = sources.get("split", ";")
        self._fat = ev.get("fatalities")
        self._actor_specs: list[
            tuple[dict[str, Any], str, str | None, str, str, dict[str, str]]
        ] = [
            (
                a,
                a["column"],
                (a.get("associated") or {}).get("column"),
                (a.get("associated") or {}).get("split", ";"),
                a.get("type_code", ""),
                {},  # role by the value of its column, filled as rows come
            )
            for a in mapping.actors
        ]

    # -- reading -----------------------------------------------------------------------------
    def rows(self, path: Path) -> Iterator[tuple[int, dict[str, str]]]:
        """(line number, row) pairs; a row with the wrong number of fields raises.

        A headerless format (``csv: columns``) names the columns itself; its file may still
        start with a line of those names, which is skipped. Derived columns are added to
        each row. A file that the mapping's ``refuse`` rules describe raises at once.
        """
        try:
            with path.open("rb") as raw:
                head = raw.read(4)
            fh = path.open("r", encoding=self.m.encoding, newline="")
        except OSError as e:
            raise LoaderError(f"cannot read: {e.strerror or e}", path=str(path)) from e
        if self.m.encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig"):
            from kg.load.documents import refuse_wide_encoding

            refuse_wide_encoding(head, str(path))
        nul = False  # set once a line holds a NUL character: only then are fields checked

        def lines() -> Iterator[str]:
            """The file's lines, each at most MAX_LINE_CHARS long; a byte that is not in the
            file's encoding raises with its own line (the reader decodes ahead of it)."""
            nonlocal nul
            n = 0
            while True:
                try:
                    line = fh.readline(MAX_LINE_CHARS + 1)
                except UnicodeDecodeError:
                    raise _decode_error(path, self.m.encoding) from None
                if not line:
                    return
                n += 1
                if len(line) > MAX_LINE_CHARS:
                    raise LoaderError(
                        f"line longer than {MAX_LINE_CHARS:,} characters: not a "
                        f"{self.m.name} file (or its line ends are missing)",
                        path=str(path),
                        line=n,
                    )
                if "\x00" in line:
                    nul = True
                yield line

        with fh:
            says = refusal(self.m, first_line(path))
            if says:
                raise LoaderError(says, path=str(path))
            reader = csv.reader(lines(), delimiter=self.m.delimiter, quoting=self.m.quoting)
            pending: list[str] | None = None
            if self.m.fields:
                header = self.m.fields
                what = f"a {self.m.name} row has"
                try:
                    pending = next(reader)
                except StopIteration:
                    return
                except (UnicodeDecodeError, csv.Error) as e:
                    raise LoaderError(f"unreadable: {e}", path=str(path), line=1) from None
                if pending and pending[0].startswith("\ufeff"):
                    pending[0] = pending[0][1:]
                if _is_header(self.m, pending):
                    pending = None
            else:
                what = "the header has"
                try:
                    header = next(reader)
                except StopIteration:
                    raise LoaderError("is empty: no header row", path=str(path)) from None
                except (UnicodeDecodeError, csv.Error) as e:
                    raise LoaderError(f"unreadable header: {e}", path=str(path), line=1) from None
                if header and header[0].startswith("\ufeff"):
                    header[0] = header[0][1:]
                missing = [c for c in self.m.columns() if c not in header]
                if missing:
                    raise LoaderError(
                        f"is not a {self.m.name} file: no column(s) {', '.join(sorted(missing))}"
                        + _separator_hint(header, self.m.delimiter),
                        path=str(path),
                        line=1,
                    )
            width = len(header)
            derived = self.m.derived
            while True:
                first = reader.line_num + 1 if pending is None else 0  # where the row starts
                if pending is not None:
                    values, pending = pending, None
                else:
                    try:
                        values = next(reader)
                    except StopIteration:
                        return
                    except UnicodeDecodeError as e:
                        raise LoaderError(
                            f"is not {self.m.encoding} text: {e.reason}",
                            path=str(path),
                            line=reader.line_num + 1,
                        ) from None
                    except csv.Error as e:
                        raise LoaderError(
                            f"malformed CSV: {e}", path=str(path), line=reader.line_num
                        ) from None
                if not values:
                    continue
                if len(values) != width:
                    runs = ""
                    if first and reader.line_num > first:
                        runs = (
                            f" (the row runs from line {first} to line {reader.line_num}: "
                            "a quote that is never closed?)"
                        )
                    yield (
                        reader.line_num,
                        {"__error__": f"{len(values)} fields where {what} {width}{runs}"},
                    )
                    continue
                if nul and any("\x00" in v for v in values):
                    yield (
                        reader.line_num,
                        {"__error__": "a NUL character in the row (a binary or damaged file?)"},
                    )
                    continue
                row = dict(zip(header, values, strict=True))
                if derived:
                    _derive(derived, row)
                yield reader.line_num, row

    # -- one row ------------------------------------------------------------------------------
    def row_facts(self, line: int, row: dict[str, str]) -> RowFacts:
        """What one row states, read through the mapping (raises ValueError with a readable
        reason). :meth:`row_event` turns it into an :class:`Event`; the bulk path
        (:meth:`text_chunks`) writes it as N-Quads text without building the objects."""
        try:
            key = self._id_template.format_map(row)
        except KeyError as e:
            raise ValueError(f"no column {e} for the event id") from None
        if not key.strip("-_ "):
            raise ValueError(f"empty event id ({', '.join(self._id_fields)})")
        for f in self._id_fields:
            v = row.get(f)
            if not v or not v.strip():
                raise ValueError(f"empty event id ({', '.join(self._id_fields)})")
        etype = self._type(row)
        date, precision = self._date(row)
        evidence_text = (row.get(self._evidence_col) or "").strip() or f"{self.m.name} row {line}"
        raw_sources = row.get(self._sources_col)
        if raw_sources:
            names = [s.strip() for s in raw_sources.split(self._sources_split) if s.strip()]
            if names:
                evidence_text += f" [sources: {'; '.join(names)}]"
        place, country = self._place(row)
        seen: set[tuple[str, str]] = set()
        parts: list[tuple[str, str]] = []
        for a, column, assoc_col, assoc_split, code_col, roles in self._actor_specs:
            role = self._role(a, row, roles)
            names = [(row.get(column) or "").strip()]
            if assoc_col:
                raw = row.get(assoc_col)
                if raw:
                    names += [n.strip() for n in raw.split(assoc_split)]
            for name in names:
                if not name or (len(name) == 2 and name.upper() == "NA"):
                    continue
                known = self._names.get(name)
                iri = known or self._actor(name, row.get(code_col, "") if code_col else "")
                if (iri, role) not in seen:  # what Event.add_participant checks, in O(1)
                    seen.add((iri, role))
                    parts.append((iri, role))
        dead = self._dead(self._fat, row) if self._fat else None
        eid = self.o.entity_iri("event", _slug_id(key))
        return (eid, etype, date, precision, place, country, parts, dead, evidence_text, line)

    def row_event(self, doc: Document, line: int, row: dict[str, str]) -> Event:
        """The event of one row (raises ValueError with a readable reason)."""
        return self.event_of(self.row_facts(line, row))

    def event_of(self, facts: RowFacts) -> Event:
        """The :class:`Event` of a row's facts."""
        eid, etype, date, precision, place, country, parts, dead, text, line = facts
        evidence = Evidence(text=text, row=line)
        rule, publisher = self.rule, self.publisher
        event = Event(
            id=eid,
            type=etype,
            date=date,
            date_precision=precision,
            place=place,
            country=country,
            evidence=[evidence],
            rule=rule,
            source=publisher,
        )
        event.participants = [Participant(i, role, evidence, rule, publisher) for i, role in parts]
        if dead is not None:
            event.fatalities.append(self.dead_claim(eid, dead, evidence))
        return event

    def dead_claim(self, event: str, dead: Dead, evidence: Evidence) -> Claim:
        """The count claim of a row's dead: exact, or a range (UCDP's low and high)."""
        value, low, high = dead
        ranged = is_range(dead)
        return Claim(
            subject=event,
            predicate="fatalities",
            value=value,
            qualifier="range" if ranged else "exact",
            low=low if ranged else None,
            high=high if ranged else None,
            source=self.publisher,
            evidence=evidence,
            rule=f"{self.rule}.fatalities",
        )

    def _type(self, row: dict[str, str]) -> str:
        t = self.m.event["type"]
        raw = row.get(t["column"]) or ""
        hit = self._types.get(raw)
        if hit is None:
            hit = self._types[raw] = self._find_type(raw)
        return hit

    def _find_type(self, raw: str) -> str:
        t = self.m.event["type"]
        value = raw.strip()
        if self.vocab:
            cls = self.vocab.get(value.casefold())
            if cls:
                return cls
        mapped = (t.get("map") or {}).get(value)
        return str(mapped or t.get("default", "OtherEvent"))

    def _date(self, row: dict[str, str]) -> tuple[str | None, str | None]:
        d = self.m.event.get("date")
        if not d:
            return None, None
        value = (row.get(d["column"]) or "").strip()
        if not value:
            return None, None
        p = self.m.event.get("precision")
        key = value + "\x1f" + ((row.get(p["column"]) or "").strip() if p else "")
        hit = self._dates.get(key)
        if hit is None:
            hit = self._dates[key] = self._parse_date(value, row)
        return hit

    def _parse_date(self, value: str, row: dict[str, str]) -> tuple[str | None, str | None]:
        d = self.m.event["date"]
        for fmt in d.get("formats") or ["%Y-%m-%d"]:
            try:
                day = dt.datetime.strptime(value, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise ValueError(f"date {value!r} matches none of {d.get('formats')}")
        precision = "day"
        p = self.m.event.get("precision")
        if p:
            precision = (p.get("map") or {}).get((row.get(p["column"]) or "").strip(), "day")
        iso = day.isoformat()
        return {"day": iso, "month": iso[:7], "year": iso[:4]}[precision], precision

    def _place(self, row: dict[str, str]) -> tuple[str | None, str | None]:
        """(place IRI, country IRI) of a row."""
        p = self.m.event.get("place") or {}
        country_name = (row.get(p.get("country", "")) or "").strip()
        name = (row.get(p.get("name", "")) or "").strip()
        key = (country_name, name)
        hit = self._places.get(key)
        if hit is None:
            hit = self._places[key] = self._resolve_place(country_name, name, row)
        return hit

    def _resolve_place(
        self, country_name: str, name: str, row: dict[str, str]
    ) -> tuple[str | None, str | None]:
        """(place IRI, country IRI) of a row's place name and country name."""
        event = Event(id="", type="Event")
        p = self.m.event.get("place") or {}
        if not country_name and "," in name:
            country_name = name.rsplit(",", 1)[1].strip()
        country = self._state(country_name)
        if country:
            event.country = country
        if not name or name.upper() == "NA":
            return event.place, event.country
        label = name.split(",")[0].strip() if "," in name else name
        ref = self.r.lookup(label)
        if (
            ref is not None
            and self.o.is_a(ref.type, "Place")
            and (country is None or ref.country in (None, country) or ref.id == country)
        ):
            if ref.type == "State":
                event.country = ref.id
                return event.place, event.country
            self._keep(ref)
            event.place = ref.id
            return event.place, event.country
        slug = slugify(f"{label}-{country_name}" if country_name else label)
        iri = self.o.entity_iri("place", slug)
        if iri not in self._entities:
            lat, lon = _float(row.get(p.get("lat", ""))), _float(row.get(p.get("lon", "")))
            self._entities[iri] = Entity(
                id=iri,
                label=label,
                type="Settlement",
                resolved=False,
                mentions=[label],
                country=country,
                lat=lat,
                lon=lon,
            )
        event.place = iri
        return event.place, event.country

    def _state(self, name: str) -> str | None:
        if name in self._states:
            return self._states[name]
        self._states[name] = found = self._find_state(name)
        return found

    def _find_state(self, name: str) -> str | None:
        if not name or name.upper() == "NA":
            return None
        ref = self.r.lookup(name)
        if ref is not None and ref.type == "State":
            self._keep(ref)
            return ref.id
        return None

    def _role(self, a: dict[str, Any], row: dict[str, str], cache: dict[str, str]) -> str:
        role = a.get("role") or {}
        if isinstance(role, str):
            return role
        raw = row.get(role.get("by_column", "")) or ""
        hit = cache.get(raw)
        if hit is None:
            value = raw.strip()
            mapped = (role.get("map") or {}).get(value, role.get("default", "participant"))
            hit = cache[raw] = str(mapped)
        return hit

    def _actor(self, name: str, code: str) -> str:
        known = self._names.get(name)
        if known:
            return known
        valid_from = valid_until = None
        candidates = [name]
        forced_type = None
        for rx, typ in self.m.names:
            mt = rx.match(name)
            if not mt:
                continue
            gd = mt.groupdict()
            candidates += [gd[k] for k in ("short", "name") if gd.get(k)]
            valid_from = gd.get("from") or valid_from
            valid_until = gd.get("until") or valid_until
            forced_type = typ or forced_type
        for cand in candidates:
            ref = self.r.lookup(cand)
            if ref is not None and (forced_type is None or self.o.is_a(ref.type, forced_type)):
                self._keep(ref)
                self._names[name] = ref.id
                return ref.id
        label = candidates[-1] if len(candidates) > 1 else name
        # a close spelling of a known name: take it, and record the judgement
        for cand in candidates:
            hit = self.r.lookup_fuzzy(cand, threshold=FUZZY_THRESHOLD)
            if hit is None:
                continue
            ref, score = hit
            if forced_type is not None and not self.o.is_a(ref.type, forced_type):
                continue
            self._keep(ref)
            raw_iri = self.o.entity_iri("actor", slugify(name))
            self._entities[raw_iri] = Entity(
                id=raw_iri, label=name, type=ref.type, resolved=False, mentions=[name]
            )
            self.judgements.append(
                Claim(
                    subject=raw_iri,
                    predicate="mergedInto",
                    object=ref.id,
                    rule="resolve.fuzzy",
                    confidence=round(score / 100, 3),
                    note=f"{name!r} taken for {ref.label!r} (similarity {score:.0f}/100)",
                    evidence=Evidence(text=f"{self.m.name} actor name {name!r}"),
                )
            )
            self._names[name] = ref.id
            return ref.id
        typ = forced_type or self.codes.get(code.strip(), "Actor")
        iri = self.o.entity_iri("actor", slugify(name))
        self._entities[iri] = Entity(
            id=iri,
            label=label,
            type=typ,
            resolved=False,
            mentions=[name],
            valid_from=valid_from,
            valid_until=valid_until,
        )
        self._names[name] = iri
        return iri

    def _keep(self, ref: Entity) -> None:
        if ref.id not in self._entities:
            from kg.load.text.mentions import document_entity

            self._entities[ref.id] = document_entity(ref)

    def _dead(self, fat: dict[str, Any], row: dict[str, str]) -> Dead | None:
        """(value, low, high) of a row's dead, or None when it gives no figure."""
        value = _int(row.get(fat.get("value", "")))
        low = _int(row.get(fat.get("low", ""))) if fat.get("low") else None
        high = _int(row.get(fat.get("high", ""))) if fat.get("high") else None
        if value is None and low is None:
            return None
        return value, low, high

    # -- the file -----------------------------------------------------------------------------
    def extractions(
        self,
        path: Path,
        doc: Document,
        report: LoadReport,
        *,
        on_error: str = "fail",
        chunk: int = 5000,
        progress: Callable[[str], None] | None = None,
    ) -> Iterator[Extraction]:
        """The file as a stream of extractions of at most ``chunk`` events each."""
        for facts in self.fact_chunks(
            path, report, on_error=on_error, chunk=chunk, progress=progress
        ):
            yield self._chunk(doc, [self.event_of(f) for f in facts])

    def text_chunks(
        self,
        path: Path,
        doc: Document,
        report: LoadReport,
        writer: DatasetWriter,
        *,
        on_error: str = "fail",
        chunk: int = 20000,
        progress: Callable[[str], None] | None = None,
    ) -> Iterator[tuple[str, int]]:
        """The file as N-Quads text for the bulk loader, chunk by chunk: the same quads as
        :meth:`extractions` written by :meth:`DatasetWriter.chunk`, without building an
        Event per row (a million rows)."""
        for facts in self.fact_chunks(
            path, report, on_error=on_error, chunk=chunk, progress=progress
        ):
            judged, self.judgements = self.judgements, []
            yield writer.rows(doc.id, facts, judged, self._entities, self)

    def fact_chunks(
        self,
        path: Path,
        report: LoadReport,
        *,
        on_error: str = "fail",
        chunk: int = 5000,
        progress: Callable[[str], None] | None = None,
    ) -> Iterator[list[RowFacts]]:
        """The facts of the file's rows, at most ``chunk`` at a time; a malformed row raises
        :class:`LoaderError` (``on_error="fail"``) or is counted and skipped."""
        facts: list[RowFacts] = []
        for line, row in self.rows(path):
            report.rows += 1
            try:
                if "__error__" in row:
                    raise ValueError(row["__error__"])
                facts.append(self.row_facts(line, row))
                report.loaded += 1
            except ValueError as e:
                msg = f"{path}:{line}: {e}"
                if on_error == "fail":
                    raise LoaderError(str(e), path=str(path), line=line) from None
                report.skipped += 1
                if len(report.errors) < 1000:
                    report.errors.append(msg)
            if len(facts) >= chunk:
                yield facts
                facts = []
                if progress:
                    progress(f"{path}: {report.rows:,} rows read")
        report.entities = len(self._entities)
        report.resolved = sum(1 for e in self._entities.values() if e.resolved)
        if facts or report.rows == 0:
            yield facts

    def _chunk(self, doc: Document, events: list[Event]) -> Extraction:
        used = {p.entity for e in events for p in e.participants}
        used |= {e.place for e in events if e.place} | {e.country for e in events if e.country}
        judged, self.judgements = self.judgements, []
        used |= {c.subject for c in judged}
        ents = [self._entities[i] for i in used if i in self._entities]
        return Extraction(document=doc, entities=ents, events=events, relations=judged)


_PLAIN_ID = re.compile(r"[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*")


def _slug_id(key: str) -> str:
    """``slugify(key)``, without its Unicode work for the plain ids datasets use."""
    return key.lower().replace("_", "-") if _PLAIN_ID.fullmatch(key) else slugify(key)


def _derive(derived: dict[str, Derived], row: dict[str, str]) -> None:
    """Add the derived columns to a row: each part whose columns all have a value (not empty,
    not "NA"), joined."""
    for name, (parts, sep) in derived.items():
        out = []
        for used, template in parts:
            if all((v := (row.get(c) or "").strip()) and v != "NA" for c in used):
                out.append(template.format_map(row))
        row[name] = sep.join(out)


def _int(v: str | None) -> int | None:
    """A count: a whole number from 0 to :data:`MAX_COUNT` ("12", "12.0"); raises ValueError."""
    if v is None or not str(v).strip():
        return None
    text = str(v).strip()
    try:
        n = int(text)
    except ValueError:
        try:
            f = float(text)
        except ValueError:
            raise ValueError(f"{v!r} is not a number") from None
        if not math.isfinite(f):
            raise ValueError(f"{v!r} is not a count") from None
        n = int(f)
    if not 0 <= n <= MAX_COUNT:
        raise ValueError(f"{v!r} is not a count (0 to {MAX_COUNT:,})")
    return n


def _float(v: str | None) -> float | None:
    try:
        f = float(str(v)) if v not in (None, "", "NA") else None
    except ValueError:
        return None
    return f if f is not None and math.isfinite(f) else None


def _separator_hint(header: list[str], delimiter: str) -> str:
    """What to say when a header is one field holding another separator (a ';' file)."""
    if len(header) != 1:
        return ""
    for sep, name in ((";", "';'"), ("\t", "tabs"), ("|", "'|'")):
        if sep != delimiter and sep in header[0]:
            return (
                f" (its header is one field separated by {name}: this format is separated by "
                f"{delimiter!r}; convert the file)"
            )
    return ""


def _decode_error(path: Path, encoding: str) -> LoaderError:
    """The first byte of ``path`` that is not ``encoding`` text, with its line (read in
    blocks: a file with no line ends is not held whole)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line, offset = 1, 0
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                held = len(decoder.getstate()[0])  # the end of a character cut by the block
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as e:
                    at = e.start - held
                    line += block[: max(at, 0)].count(b"\n")
                    bad = e.object[e.start : e.start + 1].hex()
                    return LoaderError(
                        f"is not {encoding} text (byte 0x{bad} at offset {offset + at}); "
                        "convert it, e.g. `iconv -f latin1 -t utf-8`",
                        path=str(path),
                        line=line,
                    )
                line += block.count(b"\n")
                offset += len(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return LoaderError(f"is not {encoding} text: it ends inside a character", path=str(path))
    except OSError as e:
        return LoaderError(f"cannot read: {e.strerror or e}", path=str(path))
    return LoaderError(f"is not {encoding} text", path=str(path))


def dataset_document(path: Path, mapping: Mapping) -> Document:
    """The document a dataset file becomes (its named graph)."""
    import hashlib

    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    o = ontology()
    return Document(
        id=o.entity_iri("doc", slugify(f"{mapping.name}-{path.stem}")),
        title=f"{mapping.description.split(',')[0]}: {path.name}",
        path=str(path),
        sha256=h.hexdigest(),
        kind="Dataset",
        source=mapping.publisher,
    )
