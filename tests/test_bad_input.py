"""Bad input through the CLI: one line of error naming the file, no traceback, nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Run, kg, make_report, stats

GOOD = (
    "Mali and Niger severed diplomatic ties with Ukraine early this month, officials in "
    "Bamako and Niamey said."
)


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    """An on-disk store that already holds one good document."""
    location = tmp_path / "kg-data"
    good = make_report(tmp_path, "good.txt", GOOD, title="Ties cut", date="2024-08-20")
    r = kg("--store", str(location), "ingest", str(good))
    assert r.exit_code == 0, r.output
    return location


def one_error_line(r: Run, *, names: str | None) -> str:
    """The run failed cleanly: exit code, one line, no traceback; returns the line."""
    assert r.exit_code != 0
    assert r.crash is None, r.crash
    assert "Traceback" not in r.output
    assert r.stdout == ""
    lines = r.output.strip().splitlines()
    assert len(lines) == 1, r.output
    line = lines[0]
    assert line.startswith("Error: ")
    if names is not None:
        assert names in line
    return line


def assert_nothing_new(store_dir: Path, before: dict[str, int]) -> None:
    after = stats(store_dir)
    assert after == before


def test_missing_file(store_dir: Path, tmp_path: Path):
    before = stats(store_dir)
    missing = tmp_path / "no-such-report.txt"
    r = kg("--store", str(store_dir), "ingest", str(missing))
    assert r.exit_code == 1
    assert "no such file" in one_error_line(r, names=str(missing))
    assert_nothing_new(store_dir, before)


def test_empty_file(store_dir: Path, tmp_path: Path):
    before = stats(store_dir)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    r = kg("--store", str(store_dir), "ingest", str(empty))
    assert r.exit_code == 1
    assert "empty" in one_error_line(r, names=str(empty))
    assert_nothing_new(store_dir, before)


def test_blank_file(store_dir: Path, tmp_path: Path):
    before = stats(store_dir)
    blank = tmp_path / "blank.txt"
    blank.write_text("\n   \n\t\n", encoding="utf-8")
    r = kg("--store", str(store_dir), "ingest", str(blank))
    one_error_line(r, names=str(blank))
    assert_nothing_new(store_dir, before)


def test_header_without_body(store_dir: Path, tmp_path: Path):
    before = stats(store_dir)
    path = tmp_path / "header-only.txt"
    path.write_text("Title: Nothing here\nDate: 2024-06-13\n\n", encoding="utf-8")
    r = kg("--store", str(store_dir), "ingest", str(path))
    one_error_line(r, names=str(path))
    assert_nothing_new(store_dir, before)


def test_binary_file(store_dir: Path, tmp_path: Path):
    before = stats(store_dir)
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"%PDF-1.4\n\x00\x01\x02\x03binary\x00data\xff\xfe")
    r = kg("--store", str(store_dir), "ingest", str(binary))
    assert r.exit_code == 1
    assert "binary" in one_error_line(r, names=str(binary))
    assert_nothing_new(store_dir, before)


def test_non_utf8_file(store_dir: Path, tmp_path: Path):
    before = stats(store_dir)
    latin = tmp_path / "latin1.txt"
    latin.write_bytes(
        "Title: Attaque près de Ménaka\n\nDes hommes armés ont attaqué l'armée malienne.\n".encode(
            "latin-1"
        )
    )
    r = kg("--store", str(store_dir), "ingest", str(latin))
    assert r.exit_code == 1
    line = one_error_line(r, names=str(latin))
    assert "UTF-8" in line
    assert f"{latin}:1:" in line  # the line of the first bad byte
    assert_nothing_new(store_dir, before)


def test_folder_without_reports(store_dir: Path, tmp_path: Path):
    before = stats(store_dir)
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    r = kg("--store", str(store_dir), "ingest", str(folder))
    assert r.exit_code == 1
    assert "no report or dataset files" in one_error_line(r, names=str(folder))
    assert_nothing_new(store_dir, before)


def test_folder_with_an_unknown_table(store_dir: Path, tmp_path: Path):
    before = stats(store_dir)
    folder = tmp_path / "inbox"
    folder.mkdir()
    data = folder / "data.csv"
    data.write_text("a,b\n1,2\n", encoding="utf-8")
    r = kg("--store", str(store_dir), "ingest", str(folder))
    assert r.exit_code == 1
    line = one_error_line(r, names=str(data))
    assert "unrecognised format (known: report, stix, ftm, acled" in line
    assert_nothing_new(store_dir, before)


def test_bad_report_date(store_dir: Path, tmp_path: Path):
    before = stats(store_dir)
    undated = tmp_path / "undated.txt"
    undated.write_text(
        "JNIM fighters attacked Burkinabe soldiers at Djibo on Sunday.\n", encoding="utf-8"
    )
    r = kg("--store", str(store_dir), "ingest", "--report-date", "2024-13-45", str(undated))
    assert r.exit_code == 1
    # a bad option value is named by the option, before any file is read
    assert "2024-13-45" in one_error_line(r, names="--report-date")
    assert_nothing_new(store_dir, before)


def test_bad_report_date_is_refused_even_when_the_report_has_a_date(
    store_dir: Path, tmp_path: Path
):
    # an invalid option value is an error whether or not it ends up being used
    before = stats(store_dir)
    dated = make_report(
        tmp_path,
        "dated.txt",
        "JNIM fighters attacked Burkinabe soldiers at Djibo on Sunday.",
        title="Djibo",
        date="2024-06-13",
    )
    r = kg("--store", str(store_dir), "ingest", "--report-date", "2024-13-45", str(dated))
    assert r.exit_code != 0
    assert "2024-13-45" in one_error_line(r, names=None)
    assert_nothing_new(store_dir, before)


def test_bad_date_header(store_dir: Path, tmp_path: Path):
    before = stats(store_dir)
    path = tmp_path / "bad-header.txt"
    path.write_text(
        "Title: Djibo\nDate: 13/06/2024\n\nJNIM fighters attacked Djibo.\n", encoding="utf-8"
    )
    r = kg("--store", str(store_dir), "ingest", str(path))
    line = one_error_line(r, names=str(path))
    assert "13/06/2024" in line
    assert_nothing_new(store_dir, before)


def test_extract_bad_input(tmp_path: Path):
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Caf\xe9 attack".encode("latin-1"))
    r = kg("extract", str(latin))
    assert r.exit_code == 1
    one_error_line(r, names=str(latin))
    missing = kg("extract", str(tmp_path / "missing.txt"))
    one_error_line(missing, names=str(tmp_path / "missing.txt"))


def test_unknown_export_format(store_dir: Path):
    r = kg("--store", str(store_dir), "export", "--format", "xml")
    assert r.exit_code == 2  # a usage error
    assert r.crash is None and "Traceback" not in r.output
    assert r.stdout == ""
    errors = [line for line in r.output.splitlines() if "Error" in line]
    assert len(errors) == 1, r.output
    assert "'xml'" in errors[0]
    for valid in ("ttl", "trig", "nq", "jsonld"):
        assert valid in errors[0]


def test_batch_with_a_bad_file_stores_nothing(store_dir: Path, tmp_path: Path):
    before = stats(store_dir)
    good = make_report(
        tmp_path,
        "another-good.txt",
        "Katiba Macina, an affiliate of al-Qaeda, attacked Malian soldiers near Djenne.",
        title="Djenne",
        date="2024-06-13",
    )
    bad = tmp_path / "bad.txt"
    bad.write_bytes("Attaque à Djenné".encode("latin-1"))
    r = kg("--store", str(store_dir), "ingest", str(good), str(bad))
    assert r.exit_code == 1
    one_error_line(r, names=str(bad))
    assert_nothing_new(store_dir, before)
    # the good file alone goes in
    ok = kg("--store", str(store_dir), "ingest", str(good))
    assert ok.exit_code == 0, ok.output
    assert stats(store_dir)["documents"] == before["documents"] + 1


def test_folder_with_a_bad_file_stores_nothing(store_dir: Path, tmp_path: Path):
    before = stats(store_dir)
    folder = tmp_path / "batch"
    folder.mkdir()
    make_report(folder, "a.txt", GOOD, title="Good", date="2024-08-20")
    (folder / "b.txt").write_bytes(b"\x00\x00\x00")
    r = kg("--store", str(store_dir), "ingest", str(folder))
    one_error_line(r, names=str(folder / "b.txt"))
    assert_nothing_new(store_dir, before)


def test_store_path_that_is_a_regular_file(tmp_path: Path):
    not_a_store = tmp_path / "kg-data"
    not_a_store.write_text("I am a file\n", encoding="utf-8")
    r = kg("--store", str(not_a_store), "stats")
    assert r.exit_code == 3  # store errors
    line = one_error_line(r, names=str(not_a_store))
    assert "not a store" in line
    assert not_a_store.read_text(encoding="utf-8") == "I am a file\n"
