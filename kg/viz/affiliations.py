"""The affiliation diagram: who belongs to, answers to or became whom, drawn with Graphviz.

The view takes the rows of the ``affiliation_edges`` query and writes a static picture in which
the upper organisation stands above the lower one (al-Qaeda above JNIM, the Russian Ministry of
Defence above the Africa Corps). It never talks to a store.

Graphviz's ``dot`` program draws ``.svg`` and ``.png``; ``.dot`` writes the source and needs
only the ``graphviz`` Python package.
"""

from __future__ import annotations

import itertools
import re
import textwrap
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import KGError

__all__ = ["FORMATS", "RELATIONS", "render_affiliations"]

#: Output formats by file suffix (``None``: the DOT source itself, no ``dot`` program needed).
FORMATS: dict[str, str | None] = {".svg": "svg", ".png": "png", ".dot": None}

#: Ties drawn from the lower entity up to the upper one.
HIERARCHY = ("partOf", "memberOf", "controlledBy", "affiliatedWith")
#: The tie drawn sideways, from predecessor to successor.
SUCCESSION = "succeededBy"

WRAP = 22
FONT = "Helvetica"

INSTALL_DOT = (
    "Graphviz's dot program is needed for .svg and .png pictures: "
    "apt-get install graphviz (Debian/Ubuntu) or brew install graphviz (macOS); "
    "or write a .dot file instead"
)
INSTALL_PACKAGE = "the affiliation diagram needs the graphviz Python package: pip install graphviz"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class EdgeStyle:
    """How one kind of tie is drawn."""

    phrase: str
    color: str
    style: str
    arrowhead: str


@dataclass(frozen=True)
class NodeStyle:
    """How one type of entity is drawn."""

    shape: str
    fill: str
    border: str
    style: str = "filled"


#: Edge styles by relation, in legend order.
RELATIONS: dict[str, EdgeStyle] = {
    "partOf": EdgeStyle("part of", "#3c3c3c", "solid", "normal"),
    "memberOf": EdgeStyle("member of", "#2c6fad", "solid", "onormal"),
    "controlledBy": EdgeStyle("controlled by", "#c0560c", "bold", "normal"),
    "affiliatedWith": EdgeStyle("affiliated with", "#7b4fa0", "solid", "vee"),
    "succeededBy": EdgeStyle("became", "#6f6f6f", "dashed", "vee"),
}

#: Node styles by entity type, in legend order.
NODE_STYLES: dict[str, NodeStyle] = {
    "ArmedGroup": NodeStyle("box", "#f7c6c1", "#b0413e", "rounded,filled"),
    "Militia": NodeStyle("box", "#fbd9b0", "#b86b12", "rounded,filled"),
    "PrivateMilitaryCompany": NodeStyle("octagon", "#e2cfe8", "#6f4a86"),
    "MilitaryUnit": NodeStyle("box", "#d3ebcb", "#3f7d35"),
    "StateForce": NodeStyle("box", "#b9dcb0", "#2f6a27", "filled,bold"),
    "State": NodeStyle("house", "#c6daee", "#2c5f93"),
    "GovernmentBody": NodeStyle("box", "#dde7f2", "#4a6f96"),
    "IntelligenceAgency": NodeStyle("box", "#cfd3da", "#454d5a", "filled,diagonals"),
    "InternationalOrganisation": NodeStyle("ellipse", "#fff3bf", "#9c7d12"),
    "Company": NodeStyle("note", "#ece3d2", "#7d6a45"),
    "MediaOutlet": NodeStyle("parallelogram", "#f9dcea", "#a2466f"),
    "Person": NodeStyle("ellipse", "#ffffff", "#555555"),
    "CivilianGroup": NodeStyle("ellipse", "#eef5f7", "#5a7f89"),
}
DEFAULT_NODE_STYLE = NodeStyle("box", "#eeeeee", "#777777")


@dataclass(frozen=True)
class _Tie:
    lower: str
    lower_label: str
    lower_type: str
    relation: str
    upper: str
    upper_label: str
    upper_type: str
    valid_from: str
    valid_until: str
    documents: int
    sources: str


def render_affiliations(
    rows: Sequence[Mapping[str, Any]],
    out: Path,
    *,
    root: str | None = None,
    title: str = "",
    as_of: str | None = None,
) -> Path:
    """Draw the affiliation diagram of ``affiliation_edges`` rows into a file.

    Arrows point from the lower entity to the upper one (``partOf``, ``memberOf``,
    ``controlledBy``, ``affiliatedWith``), so the upper organisation stands above; a succession
    (``succeededBy``) is a dashed sideways arrow labelled with its date ("became (2023-11)").
    Node shape and colour show the entity type, line width the number of documents; a legend
    is drawn in the picture.

    Parameters
    ----------
    rows : sequence of mapping
        Rows of the ``affiliation_edges`` query: ``from``, ``from_label``, ``from_type``,
        ``relation``, ``to``, ``to_label``, ``to_type``, ``valid_from``, ``valid_until``,
        ``documents``, ``sources``.
    out : Path
        The file to write; its suffix picks the format: ``.svg``, ``.png`` or ``.dot`` (the
        Graphviz source).
    root : str, optional
        An entity IRI: draw only the ties connected to it (in either direction), and
        highlight it.
    title : str, optional
        The title of the picture (default "Affiliations").
    as_of : str, optional
        A date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``): keep only ties valid on that date
        (the ``affiliation_edges`` rule) and show it in the title.

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    KGError
        If the suffix is not supported, a row lacks ``from``/``relation``/``to`` or has an
        unknown relation, nothing is left to draw, or Graphviz is not installed.

    Examples
    --------
    >>> rows = [{"from": "ex:jnim", "from_label": "JNIM", "from_type": "ArmedGroup",
    ...          "relation": "affiliatedWith", "to": "ex:aq", "to_label": "al-Qaeda",
    ...          "to_type": "ArmedGroup", "valid_from": "2017-03", "documents": 2}]
    >>> render_affiliations(rows, Path("aff.dot"))  # doctest: +SKIP
    PosixPath('aff.dot')
    """
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise KGError(
            f"cannot draw the affiliation diagram as {out.name!r}: use one of {', '.join(FORMATS)}"
        )
    ties = [_tie(row, i) for i, row in enumerate(rows, start=1)]
    if as_of is None:
        as_of = _common_as_of(rows)
    if as_of:
        ties = [t for t in ties if _valid_on(t, as_of)]
    if root is not None:
        ties = _component(ties, root)
        if not ties:
            raise KGError(f"no affiliation ties to draw for {root}")
    if not ties:
        when = f" on {as_of}" if as_of else ""
        raise KGError(f"no affiliation ties to draw{when}")

    graph = _build(ties, root=root, title=title or "Affiliations", as_of=as_of)
    out.parent.mkdir(parents=True, exist_ok=True)
    fmt = FORMATS[suffix]
    if fmt is None:
        out.write_text(graph.source, encoding="utf-8")
        return out
    out.write_bytes(_run_dot(graph, fmt))
    return out


def _run_dot(graph: Any, fmt: str) -> bytes:
    """Lay the graph out with ``dot``; a missing or failing program becomes a KGError."""
    import graphviz

    try:
        data = graph.pipe(format=fmt, engine="dot", quiet=True)
    except graphviz.ExecutableNotFound:
        raise KGError(INSTALL_DOT) from None
    except graphviz.CalledProcessError as exc:
        stderr = exc.stderr.decode("utf-8", "replace") if isinstance(exc.stderr, bytes) else ""
        detail = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {exc.returncode}"
        raise KGError(f"Graphviz dot failed: {detail}") from None
    return bytes(data)


# -- rows -----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A row value as one line of text ('' for null)."""
    if value is None:
        return ""
    return " ".join(_CONTROL.sub(" ", str(value)).split())


def _count(value: Any) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def _tie(row: Mapping[str, Any], index: int) -> _Tie:
    """Check one row and turn it into a tie."""
    if not isinstance(row, Mapping):
        raise KGError(f"affiliation row {index} is not a mapping: {type(row).__name__}")
    missing = [key for key in ("from", "relation", "to") if not _text(row.get(key))]
    if missing:
        raise KGError(
            f"affiliation row {index} has no {', '.join(missing)}; "
            "the rows come from the affiliation_edges query"
        )
    relation = _text(row["relation"])
    if relation not in RELATIONS:
        raise KGError(
            f"affiliation row {index}: unknown relation {relation!r}; "
            f"expected one of {', '.join(RELATIONS)}"
        )
    lower, upper = _text(row["from"]), _text(row["to"])
    return _Tie(
        lower=lower,
        lower_label=_text(row.get("from_label")) or _local_name(lower),
        lower_type=_text(row.get("from_type")),
        relation=relation,
        upper=upper,
        upper_label=_text(row.get("to_label")) or _local_name(upper),
        upper_type=_text(row.get("to_type")),
        valid_from=_text(row.get("valid_from")),
        valid_until=_text(row.get("valid_until")),
        documents=_count(row.get("documents")),
        sources=_text(row.get("sources")),
    )


def _local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri


def _common_as_of(rows: Sequence[Mapping[str, Any]]) -> str | None:
    """The ``as_of`` the query ran with, when every row carries the same one."""
    values = {_text(row.get("as_of")) for row in rows if isinstance(row, Mapping)}
    if len(values) == 1:
        return values.pop() or None
    return None


def _valid_on(tie: _Tie, as_of: str) -> bool:
    """The ``affiliation_edges`` rule: started on or before ``as_of``, not ended by then."""
    started = not tie.valid_from or tie.valid_from <= as_of
    ongoing = not tie.valid_until or tie.valid_until > as_of
    return started and ongoing


def _components(ties: list[_Tie]) -> list[list[str]]:
    """The connected components of the ties (followed in both directions), in input order."""
    neighbours: dict[str, list[str]] = defaultdict(list)
    for tie in ties:
        neighbours[tie.lower].append(tie.upper)
        neighbours[tie.upper].append(tie.lower)
    seen: set[str] = set()
    components: list[list[str]] = []
    for start in neighbours:
        if start in seen:
            continue
        seen.add(start)
        members, queue = [start], deque([start])
        while queue:
            for other in neighbours[queue.popleft()]:
                if other not in seen:
                    seen.add(other)
                    members.append(other)
                    queue.append(other)
        components.append(members)
    return components


def _component(ties: list[_Tie], root: str) -> list[_Tie]:
    """The ties of the connected component containing ``root``."""
    for members in _components(ties):
        if root in members:
            keep = set(members)
            return [tie for tie in ties if tie.lower in keep]
    return []


def _same_rank_groups(ties: list[_Tie]) -> tuple[list[list[str]], set[int]]:
    """Put predecessor and successor side by side where the hierarchy allows it.

    Returns the groups of entities to draw on one rank, and the indices of the succession
    ties that could not be (they would contradict a chain of hierarchy ties); those are drawn
    without constraining the ranks.
    """
    parent: dict[str, str] = {}

    def find(x: str, p: dict[str, str]) -> str:
        while p.get(x, x) != x:
            x = p[x]
        return x

    hierarchy = [(t.lower, t.upper) for t in ties if t.relation != SUCCESSION]
    loose: set[int] = set()
    for i, tie in enumerate(ties):
        if tie.relation != SUCCESSION:
            continue
        a, b = find(tie.lower, parent), find(tie.upper, parent)
        if a == b:
            continue
        trial = dict(parent)
        trial[b] = a
        if _ranks_consistent(hierarchy, a, lambda x, t=trial: find(x, t)):
            parent = trial
        else:
            loose.add(i)
    groups: dict[str, list[str]] = defaultdict(list)
    for tie in ties:
        for node in (tie.lower, tie.upper):
            members = groups[find(node, parent)]
            if node not in members:
                members.append(node)
    return [m for m in groups.values() if len(m) > 1], loose


def _ranks_consistent(hierarchy: Iterable[tuple[str, str]], group: str, find: Any) -> bool:
    """True if no hierarchy tie stays inside ``group`` and no chain of ties leads back to it."""
    succ: dict[str, set[str]] = defaultdict(set)
    for lower, upper in hierarchy:
        a, b = find(lower), find(upper)
        if a == b:
            if a == group:
                return False
            continue
        succ[a].add(b)
    seen: set[str] = set()
    stack = list(succ[group])
    while stack:
        node = stack.pop()
        if node == group:
            return False
        if node not in seen:
            seen.add(node)
            stack.extend(succ[node])
    return True


# -- graphviz source ------------------------------------------------------------------------


def _dot_text(*lines: str) -> str:
    """Literal text for a Graphviz label or tooltip: one line each, nothing interpreted.

    ``&`` becomes ``&amp;`` (Graphviz decodes entities in every label), backslashes are doubled
    and ``<...>`` is never taken for an HTML-like label (``graphviz.escape``); quotes are
    escaped when the source is written.
    """
    import graphviz

    parts = [graphviz.escape(line.replace("&", "&amp;")) for line in lines]
    return graphviz.nohtml("\\n".join(parts))


def _wrapped(label: str) -> list[str]:
    return textwrap.wrap(label, WRAP, break_long_words=False, break_on_hyphens=False) or [label]


def _humanise(type_name: str) -> str:
    """``PrivateMilitaryCompany`` -> ``Private military company``."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", type_name):
        return type_name
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", type_name)
    text = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
    return text[:1].upper() + text[1:]


def _period(tie: _Tie) -> str:
    if tie.relation == SUCCESSION:
        return f"became ({tie.valid_from})" if tie.valid_from else "became"
    if tie.valid_from and tie.valid_until:
        return f"{tie.valid_from} – {tie.valid_until}"
    if tie.valid_from:
        return f"since {tie.valid_from}"
    if tie.valid_until:
        return f"until {tie.valid_until}"
    return ""


def _digraph_class() -> Any:
    import graphviz

    class _Digraph(graphviz.Digraph):
        """A Digraph whose edge ends are plain node names (no ``node:port`` parsing)."""

        _quote_edge = staticmethod(graphviz.quoting.quote)

    return _Digraph


def _build(ties: list[_Tie], *, root: str | None, title: str, as_of: str | None) -> Any:
    """The Graphviz digraph of the ties, with its legend."""
    try:
        digraph = _digraph_class()
    except ImportError:
        raise KGError(INSTALL_PACKAGE) from None

    heading = f"{title} (as of {as_of})" if as_of else title
    g = digraph(
        name="affiliations",
        graph_attr={
            "rankdir": "BT",
            "label": _dot_text(_text(heading)),
            "labelloc": "t",
            "fontname": f"{FONT} Bold",
            "fontsize": "20",
            "nodesep": "0.3",
            "ranksep": "0.55",
            "pad": "0.3",
            "bgcolor": "white",
            "tooltip": _dot_text(_text(heading)),
        },
        node_attr={
            "fontname": FONT,
            "fontsize": "11",
            "margin": "0.12,0.05",
            "penwidth": "1.2",
            "height": "0.4",
        },
        edge_attr={"fontname": FONT, "fontsize": "9", "fontcolor": "#555555", "arrowsize": "0.8"},
    )

    entities: dict[str, tuple[str, str]] = {}
    for tie in ties:
        entities.setdefault(tie.lower, (tie.lower_label, tie.lower_type))
        entities.setdefault(tie.upper, (tie.upper_label, tie.upper_type))
    names = _node_names(entities)
    legend = _Legend.of(ties, entities, set(names.values()))

    # many components side by side make a very wide picture: stack them in rows
    components = _components(ties)
    groups, loose = _same_rank_groups(ties)
    levels: dict[str, int] = {}
    for members in components:
        levels.update(_levels(members, ties, groups))
    extents = [_extent(members, levels, entities) for members in components]
    rows = _shelves(extents, legend.extent)
    order = _node_order([components[i] for row in rows for i in row if i < len(components)], groups)

    for iri in order:
        label, type_name = entities[iri]
        style = NODE_STYLES.get(type_name, DEFAULT_NODE_STYLE)
        attrs = {
            "label": _dot_text(*_wrapped(label)),
            "tooltip": _dot_text(label, _humanise(type_name) if type_name else "", iri),
            "shape": style.shape,
            "style": style.style,
            "fillcolor": style.fill,
            "color": style.border,
        }
        if iri == root:
            attrs.update(penwidth="3", color="#111111", fontname=f"{FONT} Bold")
        g.node(names[iri], **attrs)

    for members in groups:
        with g.subgraph() as same:
            same.attr(rank="same")
            for iri in members:
                same.node(names[iri])

    for i, tie in enumerate(ties):
        look = RELATIONS[tie.relation]
        period = _period(tie)
        documents = f"{tie.documents} document{'' if tie.documents == 1 else 's'}"
        tooltip = [f"{tie.lower_label} {look.phrase} {tie.upper_label}"]
        if period and tie.relation != SUCCESSION:
            tooltip.append(period)
        tooltip.append(f"{documents}: {tie.sources}" if tie.sources else documents)
        attrs = {
            "color": look.color,
            "style": look.style,
            "arrowhead": look.arrowhead,
            "penwidth": f"{1.1 + 0.45 * min(max(tie.documents - 1, 0), 5):.2f}",
            "tooltip": _dot_text(*tooltip),
            "labeltooltip": _dot_text(*tooltip),
        }
        if period:
            attrs["label"] = _dot_text(period)
        if tie.relation == SUCCESSION:
            attrs["fontcolor"] = look.color
            if i in loose:
                attrs["constraint"] = "false"
        g.edge(names[tie.lower], names[tie.upper], **attrs)

    legend.draw(g)
    if len(rows) > 1:
        _stack_rows(g, rows, components, ties, levels, names, legend)
    return g


def _node_order(components: list[list[str]], groups: list[list[str]]) -> list[str]:
    """Entities in drawing order: by component, predecessor and successor next to each other.

    ``dot`` starts ordering the nodes of a rank from the input order, so this keeps the sideways
    succession arrows short.
    """
    group_of = {iri: members for members in groups for iri in members}
    order: list[str] = []
    seen: set[str] = set()
    for members in components:
        for iri in members:
            for node in group_of.get(iri, [iri]):
                if node not in seen:
                    seen.add(node)
                    order.append(node)
    return order


def _node_names(entities: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """Graphviz node names: the label, with the IRI's local name added where labels repeat."""
    import graphviz

    by_label: dict[str, int] = defaultdict(int)
    for label, _ in entities.values():
        by_label[label] += 1
    names: dict[str, str] = {}
    used: set[str] = set()
    for iri, (label, _) in entities.items():
        name = label if by_label[label] == 1 else f"{label} ({_local_name(iri)})"
        base, n = name, 2
        while name in used:
            name, n = f"{base} {n}", n + 1
        used.add(name)
        names[iri] = graphviz.escape(name.replace("&", "&amp;"))
    return names


# -- layout of many components --------------------------------------------------------------

CHAR_PX = 6.3  # average width of a character of an 11 pt label
NODE_PAD_PX = 30.0
NODE_GAP_PX = 22.0
LEVEL_PX = 80.0
#: Components are stacked in rows only when side by side they would be wider than this.
MAX_ROW_PX = 1600.0
ASPECT = 1.6


def _levels(members: list[str], ties: list[_Tie], groups: list[list[str]]) -> dict[str, int]:
    """Approximate ``dot`` ranks: longest-path layering, predecessor and successor together."""
    keep = set(members)
    level = dict.fromkeys(members, 0)
    hierarchy = [(t.lower, t.upper) for t in ties if t.lower in keep and t.relation != SUCCESSION]
    together = [g for g in groups if g[0] in keep]
    for _ in range(len(members) + 1):  # bounded if there is a cycle
        changed = False
        for lower, upper in hierarchy:
            if level[upper] < level[lower] + 1:
                level[upper] = level[lower] + 1
                changed = True
        for group in together:
            top = max(level[m] for m in group)
            for m in group:
                if level[m] != top:
                    level[m] = top
                    changed = True
        if not changed:
            break
    return level


def _extent(
    members: list[str], levels: Mapping[str, int], entities: Mapping[str, tuple[str, str]]
) -> tuple[float, float]:
    """A rough width and height in pixels of one component as ``dot`` will draw it."""
    widths: dict[int, float] = defaultdict(float)
    for iri in members:
        longest = max(len(line) for line in _wrapped(entities[iri][0]))
        widths[levels[iri]] += longest * CHAR_PX + NODE_PAD_PX + NODE_GAP_PX
    return max(widths.values()), (max(levels[m] for m in members) + 1) * LEVEL_PX


def _shelves(extents: list[tuple[float, float]], legend: tuple[float, float]) -> list[list[int]]:
    """Arrange components in rows (tallest first); index ``len(extents)`` is the legend."""
    everything = [*extents, legend]
    if sum(w for w, _ in everything) <= MAX_ROW_PX:
        return [list(range(len(everything)))]
    area = sum(w * h for w, h in everything)
    target = max(max(w for w, _ in everything), (area * ASPECT) ** 0.5)
    rows: list[list[int]] = []
    width = 0.0
    for i in sorted(range(len(extents)), key=lambda i: (-extents[i][1], -extents[i][0])):
        if rows and width + extents[i][0] <= target:
            rows[-1].append(i)
            width += extents[i][0]
        else:
            rows.append([i])
            width = extents[i][0]
    if width + legend[0] <= target:
        rows[-1].append(len(extents))
    else:
        rows.append([len(extents)])
    return rows


def _stack_rows(
    g: Any,
    rows: list[list[int]],
    components: list[list[str]],
    ties: list[_Tie],
    levels: Mapping[str, int],
    names: Mapping[str, str],
    legend: _Legend,
) -> None:
    """Put each row of components above the next with an invisible anchor between them.

    Only the lowest node of each component in the upper row and the highest of each in the
    lower row are tied to the anchor (with weight 0): more ties would disturb the ordering.
    Among equals, the one with most ties, the least likely to be pulled out of place.
    """
    degree: dict[str, int] = defaultdict(int)
    for tie in ties:
        degree[tie.lower] += 1
        degree[tie.upper] += 1

    def lowest(i: int) -> str:
        if i == len(components):
            return legend.bottom[0]
        return names[min(components[i], key=lambda m: (levels[m], -degree[m]))]

    def highest(i: int) -> str:
        if i == len(components):
            return legend.top[0]
        return names[max(components[i], key=lambda m: (levels[m], degree[m]))]

    for r, (upper_row, lower_row) in enumerate(itertools.pairwise(rows)):
        anchor = legend.fresh(f"row {r + 1}")
        g.node(anchor, label="", shape="point", style="invis", width="0", height="0")
        for i in lower_row:
            g.edge(highest(i), anchor, style="invis", weight="0")
        for i in upper_row:
            g.edge(anchor, lowest(i), style="invis", weight="0")


# -- legend ---------------------------------------------------------------------------------


@dataclass
class _Legend:
    """The legend: one sample node per entity type and one arrow per kind of tie present."""

    types: list[str]
    relations: list[str]
    used: set[str]
    top: list[str] = field(default_factory=list)
    bottom: list[str] = field(default_factory=list)

    TYPES_PER_ROW = 4

    @classmethod
    def of(
        cls, ties: list[_Tie], entities: Mapping[str, tuple[str, str]], used: set[str]
    ) -> _Legend:
        present = {type_name for _, type_name in entities.values()}
        types = [t for t in NODE_STYLES if t in present]
        types += sorted(t for t in present - set(NODE_STYLES) if t)
        relations = [r for r in RELATIONS if any(t.relation == r for t in ties)]
        return cls(types, relations, used)

    @property
    def extent(self) -> tuple[float, float]:
        """A rough width and height in pixels."""
        type_rows = -(-len(self.types) // self.TYPES_PER_ROW)
        width = max(min(len(self.types), self.TYPES_PER_ROW) * 135.0, len(self.relations) * 125.0)
        return width, (type_rows + 2) * LEVEL_PX

    def fresh(self, key: str) -> str:
        """A node name no entity uses."""
        candidate = f"legend · {key}"
        while candidate in self.used:
            candidate += "·"
        self.used.add(candidate)
        return candidate

    def draw(self, g: Any) -> None:
        """Add the legend cluster to ``g``."""
        rows: list[list[str]] = []
        with g.subgraph(name="cluster_legend") as legend:
            legend.attr(
                label="Legend",
                labelloc="b",
                labeljust="l",
                fontname=f"{FONT} Bold",
                fontsize="12",
                style="rounded",
                color="#b5b5b5",
                margin="12",
                tooltip="Legend",
            )
            for start in range(0, len(self.types), self.TYPES_PER_ROW):
                row: list[str] = []
                for type_name in self.types[start : start + self.TYPES_PER_ROW]:
                    style = NODE_STYLES.get(type_name, DEFAULT_NODE_STYLE)
                    node = self.fresh(f"type {type_name}")
                    legend.node(
                        node,
                        label=_dot_text(*_wrapped(_humanise(type_name))),
                        tooltip=_dot_text(_humanise(type_name)),
                        shape=style.shape,
                        style=style.style,
                        fillcolor=style.fill,
                        color=style.border,
                        fontsize="10",
                        width="1.5",
                    )
                    row.append(node)
                rows.append(row)
            arrows: list[str] = []
            for relation in self.relations:
                look = RELATIONS[relation]
                tail, head = self.fresh(f"{relation} from"), self.fresh(f"{relation} to")
                for node in (tail, head):
                    legend.node(node, label="", shape="point", width="0.05", color="#9a9a9a")
                phrase = "became (date)" if relation == SUCCESSION else look.phrase
                legend.edge(
                    tail,
                    head,
                    label=_dot_text(phrase),
                    tooltip=_dot_text(phrase),
                    color=look.color,
                    style=look.style,
                    arrowhead=look.arrowhead,
                    fontcolor=look.color,
                    fontsize="10",
                    penwidth="1.4",
                    minlen="2",
                )
                arrows += [tail, head]
            if arrows:
                rows.append(arrows)
            note = self.fresh("note")
            legend.node(
                note,
                label=_dot_text(
                    "Arrows point to the larger organisation.",
                    "Thicker line: more documents.",
                ),
                shape="plaintext",
                fontsize="9",
                fontcolor="#555555",
            )
            rows.append([note])
            for row in rows:
                with legend.subgraph() as same:
                    same.attr(rank="same")
                    for node in row:
                        same.node(node)
            # stack the rows top to bottom (the graph is drawn bottom to top)
            for upper, lower in itertools.pairwise(rows):
                legend.edge(lower[0], upper[0], style="invis")
        self.top, self.bottom = rows[0], rows[-1]
