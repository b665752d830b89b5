"""The ``kg`` command, through click's CliRunner (and once as a real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from conftest import EXAMPLES, KGO, actor, kg, make_report, stats

from kg.cli.main import cli

COMMANDS = [
    "analyze",
    "aliases",
    "contested",
    "cypher",
    "demo",
    "eval",
    "eval-notes",
    "export",
    "extract",
    "ingest",
    "merge",
    "merges",
    "neighbors",
    "neo4j",
    "path",
    "queries",
    "query",
    "show",
    "sparql",
    "stats",
    "timeline",
    "unmerge",
    "validate",
    "viz",
]


@pytest.fixture(scope="module")
def examples_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store holding every example report, ingested through the CLI."""
    store = tmp_path_factory.mktemp("cli") / "kg-data"
    r = kg("--store", str(store), "ingest", str(EXAMPLES))
    assert r.exit_code == 0, r.output + (r.crash or "")
    return store


def test_ingest_reports_progress_on_stderr(tmp_path: Path):
    store = tmp_path / "kg-data"
    one = EXAMPLES / "01-mopti-wagner-ambush.txt"
    r = kg("--store", str(store), "ingest", str(one))
    assert r.exit_code == 0, r.output
    assert r.stdout == ""  # progress and logs go to stderr
    assert f"{one}: report, " in r.stderr  # which file, in which format
    assert "1 document(s) ingested" in r.stderr


def test_show_jnim(examples_store: Path):
    r = kg("--store", str(examples_store), "show", "JNIM")
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert out.startswith("Jama'at Nusrat al-Islam wal-Muslimin")
    assert "affiliated with al-Qaeda" in out
    # the source document of the affiliation, by its title, with the sentence
    assert "Al-Qaeda affiliate kills Wagner fighters at checkpoint in central Mali" in out
    assert "the Sahel branch of al-Qaeda" in out
    assert "rule rel.affiliated" in out


def test_show_json(examples_store: Path):
    r = kg("--store", str(examples_store), "show", "jnim", "--format", "json")
    assert r.exit_code == 0, r.output
    view = json.loads(r.stdout)
    assert view["id"] == actor("jnim")
    assert view["types"] == ["ArmedGroup"]
    assert view["resolved"] is True
    assert "JNIM" in view["aliases"]
    aff = [
        x
        for x in view["relations"]
        if x["predicate"] == "affiliatedWith" and x["other"] == actor("al-qaeda")
    ]
    docs = {x["document"] for x in aff}
    assert "Al-Qaeda affiliate kills Wagner fighters at checkpoint in central Mali" in docs
    assert all(x["rule"] for x in aff)
    mopti = [e for e in view["events"] if e["date"] == "2024-11-21"]
    assert mopti and mopti[0]["role"] == "perpetrator" and mopti[0]["place"] == "Mopti"


def test_show_unknown_entity(examples_store: Path):
    r = kg("--store", str(examples_store), "show", "Xyzzy Qwvrtz")
    assert r.exit_code == 1
    assert r.crash is None
    assert r.output.strip().splitlines() == ["Error: no entity called 'Xyzzy Qwvrtz' in the store"]


def test_stats_counts_the_example_documents(examples_store: Path):
    s = stats(examples_store)
    assert s["documents"] == len(list(EXAMPLES.glob("*.txt")))
    assert s["events"] > 0 and s["claims"] > 0 and s["quads"] > 0
    table = kg("--store", str(examples_store), "stats")
    assert table.exit_code == 0
    assert table.stdout.splitlines()[0].split() == ["what", "count"]


SELECT_AFFILIATES = f"""PREFIX kgo: <{KGO}>
SELECT DISTINCT ?group WHERE {{ ?group kgo:affiliatedWith <{actor("al-qaeda")}> }}
ORDER BY ?group"""


def test_sparql_select(examples_store: Path):
    r = kg("--store", str(examples_store), "sparql", SELECT_AFFILIATES, "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert {"group": actor("jnim")} in rows
    csv = kg("--store", str(examples_store), "sparql", SELECT_AFFILIATES, "--format", "csv")
    assert csv.exit_code == 0
    lines = csv.stdout.splitlines()
    assert lines[0] == "group"
    assert actor("jnim") in lines[1:]


def test_sparql_from_stdin(examples_store: Path):
    r = kg(
        "--store", str(examples_store), "sparql", "-", "--format", "json", input=SELECT_AFFILIATES
    )
    assert r.exit_code == 0, r.output
    assert {"group": actor("jnim")} in json.loads(r.stdout)


def test_sparql_ask_and_errors(examples_store: Path):
    ask = f"PREFIX kgo: <{KGO}> ASK {{ <{actor('wagner')}> kgo:succeededBy ?x }}"
    r = kg("--store", str(examples_store), "sparql", ask, "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == [{"ask": True}]
    bad = kg("--store", str(examples_store), "sparql", "SELECT WHERE {")
    assert bad.exit_code == 1
    assert bad.crash is None
    lines = bad.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: SPARQL error")


def test_extract_json_follows_the_contract(tmp_path: Path):
    path = make_report(
        tmp_path,
        "djibo.txt",
        "JNIM, an affiliate of al-Qaeda, attacked Burkinabe soldiers at Djibo on Sunday. "
        "According to AFP, 12 soldiers were killed, while Reuters put the toll at 15.",
        title="Djibo base attacked",
        date="2024-06-13",
    )
    r = kg("extract", str(path), "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert set(data) == {"document", "entities", "relations", "events", "statements"}
    assert {"id", "title", "date"} <= set(data["document"])
    assert data["document"]["title"] == "Djibo base attacked"
    assert data["document"]["date"] == "2024-06-13"
    for e in data["entities"]:
        assert {"id", "label", "type", "resolved", "mentions"} <= set(e)
    (rel,) = data["relations"]
    assert {"subject", "predicate", "object", "source", "evidence", "rule"} <= set(rel)
    assert {"text", "start", "end"} <= set(rel["evidence"])
    assert (rel["subject"], rel["predicate"], rel["object"]) == (
        actor("jnim"),
        "affiliatedWith",
        actor("al-qaeda"),
    )
    (ev,) = data["events"]
    keys = {"id", "type", "date", "place", "participants", "fatalities", "evidence", "rule"}
    assert keys <= set(ev)
    assert ev["date"] == "2024-06-09"
    assert {(f["value"], f["qualifier"], f["source"]) for f in ev["fatalities"]} == {
        (12, "exact", actor("afp")),
        (15, "exact", actor("reuters")),
    }
    assert data["statements"] == []


def test_extract_table(tmp_path: Path):
    path = make_report(
        tmp_path,
        "aqim.txt",
        "AQIM, an affiliate of al-Qaeda, attacked Malian soldiers at Boni on Sunday.",
        title="Boni",
        date="2024-06-13",
    )
    r = kg("extract", str(path), "--format", "table")
    assert r.exit_code == 0, r.output
    assert "affiliatedWith" in r.stdout
    assert "event Attack 2024-06-09 Boni" in r.stdout


def test_export_nq_to_a_file(examples_store: Path, tmp_path: Path):
    out = tmp_path / "graph.nq"
    r = kg("--store", str(examples_store), "export", "--format", "nq", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert r.stdout == ""
    assert f"wrote {out}" in r.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["graph.nq"]  # no temporary file left
    ds = rdflib.Dataset()
    ds.parse(out, format="nquads")
    doc = rdflib.URIRef("https://w3id.org/conflict-kg/id/doc/01-mopti-wagner-ambush")
    g = ds.graph(doc)
    assert (
        rdflib.URIRef(actor("jnim")),
        rdflib.URIRef(f"{KGO}affiliatedWith"),
        rdflib.URIRef(actor("al-qaeda")),
    ) in g
    assert len(g) > 100


def test_export_trig_to_stdout(examples_store: Path):
    r = kg("--store", str(examples_store), "export")
    assert r.exit_code == 0, r.output
    ds = rdflib.Dataset()
    ds.parse(data=r.stdout, format="trig")
    assert len(ds) > 0
    names = {str(g.identifier) for g in ds.graphs()}
    assert "https://w3id.org/conflict-kg/id/doc/01-mopti-wagner-ambush" in names


def test_eval_on_the_shared_gold_files(shared_dir: Path):
    gold = sorted(str(p) for p in (shared_dir / "eval").glob("*.gold.yaml"))
    assert gold, f"no gold files in {shared_dir / 'eval'}"
    r = kg("eval", "--format", "json", *gold)
    assert r.exit_code == 0, r.output
    result = json.loads(r.stdout)
    overall = result["overall"]
    assert overall["precision"] >= 0.9, overall
    assert overall["recall"] >= 0.9, overall
    assert len(result["files"]) == len(gold)
    m = kg("eval", "--quiet", "--min", "0.9", *gold)
    assert m.exit_code == 0, m.output
    assert "overall" in m.stdout


def test_eval_min_fails_below_the_bar():
    gold = sorted(str(p) for p in EXAMPLES.glob("*.gold.yaml"))
    r = kg("eval", "--quiet", "--min", "0.99", *gold)
    assert r.exit_code == 1
    assert "below 0.99" in r.stderr


def test_version_and_help_are_fast_paths():
    import kg as kg_package

    r = kg("--version")
    assert r.exit_code == 0
    assert r.stdout.strip() == f"kg, version {kg_package.__version__}"
    h = kg("--help")
    assert h.exit_code == 0
    for name in COMMANDS:
        assert name in cli.commands
        assert f"  {name} " in h.stdout


def test_console_script_help_as_a_subprocess():
    exe = Path(sys.executable).parent / "kg"
    assert exe.exists(), f"{exe}: the console script is not installed"
    proc = subprocess.run(
        [str(exe), "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Usage: kg ")
    assert "Commands:" in proc.stdout
    listed = {
        line.split()[0]
        for line in proc.stdout.split("Commands:", 1)[1].splitlines()
        if line.startswith("  ") and line.strip()
    }
    assert listed == set(COMMANDS)
    assert proc.stderr == ""
