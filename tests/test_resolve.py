"""Mention -> canonical entity: aliases, folding, acronyms and demonyms."""

from __future__ import annotations

import pytest
from conftest import actor, place

from kg.resolve import default_resolver, fold, is_acronym, key_tokens


@pytest.mark.parametrize(
    ("name", "iri"),
    [
        ("al-Qaeda", actor("al-qaeda")),
        ("al Qaeda", actor("al-qaeda")),
        ("Al Qaeda", actor("al-qaeda")),
        ("AL-QAEDA", actor("al-qaeda")),
        ("al-Qa’ida", actor("al-qaeda")),
        ("Jama'at Nusrat al-Islam wal-Muslimin", actor("jnim")),
        ("Jama’at Nusrat al-Islam wal-Muslimin", actor("jnim")),
        ("Jamaat Nusrat al Islam wal Muslimin", actor("jnim")),
        ("jama`at nusrat al–islam wal–muslimin", actor("jnim")),
        ("Tinzaouaten", place("tin-zaouatine")),
        ("Tin-Zaouatine", place("tin-zaouatine")),
        ("tin zaouatine", place("tin-zaouatine")),
        ("Goita", actor("goita")),
        ("Assimi Goïta", actor("goita")),
        ("Cote d'Ivoire", actor("cote-divoire")),
        ("Côte d’Ivoire", actor("cote-divoire")),
        ("the Wagner Group", actor("wagner")),
        ("  Wagner  ", actor("wagner")),
        ("Segou", place("segou")),
    ],
)
def test_lookup_by_alias_ignores_case_accents_apostrophes_hyphens(name: str, iri: str):
    ent = default_resolver().lookup(name)
    assert ent is not None, name
    assert ent.id == iri


def test_lookup_returns_reference_entity_with_label():
    r = default_resolver()
    ent = r.lookup("al Qaeda")
    assert ent is not None and ent.label == "al-Qaeda" and ent.type == "ArmedGroup"
    assert r.lookup_id("Tinzaouaten") == "tin-zaouatine"


@pytest.mark.parametrize("name", ["Nowhere Brigade", "Qaeda", "Tin", "", "Ukrainian Ministry"])
def test_unknown_names_do_not_resolve(name: str):
    assert default_resolver().lookup(name) is None


def test_acronyms_are_case_sensitive():
    r = default_resolver()
    csp = r.lookup("CSP")
    assert csp is not None and csp.id == actor("csp")
    assert r.lookup("csp") is None
    assert r.lookup("Csp") is None
    jnim = r.lookup("JNIM")
    assert jnim is not None and jnim.id == actor("jnim")
    assert r.lookup("jnim") is None
    fama = r.lookup("FAMa")
    assert fama is not None and fama.id == actor("fama")
    assert r.lookup("fama") is None
    assert r.lookup("FAMA") is None


def test_is_acronym():
    assert is_acronym("JNIM") and is_acronym("CSP") and is_acronym("FAMa")
    assert not is_acronym("Wagner")
    assert not is_acronym("al-Qaeda")
    assert not is_acronym("Tuareg rebels")


def test_fold_and_key_tokens():
    assert fold("Goïta") == "Goita"
    assert fold("Jama’at") == "Jama'at"
    assert key_tokens("Jama’at Nusrat al-Islam") == ("jamaat", "nusrat", "al", "islam")
    assert key_tokens("Tin-Zaouatine") == key_tokens("tin zaouatine")


@pytest.mark.parametrize(
    ("word", "iri"),
    [
        ("Malian", actor("mali")),
        ("Malians", actor("mali")),
        ("malian", actor("mali")),
        ("Russian", actor("russia")),
        ("Russians", actor("russia")),
        ("Nigerien", actor("niger")),
        ("Burkinabè", actor("burkina-faso")),
        ("Burkinabe", actor("burkina-faso")),
        ("Ukrainians", actor("ukraine")),
    ],
)
def test_demonyms(word: str, iri: str):
    ent = default_resolver().demonym(word)
    assert ent is not None, word
    assert ent.id == iri
    assert ent.type == "State"


@pytest.mark.parametrize("word", ["Martian", "Mali", "Russia", "Wagner"])
def test_non_demonyms(word: str):
    assert default_resolver().demonym(word) is None
