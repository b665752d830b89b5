"""Reversible merge judgements and fuzzy name matching."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import actor, kg

from kg.api import ingest
from kg.errors import QueryError
from kg.judgements import aliases, merge, merges, unmerge
from kg.model import Claim, Document, Entity, Evidence, Extraction
from kg.ontology import ontology
from kg.resolve import default_resolver
from kg.store.oxigraph import KGStore


def small_store() -> tuple[KGStore, str]:
    """A document that knows 'Katiba Serma' (unresolved) as an affiliate of JNIM."""
    o = ontology()
    store = KGStore(None)
    store.ensure_reference()
    serma = o.entity_iri("actor", "katiba-serma")
    doc = Document(id=o.entity_iri("doc", "t-serma"), title="Serma report", date="2024-05-01")
    ex = Extraction(
        document=doc,
        entities=[
            Entity(serma, "Katiba Serma", "ArmedGroup", resolved=False, mentions=["Katiba Serma"])
        ],
        relations=[
            Claim(
                subject=serma,
                predicate="affiliatedWith",
                object=actor("jnim"),
                evidence=Evidence("Katiba Serma, a JNIM unit...", 0, 28),
                rule="test",
            )
        ],
    )
    store.add_extraction(ex)
    return store, serma


def test_merge_lets_the_target_answer_for_the_merged_record():
    store, serma = small_store()
    before = len(store)
    res = merge(store, serma, actor("ansar-dine"), reason="same unit, renamed")
    assert res["copied"] > 0 and len(store) > before
    rows = store.select(
        f"PREFIX kgo: <{ontology().ns}> SELECT ?x ?o WHERE {{ ?x kgo:affiliatedWith ?o }}",
        x=actor("ansar-dine"),
    ).rows
    assert actor("jnim") in {r["o"] for r in rows}
    names = {a["name"] for a in aliases(store, actor("ansar-dine"))}
    assert "Katiba Serma" in names  # the merged record's name is now an alias
    [m] = merges(store)
    assert (m["from"], m["into"], m["reason"]) == (serma, actor("ansar-dine"), "same unit, renamed")


def test_unmerge_restores_the_store_exactly():
    store, serma = small_store()
    before = len(store)
    merge(store, serma, actor("ansar-dine"))
    unmerge(store, serma)
    assert len(store) == before and merges(store) == []
    with pytest.raises(QueryError, match="no merge"):
        unmerge(store, serma)


def test_merge_refuses_nonsense():
    store, serma = small_store()
    with pytest.raises(QueryError, match="already itself"):
        merge(store, serma, serma)
    merge(store, serma, actor("ansar-dine"))
    with pytest.raises(QueryError, match="opposite merge"):
        merge(store, actor("ansar-dine"), serma)


def test_merges_follow_later_ingests(tmp_path: Path):
    store, serma = small_store()
    merge(store, serma, actor("ansar-dine"))
    report = tmp_path / "later.txt"
    report.write_text(
        "Title: Later\nDate: 2024-06-01\n\nKatiba Serma, an ally of Russia, "
        "attacked soldiers near Gao on Monday.\n",
        encoding="utf-8",
    )
    ingest([report], store)
    facts = store.select(
        f"PREFIX kgo: <{ontology().ns}> SELECT ?x ?p ?o WHERE {{ ?x ?p ?o . "
        "FILTER(STRSTARTS(STR(?p), STR(kgo:))) }",
        x=actor("ansar-dine"),
    ).rows
    assert facts  # the later report's facts about Katiba Serma reach Ansar Dine


def test_fuzzy_lookup_has_a_threshold():
    r = default_resolver()
    hit = r.lookup_fuzzy("Jamaat Nusrat al Islam wal Muslimeen")
    assert hit is not None and hit[0].id == actor("jnim") and 92 <= hit[1] < 100
    assert r.lookup_fuzzy("Jamaat al Something Else Entirely") is None


def test_cli_merge_unmerge_aliases(tmp_path: Path):
    store = tmp_path / "kg-data"
    rep = tmp_path / "r.txt"
    rep.write_text(
        "Title: R\nDate: 2024-06-01\n\nThe Seno Brigade, linked to JNIM, "
        "attacked soldiers near Mopti on Monday.\n",
        encoding="utf-8",
    )
    assert kg("--store", str(store), "ingest", str(rep)).exit_code == 0
    r = kg(
        "--store",
        str(store),
        "merge",
        "Seno Brigade",
        "Katiba Macina",
        "--reason",
        "the same group",
    )
    assert r.exit_code == 0, r.output
    r = kg("--store", str(store), "aliases", "Katiba Macina")
    assert "Seno Brigade" in r.stdout
    assert "the same group" in kg("--store", str(store), "merges").stdout
    assert kg("--store", str(store), "unmerge", "Seno Brigade").exit_code == 0
    assert "Seno Brigade" not in kg("--store", str(store), "aliases", "Katiba Macina").stdout
