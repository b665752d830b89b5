"""An actor's events over time: one marker per event on a horizontal time axis.

The view takes the rows of the ``timeline`` query and writes either one self-contained HTML
page (an inline SVG drawn here, no script, no network) or the same picture as PNG through
matplotlib. It never talks to a store.

The picture is built once as a list of shapes in pixel coordinates; the SVG and the matplotlib
backends only paint them, so both outputs show the same thing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kg.errors import KGError

__all__ = ["EVENT_STYLES", "FORMATS", "ROLE_STYLES", "render_timeline"]

#: Output formats by file suffix.
FORMATS = (".html", ".svg", ".png")

INSTALL_MATPLOTLIB = (
    "PNG timelines need matplotlib: pip install matplotlib (or write .html or .svg instead)"
)


@dataclass(frozen=True)
class EventStyle:
    """The marker of one event type."""

    shape: str  # circle, square, diamond, triangle, triangle-down, hexagon
    color: str


#: Marker shape and colour by event type (subtypes share their family's shape).
EVENT_STYLES: dict[str, EventStyle] = {
    # fighting
    "Battle": EventStyle("circle", "#c62828"),
    "Attack": EventStyle("circle", "#ef6c00"),
    "Ambush": EventStyle("circle", "#8d4e2a"),
    "Massacre": EventStyle("circle", "#6a1b1b"),
    # remote violence
    "Strike": EventStyle("triangle", "#6a3d9a"),
    "AirStrike": EventStyle("triangle", "#8e63c4"),
    "DroneStrike": EventStyle("triangle", "#c2185b"),
    "Shelling": EventStyle("triangle", "#ad1457"),
    "Bombing": EventStyle("triangle", "#827717"),
    "SuicideBombing": EventStyle("triangle", "#5d5d00"),
    # violence against people
    "Abduction": EventStyle("triangle-down", "#00838f"),
    "Arrest": EventStyle("triangle-down", "#1565c0"),
    "SexualViolence": EventStyle("triangle-down", "#880e4f"),
    "LootingDestruction": EventStyle("triangle-down", "#795548"),
    # forces and territory
    "Deployment": EventStyle("diamond", "#2e7d32"),
    "Withdrawal": EventStyle("diamond", "#558b2f"),
    "TerritorialChange": EventStyle("diamond", "#00897b"),
    # politics
    "Coup": EventStyle("square", "#283593"),
    "Mutiny": EventStyle("square", "#3949ab"),
    "Protest": EventStyle("square", "#5c6bc0"),
    "Riot": EventStyle("square", "#8e3b2e"),
    "Agreement": EventStyle("square", "#0277bd"),
    "DiplomaticRupture": EventStyle("square", "#546e7a"),
    "SanctionEvent": EventStyle("square", "#6d4c41"),
    "Statement": EventStyle("hexagon", "#607d8b"),
    "OtherEvent": EventStyle("hexagon", "#757575"),
}
DEFAULT_EVENT_STYLE = EventStyle("hexagon", "#9e9e9e")


@dataclass(frozen=True)
class RoleStyle:
    """How the actor's role fills a marker."""

    fill: str  # solid, hollow, half, dot (hollow with a centre dot)
    dashed: bool = False


#: Marker fill by the actor's role in the event.
ROLE_STYLES: dict[str, RoleStyle] = {
    "perpetrator": RoleStyle("solid"),
    "participant": RoleStyle("half"),
    "supporter": RoleStyle("hollow", dashed=True),
    "target": RoleStyle("hollow"),
    "victim": RoleStyle("dot"),
}
DEFAULT_ROLE_STYLE = RoleStyle("half", dashed=True)

WIDTH = 1000.0
MARGIN = 28.0
LANE = 38.0
MIN_DAYS = 28  # the shortest period the axis shows
RADIUS = 6.5
FONT = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif"
CHAR = 0.57  # average character width of the font, in ems
INK = "#222222"
MUTED = "#666666"
DISAGREE = "#b71c1c"

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# -- shapes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    x1: float
    y1: float
    x2: float
    y2: float
    color: str
    width: float = 1.0
    dash: tuple[float, ...] = ()
    opacity: float = 1.0


@dataclass(frozen=True)
class _Polygon:
    points: tuple[tuple[float, float], ...]
    fill: str | None
    stroke: str | None
    width: float = 1.0
    dash: tuple[float, ...] = ()
    fill_opacity: float = 1.0


@dataclass(frozen=True)
class _Circle:
    cx: float
    cy: float
    r: float
    fill: str | None
    stroke: str | None
    width: float = 1.0
    dash: tuple[float, ...] = ()
    fill_opacity: float = 1.0


@dataclass(frozen=True)
class _Text:
    x: float
    y: float
    text: str
    size: float = 11.0
    color: str = INK
    anchor: str = "start"  # start, middle, end
    bold: bool = False
    italic: bool = False


@dataclass
class _Group:
    cls: str
    title: str
    items: list[_Item] = field(default_factory=list)


_Item = _Line | _Polygon | _Circle | _Text | _Group


# -- events ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Event:
    date: str
    start: int | None  # proleptic ordinal of the first day
    end: int | None  # ordinal of the day after the last
    precision: str  # day, month, year, none
    type: str
    role: str
    place: str
    country: str
    low: int | None
    high: int | None
    claims: int
    documents: list[str]

    @property
    def where(self) -> str:
        if self.place and self.country and self.place != self.country:
            return f"{self.place}, {self.country}"
        return self.place or self.country

    @property
    def killed(self) -> str:
        """``"6 killed"``, ``"6–7 killed"`` when the sources disagree, or ``""``."""
        if self.low is None and self.high is None:
            return ""
        low = self.low if self.low is not None else self.high
        high = self.high if self.high is not None else self.low
        return f"{low} killed" if low == high else f"{low}–{high} killed"

    @property
    def disputed(self) -> bool:
        return self.low is not None and self.high is not None and self.low != self.high


def _text(value: Any) -> str:
    if value is None:
        return ""
    return " ".join(_CONTROL.sub(" ", str(value)).split())


def _number(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError, OverflowError):
        return None


def _span(date: str) -> tuple[int | None, int | None, str]:
    """The days a date covers, as ordinals ``[start, end)``, and its precision."""
    match = _DATE.match(date[:10] if len(date) > 10 and date[10] in "T " else date)
    if not match:
        return None, None, "none"
    year = int(match.group(1))
    try:
        if match.group(2) is None:
            first = dt.date(year, 1, 1).toordinal()
            return first, dt.date(year, 12, 31).toordinal() + 1, "year"
        month = int(match.group(2))
        if match.group(3) is None:
            first = dt.date(year, month, 1).toordinal()
            return first, first + calendar.monthrange(year, month)[1], "month"
        day = dt.date(year, month, int(match.group(3))).toordinal()
        return day, day + 1, "day"
    except ValueError:  # year 0, month 13, 31 February...
        return None, None, "none"


def _event(row: Mapping[str, Any], index: int) -> _Event:
    if not isinstance(row, Mapping):
        raise KGError(f"timeline row {index} is not a mapping: {type(row).__name__}")
    date = _text(row.get("date"))
    start, end, precision = _span(date)
    documents = row.get("documents")
    if isinstance(documents, list | tuple):
        titles = [_text(d) for d in documents]
    else:
        titles = [_text(d) for d in _text(documents).split("; ")]
    return _Event(
        date=date,
        start=start,
        end=end,
        precision=precision,
        type=_text(row.get("type")) or "Event",
        role=_text(row.get("event_role")),
        place=_text(row.get("place_label")),
        country=_text(row.get("country_label")),
        low=_number(row.get("fatalities_low")),
        high=_number(row.get("fatalities_high")),
        claims=_number(row.get("fatality_claims")) or 0,
        documents=[t for t in titles if t],
    )


def _humanise(type_name: str) -> str:
    """``TerritorialChange`` -> ``Territorial change``."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", type_name):
        return type_name
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", type_name)
    text = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
    return text[:1].upper() + text[1:]


def _tooltip(e: _Event, actor_label: str) -> str:
    lines = [f"{_humanise(e.type)} · {e.date or 'undated'}"]
    lines.append(f"Place: {e.where or 'unknown'}")
    lines.append(f"Role of {actor_label}: {e.role or 'unknown'}")
    if e.killed:
        notes = [f"{e.claims} claim{'' if e.claims == 1 else 's'}"] if e.claims else []
        notes += ["sources disagree"] if e.disputed else []
        extra = f" ({', '.join(notes)})" if notes else ""
        lines.append(f"Fatalities: {e.killed.removesuffix(' killed')}{extra}")
    else:
        lines.append("Fatalities: not reported")
    if e.documents:
        lines.append("Documents:")
        lines += [f"  • {title}" for title in e.documents]
    return "\n".join(lines)


# -- the picture ----------------------------------------------------------------------------


def _text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR


def _marker(
    x: float, y: float, style: EventStyle, role: RoleStyle, r: float = RADIUS
) -> list[_Item]:
    """One marker: the type's shape and colour, filled by the role."""
    fill: str | None = style.color
    opacity = 1.0
    if role.fill in ("hollow", "dot"):
        fill, opacity = "#ffffff", 1.0
    elif role.fill == "half":
        opacity = 0.4
    dash = (2.0, 1.6) if role.dashed else ()
    width = 1.3 if role.fill == "solid" else 2.0
    items: list[_Item] = []
    if style.shape == "circle":
        items.append(_Circle(x, y, r, fill, style.color, width, dash, opacity))
    else:
        items.append(
            _Polygon(_outline(style.shape, x, y, r), fill, style.color, width, dash, opacity)
        )
    if role.fill == "dot":
        items.append(_Circle(x, y, r * 0.32, style.color, None))
    return items


def _outline(shape: str, x: float, y: float, r: float) -> tuple[tuple[float, float], ...]:
    if shape == "square":
        s = r * 0.88
        return ((x - s, y - s), (x + s, y - s), (x + s, y + s), (x - s, y + s))
    if shape == "diamond":
        s = r * 1.2
        return ((x, y - s), (x + s, y), (x, y + s), (x - s, y))
    if shape == "triangle":
        s = r * 1.2
        return ((x, y - s), (x + s, y + s * 0.75), (x - s, y + s * 0.75))
    if shape == "triangle-down":
        s = r * 1.2
        return ((x - s, y - s * 0.75), (x + s, y - s * 0.75), (x, y + s))
    corners = [
        (x + r * math.cos(math.pi / 3 * k), y + r * math.sin(math.pi / 3 * k)) for k in range(6)
    ]
    return tuple(corners)


@dataclass
class _Scene:
    width: float
    height: float
    items: list[_Item]
    title: str


def _scene(events: list[_Event], *, actor_label: str, title: str) -> _Scene:
    """Lay the picture out in pixels."""
    dated = sorted(
        (e for e in events if e.start is not None),
        key=lambda e: (e.start, e.end, e.type, e.where),
    )
    undated = [e for e in events if e.start is None]
    items: list[_Item] = []
    left, right = MARGIN, WIDTH - MARGIN

    # title and subtitle
    items.append(_Text(left, 34, title, size=20, bold=True))
    counts = f"{len(dated)} dated event{'' if len(dated) == 1 else 's'}"
    if undated:
        counts += f", {len(undated)} undated"
    if dated:
        counts += f" · {dated[0].date} to {dated[-1].date}"
    items.append(_Text(left, 56, f"{actor_label}: {counts}", size=13, color=MUTED))

    y = _legend(items, events, actor_label, top=84.0)

    if dated:
        y = _timeline(items, dated, actor_label, top=y + 16, left=left, right=right)
    else:
        items.append(_Text(left, y + 24, "No dated events.", size=12, color=MUTED, italic=True))
        y += 36

    if undated:
        y += 30
        items.append(_Text(left, y, f"Undated ({len(undated)})", size=13, bold=True))
        for e in undated:
            y += 22
            style = EVENT_STYLES.get(e.type, DEFAULT_EVENT_STYLE)
            role = ROLE_STYLES.get(e.role, DEFAULT_ROLE_STYLE)
            parts = [_humanise(e.type), e.where or "place unknown", e.role or "role unknown"]
            if e.killed:
                parts.append(e.killed)
            group = _Group("undated-event", _tooltip(e, actor_label))
            group.items += _marker(left + 8, y - 4, style, role, r=5.5)
            group.items.append(_Text(left + 22, y, " · ".join(parts), size=11))
            items.append(group)
    return _Scene(WIDTH, y + 24, items, title)


def _legend(items: list[_Item], events: list[_Event], actor_label: str, top: float) -> float:
    """Legend rows (event types, roles, date and toll); returns the y below them."""

    def order(known: Sequence[str]) -> Any:
        return lambda name: (known.index(name) if name in known else len(known), name)

    types = sorted({e.type for e in events}, key=order(list(EVENT_STYLES)))
    roles = sorted({e.role for e in events}, key=order(list(ROLE_STYLES)))
    neutral = EventStyle("circle", "#555555")
    solid = ROLE_STYLES["perpetrator"]
    # each entry: the sample (drawn around x=0, y=0), its width, the text after it
    Entry = tuple[list[_Item], float, str]
    type_entries: list[Entry] = [
        (_marker(0, 0, EVENT_STYLES.get(t, DEFAULT_EVENT_STYLE), solid), 8, _humanise(t))
        for t in types
    ]
    role_entries: list[Entry] = [
        (_marker(0, 0, neutral, ROLE_STYLES.get(r, DEFAULT_ROLE_STYLE)), 8, r or "unknown")
        for r in roles
    ]
    date_entries: list[Entry] = [(_marker(0, 0, neutral, solid), 8, "exact day")]
    if any(e.precision in ("month", "year") for e in events):
        sample = _whisker(-4, 26, 0, "#555555") + _marker(11, 0, neutral, solid)
        date_entries.append((sample, 30, "month or year only: a bar over the period"))
    if any(e.disputed for e in events):
        sample = [_Text(-6, 4, "6–7 killed", size=11, color=DISAGREE, bold=True)]
        date_entries.append((sample, _text_width("6–7 killed", 11) - 4, "the sources disagree"))
    rows = [
        ("Event type", type_entries),
        (f"Role of {actor_label}", role_entries),
        ("Date and toll", date_entries),
    ]

    y = top
    indent = MARGIN + max(_text_width(label + ":", 11) for label, _ in rows) + 14
    for label, entries in rows:
        items.append(_Text(MARGIN, y + 4, f"{label}:", size=11, color=MUTED, bold=True))
        x = indent
        for sample, sample_width, text in entries:
            width = sample_width + 12 + _text_width(text, 11) + 18
            if x + width > WIDTH - MARGIN and x > indent:
                x, y = indent, y + 20
            items += [_shift(item, x + 8, y) for item in sample]
            items.append(_Text(x + 8 + sample_width + 12 - 6, y + 4, text, size=11))
            x += width
        y += 22
    return y


def _shift(item: _Item, dx: float, dy: float) -> _Item:
    """The same shape moved by ``(dx, dy)``."""
    if isinstance(item, _Line):
        return replace(item, x1=item.x1 + dx, y1=item.y1 + dy, x2=item.x2 + dx, y2=item.y2 + dy)
    if isinstance(item, _Polygon):
        return replace(item, points=tuple((x + dx, y + dy) for x, y in item.points))
    if isinstance(item, _Circle):
        return replace(item, cx=item.cx + dx, cy=item.cy + dy)
    if isinstance(item, _Text):
        return replace(item, x=item.x + dx, y=item.y + dy)
    return _Group(item.cls, item.title, [_shift(i, dx, dy) for i in item.items])


def _whisker(x1: float, x2: float, y: float, color: str) -> list[_Item]:
    """A horizontal bar with end caps: the period a month or year date covers."""
    return [
        _Line(x1, y, x2, y, color, 2.5, opacity=0.55),
        _Line(x1, y - 4, x1, y + 4, color, 1.5, opacity=0.7),
        _Line(x2, y - 4, x2, y + 4, color, 1.5, opacity=0.7),
    ]


def _timeline(
    items: list[_Item],
    dated: list[_Event],
    actor_label: str,
    *,
    top: float,
    left: float,
    right: float,
) -> float:
    """Events in lanes above a time axis; returns the y below the axis labels."""
    first: float = min(e.start for e in dated if e.start is not None)
    last: float = max(e.end for e in dated if e.end is not None)
    if last - first < MIN_DAYS:  # a short period: centred in a few weeks
        extra = (MIN_DAYS - (last - first)) / 2
        first, last = first - extra, last + extra
    pad = (last - first) * 0.03 + 2
    lo, hi = first - pad, last + pad

    def x_of(day: float) -> float:
        return left + (day - lo) / (hi - lo) * (right - left)

    # place each event in the lowest lane where it does not overlap its neighbours
    lane_ends: list[float] = []
    placed: list[tuple[_Event, int, float, float, float, bool]] = []
    for e in dated:
        assert e.start is not None and e.end is not None
        x1, x2 = x_of(e.start), x_of(e.end)
        xc = (x1 + x2) / 2
        lines = [e.where or "place unknown"] + ([e.killed] if e.killed else [])
        text_w = max(_text_width(line, 11) for line in lines)
        half = RADIUS if e.precision == "day" else max(x2 - x1, 2 * RADIUS + 10) / 2
        body_left, body_right = xc - half, xc + half
        flip = body_right + 5 + text_w > right
        if flip:
            extent = (body_left - 5 - text_w, body_right)
        else:
            extent = (body_left, body_right + 5 + text_w)
        for lane, end in enumerate(lane_ends):
            if extent[0] > end + 8:
                lane_ends[lane] = extent[1]
                break
        else:
            lane = len(lane_ends)
            lane_ends.append(extent[1])
        placed.append((e, lane, xc, body_left, body_right, flip))

    axis_y = top + len(lane_ends) * LANE + 12
    _axis(items, lo, hi, x_of, axis_y, left, right)
    # leader lines first, so that no marker is drawn over by another event's line
    for _, lane, xc, *_ in placed:
        y = axis_y - 12 - LANE * lane - LANE / 2
        items.append(_Line(xc, y + RADIUS + 2, xc, axis_y, "#b8b8b8", 1.0, (2.0, 3.0)))

    for e, lane, xc, body_left, body_right, flip in placed:
        assert e.start is not None and e.end is not None
        y = axis_y - 12 - LANE * lane - LANE / 2
        style = EVENT_STYLES.get(e.type, DEFAULT_EVENT_STYLE)
        role = ROLE_STYLES.get(e.role, DEFAULT_ROLE_STYLE)
        group = _Group("event", _tooltip(e, actor_label))
        if e.precision != "day":  # at least wider than the marker, so that it shows
            half = max(x_of(e.end) - x_of(e.start), 2 * RADIUS + 10) / 2
            group.items += _whisker(xc - half, xc + half, y, style.color)
        group.items += _marker(xc, y, style, role)
        tx, anchor = (body_left - 5, "end") if flip else (body_right + 5, "start")
        group.items.append(
            _Text(
                tx,
                y - 1 if e.killed else y + 4,
                e.where or "place unknown",
                size=11,
                color=INK if e.where else MUTED,
                anchor=anchor,
                italic=not e.where,
            )
        )
        if e.killed:
            group.items.append(
                _Text(
                    tx,
                    y + 12,
                    e.killed,
                    size=10.5,
                    anchor=anchor,
                    color=DISAGREE if e.disputed else "#444444",
                    bold=e.disputed,
                )
            )
        items.append(group)
    return axis_y + 40


def _axis(
    items: list[_Item], lo: float, hi: float, x_of: Any, y: float, left: float, right: float
) -> None:
    """The time axis: day, month and year ticks as the scale allows."""
    items.append(_Line(left, y, right, y, "#444444", 1.3))
    px_per_day = (right - left) / (hi - lo)
    px_per_month = px_per_day * 30.44
    start = dt.date.fromordinal(max(int(lo), 1))
    end = dt.date.fromordinal(min(int(hi) + 1, dt.date.max.toordinal()))

    def jan1(year: int) -> int:
        return dt.date(year, 1, 1).toordinal() if year <= dt.MAXYEAR else int(hi) + 1

    def label(
        x: float,
        row: int,
        text: str,
        *,
        color: str = "#333333",
        bold: bool = False,
        anchor: str = "start",
    ) -> None:
        items.append(_Text(x, y + (17, 32)[row], text, 10.5, color, anchor, bold))

    if px_per_day >= 4.5:  # days numbered, months named with their year
        every = 1 if px_per_day >= 22 else 7
        for day in range(start.toordinal(), end.toordinal() + 1):
            date = dt.date.fromordinal(day)
            if not lo <= day <= hi:
                continue
            if date.day == 1:
                items.append(_Line(x_of(day), y - 4, x_of(day), y + 9, "#444444", 1.4))
            elif px_per_day >= 5:
                items.append(_Line(x_of(day), y, x_of(day), y + 3, "#888888", 0.8))
            numbered = (date.day - 1) % every == 0 and (every == 1 or date.day <= 22)
            if numbered and left + 6 < x_of(day + 0.5) < right - 6:
                label(x_of(day + 0.5), 0, str(date.day), color=MUTED, anchor="middle")
        year, month = start.year, start.month
        while (year, month) <= (end.year, end.month):
            x1 = max(x_of(dt.date(year, month, 1).toordinal()), left)
            if right - x1 >= 60:
                label(x1 + 3, 1, f"{calendar.month_abbr[month]} {year}", bold=True)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return

    if px_per_month >= 4:  # month ticks, named when there is room
        every = 1 if px_per_month >= 30 else 3 if px_per_month >= 12 else 0
        year, month = start.year, start.month
        while (year, month) <= (end.year, end.month):
            day = dt.date(year, month, 1).toordinal()
            if lo <= day <= hi:
                items.append(_Line(x_of(day), y, x_of(day), y + 5, "#777777", 1.0))
            middle = x_of(day + calendar.monthrange(year, month)[1] / 2)
            if every and (month - 1) % every == 0 and left + 8 < middle < right - 8:
                label(middle, 0, calendar.month_abbr[month], color=MUTED, anchor="middle")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    px_per_year = px_per_month * 12
    step = next((s for s in (1, 2, 5, 10, 20, 50, 100) if s * px_per_year >= 40), 200)
    months_named = px_per_month >= 12
    for year in range(start.year, end.year + 1):
        day = jan1(year)
        if lo <= day <= hi and (px_per_year >= 4 or year % step == 0):
            items.append(_Line(x_of(day), y - 4, x_of(day), y + 9, "#444444", 1.4))
        if year % step:
            continue
        x1, x2 = max(x_of(day), left), min(x_of(jan1(year + step)), right)
        if x2 - x1 < 30:
            continue
        row = 1 if months_named else 0
        if months_named or step > 1:  # under the first month of the year
            label(x1 + 3, row, str(year), bold=True)
        else:  # in the middle of the year
            label((x1 + x2) / 2, row, str(year), bold=True, anchor="middle")


# -- painting -------------------------------------------------------------------------------


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _stroke_attrs(stroke: str | None, width: float, dash: tuple[float, ...]) -> str:
    if stroke is None:
        return ' stroke="none"'
    attrs = f' stroke="{_esc(stroke)}" stroke-width="{_num(width)}"'
    if dash:
        attrs += f' stroke-dasharray="{",".join(_num(d) for d in dash)}"'
    return attrs


def _svg_item(item: _Item) -> str:
    if isinstance(item, _Line):
        opacity = f' stroke-opacity="{_num(item.opacity)}"' if item.opacity < 1 else ""
        return (
            f'<line x1="{_num(item.x1)}" y1="{_num(item.y1)}" x2="{_num(item.x2)}" '
            f'y2="{_num(item.y2)}"{_stroke_attrs(item.color, item.width, item.dash)}{opacity}/>'
        )
    if isinstance(item, _Polygon | _Circle):
        fill = f' fill="{_esc(item.fill)}"' if item.fill else ' fill="none"'
        if item.fill and item.fill_opacity < 1:
            fill += f' fill-opacity="{_num(item.fill_opacity)}"'
        stroke = _stroke_attrs(item.stroke, item.width, item.dash)
        if isinstance(item, _Circle):
            return (
                f'<circle cx="{_num(item.cx)}" cy="{_num(item.cy)}" r="{_num(item.r)}"'
                f"{fill}{stroke}/>"
            )
        points = " ".join(f"{_num(x)},{_num(y)}" for x, y in item.points)
        return f'<polygon points="{points}"{fill}{stroke}/>'
    if isinstance(item, _Text):
        style = ' font-weight="bold"' if item.bold else ""
        style += ' font-style="italic"' if item.italic else ""
        anchor = f' text-anchor="{item.anchor}"' if item.anchor != "start" else ""
        return (
            f'<text x="{_num(item.x)}" y="{_num(item.y)}" font-size="{_num(item.size)}" '
            f'fill="{_esc(item.color)}"{anchor}{style}>{_esc(item.text)}</text>'
        )
    inner = "".join(_svg_item(i) for i in item.items)
    return f'<g class="{_esc(item.cls)}"><title>{_esc(item.title)}</title>{inner}</g>'


def _svg(scene: _Scene) -> str:
    """The scene as a standalone SVG element (well-formed XML)."""
    body = "\n".join(_svg_item(item) for item in scene.items)
    w, h = _num(scene.width), _num(scene.height)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
        f'height="{h}" role="img" aria-label="{_esc(scene.title)}" '
        f'font-family="{_esc(FONT)}">\n'
        f"<title>{_esc(scene.title)}</title>\n"
        f'<rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>\n'
        f"{body}\n</svg>"
    )


_CSS = """
body { margin: 0; background: #f4f4f2; color: #222; font-family: DejaVu Sans, Verdana, Arial,
  Helvetica, sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 16px; }
figure { margin: 0; background: #fff; border: 1px solid #ddd; border-radius: 6px;
  padding: 4px; }
figure svg { display: block; width: 100%; height: auto; }
g.event:hover, g.undated-event:hover { filter: drop-shadow(0 0 2px #888); }
h2 { font-size: 16px; margin: 24px 0 8px; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; white-space: nowrap; }
td.disputed { color: #b71c1c; font-weight: bold; }
p.note { color: #666; font-size: 12px; }
"""


def _html(scene: _Scene, events: list[_Event], actor_label: str) -> str:
    """One self-contained page: the SVG, then a table of the events. No script, no network."""
    ordered = sorted(events, key=lambda e: (e.start is None, e.start or 0, e.type))
    rows = []
    for e in ordered:
        killed = e.killed.removesuffix(" killed")
        cls = "num disputed" if e.disputed else "num"
        docs = "<br/>".join(_esc(d) for d in e.documents)
        rows.append(
            f"<tr><td>{_esc(e.date or 'undated')}</td><td>{_esc(_humanise(e.type))}</td>"
            f"<td>{_esc(e.role)}</td><td>{_esc(e.where)}</td>"
            f'<td class="{cls}">{_esc(killed)}</td><td>{docs}</td></tr>'
        )
    table = "\n".join(rows)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>{_esc(scene.title)}</title>
<style>{_CSS}</style>
</head>
<body>
<main>
<figure>
{_svg(scene)}
</figure>
<p class="note">Hover over a marker for the event's type, date, place, role, fatalities and
documents.</p>
<h2>Events of {_esc(actor_label)}</h2>
<table>
<thead><tr><th>Date</th><th>Type</th><th>Role</th><th>Place</th><th>Killed</th>
<th>Documents</th></tr></thead>
<tbody>
{table}
</tbody>
</table>
</main>
</body>
</html>
"""


def _png(scene: _Scene, out: Path) -> None:
    """Paint the scene with matplotlib (no pyplot: no global state, no display needed)."""
    try:
        from matplotlib.figure import Figure
        from matplotlib.patches import Circle, Polygon
    except ImportError:
        raise KGError(INSTALL_MATPLOTLIB) from None

    pt = 0.72  # points per pixel at 100 dpi
    fig = Figure(figsize=(scene.width / 100, scene.height / 100), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, scene.width)
    ax.set_ylim(scene.height, 0)
    ax.set_aspect("equal")
    ax.axis("off")

    def dashes(dash: tuple[float, ...], width: float) -> Any:
        return (0, tuple(d / width for d in dash)) if dash else "solid"

    z = iter(range(1, 1_000_000))  # paint in order: matplotlib would put lines over patches

    def paint(item: _Item) -> None:
        if isinstance(item, _Group):
            for inner in item.items:
                paint(inner)
        elif isinstance(item, _Line):
            ax.plot(
                [item.x1, item.x2],
                [item.y1, item.y2],
                color=item.color,
                linewidth=item.width * pt,
                linestyle=dashes(item.dash, item.width),
                alpha=item.opacity,
                solid_capstyle="butt",
                zorder=next(z),
            )
        elif isinstance(item, _Circle | _Polygon):
            face: Any = "none"
            if item.fill:
                face = _rgba(item.fill, item.fill_opacity)
            common = {
                "facecolor": face,
                "edgecolor": item.stroke or "none",
                "linewidth": item.width * pt if item.stroke else 0,
                "linestyle": dashes(item.dash, item.width),
                "zorder": next(z),
            }
            if isinstance(item, _Circle):
                ax.add_patch(Circle((item.cx, item.cy), item.r, **common))
            else:
                ax.add_patch(Polygon(list(item.points), closed=True, **common))
        else:
            ax.text(
                item.x,
                item.y,
                item.text,
                fontsize=item.size * pt,
                color=item.color,
                ha={"start": "left", "middle": "center", "end": "right"}[item.anchor],
                va="baseline",
                fontweight="bold" if item.bold else "normal",
                fontstyle="italic" if item.italic else "normal",
                parse_math=False,
                zorder=next(z),
            )

    for item in scene.items:
        paint(item)
    fig.savefig(out, format="png", dpi=200, facecolor="white")


def _rgba(color: str, alpha: float) -> tuple[float, float, float, float]:
    value = color.lstrip("#")
    r, g, b = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return (r, g, b, alpha)


def render_timeline(
    rows: Sequence[Mapping[str, Any]],
    out: Path,
    *,
    actor_label: str,
    title: str = "",
) -> Path:
    """Draw an actor's events on a time axis into a file.

    One marker per dated event, placed by date: its shape and colour show the event type, its
    fill the actor's role (filled: perpetrator, hollow: target, ...). A date known only to the
    month or year is a bar over that period with the marker in the middle. The place labels
    the marker, with the toll below it ("6 killed"; "6–7 killed" in red where the sources
    disagree). Hovering shows type, date, place, role, fatalities and documents. Events without
    a date are listed below the axis as undated.

    Parameters
    ----------
    rows : sequence of mapping
        Rows of the ``timeline`` query: ``date`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, may
        be null), ``event``, ``type``, ``event_role``, ``place_label``, ``country_label``,
        ``fatalities_low``, ``fatalities_high``, ``fatality_claims``, ``documents`` (titles
        separated by ``"; "``).
    out : Path
        The file to write; its suffix picks the format: ``.html`` (one self-contained page
        with an inline SVG and a table of the events; no script, no network), ``.svg`` or
        ``.png`` (needs matplotlib).
    actor_label : str
        The actor's name, shown in the subtitle, the legend and the tooltips.
    title : str, optional
        The title of the picture (default "Timeline of <actor_label>").

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    KGError
        If the suffix is not supported, there are no rows, or ``.png`` is asked for without
        matplotlib.

    Examples
    --------
    >>> rows = [{"date": "2024-11-21", "type": "Ambush", "event_role": "target",
    ...          "place_label": "Mopti", "fatalities_low": 6, "fatalities_high": 7}]
    >>> render_timeline(rows, Path("wagner.html"), actor_label="Wagner")  # doctest: +SKIP
    PosixPath('wagner.html')
    """
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise KGError(f"cannot draw a timeline as {out.name!r}: use one of {', '.join(FORMATS)}")
    actor = _text(actor_label) or "the actor"
    events = [_event(row, i) for i, row in enumerate(rows, start=1)]
    if not events:
        raise KGError(f"no events to draw for {actor}")
    scene = _scene(events, actor_label=actor, title=_text(title) or f"Timeline of {actor}")
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".png":
        _png(scene, out)
    elif suffix == ".svg":
        out.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + _svg(scene) + "\n", "utf-8")
    else:
        out.write_text(_html(scene, events, actor), encoding="utf-8")
    return out
