"""Reading report files: encoding checks, the optional header, the document identity.

A report is UTF-8 text with an optional header of ``Key: value`` lines (Title, Date, Source,
URL) and a blank line before the body. Anything else (a binary file, another encoding, an
empty file, a file too large) is refused with a :class:`~kg.errors.LoaderError` naming the
file and, where it helps, the line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from kg.errors import LoaderError
from kg.model import Document, slugify
from kg.ontology import ontology

MAX_REPORT_BYTES = 20 * 1024 * 1024
_HEADER = re.compile(r"^(Title|Date|Source|URL|Url|Author|Language):[ \t]*(.*)$")
REPORT_SUFFIXES = {".txt", ".text", ".md"}


#: byte order marks of the encodings refused with a hint (UTF-32 first: its LE mark starts
#: with UTF-16's)
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def refuse_wide_encoding(head: bytes, where: str) -> None:
    """Raise :class:`LoaderError` when ``head`` (a file's first bytes) opens with a UTF-16 or
    UTF-32 byte order mark: such a file is text, but not UTF-8 (a UTF-8 mark is accepted)."""
    for bom, name in _WIDE_BOMS:
        if head.startswith(bom):
            raise LoaderError(
                f"is {name} text (it starts with a {name} byte order mark), not UTF-8; "
                f"convert it, e.g. `iconv -f {name.lower()} -t utf-8`",
                path=where,
            )


def parse_date(value: str, where: str) -> str:
    """Check a ``YYYY-MM-DD`` date and return it."""
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise LoaderError(f"date {value!r} is not YYYY-MM-DD", path=where) from None


def read_report(path: str | Path, report_date: str | None = None) -> Document:
    """Read a report file into a :class:`~kg.model.Document`.

    ``report_date`` (YYYY-MM-DD) is used when the file has no ``Date:`` header.
    """
    p = Path(path)
    where = str(path)
    if not p.exists():
        raise LoaderError("no such file", path=where)
    if p.is_dir():
        raise LoaderError("is a folder, not a report file", path=where)
    try:
        size = p.stat().st_size
        if size > MAX_REPORT_BYTES:
            raise LoaderError(
                f"is {size // (1024 * 1024)} MB; reports are limited to "
                f"{MAX_REPORT_BYTES // (1024 * 1024)} MB (split it)",
                path=where,
            )
        raw = p.read_bytes()
    except OSError as e:
        raise LoaderError(f"cannot read: {e.strerror or e}", path=where) from e
    return parse_report(raw, where=where, report_date=report_date, stem=p.stem)


def parse_report(
    raw: bytes, *, where: str, report_date: str | None = None, stem: str | None = None
) -> Document:
    """Parse the bytes of a report (see :func:`read_report`)."""
    if report_date is not None:
        report_date = parse_date(report_date, "--report-date")
    if not raw.strip():
        raise LoaderError("is empty: nothing to extract", path=where)
    refuse_wide_encoding(raw[:4], where)
    if b"\x00" in raw[:8192]:
        raise LoaderError("is a binary file (it contains NUL bytes), not UTF-8 text", path=where)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise LoaderError(
            f"is not UTF-8 (byte 0x{raw[e.start]:02x} at offset {e.start}); "
            "convert it, e.g. `iconv -f latin1 -t utf-8`",
            path=where,
            line=line,
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise LoaderError("contains a NUL character", path=where, line=line)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta: dict[str, str] = {}
    lines = text.split("\n")
    body_start = 0
    for n, row in enumerate(lines):
        m = _HEADER.match(row)
        if m:
            meta[m.group(1).lower()] = m.group(2).strip()
            continue
        if meta and not row.strip():
            body_start = n + 1
        break
    if meta and body_start == 0:
        body_start = len(meta)
    body = "\n".join(lines[body_start:]) if meta else text
    if not body.strip():
        raise LoaderError("has a header but no text", path=where, line=body_start + 1)
    date = None
    if "date" in meta:
        date = parse_date(meta["date"], f"{where}:{list(meta).index('date') + 1}")
    elif report_date:
        date = parse_date(report_date, where)
    o = ontology()
    slug = slugify(stem or Path(where).stem)
    title = meta.get("title") or _first_words(body)
    return Document(
        id=o.entity_iri("doc", slug),
        title=title,
        date=date,
        path=where,
        text=body,
        sha256=hashlib.sha256(raw).hexdigest(),
        kind="Report",
        source=meta.get("source"),
    )


def _first_words(body: str, n: int = 10) -> str:
    words = body.split()
    return " ".join(words[:n]) + (" ..." if len(words) > n else "")


DATASET_SUFFIXES = {".csv", ".tsv", ".json", ".jsonl", ".ndjson"}


def collect_paths(paths: list[str], *, datasets: bool = False) -> list[Path]:
    """Expand folders into the report files (and, with ``datasets``, the CSV files) they
    hold, sorted; files are kept as given."""
    wanted = REPORT_SUFFIXES | (DATASET_SUFFIXES if datasets else set())
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in wanted)
            if not found:
                kinds = "*.txt, *.md" + (", *.csv" if datasets else "")
                raise LoaderError(f"folder holds no report or dataset files ({kinds})", path=raw)
            out.extend(found)
        else:
            out.append(p)
    return out
