"""Hostile and broken input (issue #8): each case gives one clear error naming the file (and
line), exits non-zero and stores nothing, or gives the right result; never a traceback, a
half-written document or markup that runs. Simple bad files are in test_bad_input.py."""

from __future__ import annotations

import csv
import html.parser
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import test_bad_input as bad
import test_tabular as tab
from conftest import KGO, kg, make_report, stats

from kg.api import extract_file
from kg.errors import OntologyError
from kg.load.documents import MAX_REPORT_BYTES
from kg.load.tabular import MAX_LINE_CHARS
from kg.ontology import ontology, ontology_triples

store_dir = bad.store_dir  # an on-disk store holding one good report
one_error_line = bad.one_error_line
assert_nothing_new = bad.assert_nothing_new
ROW = tab.ROW
COLUMNS = tab.ACLED_COLUMNS
SKOS_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"


def ingest_fails(store: Path, *args: str, names: str) -> str:
    """``kg ingest ARGS`` fails with one line that names ``names``, and stores nothing."""
    before = stats(store)
    r = kg("--store", str(store), "ingest", *args)
    assert r.exit_code == 1
    line = one_error_line(r, names=names)
    assert_nothing_new(store, before)
    return line


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    return "".join(delimiter.join(r) + "\n" for r in rows)


def acled_rows(n: int = 2) -> list[dict[str, str]]:
    return [{**ROW, "event_id_cnty": f"HOS{i}"} for i in range(1, n + 1)]


# -- malformed CSV ------------------------------------------------------------------------------
@pytest.mark.parametrize(("sep", "called"), [(";", "';'"), ("\t", "tabs")])
def test_acled_file_with_another_separator(store_dir: Path, tmp_path: Path, sep: str, called: str):
    path = tmp_path / "acled-semicolon.csv"
    path.write_text(
        csv_text([COLUMNS, [ROW.get(c, "") for c in COLUMNS]], delimiter=sep), encoding="utf-8"
    )
    line = ingest_fails(store_dir, str(path), names=str(path))
    assert "unrecognised format" in line
    # told it is ACLED, the loader says why it is not
    line = ingest_fails(store_dir, "--format", "acled", str(path), names=f"{path}:1: ")
    assert "no column(s) actor1" in line and f"separated by {called}" in line


@pytest.mark.parametrize(("extra", "count"), [(["TST9", "2022-03-28", "few"], 3), (["x"] * 40, 40)])
def test_ragged_rows_through_the_cli(store_dir: Path, tmp_path: Path, extra: list[str], count: int):
    path = tab.acled_file(tmp_path, acled_rows(1))
    with path.open("a", encoding="utf-8") as fh:
        fh.write(",".join(extra) + "\n")
        fh.write(",".join(ROW.get(c, "") if c != "event_id_cnty" else "HOS2" for c in COLUMNS))
        fh.write("\n")
    line = ingest_fails(store_dir, str(path), names=f"{path}:3: ")
    assert f"{count} fields where the header has 31" in line
    # skipping bad rows loads the others and says which were skipped
    before = stats(store_dir)
    r = kg("--store", str(store_dir), "ingest", "--on-error", "skip", str(path))
    assert r.exit_code == 0, r.output
    assert "2 loaded, 1 skipped" in r.stderr and f"skipped {path}:3: " in r.stderr
    assert stats(store_dir)["events"] == before["events"] + 2


def test_a_quote_never_closed_names_the_rows_it_swallowed(store_dir: Path, tmp_path: Path):
    path = tab.acled_file(tmp_path, acled_rows(3))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # row 3's notes open a quote that no later line closes: the rest of the file is one field
    lines[2] = lines[2].replace("Soldiers and foreign", '"Soldiers and foreign', 1)
    path.write_text("".join(lines), encoding="utf-8")
    line = ingest_fails(store_dir, str(path), names=f"{path}:4: ")
    assert "fields where the header has 31" in line
    assert "runs from line 3 to line 4" in line and "quote that is never closed" in line


def test_stray_quotes_inside_a_field_are_kept_as_text(tmp_path: Path):
    store = tmp_path / "kg-data"
    path = tab.acled_file(tmp_path, acled_rows(1))
    text = path.read_text(encoding="utf-8")
    # an unquoted field with quotes in it (not RFC 4180, but common): read as written
    path.write_text(
        text.replace("Soldiers and foreign", 'Soldiers "and" foreign', 1), encoding="utf-8"
    )
    r = kg("--store", str(store), "ingest", str(path))
    assert r.exit_code == 0, r.output
    rows = sparql_rows(store, f"SELECT ?t WHERE {{ ?e <{KGO}sourceText> ?t }}")
    assert [r["t"] for r in rows] == [
        'Soldiers "and" foreign fighters killed villagers in the market. '
        "[sources: Radio A; Paper B]"
    ]


# -- truncated JSON -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["stix_sahel_bundle.json", "sample.ftm.json"])
@pytest.mark.parametrize("fraction", [0.5, 0.93])
def test_truncated_stix_and_ftm_files(store_dir: Path, tmp_path: Path, name: str, fraction: float):
    raw = (Path(__file__).parent / "fixtures" / name).read_bytes()
    cut = raw[: int(len(raw) * fraction)]
    assert not cut.endswith(b"\n")  # cut in the middle of a line
    path = tmp_path / name
    path.write_bytes(cut)
    line_no = cut.count(b"\n") + 1  # the last, cut line
    kind = "stix" if "stix" in name else "ftm"
    for args in ([str(path)], ["--format", kind, str(path)]):
        line = ingest_fails(store_dir, *args, names=f"{path}:{line_no}: ")
        assert "invalid JSON" in line


# -- invalid Turtle (the ontology files: KG_HOME points the CLI at another copy) ----------------
def test_broken_ontology_turtle_names_file_and_line(tmp_path: Path, repo_root: Path):
    kg_ttl = tmp_path / "kg.ttl"
    kg_ttl.write_text(
        (repo_root / "ontology" / "kg.ttl").read_text(encoding="utf-8")
        + '\nkgo:Broken a owl:Class ;\n    rdfs:label "unterminated .\n',
        encoding="utf-8",
    )
    n = kg_ttl.read_text(encoding="utf-8").count("\n")
    with pytest.raises(OntologyError, match=rf"kg\.ttl: invalid Turtle: .*line {n}"):
        ontology(str(kg_ttl))
    vocab = tmp_path / "event-types.ttl"
    vocab.write_text("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\nfoo:bar a 1 .\n")
    with pytest.raises(OntologyError, match=r"event-types\.ttl: invalid Turtle: .*line 2"):
        ontology_triples([vocab])


def kg_subprocess(
    *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "kg"
    assert exe.exists(), f"{exe}: the console script is not installed"
    return subprocess.run(
        [str(exe), *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, **(env or {})},
    )


def broken_home(repo_root: Path, tmp_path: Path, file: str, tail: str) -> Path:
    home = tmp_path / "home"
    for folder in ("ontology", "loaders", "queries"):
        shutil.copytree(repo_root / folder, home / folder)
    with (home / "ontology" / file).open("a", encoding="utf-8") as fh:
        fh.write(tail)
    return home


@pytest.mark.parametrize(
    ("file", "command", "says"),
    [
        ("vocab/event-types.ttl", "stats", "The prefix foo: has not been declared"),
        # (kg validate reads the shapes with pyoxigraph, to compile them to SPARQL)
        ("shapes.ttl", "validate", "The prefix foo: has not been declared"),
    ],
)
def test_broken_turtle_through_the_cli(
    repo_root: Path, tmp_path: Path, file: str, command: str, says: str
):
    home = broken_home(repo_root, tmp_path, file, '\nfoo:bar a "unterminated .\n')
    n = (home / "ontology" / file).read_text(encoding="utf-8").count("\n")
    proc = kg_subprocess("--store", ":memory:", command, env={"KG_HOME": str(home)})
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith(f"Error: {home / 'ontology' / file}") and says in line
    assert f":{n}: " in line or f"line {n}" in line


# -- NUL bytes ----------------------------------------------------------------------------------
def test_nul_byte_in_a_report_names_its_line(store_dir: Path, tmp_path: Path):
    path = tmp_path / "nul.txt"
    body = "Markets stayed closed in Mopti.\n" * 400  # past the first 8 KB
    path.write_bytes(
        ("Title: NUL\nDate: 2024-06-13\n\n" + body + "JNIM attacked\x00 Gao.\n").encode()
    )
    line = ingest_fails(store_dir, str(path), names=f"{path}:404: ")
    assert "NUL character" in line


def test_nul_byte_in_a_csv_row(store_dir: Path, tmp_path: Path):
    rows = acled_rows(3)
    rows[1]["actor1"] = "JN\x00IM"
    path = tab.acled_file(tmp_path, rows)
    line = ingest_fails(store_dir, str(path), names=f"{path}:3: ")
    assert "NUL character" in line
    before = stats(store_dir)
    r = kg("--store", str(store_dir), "ingest", "--on-error", "skip", str(path))
    assert r.exit_code == 0 and "2 loaded, 1 skipped" in r.stderr, r.output
    assert stats(store_dir)["events"] == before["events"] + 2


# -- encodings ----------------------------------------------------------------------------------
def test_mostly_utf8_report_with_latin1_bytes(store_dir: Path, tmp_path: Path):
    path = tmp_path / "mixed.txt"
    good = "Title: Mixed\nDate: 2024-06-13\n\nJNIM fighters attacked soldiers near Ménaka.\n"
    path.write_bytes(good.encode() * 2 + "Des hommes armés à Djenné.\n".encode("latin-1"))
    line = ingest_fails(store_dir, str(path), names=f"{path}:9: ")
    assert "is not UTF-8 (byte 0xe9" in line and "iconv" in line


def test_mostly_utf8_csv_with_latin1_bytes(store_dir: Path, tmp_path: Path):
    path = tab.acled_file(tmp_path, acled_rows(40))
    lines = path.read_bytes().splitlines(keepends=True)
    lines[30] = lines[30].replace(b"Moura", "Moura-Ségou".encode("latin-1"))
    path.write_bytes(b"".join(lines))
    # the decoder reads ahead: the error still names the line of the bad byte
    line = ingest_fails(store_dir, str(path), names=f"{path}:31: ")
    assert "is not utf-8 text (byte 0xe9" in line and "iconv" in line


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_files_are_refused_with_the_fix(
    store_dir: Path, tmp_path: Path, encoding: str
):
    report = tmp_path / "wide.txt"
    text = "Title: Wide\nDate: 2024-06-13\n\nJNIM fighters attacked Gao.\n"
    bom = {"utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    report.write_bytes(bom + text.encode(encoding))
    table = tmp_path / "wide.csv"
    table.write_bytes(bom + tab.acled_file(tmp_path, acled_rows(1)).read_text().encode(encoding))
    name = "UTF-32" if encoding == "utf-32" else "UTF-16"
    for path in (report, table):
        line = ingest_fails(store_dir, str(path), names=str(path))
        assert f"is {name} text" in line and f"iconv -f {name.lower()} -t utf-8" in line
    line = ingest_fails(store_dir, "--format", "acled", str(table), names=str(table))
    assert f"is {name} text" in line


def test_utf8_with_bom_just_works(tmp_path: Path):
    store = tmp_path / "kg-data"
    report = tmp_path / "bom.txt"
    report.write_bytes(
        b"\xef\xbb\xbfTitle: With a BOM\nDate: 2024-06-13\n\n"
        + b"JNIM fighters attacked soldiers in Mopti on Sunday, killing six.\n"
    )
    table = tmp_path / "bom.csv"
    table.write_bytes(b"\xef\xbb\xbf" + tab.acled_file(tmp_path, acled_rows(1)).read_bytes())
    ex = extract_file(report)
    assert ex.document.title == "With a BOM" and ex.events
    r = kg("--store", str(store), "ingest", str(report), str(table))
    assert r.exit_code == 0, r.output
    assert "acled, 1 rows, 1 loaded" in r.stderr
    assert stats(store)["documents"] == 2


# -- a 50 MB line -------------------------------------------------------------------------------
def peak_rss_kb(*args: str) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run ``kg ARGS`` in a fresh interpreter; also its peak resident memory (kB)."""
    code = (
        "import resource, sys\n"
        "from kg.cli.main import cli\n"
        "try:\n"
        "    cli.main(sys.argv[1:], prog_name='kg')\n"
        "finally:\n"
        "    print('maxrss', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300
    )
    lines = proc.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("maxrss "), proc.stderr
    return proc, int(lines[-1].split()[1])


def test_a_50_mb_single_line_report_and_csv(tmp_path: Path):
    store = tmp_path / "kg-data"
    report = tmp_path / "one-line.txt"
    table = tmp_path / "one-line.csv"
    with report.open("wb") as fh:
        fh.write(b"Title: One line\n\n")
        chunk = b"JNIM fighters attacked soldiers in Mopti and killed six " * 1000
        for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
            fh.write(chunk)
    with table.open("wb") as fh:
        fh.write(",".join(COLUMNS).encode())  # an ACLED header that never ends
        chunk = b",xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" * 1000
        for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
            fh.write(chunk)
    assert report.stat().st_size > 50 * 1024 * 1024 and table.stat().st_size > 50 * 1024 * 1024
    base, base_kb = peak_rss_kb("--store", str(store), "stats")
    assert base.returncode == 0, base.stderr
    t = time.perf_counter()
    proc, report_kb = peak_rss_kb("--store", str(store), "ingest", str(report))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"Error: {report}: is 50 MB; reports are limited to " in proc.stderr
    proc, table_kb = peak_rss_kb("--store", str(store), "ingest", str(table))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"Error: {table}:1: line longer than {MAX_LINE_CHARS:,} characters" in proc.stderr
    assert time.perf_counter() - t < 60
    # neither file was held in memory (a copy would add 50 MB or more)
    assert report_kb - base_kb < 30 * 1024, (base_kb, report_kb)
    assert table_kb - base_kb < 30 * 1024, (base_kb, table_kb)
    assert MAX_REPORT_BYTES < 50 * 1024 * 1024
    assert stats(store)["documents"] == 0


def test_a_long_report_without_sentence_ends_is_bounded(tmp_path: Path):
    # one "sentence" of 150 000 characters: cut into pieces, so the time grows with the length
    # and not with its square (it took minutes before)
    path = make_report(
        tmp_path,
        "run-on.txt",
        "JNIM fighters attacked soldiers in Mopti and killed six " * 2700,
        title="Run-on",
        date="2024-06-13",
    )
    t = time.perf_counter()
    ex = extract_file(path)
    assert time.perf_counter() - t < 60
    assert ex.events and all(e.evidence for e in ex.events)


# -- 100 000 sentences --------------------------------------------------------------------------
SENTENCES = [
    "Markets stayed closed.",
    "Rain fell on the town.",
    "Schools reopened on Monday.",
    "JNIM attacked Mopti.",
    "Six died.",
]


def timed_extract(tmp_path: Path, n: int) -> tuple[float, int]:
    body = " ".join(SENTENCES[i % len(SENTENCES)] for i in range(n))
    path = make_report(tmp_path, f"long-{n}.txt", body, title="Long", date="2024-06-13")
    t = time.perf_counter()
    ex = extract_file(path)
    return time.perf_counter() - t, len(ex.document.text)


def test_a_100k_sentence_report_takes_linear_time(tmp_path: Path):
    small, _ = timed_extract(tmp_path, 12_500)
    large, size = timed_extract(tmp_path, 100_000)
    assert size > 1_900_000
    # 8 times the text: linear is about 8 times the time, quadratic 64 times
    assert large < 16 * small + 2, (small, large)


# -- right-to-left, emoji and query syntax in names and text ------------------------------------
NAMES = {
    "arabic": "هيئة تحرير الشام",
    "hebrew": "גדודי חללי אל-אקצא",
    "emoji": "🔥🚀",
    "other_emoji": "💣",
    "mixed": "Brigade 🦅 du Nord",
    "sparql": 'Foo" } ; DROP ALL ; #',
    "cypher": "x') DETACH DELETE n //",
    "iri": "<http://evil>",
    "backslashes": "C:\\evil\\ \\u0022 \\n \\",
    "newline": "Line one\nLine two",
    "html": '<script>alert("kg-pwned-csv")</script>',
}
REPORT_TITLE = (
    '<script>alert("kg-pwned-title")</script> تقرير 🚀 Foo" } ; DROP ALL ; # '
    "x') DETACH DELETE n // C:\\evil\\"
)
REPORT_BODY = (
    "JNIM fighters attacked Malian soldiers near Mopti (موبتي, מופטי 🔥) on Sunday, killing six "
    '<script>alert("kg-pwned-body")</script> <img src=x onerror=alert(1)>.\n\n'
    "Foo\" } ; DROP ALL ; # was written on a wall; x') DETACH DELETE n // too.\n\n"
    "هيئة تحرير الشام claimed the attack 🔥. בצבא אמרו כי שישה נהרגו."
)


@pytest.fixture(scope="module")
def names_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A store with an ACLED file whose actors carry :data:`NAMES` (one event each) and a
    report with markup, query syntax, right-to-left text and emoji."""
    folder = tmp_path_factory.mktemp("names")
    rows = [
        {**ROW, "event_id_cnty": f"NAME{i}", "actor1": name, "assoc_actor_1": ""}
        for i, name in enumerate(NAMES.values())
    ]
    table = tab.acled_file(folder, rows)
    report = make_report(folder, "hostile.txt", REPORT_BODY, title=REPORT_TITLE, date="2024-06-13")
    store = folder / "kg-data"
    r = kg("--store", str(store), "ingest", str(table), str(report))
    assert r.exit_code == 0, r.output
    yield store


def sparql_rows(store: Path, query: str) -> list[dict[str, Any]]:
    r = kg("--store", str(store), "sparql", "--format", "json", query)
    assert r.exit_code == 0, r.output
    rows: list[dict[str, Any]] = json.loads(r.stdout)
    return rows


def quad_count(store: Path) -> int:
    return stats(store)["quads"]


@pytest.mark.parametrize("key", list(NAMES))
def test_names_come_back_intact_from_show_and_queries(names_store: Path, key: str):
    name = NAMES[key]
    before = quad_count(names_store)
    r = kg("--store", str(names_store), "show", name, "--format", "json")
    assert r.exit_code == 0, r.output
    shown = json.loads(r.stdout)
    assert shown["label"] == name
    i = list(NAMES).index(key)
    r = kg(
        "--store", str(names_store), "query", "events_of_actor", "-p", f"actor={name}", "-f", "json"
    )
    assert r.exit_code == 0, r.output
    events = {row["event"].rsplit("/", 1)[-1] for row in json.loads(r.stdout)}
    assert events == {f"acled-name{i}"}
    # a name as a string parameter is a literal too: the publisher's claims about the actor
    r = kg(
        "--store", str(names_store), "query", "sources",
        "-p", f"subject={name}", "-p", f"predicate={name}", "-f", "json",
    )  # fmt: skip
    assert r.exit_code == 0 and json.loads(r.stdout) == [], r.output
    assert quad_count(names_store) == before  # nothing dropped or deleted


def test_each_name_is_its_own_entity(names_store: Path):
    iris = {}
    for key, name in NAMES.items():
        r = kg("--store", str(names_store), "show", name, "--format", "json")
        assert r.exit_code == 0, r.output
        iris[key] = json.loads(r.stdout)["id"]
    assert len(set(iris.values())) == len(NAMES), iris
    # names in other scripts keep their letters in the IRI; names without letters get a digest
    assert iris["arabic"].split("/actor/")[1].startswith("هيية")
    assert iris["emoji"] != iris["other_emoji"]


def test_names_survive_the_exports(names_store: Path, tmp_path: Path):
    nq = tmp_path / "all.nq"
    assert kg("--store", str(names_store), "export", "-f", "nq", "-o", str(nq)).exit_code == 0
    labels = {
        q.object.value
        for q in ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS)
        if q.predicate.value == SKOS_LABEL
    }
    assert set(NAMES.values()) <= labels
    jsonld = tmp_path / "all.jsonld"
    assert (
        kg("--store", str(names_store), "export", "-f", "jsonld", "-o", str(jsonld)).exit_code == 0
    )
    text = jsonld.read_text(encoding="utf-8")
    for name in NAMES.values():
        assert json.dumps(name, ensure_ascii=False)[1:-1] in text
    json.loads(text)
    graphml = tmp_path / "actors.graphml"
    assert (
        kg("--store", str(names_store), "export", "-f", "graphml", "-o", str(graphml)).exit_code
        == 0
    )
    import networkx as nx

    g = nx.read_graphml(graphml)
    shown = {d.get("label") for _, d in g.nodes(data=True)}
    assert set(NAMES.values()) <= shown
    neo = tmp_path / "neo4j"
    assert (
        kg("--store", str(names_store), "export", "-f", "neo4j-csv", "-o", str(neo)).exit_code == 0
    )
    cells: set[str] = set()
    for f in neo.glob("*.csv"):
        with f.open(encoding="utf-8", newline="") as fh:
            cells.update(cell for row in csv.reader(fh) for cell in row)
    assert set(NAMES.values()) <= cells


def test_report_text_is_stored_as_literals(names_store: Path):
    texts = {r["t"] for r in sparql_rows(names_store, f"SELECT ?t WHERE {{ ?x <{KGO}text> ?t }}")}
    assert any('<script>alert("kg-pwned-body")</script>' in t for t in texts), texts
    assert any("(موبتي, מופטי 🔥)" in t for t in texts), texts
    titles = {r["t"] for r in sparql_rows(names_store, f"SELECT ?t WHERE {{ ?d <{KGO}title> ?t }}")}
    assert REPORT_TITLE in titles
    # and as the document of JNIM's event in `kg show`
    r = kg("--store", str(names_store), "show", "JNIM", "--format", "json")
    assert r.exit_code == 0, r.output
    assert REPORT_TITLE in strings(json.loads(r.stdout))


def strings(obj: Any) -> set[str]:
    """Every string in a JSON value."""
    if isinstance(obj, str):
        return {obj}
    if isinstance(obj, dict):
        return set().union(*(strings(v) for v in obj.values()))
    if isinstance(obj, list):
        return set().union(*(strings(v) for v in obj))
    return set()


def test_cypher_parameters_are_bound_not_formatted(names_store: Path):
    from kg.query.cypher import run_cypher_named
    from kg.query.registry import get_query
    from kg.store.oxigraph import KGStore

    class Recorder:
        def __init__(self) -> None:
            self.calls: list[tuple[str, dict[str, Any]]] = []

        def query(self, text: str, params: dict[str, Any]) -> Any:
            self.calls.append((text, params))
            return type("Rows", (), {"variables": ["x"], "rows": []})()

    store = KGStore(str(names_store))
    try:
        neo = Recorder()
        for name in NAMES.values():
            run_cypher_named("sources", {"subject": name, "predicate": name}, store, neo)
        q = get_query("sources")
        for (text, params), name in zip(neo.calls, NAMES.values(), strict=True):
            assert text == q.cypher  # the query text never changes
            assert params["predicate"] == name
            assert params["subject"].startswith("https://w3id.org/conflict-kg/id/actor/")
    finally:
        store.close()


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def test_pictures_escape_markup_from_the_data(names_store: Path, tmp_path: Path):
    page = tmp_path / "network.html"
    r = kg("--store", str(names_store), "viz", "network", "-o", str(page))
    assert r.exit_code == 0, r.output
    text = page.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(text)
    assert parser.tags.count("script") == 2  # the library and the page's own code
    assert "img" not in parser.tags
    for marker in ("kg-pwned-csv", "kg-pwned-title"):
        assert marker in text  # shown, as text...
        assert f'<script>alert("{marker}")' not in text  # ...never as markup
    timeline = tmp_path / "timeline.html"
    r = kg("--store", str(names_store), "viz", "timeline", NAMES["html"], "-o", str(timeline))
    assert r.exit_code == 0, r.output
    text = timeline.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(text)
    assert "script" not in parser.tags and "img" not in parser.tags
    assert "kg-pwned-csv" in text and '<script>alert("kg-pwned-csv")' not in text
