"""FollowTheMoney import streams its file: two passes over the lines, one line in memory at a
time, so memory grows with what the file says (entities, claims), not with its size."""

from __future__ import annotations

import gc
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from conftest import actor

from kg.errors import LoaderError
from kg.load.ftm import read_ftm

FTM_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "sample.ftm.json"


def write_ftm_lines(path: Path, lines: int, groups: int) -> dict[str, int]:
    """A generated FtM file of ``lines`` lines: ``groups`` groups of an ownership (before the
    two entities it links), a person, a company and a sanction on the company, spread among
    addresses and identity documents (which the loader reads and passes over). Returns the
    line number of each ownership."""
    step = lines // groups
    where: dict[str, int] = {}
    with path.open("w", encoding="utf-8") as fh:
        k = i = 0
        while i < lines:
            batch: list[dict[str, Any]]
            if i % step == 0 and k < groups:
                batch = [
                    {
                        "id": f"own-{k}",
                        "schema": "Ownership",
                        "properties": {
                            "owner": [f"p-{k}"],
                            "asset": [f"c-{k}"],
                            "startDate": ["2019-01-02"],
                            "percentage": ["51"],
                        },
                    },
                    {
                        "id": f"p-{k}",
                        "schema": "Person",
                        "properties": {"name": [f"Person Number {k}"], "nationality": ["ml"]},
                    },
                    {
                        "id": f"c-{k}",
                        "schema": "Company",
                        "properties": {
                            "name": [f"Company Number {k} SARL"],
                            "jurisdiction": ["bf"],
                        },
                    },
                    {
                        "id": f"san-{k}",
                        "schema": "Sanction",
                        "properties": {
                            "entity": [f"c-{k}"],
                            "authority": ["Test Sanctions Office"],
                            "startDate": ["2022-03-04"],
                        },
                    },
                ]
                where[f"own-{k}"] = i + 1
                k += 1
            elif i % 2:
                batch = [
                    {
                        "id": f"a-{i}",
                        "schema": "Address",
                        "properties": {"full": [f"{i} Rue Example, Bamako"]},
                    }
                ]
            else:
                batch = [
                    {
                        "id": f"i-{i}",
                        "schema": "Identification",
                        "properties": {"number": [f"ML{i}"]},
                    }
                ]
            for d in batch:
                fh.write(json.dumps(d) + "\n")
                i += 1
    return where


def test_ftm_200k_lines_load_in_bounded_memory(tmp_path: Path):
    path = tmp_path / "big.ftm.json"
    groups = 2500
    where = write_ftm_lines(path, 200_000, groups)
    read_ftm(FTM_FIXTURE)  # caches (reference, ontology, FtM country names) filled before
    gc.collect()
    tracemalloc.start()
    try:
        ex = read_ftm(path)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # measured: peak 10 MB, 9.7 MB of it the extraction returned; holding every line's entity
    # until the end (as the reader did before) peaked at 214 MB on this file
    assert peak < 25_000_000, f"peak {peak / 1e6:.1f} MB"
    assert peak - kept < 8_000_000, f"{(peak - kept) / 1e6:.1f} MB beyond the extraction"
    s = ex.summary
    assert s["rows"] == 200_000
    assert s["loaded"] == {
        "Company": groups,
        "Ownership": groups,
        "Person": groups,
        "Sanction": groups,
    }
    assert s["skipped"] == {"Address": 95_000, "Identification": 95_000}
    assert s["relations_skipped"] == {}
    # an ownership read before its two entities still links them, with its own line
    own = [c for c in ex.relations if c.predicate == "ownerOf"]
    assert len(own) == groups
    last = own[-1]
    assert (last.subject, last.object) == (
        actor(f"person-number-{groups - 1}"),
        actor(f"company-number-{groups - 1}-sarl"),
    )
    assert last.evidence is not None and last.evidence.row == where[f"own-{groups - 1}"]
    assert sum(1 for c in ex.relations if c.predicate == "sanctioned") == groups


def test_ftm_relations_before_their_entities_and_blank_lines(tmp_path: Path):
    path = tmp_path / "order.ftm.json"
    write_ftm_lines(path, 8, 2)
    text = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n" + "\n\n".join(text) + "\n", encoding="utf-8")
    ex = read_ftm(path)
    rows = {(c.predicate, c.value or c.object): c.evidence.row for c in ex.relations if c.evidence}
    # line numbers count the blank lines: line 2 is the first ownership, line 4 its person
    assert rows[("ownerOf", actor("company-number-0-sarl"))] == 2
    assert rows[("ftmId", "p-0")] == 4
    assert ex.summary["rows"] == 8 and ex.summary["loaded"]["Ownership"] == 2


def test_ftm_a_malformed_line_after_the_entities_still_fails(tmp_path: Path):
    path = tmp_path / "late.ftm.json"
    write_ftm_lines(path, 8, 2)
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"id": "x", "schema": "Ownership", "properties": {"owner": 5}}\n')
    with pytest.raises(LoaderError, match=r"late.ftm.json:9: not an FtM entity"):
        read_ftm(path)
