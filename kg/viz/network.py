"""The interactive network page (``kg viz network``): one self-contained, offline HTML file.

Built with pyvis: node and edge lists are assigned directly (``add_edge`` one at a time is
quadratic), and the page comes from the project's own template, which inlines the vis-network
library that pyvis ships (pyvis's stock template loads Bootstrap from a CDN, which fails
offline). Every text taken from reports reaches the page as JSON data (``tojson`` escapes
``<``, ``>``, ``&`` and quotes) and is shown by vis-network as plain text, never as HTML.

Node colour and shape follow the actor type, events are small diamonds, places triangles;
edge colour and style follow the relation group; hedged or low-confidence ties and events
with contested figures are dashed. Node size grows with degree. Above
:data:`PHYSICS_LIMIT` nodes the positions are computed in Python and physics is off; above
``max_nodes`` the page is refused with a message saying how to narrow the view.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from kg.errors import KGError
from kg.query.paths import ActorGraph

PHYSICS_LIMIT = 1000
DEFAULT_MAX_NODES = 20_000

#: fill colour and vis-network shape per ontology class (the first ancestor listed wins)
NODE_STYLES: list[tuple[str, str, str, str]] = [
    # (class, label in the legend, colour, shape)
    ("PrivateMilitaryCompany", "Private military company", "#d95f02", "dot"),
    ("Militia", "Militia", "#e7298a", "dot"),
    ("ArmedGroup", "Armed group", "#d62728", "dot"),
    ("IntelligenceAgency", "Intelligence agency", "#7570b3", "dot"),
    ("GovernmentBody", "Government body", "#1f78b4", "dot"),
    ("StateForce", "State force", "#33a02c", "dot"),
    ("MilitaryUnit", "Military unit", "#b15928", "dot"),
    ("State", "State", "#08519c", "square"),
    ("InternationalOrganisation", "International organisation", "#17becf", "square"),
    ("MediaOutlet", "Media outlet", "#999999", "dot"),
    ("Company", "Company", "#8c6d31", "dot"),
    ("Person", "Person", "#ffbf00", "dot"),
    ("CivilianGroup", "Civilians", "#bcbd22", "dot"),
    ("Organization", "Other organisation", "#6a3d9a", "dot"),
    ("Actor", "Other actor", "#6a3d9a", "dot"),
    ("Place", "Place", "#7f7f7f", "triangle"),
    ("Event", "Event", "#525252", "diamond"),
]

#: colour and dashes per relation group
EDGE_STYLES: dict[str, tuple[str, str, bool]] = {
    "affiliation": ("Affiliation, part of, control", "#1f78b4", False),
    "succession": ("Succession (became)", "#ff7f00", True),
    "support": ("Support", "#33a02c", False),
    "hostility": ("Hostility (severed ties, sanctions)", "#e31a1c", False),
    "location": ("Location", "#aaaaaa", True),
    "event": ("Role in an event", "#9e9e9e", False),
}


def _node_style(typ: str) -> tuple[str, str, str]:
    from kg.ontology import ontology

    o = ontology()
    for cls, label, colour, shape in NODE_STYLES:
        if typ in o.classes and o.is_a(typ, cls):
            return label, colour, shape
    return "Other actor", "#6a3d9a", "dot"


def network_data(
    graph: ActorGraph,
    *,
    focus: str | None = None,
    hops: int = 2,
    nodes: set[str] | None = None,
    via: list[str] | None = None,
    as_of: str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Node and edge dicts for vis-network: the whole graph, the ego network of ``focus``
    within ``hops``, or the given ``nodes``."""
    view = graph.view(via=via, as_of=as_of)
    if focus is not None:
        keep = set(graph.neighbourhood(focus, hops, via=via, as_of=as_of))
    elif nodes is not None:
        keep = {n for n in nodes if n in view}
    else:
        keep = set(view.nodes)
    # drop isolated nodes of the whole-graph view: they say nothing
    sub = view.subgraph(keep)
    if focus is None and nodes is None:
        keep = {n for n in keep if sub.degree(n) > 0}
        sub = view.subgraph(keep)
    if len(keep) > max_nodes:
        raise KGError(
            f"the view has {len(keep):,} nodes, more than --max-nodes {max_nodes:,}: narrow it "
            "with --focus NAME --hops N, --via or --as-of, or raise --max-nodes"
        )
    degree = dict(sub.degree())
    node_list: list[dict[str, Any]] = []
    legend_used: Counter[str] = Counter()
    for nid in sorted(keep):
        n = graph.nodes.get(nid)
        typ = n.type if n else "Actor"
        kind = n.kind if n else "actor"
        label, colour, shape = _node_style("Event" if kind == "event" else typ)
        legend_used[label] += 1
        d = degree.get(nid, 0)
        title = [graph.label(nid), f"type: {typ}"]
        if n is not None and n.date:
            title.append(f"date: {n.date}")
        if n is not None and (n.valid_from or n.valid_until):
            title.append(f"valid: {n.valid_from or '…'} – {n.valid_until or '…'}")
        title.append(f"ties: {d}")
        node: dict[str, Any] = {
            "id": nid,
            "label": graph.label(nid) if kind != "event" else "",
            "title": "\n".join(title),
            "color": colour,
            "shape": shape,
            "size": (6 if kind == "event" else 10) + min(30, 3 * d**0.5),
            "group": label,
        }
        if n is not None and n.contested:
            node["shapeProperties"] = {"borderDashes": [4, 3]}
            node["borderWidth"] = 3
            node["title"] += "\ncontested: sources disagree on its figures"
        node_list.append(node)
    edge_list: list[dict[str, Any]] = []
    for _a, _b, data in sub.edges(data=True):
        for e in data["edges"]:
            _name, colour, dashed = EDGE_STYLES.get(e.group, EDGE_STYLES["event"])
            doubtful = e.doubtful
            lines = [f"{graph.label(e.u)} {e.predicate} {graph.label(e.v)}"]
            if e.valid_from or e.valid_until:
                lines.append(f"valid: {e.valid_from or '…'} – {e.valid_until or '…'}")
            for s in e.sources[:5]:
                lines.append(f"said by {s.source or 'the document'} in {s.document}")
            if len(e.sources) > 5:
                lines.append(f"and {len(e.sources) - 5} more sources")
            if doubtful:
                lines.append("hedged or low confidence")
            edge_list.append(
                {
                    "from": e.u,
                    "to": e.v,
                    "title": "\n".join(lines),
                    "color": colour,
                    "dashes": dashed or doubtful,
                    "arrows": "" if e.group == "event" else "to",
                    "width": 1 if e.group == "event" else 2,
                    "label": e.valid_from if e.group == "succession" and e.valid_from else "",
                }
            )
    return node_list, edge_list


def render_network(
    node_list: list[dict[str, Any]],
    edge_list: list[dict[str, Any]],
    out: Path,
    *,
    title: str = "Conflict knowledge graph",
    seed: int = 7,
) -> Path:
    """Write the page. Above :data:`PHYSICS_LIMIT` nodes, positions are precomputed."""
    import jinja2
    import pyvis
    from pyvis.network import Network

    physics = len(node_list) <= PHYSICS_LIMIT
    if not physics:
        from kg.viz.layout import fast_layout

        index = {n["id"]: i for i, n in enumerate(node_list)}
        pos = fast_layout(
            len(node_list),
            [(index[e["from"]], index[e["to"]]) for e in edge_list],
            seed=seed,
            size=max(1000.0, 40 * len(node_list) ** 0.5),
        )
        for n, (x, y) in zip(node_list, pos.tolist(), strict=True):
            n["x"], n["y"] = round(x, 1), round(y, 1)
            n["physics"] = False
    net = Network(height="100vh", width="100%", directed=True, cdn_resources="in_line")
    net.nodes = node_list
    net.edges = edge_list
    net.node_ids = [n["id"] for n in node_list]
    net.node_map = {n["id"]: n for n in node_list}
    options = {
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "stabilization": {"iterations": 200},
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": not physics},
        "edges": {"smooth": physics, "font": {"size": 10, "align": "top"}},
        "nodes": {"font": {"size": 12, "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "layout": {"improvedLayout": physics and len(node_list) < 150},
    }
    net.set_options(json.dumps(options))
    pyvis_templates = Path(pyvis.__file__).parent / "templates"
    net.templateEnv = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
                jinja2.FileSystemLoader(str(pyvis_templates)),
            ]
        ),
        autoescape=True,
    )
    net.path = "network.html"
    net.heading = title
    html = net.generate_html(notebook=False)
    legend_nodes = sorted({(n["group"], n["color"], n["shape"]) for n in node_list})
    legend = {
        "nodes": [{"label": g, "color": c, "shape": s} for g, c, s in legend_nodes],
        "edges": [
            {"label": name, "color": colour, "dashed": dashed}
            for group, (name, colour, dashed) in EDGE_STYLES.items()
            if any(e["color"] == colour for e in edge_list)
        ],
        "doubtful": any(e["dashes"] for e in edge_list),
        "physics": physics,
        "count": {"nodes": len(node_list), "edges": len(edge_list)},
    }
    html = html.replace("__KG_LEGEND__", json.dumps(legend).replace("<", "\\u003c"))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    return out
