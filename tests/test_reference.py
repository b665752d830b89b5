"""Curated reference entities (ontology/reference/*.yaml), validated against the ontology."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import actor, place

from kg.errors import OntologyError
from kg.model import date_precision
from kg.ontology import ontology
from kg.reference import _load_reference, reference


def test_reference_loads(repo_root: Path):
    ref = reference()
    names = {p.name for p in ref.files}
    assert {"actors.yaml", "places.yaml"} <= names
    assert len(ref.entities) > 100
    assert len(ref.relations) > 50
    o = ontology()
    for eid, ent in ref.entities.items():
        assert ent.label, eid
        assert o.is_a(ent.type, "Actor") or o.is_a(ent.type, "Place"), (eid, ent.type)
        assert ent.id.rsplit("/", 1)[-1] == eid
        for d in (ent.valid_from, ent.valid_until):
            if d is not None:
                date_precision(d)
    for c in ref.relations:
        assert c.rule == "reference"
        assert c.predicate in o.properties
        assert c.evidence is not None and c.evidence.row is not None


def test_reference_ids_unique(repo_root: Path):
    ids: list[str] = []
    for f in sorted((repo_root / "ontology" / "reference").glob("*.yaml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        ids += [str(e["id"]) for e in data["entities"]]
    dupes = [i for i, n in Counter(ids).items() if n > 1]
    assert dupes == []
    assert len(ids) == len(reference().entities)
    iris = [e.id for e in reference().entities.values()]
    assert len(iris) == len(set(iris))


def test_places_get_place_iris_and_actors_actor_iris():
    ref = reference()
    assert ref.entities["mopti"].id == place("mopti")
    assert ref.entities["jnim"].id == actor("jnim")
    assert ref.entities["mali"].id == actor("mali")


def test_wagner_succeeded_by_africa_corps_with_valid_from():
    rels = [
        c
        for c in reference().relations
        if c.subject == actor("wagner") and c.predicate == "succeededBy"
    ]
    assert [c.object for c in rels] == [actor("africa-corps")]
    (c,) = rels
    assert c.valid_from is not None
    assert re.fullmatch(r"\d{4}(-\d{2}){0,2}", c.valid_from)
    assert c.valid_from.startswith("2023")
    assert c.valid_until is None


def test_tin_zaouatine_has_coordinates_in_mali():
    t = reference().entities["tin-zaouatine"]
    assert t.type == "Settlement"
    assert t.country == actor("mali")
    assert t.lat is not None and t.lon is not None
    # inside Mali's bounding box, in the far north-east near the Algerian border
    assert 18.0 < t.lat < 25.0
    assert 0.0 < t.lon < 4.3
    assert "Tinzaouaten" in t.aliases


def test_demonyms_and_capitals():
    ref = reference()
    assert ref.demonyms["Malian"] == "mali"
    assert ref.demonyms["Russian"] == "russia"
    assert ref.capitals[place("bamako")] == actor("mali")


# -- errors in a broken reference folder ------------------------------------------------------

ENTITY_OK = """\
  - id: good-group
    type: ArmedGroup
    label: Good Group
"""


def _folder(tmp_path: Path, body: str, name: str = "actors.yaml") -> Path:
    folder = tmp_path / "reference"
    folder.mkdir()
    (folder / name).write_text("entities:\n" + ENTITY_OK + body, encoding="utf-8")
    return folder


def _error(folder: Path) -> str:
    with pytest.raises(OntologyError) as err:
        _load_reference(folder, ontology())
    return str(err.value)


def test_unknown_type_names_file_and_line(tmp_path: Path):
    folder = _folder(
        tmp_path,
        """\
  - id: bad-group
    type: ArmedGruop
    label: Bad Group
""",
    )
    msg = _error(folder)
    assert f"{folder / 'actors.yaml'}:5" in msg, msg
    assert "ArmedGruop" in msg
    assert "ArmedGroup" in msg  # the close match


def test_unknown_relation_property_names_file_and_line(tmp_path: Path):
    folder = _folder(
        tmp_path,
        """\
  - id: bad-group
    type: ArmedGroup
    label: Bad Group
    relations:
      - {p: afiliatedWith, o: good-group}
""",
    )
    msg = _error(folder)
    assert f"{folder / 'actors.yaml'}:9" in msg, msg
    assert "afiliatedWith" in msg


def test_unknown_relation_target_names_file_and_line(tmp_path: Path):
    folder = _folder(
        tmp_path,
        """\
  - id: bad-group
    type: ArmedGroup
    label: Bad Group
    relations:
      - {p: affiliatedWith, o: no-such-group}
""",
    )
    msg = _error(folder)
    assert f"{folder / 'actors.yaml'}:9" in msg, msg
    assert "no-such-group" in msg


def test_malformed_date_names_file_and_line(tmp_path: Path):
    folder = _folder(
        tmp_path,
        """\
  - id: bad-group
    type: ArmedGroup
    label: Bad Group
    valid_from: "March 2017"
""",
    )
    msg = _error(folder)
    assert f"{folder / 'actors.yaml'}:5" in msg, msg
    assert "March 2017" in msg


def test_impossible_date_names_file_and_line(tmp_path: Path):
    # right shape, impossible month: still not a date
    folder = _folder(
        tmp_path,
        """\
  - id: bad-group
    type: ArmedGroup
    label: Bad Group
    valid_from: "2017-13"
""",
    )
    msg = _error(folder)
    assert f"{folder / 'actors.yaml'}:5" in msg, msg
    assert "2017-13" in msg


def test_bad_relation_date_names_file_and_line(tmp_path: Path):
    folder = _folder(
        tmp_path,
        """\
  - id: bad-group
    type: ArmedGroup
    label: Bad Group
    relations:
      - {p: affiliatedWith, o: good-group, from: "spring 2017"}
""",
    )
    msg = _error(folder)
    assert f"{folder / 'actors.yaml'}:9" in msg, msg


def test_duplicate_id_and_empty_folder(tmp_path: Path):
    folder = _folder(tmp_path, ENTITY_OK)
    msg = _error(folder)
    assert "duplicate id 'good-group'" in msg
    assert f"{folder / 'actors.yaml'}:5" in msg
    empty = tmp_path / "empty"
    empty.mkdir()
    assert str(empty) in _error(empty)


def test_invalid_yaml_names_file(tmp_path: Path):
    folder = tmp_path / "reference"
    folder.mkdir()
    (folder / "actors.yaml").write_text("entities:\n  - id: [unclosed\n", encoding="utf-8")
    assert str(folder / "actors.yaml") in _error(folder)
