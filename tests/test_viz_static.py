"""The static pictures: the affiliation diagram (Graphviz) and an actor's timeline (SVG/PNG).

Rows are built here as the named queries return them; no store is involved.
"""

from __future__ import annotations

import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from kg.errors import KGError
from kg.viz.affiliations import render_affiliations
from kg.viz.timeline import render_timeline

SVG = "{http://www.w3.org/2000/svg}"
KG = "https://w3id.org/conflict-kg/id/actor/"
JNIM = "Jama'at Nusrat al-Islam wal-Muslimin"
HOSTILE_PLACE = "<img src=x onerror=alert(1)>"


def _need(module: str) -> None:
    if _ON_CI:
        __import__(module)
    else:
        pytest.importorskip(module)


# the renderers are installed by the project (pyproject, `make system-deps`); on CI a missing
# one is a failure, not a skip
_ON_CI = __import__("os").environ.get("CI") == "true"
needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None and not _ON_CI, reason="Graphviz dot not installed"
)


def tie(
    frm: str,
    frm_label: str,
    frm_type: str,
    relation: str,
    to: str,
    to_label: str,
    to_type: str,
    *,
    valid_from: str = "",
    valid_until: str = "",
    documents: int = 1,
) -> dict[str, Any]:
    """One row of the ``affiliation_edges`` query."""
    return {
        "as_of": None,
        "from": KG + frm,
        "from_label": frm_label,
        "from_type": frm_type,
        "relation": relation,
        "to": KG + to,
        "to_label": to_label,
        "to_type": to_type,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "documents": documents,
        "sources": "Curated reference entities",
    }


def affiliation_rows() -> list[dict[str, Any]]:
    return [
        tie("jnim", JNIM, "ArmedGroup", "affiliatedWith", "al-qaeda", "al-Qaeda", "ArmedGroup",
            valid_from="2017-03", documents=6),
        tie("ansar-dine", "Ansar Dine", "ArmedGroup", "partOf", "jnim", JNIM, "ArmedGroup",
            valid_from="2017-03"),
        tie("katiba-macina", "Katiba Macina", "ArmedGroup", "partOf", "jnim", JNIM, "ArmedGroup"),
        tie("wagner", "Wagner Group", "PrivateMilitaryCompany", "succeededBy", "africa-corps",
            "Africa Corps", "MilitaryUnit", valid_from="2023-11", documents=2),
        tie("africa-corps", "Africa Corps", "MilitaryUnit", "controlledBy", "russian-mod",
            "Russian Ministry of Defence", "GovernmentBody", documents=3),
        tie("russian-mod", "Russian Ministry of Defence", "GovernmentBody", "partOf", "russia",
            "Russia", "State"),
        tie("evro-polis", "Evro Polis", "Company", "affiliatedWith", "wagner", "Wagner Group",
            "PrivateMilitaryCompany"),
        tie("serval", "Operation Serval", "MilitaryUnit", "partOf", "french-army",
            "French Armed Forces", "StateForce"),
        tie("mali", "Mali", "State", "memberOf", "g5", "G5 Sahel", "InternationalOrganisation",
            valid_from="2014-02", valid_until="2022-05"),
    ]  # fmt: skip


def parse_svg(path: Path) -> ET.Element:
    return ET.parse(path).getroot()


def groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == cls]


def title(group: ET.Element) -> str:
    element = group.find(f"{SVG}title")
    return element.text or "" if element is not None else ""


def texts(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter(f"{SVG}text")]


def node_text_y(root: ET.Element, name: str) -> float:
    """The y of a node's (first) label line: smaller is higher up."""
    (node,) = [g for g in groups(root, "node") if title(g) == name]
    return float(next(node.iter(f"{SVG}text")).get("y", "nan"))


# -- the affiliation diagram ----------------------------------------------------------------


@needs_dot
def test_affiliations_svg_puts_the_upper_organisation_above(tmp_path: Path) -> None:
    _need("graphviz")
    out = render_affiliations(affiliation_rows(), tmp_path / "aff.svg", title="Sahel")
    assert out == tmp_path / "aff.svg"
    root = parse_svg(out)

    node_titles = {title(g) for g in groups(root, "node")}
    for name in ["al-Qaeda", JNIM, "Wagner Group", "Africa Corps", "Russian Ministry of Defence"]:
        assert name in node_titles
    all_text = " ".join(texts(root))
    assert "al-Qaeda" in all_text and "Wagner Group" in all_text and "Africa Corps" in all_text

    edges = {title(g): g for g in groups(root, "edge")}
    assert f"{JNIM}->al-Qaeda" in edges
    assert "Wagner Group->Africa Corps" in edges
    assert "Africa Corps->Russian Ministry of Defence" in edges
    assert "became (2023-11)" in texts(edges["Wagner Group->Africa Corps"])
    assert "since 2017-03" in texts(edges[f"{JNIM}->al-Qaeda"])

    # arrows point up: the upper organisation is drawn higher; a successor beside its predecessor
    assert node_text_y(root, "al-Qaeda") < node_text_y(root, JNIM)
    assert node_text_y(root, "Russian Ministry of Defence") < node_text_y(root, "Africa Corps")
    assert node_text_y(root, "Wagner Group") == node_text_y(root, "Africa Corps")

    # the legend: a cluster, with one sample node per type and one sample arrow per tie kind
    (legend,) = [g for g in groups(root, "cluster") if title(g) == "cluster_legend"]
    assert "Legend" in texts(legend)
    samples = [g for g in groups(root, "node") + groups(root, "edge") if "legend" in title(g)]
    legend_text = {" ".join(texts(g)) for g in samples}  # wrapped labels joined
    assert {"Private military company", "Armed group", "Military unit", "State"} <= legend_text
    assert {"part of", "controlled by", "affiliated with", "became (date)"} <= legend_text
    assert "Sahel" in texts(root)[0]


@needs_dot
def test_affiliations_root_keeps_only_its_component(tmp_path: Path) -> None:
    _need("graphviz")
    out = render_affiliations(affiliation_rows(), tmp_path / "wagner.svg", root=KG + "wagner")
    node_titles = {title(g) for g in groups(parse_svg(out), "node")}
    assert {"Wagner Group", "Africa Corps", "Russian Ministry of Defence", "Russia"} <= node_titles
    assert {"Evro Polis"} <= node_titles
    assert not {"al-Qaeda", JNIM, "Operation Serval", "Mali"} & node_titles

    with pytest.raises(KGError, match="no affiliation ties"):
        render_affiliations(affiliation_rows(), tmp_path / "x.svg", root=KG + "nobody")


@needs_dot
def test_affiliations_hostile_labels_are_text(tmp_path: Path) -> None:
    _need("graphviz")
    script = "<script>alert(1)</script>"
    breakout = 'x"]; evil [label="pwn'
    rows = [
        tie("a", script, "ArmedGroup", "partOf", "b", breakout, "ArmedGroup"),
        tie("c", "<b>bold</b> & AT&amp;T", "Company", "memberOf", "b", breakout, "ArmedGroup"),
        tie("d", "back\\slash \\N", "Company", "succeededBy", "c", "<b>bold</b> & AT&amp;T",
            "Company", valid_from="2020"),
    ]  # fmt: skip
    out = render_affiliations(rows, tmp_path / "hostile.svg", title="<h1>T</h1>")
    root = parse_svg(out)  # well-formed XML
    assert not [e for e in root.iter() if e.tag.split("}")[-1] in {"script", "b", "h1"}]
    shown = texts(root)
    assert script in shown
    assert breakout in shown
    assert "<b>bold</b> & AT&amp;T" in shown
    assert "back\\slash \\N" in shown
    assert any(t.startswith("<h1>T</h1>") for t in shown)
    # no node was injected through a label
    entities = {t for t in (title(g) for g in groups(root, "node")) if not t.startswith("legend")}
    assert len(entities) == 4
    assert "evil" not in entities


def test_affiliations_missing_dot_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _need("graphviz")
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(KGError, match="apt-get install graphviz") as info:
        render_affiliations(affiliation_rows(), tmp_path / "aff.svg")
    assert "brew install graphviz" in str(info.value)
    assert "\n" not in str(info.value)
    # the DOT source needs no program
    out = render_affiliations(affiliation_rows(), tmp_path / "aff.dot")
    assert "digraph affiliations" in out.read_text(encoding="utf-8")


def test_affiliations_as_of_drops_ended_ties_and_titles_the_date(tmp_path: Path) -> None:
    _need("graphviz")
    source = render_affiliations(
        affiliation_rows(), tmp_path / "aff.dot", as_of="2024-01-01"
    ).read_text(encoding="utf-8")
    assert "Affiliations (as of 2024-01-01)" in source
    assert "G5 Sahel" not in source  # Mali left in 2022-05
    assert "became (2023-11)" in source
    earlier = render_affiliations(affiliation_rows(), tmp_path / "old.dot", as_of="2020-01-01")
    text = earlier.read_text(encoding="utf-8")
    assert "G5 Sahel" in text and "became (2023-11)" not in text


def test_affiliations_bad_input_is_a_kgerror(tmp_path: Path) -> None:
    _need("graphviz")
    with pytest.raises(KGError, match=r"\.svg, \.png, \.dot"):
        render_affiliations(affiliation_rows(), tmp_path / "aff.pdf")
    bad = [{**affiliation_rows()[0], "relation": "friendsWith"}]
    with pytest.raises(KGError, match=r"friendsWith.*affiliatedWith"):
        render_affiliations(bad, tmp_path / "aff.dot")
    with pytest.raises(KGError, match="no affiliation ties"):
        render_affiliations([], tmp_path / "aff.dot")


# -- the timeline ---------------------------------------------------------------------------


def event(
    date: str | None,
    type_: str,
    role: str,
    place: str | None,
    low: int | None = None,
    high: int | None = None,
    *,
    documents: str = "Wagner says its Mali mission is over",
) -> dict[str, Any]:
    """One row of the ``timeline`` query."""
    return {
        "actor": KG + "wagner",
        "from": None,
        "to": None,
        "date": date,
        "event": f"https://w3id.org/conflict-kg/id/event/{type_}-{date}",
        "type": type_,
        "event_role": role,
        "place_label": place,
        "country_label": "Mali",
        "fatalities_low": low,
        "fatalities_high": high,
        "fatality_claims": 0 if low is None else 2,
        "documents": documents,
    }


def timeline_rows() -> list[dict[str, Any]]:
    return [
        event("2023-11", "TerritorialChange", "supporter", "Kidal"),
        event("2024-07", "Attack", "perpetrator", "Tin-Zaouatine", 24, 24),
        event("2024-07-25", "Ambush", "target", None, 25, 84),
        event("2024-11-21", "Ambush", "target", "Mopti", 6, 7,
              documents="Al-Qaeda affiliate kills Wagner fighters; Second report"),
        event("2025", "Withdrawal", "target", HOSTILE_PLACE),
        event(None, "Deployment", "participant", "Bamako"),
    ]  # fmt: skip


def test_timeline_html_one_marker_per_dated_event(tmp_path: Path) -> None:
    out = render_timeline(timeline_rows(), tmp_path / "wagner.html", actor_label="Wagner Group")
    assert out == tmp_path / "wagner.html"
    page = out.read_text(encoding="utf-8")
    document = ET.fromstring(page)  # the page is well-formed XML, the SVG included
    (svg,) = document.iter(f"{SVG}svg")

    markers = groups(svg, "event")
    assert len(markers) == 5
    tips = [title(g) for g in markers]
    assert all(tip.count("\n") >= 3 for tip in tips)
    (mopti,) = [g for g in markers if "Mopti" in title(g)]
    assert "Ambush · 2024-11-21" in title(mopti)
    assert "Role of Wagner Group: target" in title(mopti)
    assert "Fatalities: 6–7" in title(mopti) and "sources disagree" in title(mopti)
    assert "• Al-Qaeda affiliate kills Wagner fighters" in title(mopti)
    assert "• Second report" in title(mopti)
    assert "6–7 killed" in texts(mopti)
    (attack,) = [g for g in markers if "Attack" in title(g)]
    assert "24 killed" in texts(attack)

    # placed by date, left to right, whatever the lane
    def marker_x(group: ET.Element) -> float:
        circle = next(group.iter(f"{SVG}circle"), None)
        return float(circle.get("cx", "nan")) if circle is not None else float("nan")

    xs = [marker_x(g) for g in markers if "Attack" in title(g) or "Ambush" in title(g)]
    assert xs == sorted(xs) and len(set(xs)) == 3

    (undated,) = groups(svg, "undated-event")
    assert "Undated (1)" in texts(svg)
    assert any("Bamako" in t for t in texts(undated))

    legend = texts(svg)
    assert {"Attack", "Ambush", "Territorial change", "Withdrawal", "Deployment"} <= set(legend)
    assert {"perpetrator", "target", "supporter", "participant"} <= set(legend)


def test_timeline_html_escapes_report_text_and_stays_offline(tmp_path: Path) -> None:
    rows = timeline_rows()
    rows[0]["documents"] = "</title><script>alert(2)</script>"
    out = render_timeline(rows, tmp_path / "t.html", actor_label="<i>Wagner</i> & co")
    page = out.read_text(encoding="utf-8")
    document = ET.fromstring(page)
    tags = {e.tag.split("}")[-1] for e in document.iter()}
    assert not tags & {"img", "script", "i", "iframe", "link"}
    assert not [e for e in document.iter() if {"src", "href", "onerror"} & set(e.attrib)]
    assert HOSTILE_PLACE in " ".join(texts(document))
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert any("</title><script>alert(2)</script>" in title(g) for g in groups(document, "event"))
    assert "Role of <i>Wagner</i> & co:" in texts(document)
    # nothing fetched: the SVG namespace is the only address in the page
    assert page.count("http") == page.count("http://www.w3.org/2000/svg") + page.count("http-equiv")


def test_timeline_svg_file_is_standalone(tmp_path: Path) -> None:
    out = render_timeline(timeline_rows(), tmp_path / "t.svg", actor_label="Wagner", title="T")
    root = parse_svg(out)
    assert root.tag == f"{SVG}svg"
    assert len(groups(root, "event")) == 5
    assert "T" in texts(root)


def test_timeline_png(tmp_path: Path) -> None:
    _need("matplotlib")
    out = render_timeline(timeline_rows(), tmp_path / "wagner.png", actor_label="Wagner Group")
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 20_000


def test_timeline_png_without_matplotlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("matplotlib", "matplotlib.figure", "matplotlib.patches"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(KGError, match="pip install matplotlib"):
        render_timeline(timeline_rows(), tmp_path / "t.png", actor_label="Wagner")
    assert not (tmp_path / "t.png").exists()


def test_timeline_bad_input_is_a_kgerror(tmp_path: Path) -> None:
    with pytest.raises(KGError, match=r"\.html, \.svg, \.png"):
        render_timeline(timeline_rows(), tmp_path / "t.pdf", actor_label="Wagner")
    with pytest.raises(KGError, match="no events"):
        render_timeline([], tmp_path / "t.html", actor_label="Wagner")


def test_timeline_only_undated_events(tmp_path: Path) -> None:
    rows = [event(None, "Attack", "target", "Gao"), event("not a date", "Attack", "target", "")]
    out = render_timeline(rows, tmp_path / "t.html", actor_label="Wagner")
    svg = next(ET.fromstring(out.read_text(encoding="utf-8")).iter(f"{SVG}svg"))
    assert groups(svg, "event") == []
    assert len(groups(svg, "undated-event")) == 2
    assert "No dated events." in texts(svg)
