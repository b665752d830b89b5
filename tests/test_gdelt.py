"""GDELT events: 2.0 (61 tab-separated columns, no header), 1.0 daily files (58) and 1.0 with a
header row, told apart from the file itself; GDELT 2.0 mentions refused with what they are.
The events fixture (tests/fixtures/20240305120000.export.CSV) is made up for the project:
15 lines, line 9 cut short."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import KGO, actor, kg, place

from kg.api import detect_format, ingest
from kg.errors import LoaderError
from kg.load.tabular import LoadReport, TabularLoader, dataset_document, load_mapping, mappings
from kg.model import Event, Extraction
from kg.ontology import ontology
from kg.store.oxigraph import KGStore

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GDELT2 = FIXTURES / "20240305120000.export.CSV"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
GDELT1_SHARED = SHARED_DATA / "gdelt" / "gdelt1_westafrica_conflict_events_1994-1997.csv"
MENTIONS_SHARED = SHARED_DATA / "gdelt" / "gdelt2_mentions_sample_20170701.csv"
ADM2 = ("Actor1Geo_ADM2Code", "Actor2Geo_ADM2Code", "ActionGeo_ADM2Code")


def need(path: Path) -> Path:
    """The shared data file, or a skip (a failure on CI)."""
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing")
        pytest.skip(f"{path} is not here")
    return path


def fixture_lines() -> list[list[str]]:
    return [line.split("\t") for line in GDELT2.read_text(encoding="utf-8").splitlines()]


def as_gdelt1_daily(tmp_path: Path) -> Path:
    """The fixture as a GDELT 1.0 daily file: no ADM2 columns, DATEADDED as YYYYMMDD."""
    cols = mappings()["gdelt2"].fields
    drop = {cols.index(c) for c in ADM2}
    lines = []
    for values in fixture_lines():
        if len(values) != len(cols):
            continue
        kept = [v for i, v in enumerate(values) if i not in drop]
        kept[-2] = kept[-2][:8]
        lines.append("\t".join(kept))
    path = tmp_path / "20240305.export.CSV"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load(path: Path = GDELT2, fmt: str = "gdelt2") -> tuple[list[Extraction], LoadReport]:
    """The loader's extractions of a file (nothing stored), malformed rows skipped."""
    m = mappings()[fmt]
    report = LoadReport(str(path), fmt)
    loader = TabularLoader(m)
    chunks = list(loader.extractions(path, dataset_document(path, m), report, on_error="skip"))
    return chunks, report


def events(chunks: list[Extraction]) -> dict[str, Event]:
    return {e.id.rsplit("/", 1)[-1]: e for ex in chunks for e in ex.events}


# -- the mapping ----------------------------------------------------------------------------
def test_gdelt2_mapping_has_the_61_codebook_columns():
    m = mappings()["gdelt2"]
    assert len(m.fields) == 61 and m.delimiter == "\t"
    assert (m.fields[0], m.fields[1], m.fields[-2], m.fields[-1]) == (
        "GLOBALEVENTID",
        "SQLDATE",
        "DATEADDED",
        "SOURCEURL",
    )
    daily = mappings()["gdelt1_daily"]
    assert len(daily.fields) == 58
    assert [c for c in m.fields if c not in daily.fields] == list(ADM2)
    codebook = SHARED_DATA / "codebooks" / "gdelt_events2_fields.csv"
    if codebook.exists():
        import csv

        with codebook.open(encoding="utf-8", newline="") as fh:
            assert [r["name"] for r in csv.DictReader(fh)] == m.fields


def test_a_headerless_mapping_must_name_every_column_it_reads(tmp_path: Path):
    bad = tmp_path / "headless.yaml"
    bad.write_text(
        "name: headless\n"
        "detect: {values: {id: '\\d+'}}\n"
        "csv: {delimiter: '\\t', columns: [id, day, kind]}\n"
        "event:\n"
        "  id: 'x-{id}'\n"
        "  type: {column: kind, map: {a: Attack}}\n"
        "  date: {column: date, formats: ['%Y%m%d']}\n",
        encoding="utf-8",
    )
    with pytest.raises(LoaderError, match=r"headless.yaml:7: no column 'date' in csv: columns"):
        load_mapping(bad)
    bad.write_text(
        "name: headless\ndetect: {header_all: [id]}\ncsv: {columns: [id]}\n"
        "event: {id: 'x-{id}', type: {column: id}}\n",
        encoding="utf-8",
    )
    with pytest.raises(LoaderError, match=r"headless.yaml:2: header_all/header_none are for"):
        load_mapping(bad)


# -- detection ------------------------------------------------------------------------------
def test_gdelt_versions_are_told_apart_by_their_columns(tmp_path: Path):
    assert detect_format(GDELT2) == "gdelt2"
    assert detect_format(as_gdelt1_daily(tmp_path)) == "gdelt1_daily"
    # the same rows under other names GDELT uses
    for name in ("events.tsv", "20240305120000.translation.export.CSV", "gdelt.csv"):
        copy = tmp_path / name
        copy.write_bytes(GDELT2.read_bytes())
        assert detect_format(copy) == "gdelt2", name
    # a line of column names first: still GDELT 2.0
    headed = tmp_path / "headed.csv"
    cols = mappings()["gdelt2"].fields
    headed.write_text("\t".join(cols) + "\n" + GDELT2.read_text(encoding="utf-8"))
    assert detect_format(headed) == "gdelt2"
    _, report = load(headed)
    assert (report.rows, report.loaded) == (15, 14)  # the names line is not a row
    assert report.errors == [f"{headed}:10: 35 fields where a gdelt2 row has 61"]
    # 60 fields, or a DATEADDED that is no timestamp: not GDELT 2.0 events
    values = fixture_lines()[0]
    for bad in (values[:-1], [*values[:-2], "2024-03-05", values[-1]]):
        odd = tmp_path / "odd.csv"
        odd.write_text("\t".join(bad) + "\n", encoding="utf-8")
        with pytest.raises(LoaderError, match="unrecognised format"):
            detect_format(odd)


def test_shared_gdelt1_file_is_gdelt1():
    assert detect_format(need(GDELT1_SHARED)) == "gdelt1"


def test_gdelt1_header_with_gdelt2_columns_is_not_gdelt1(tmp_path: Path):
    cols = mappings()["gdelt2"].fields
    path = tmp_path / "bigquery.csv"
    path.write_text(",".join(cols) + "\n", encoding="utf-8")
    with pytest.raises(LoaderError, match="unrecognised format"):
        detect_format(path)


def test_gdelt2_mentions_are_refused_with_what_they_are(tmp_path: Path):
    mentions = need(MENTIONS_SHARED)
    with pytest.raises(LoaderError) as err:
        detect_format(mentions)
    assert str(err.value).startswith(f"{mentions}: is a GDELT 2.0 Mentions table")
    assert "export.CSV" in str(err.value)  # what to load instead
    # a raw mentions file: tab-separated, no header
    raw = tmp_path / "20170701234500.mentions.CSV"
    raw.write_text(
        "669670701\t20170701234500\t20170701234500\t1\ttvperu.gob.pe\thttp://www.tvperu.gob.pe/"
        "x\t4\t850\t812\t787\t0\t20\t1002\t0.63\t\t\n",
        encoding="utf-8",
    )
    with pytest.raises(LoaderError, match=r"mentions.CSV: is a GDELT 2.0 Mentions table"):
        detect_format(raw)
    # named as events on the command line: refused all the same, nothing stored
    store = KGStore(None)
    store.ensure_reference()
    before = len(store)
    with pytest.raises(LoaderError, match=r"mentions_sample_20170701.csv: is a GDELT 2.0 Ment"):
        ingest([mentions], store, fmt="gdelt2")
    assert len(store) == before


def test_gdelt2_gkg_is_refused(tmp_path: Path):
    gkg = tmp_path / "20170701234500.gkg.csv"
    gkg.write_text("20170701234500-0\t20170701234500\t1\texample.org\thttp://x\t\t\n")
    with pytest.raises(LoaderError, match="Global Knowledge Graph"):
        detect_format(gkg)


# -- loading --------------------------------------------------------------------------------
def test_gdelt2_rows_are_counted_and_the_malformed_one_skipped():
    chunks, report = load()
    assert (report.rows, report.loaded, report.skipped) == (15, 14, 1)
    assert report.errors == [f"{GDELT2}:9: 35 fields where a gdelt2 row has 61"]
    evs = events(chunks)
    assert len(evs) == 14 and "gdelt-1161000009" not in evs


def test_gdelt2_malformed_row_fails_with_file_and_line():
    store = KGStore(None)
    store.ensure_reference()
    before = len(store)
    with pytest.raises(LoaderError, match=r"20240305120000.export.CSV:9: 35 fields where a gdel"):
        ingest([GDELT2], store)
    assert len(store) == before  # nothing half-written
    (res,) = ingest([GDELT2], store, on_error="skip")
    s = res.summary
    assert (s["format"], s["rows"], s["loaded"], s["skipped"]) == ("gdelt2", 15, 14, 1)
    assert s["errors"] == [f"{GDELT2}:9: 35 fields where a gdelt2 row has 61"]
    rows = store.select(
        f"PREFIX kgo: <{KGO}>\nSELECT ?d (COUNT(DISTINCT ?e) AS ?n) "
        "WHERE { GRAPH ?d { ?e kgo:date ?x } } GROUP BY ?d",
        d=res.document.id,
    ).rows
    assert rows[0]["n"] == 14


def test_gdelt2_cameo_roots_become_event_classes():
    evs = events(load()[0])
    types = {k.removeprefix("gdelt-"): e.type for k, e in evs.items()}
    assert types == {
        "1161000001": "Battle",  # 190 fight
        "1161000002": "Attack",  # 183 suicide, car or other non-military bombing
        "1161000003": "Massacre",  # 202 mass killings
        "1161000004": "Arrest",  # 173 arrest, detain
        "1161000005": "Protest",  # 141 demonstrate
        "1161000006": "Deployment",  # 154 mobilise armed forces
        "1161000007": "SanctionEvent",  # 163 impose embargo, sanctions
        "1161000008": "OtherEvent",  # 042 make a visit
        "1161000010": "OtherEvent",  # 036 express intent to meet
        "1161000011": "Battle",
        "1161000012": "Attack",
        "1161000013": "Attack",
        "1161000014": "Battle",
        "1161000015": "OtherEvent",  # 112 accuse
    }
    o = ontology()
    assert all(o.is_a(t, "Event") for t in types.values())
    e = evs["gdelt-1161000001"]
    assert (e.date, e.date_precision, e.place, e.country) == (
        "2024-03-04",
        "day",
        place("kidal"),
        actor("mali"),
    )
    # a country-level location (ActionGeo_Type 1): the event's country, no place
    e = evs["gdelt-1161000014"]
    assert (e.place, e.country) == (None, actor("niger"))


def test_gdelt2_actors_their_cameo_codes_and_roles():
    chunks, _ = load()
    evs = events(chunks)
    ents = {e.id: e for ex in chunks for e in ex.entities}

    def parts(gid: str) -> set[tuple[str, str]]:
        return {(p.role, p.entity) for p in evs[f"gdelt-{gid}"].participants}

    # names resolve to reference actors; the others take their class from the CAMEO type code
    assert parts("1161000002") == {("perpetrator", actor("al-qaeda")), ("target", actor("soldier"))}
    assert parts("1161000012") == {("perpetrator", actor("wagner")), ("target", actor("civilian"))}
    assert parts("1161000003") == {
        ("perpetrator", actor("militant")),
        ("victim", actor("villager")),
    }
    assert parts("1161000001") == {("participant", actor("mali")), ("participant", actor("rebel"))}
    assert parts("1161000010") == {("participant", actor("mali"))}  # no Actor2
    typed = {
        "soldier": "StateForce",  # MIL
        "police": "StateForce",  # COP
        "rebel": "ArmedGroup",  # REB
        "gunman": "ArmedGroup",  # UAF
        "villager": "CivilianGroup",  # CVL
        "journalist": "MediaOutlet",  # MED
        "opposition-activist": "Organization",  # OPP
    }
    for slug, cls in typed.items():
        ent = ents[actor(slug)]
        assert (ent.type, ent.resolved) == (cls, False), slug
    assert ents[actor("wagner")].resolved and ents[actor("ecowas")].resolved
    # the full CAMEO actor codes are kept with the row's evidence
    text = evs["gdelt-1161000001"].evidence[0].text
    assert "actor1 MLIMIL" in text and "actor2 REB" in text
    assert "actor2" not in evs["gdelt-1161000010"].evidence[0].text  # no Actor2Code: no part


def test_gdelt2_goldstein_counts_and_source_url_are_kept():
    evs = events(load()[0])
    ev = evs["gdelt-1161000001"].evidence[0]
    assert ev.row == 1
    assert ev.text == (
        "CAMEO 190 (root 19, quad class 4), Goldstein -10.0, 12 mentions, 3 sources, "
        "6 articles, tone -7.21, actor1 MLIMIL, actor2 REB, added 20240305120000 "
        "[sources: https://news.example.org/2024/03/kidal-clashes]"
    )
    assert "Goldstein 1.9," in evs["gdelt-1161000008"].evidence[0].text
    # the event's participations carry the same evidence
    assert all(p.evidence is ev for p in evs["gdelt-1161000001"].participants)


def test_gdelt2_evidence_reaches_the_store():
    store = KGStore(None)
    store.ensure_reference()
    (res,) = ingest([GDELT2], store, on_error="skip")
    ev = ontology().entity_iri("event", "gdelt-1161000007")
    texts = {
        str(r["t"])
        for r in store.select(
            f"PREFIX kgo: <{KGO}>\nSELECT ?d ?ev ?t WHERE {{ GRAPH ?d {{"
            "{ ?ev kgo:sourceText ?t } UNION { ?c kgo:subject ?ev ; kgo:evidence/kgo:text ?t }"
            "} }",
            d=res.document.id,
            ev=ev,
        ).rows
    }
    assert any("Goldstein -8.0" in t and "ecowas-sanctions" in t for t in texts), texts
    types = {
        r["t"]
        for r in store.select(
            f"PREFIX kgo: <{KGO}>\nSELECT ?ev ?t WHERE {{ ?ev a ?t }}", ev=ev
        ).rows
    }
    assert KGO + "SanctionEvent" in types


def test_gdelt1_daily_file_loads_like_gdelt2(tmp_path: Path):
    path = as_gdelt1_daily(tmp_path)
    chunks, report = load(path, "gdelt1_daily")
    assert (report.rows, report.loaded, report.skipped) == (14, 14, 0)
    mine = {k: (e.type, e.date, e.place) for k, e in events(chunks).items()}
    theirs = {k: (e.type, e.date, e.place) for k, e in events(load()[0]).items()}
    assert mine == theirs
    assert "added 20240305 [sources:" in events(chunks)["gdelt-1161000001"].evidence[0].text


def test_shared_gdelt1_rows_keep_their_coding():
    path = need(GDELT1_SHARED)
    m = mappings()["gdelt1"]
    loader = TabularLoader(m)
    rows = loader.rows(path)
    line, row = next(rows)
    assert (line, row["GLOBALEVENTID"]) == (2, "12493469")
    # NA columns leave their part out (no Actor1Code, no SOURCEURL)
    assert row["coding"] == (
        "CAMEO 190 (root 19, quad class 4), Goldstein -10, 2 mentions, 1 sources, 2 articles, "
        "tone 1.7156862745098, actor2 DZA, added 20130203"
    )
    assert row["url"] == ""


def test_the_cli_says_which_gdelt_it_used(tmp_path: Path):
    store = tmp_path / "kg-data"
    r = kg("--store", str(store), "ingest", "--on-error", "skip", str(GDELT2))
    assert r.exit_code == 0, r.output
    assert "gdelt2, 15 rows, 14 loaded, 1 skipped" in r.stderr
    assert "20240305120000.export.CSV:9: 35 fields" in r.stderr
    r = kg("--store", str(store), "ingest", str(as_gdelt1_daily(tmp_path)))
    assert r.exit_code == 0, r.output
    assert "gdelt1_daily, 14 rows, 14 loaded, 0 skipped" in r.stderr
    mentions = need(MENTIONS_SHARED)
    r = kg("--store", str(store), "ingest", str(mentions))
    assert r.exit_code == 1
    assert f"{mentions}: is a GDELT 2.0 Mentions table" in r.output
