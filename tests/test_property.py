"""Property-based tests (hypothesis) of the two loaders that read free input: the report
extractor and the tabular (ACLED) loader. Whatever the input, they either raise the project's
own LoaderError or produce claims that all keep their evidence: a sentence span and a rule for
reports, a row number for tables. Derandomized and bounded, so CI runs the same examples."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_tabular import ACLED_COLUMNS, ROW

from kg.api import extract_text
from kg.errors import LoaderError
from kg.load.documents import parse_report
from kg.load.tabular import MAX_COUNT, LoadReport, TabularLoader, dataset_document, mappings
from kg.model import Claim, Evidence, Extraction
from kg.reference import reference
from kg.store.nquads import DatasetWriter
from kg.store.rdf import extraction_quads


def bounded(examples: int) -> settings:
    """Reproducible (derandomized) and bounded: the file runs in seconds."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,  # nothing saved between runs: CI and a laptop run the same examples
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# -- reports ----------------------------------------------------------------------------------
NAMES = sorted(
    {e.label for e in reference().entities.values()}
    | {a for e in reference().entities.values() for a in e.aliases}
)[:400]
WORDS = [
    "killed", "claimed", "attacked", "ambushed", "said", "denied", "according to", "at least",
    "more than", "about", "up to", "six", "seven", "dozens of", "soldiers", "civilians",
    "fighters", "affiliated with", "an affiliate of", "became", "on Sunday", "last week",
    "on 21 November", "in March 2024", "2024-06-13", "31 February 2023", "the army",
    "the junta", "Reuters", "Bloomberg", "told", "in", "near", "and", ",", ".", ";", "(", ")",
    '"', "'", "\n", "\n\n", "!", "?", "Mr.", "e.g.", "J.",
]  # fmt: skip
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["1,200", "1.5", "1e400", "NaN", "½", "٣", "０７", "10 000"]),
)
FRAGMENT = st.one_of(
    st.sampled_from(NAMES),
    st.sampled_from(WORDS),
    NUMBERS,
    st.text(max_size=12),  # any code point but surrogates: RTL, emoji, controls, NUL
)
REPORT_TEXT = st.lists(FRAGMENT, max_size=80).map(" ".join)


def evidences(ex: Extraction) -> list[tuple[Evidence | None, str]]:
    """(evidence, rule) of every claim, event, role and count of an extraction."""
    out: list[tuple[Evidence | None, str]] = []
    claims: list[Claim] = [*ex.relations, *ex.statements]
    for ev in ex.events:
        assert ev.evidence, ev
        out += [(e, ev.rule) for e in ev.evidence]
        out += [(p.evidence, p.rule) for p in ev.participants]
        claims += ev.fatalities
    for c in claims:
        out.append((c.evidence, c.rule))
        out += [(p.evidence, p.rule) for p in c.parts]
    return out


def check_report(ex: Extraction) -> None:
    text = ex.document.text
    for evidence, rule in evidences(ex):
        assert rule, evidence
        assert evidence is not None
        if rule.startswith("resolve."):
            continue  # a judgement about a name, not a span of the text
        assert evidence.start is not None and evidence.end is not None, (rule, evidence)
        assert 0 <= evidence.start < evidence.end <= len(text)
        assert text[evidence.start : evidence.end] == evidence.text, (rule, evidence)
    for ev in ex.events:
        for c in ev.fatalities:
            values = [v for v in (c.value, c.low, c.high) if v is not None]
            assert all(isinstance(v, int | float) and v >= 0 for v in values), c


@bounded(600)
@given(
    body=REPORT_TEXT,
    header=st.booleans(),
    date=st.sampled_from(["2024-06-13", "2024-02-29", "1999-12-31", None]),
)
def test_report_extractor_keeps_evidence_for_any_text(
    body: str, header: bool, date: str | None
) -> None:
    text = f"Title: {body[:30]}\nDate: {date or '2024-06-13'}\n\n{body}" if header else body
    try:
        ex = extract_text(text, report_date=date)
    except LoaderError:
        return  # an empty, header-only or NUL-holding text: refused on purpose
    check_report(ex)
    assert len(extraction_quads(ex)) > 0  # and the store takes it as it is


@bounded(300)
@given(raw=st.binary(max_size=300) | REPORT_TEXT.map(lambda t: t.encode("utf-16")))
def test_report_bytes_are_a_document_or_a_loader_error(raw: bytes) -> None:
    try:
        doc = parse_report(raw, where="random.txt")
    except LoaderError as e:
        assert str(e).startswith("random.txt"), e
        return
    assert doc.text.strip() and "\x00" not in doc.text


# -- tables -----------------------------------------------------------------------------------
ODD_DATES = st.one_of(
    st.sampled_from(
        ["2022-03-27", "2022-02-30", "31/12/2022", "0001-01-01", "9999-12-31", "", "2022-3-7"]
    ),
    st.dates().map(str),
    st.text(max_size=12),
)
ODD_COUNTS = st.one_of(
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.sampled_from(["", "-5", "1e400", "nan", "inf", "3.7", " 12 ", "1_000", "0x10"]),
    st.text(max_size=6),
)
CELL = st.one_of(st.just(""), st.sampled_from(NAMES), st.text(max_size=20))


@st.composite
def acled_rows(draw: st.DrawFn) -> list[list[str]]:
    """Rows of an ACLED file: the reference row with cells replaced by odd values, some cut
    short or too long."""
    rows: list[list[str]] = []
    for i in range(draw(st.integers(min_value=0, max_value=8))):
        row = {**ROW, "event_id_cnty": f"P{i}"}
        for col in draw(st.lists(st.sampled_from(ACLED_COLUMNS[1:]), max_size=6, unique=True)):
            row[col] = draw(CELL)
        row["event_date"] = draw(ODD_DATES)
        row["fatalities"] = draw(ODD_COUNTS)
        cells = [row.get(c, "") for c in ACLED_COLUMNS]
        shape = draw(st.sampled_from(["full"] * 6 + ["short", "long", "no id"]))
        if shape == "no id":
            cells[0] = ""
        elif shape == "short":
            cells = cells[: draw(st.integers(min_value=1, max_value=30))]
        elif shape == "long":
            cells += ["extra"]
        rows.append(cells)
    return rows


def written(rows: list[list[str]]) -> tuple[str, dict[str, int]]:
    """The CSV text of a header and ``rows``, and the line on which each row ends."""
    out = io.StringIO(newline="")
    csv.writer(out).writerow(ACLED_COLUMNS)
    ends: dict[str, int] = {}
    line = 1
    for cells in rows:
        one = io.StringIO(newline="")
        csv.writer(one).writerow(cells)
        text = one.getvalue()
        out.write(text)
        line += len(io.StringIO(text, newline="").readlines())
        ends[cells[0]] = line
    return out.getvalue(), ends


@pytest.fixture(scope="module")
def table_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tables")


@bounded(500)
@given(rows=acled_rows(), on_error=st.sampled_from(["skip", "fail"]))
def test_tabular_loader_keeps_the_row_of_every_fact(
    table_dir: Path, rows: list[list[str]], on_error: str
) -> None:
    text, ends = written(rows)
    path = table_dir / "random.csv"
    path.write_text(text, encoding="utf-8", newline="")
    mapping = mappings()["acled"]
    loader = TabularLoader(mapping)
    report = LoadReport(str(path), "acled")
    try:
        doc = dataset_document(path, mapping)
        chunks = list(loader.extractions(path, doc, report, on_error=on_error, chunk=3))
    except LoaderError as e:
        # the file itself is well formed: only a bad row stops the load, and only when asked
        assert on_error == "fail", e
        assert str(e).startswith(f"{path}:{e.line}: "), e
        return
    events = [ev for ex in chunks for ev in ex.events]
    assert report.loaded + report.skipped == report.rows
    assert report.loaded == len(events)
    assert len(report.errors) == report.skipped
    for ev in events:
        key = ev.id.rsplit("/", 1)[-1].removeprefix("acled-").upper()
        row = ends[key]  # each row's event id is unique: P0, P1... (or empty: refused)
        assert ev.rule == "tabular.acled"
        assert [e.row for e in ev.evidence] == [row]
        assert all(p.evidence is not None and p.evidence.row == row for p in ev.participants)
        for c in ev.fatalities:
            assert c.evidence is not None and c.evidence.row == row
            assert c.rule == "tabular.acled.fatalities"
            assert isinstance(c.value, int) and 0 <= c.value <= MAX_COUNT
    writer = DatasetWriter(doc.id)
    for ex in chunks:
        # fuzzy name matches are judgements that quote the name they read
        for c in ex.relations:
            assert c.evidence is not None and c.evidence.text and c.rule == "resolve.fuzzy"
        # the bulk writer's N-Quads text is valid whatever the cells held
        quads, n = writer.chunk(ex)
        assert len(list(ox.parse(input=quads.encode(), format=ox.RdfFormat.N_QUADS))) == n
