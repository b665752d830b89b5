"""Generate realistic ACLED-format rows, and affiliation ties between the same actors, for
benchmarks (no real data is copied).

Actor names follow ACLED's conventions ("Military Forces of X (2021-)", "Civilians (X)",
"JNIM: Group for Support of Islam and Muslims", numbered militias), with skewed activity (a
few actors take part in most events), 31 columns of the current export, dates over ten years
and places drawn from a pool of generated settlements per country.

ACLED rows state no ties between actors (its ``assoc_actor`` columns are more participants of
the event), so the ties come in a second file that goes through a real loader too: a
FollowTheMoney JSON-lines file (what OpenSanctions and Aleph export, read by
:mod:`kg.load.ftm`) with one ``Organization`` per tied actor, named as in the ACLED rows (so
both files resolve to the same entities), and one line per tie: ``UnknownLink`` with the role
"affiliated with" or "part of" (as ``kg export --format ftm`` writes ties) or ``Membership``
(``memberOf``), some with start and end dates. The groups tied to are drawn with the rows'
skewed activity weights (a few have thousands of affiliates), the affiliates uniformly (about
two ties upwards each). It is the cheapest route through a real loader: one streamed file,
about 14 quads per tie, against a report per sentence for the text extractor.

Run: ``.venv/bin/python benchmarks/generate.py ROWS OUT.csv [--ties N TIES.ftm.jsonl]``
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np

COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]  # fmt: skip
COUNTRIES = [
    "Mali",
    "Burkina Faso",
    "Niger",
    "Chad",
    "Nigeria",
    "Central African Republic",
    "Sudan",
    "Mauritania",
]
TYPES = [
    ("Battles", "Armed clash"), ("Violence against civilians", "Attack"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("Explosions/Remote violence", "Air/drone strike"), ("Violence against civilians",
    "Abduction/forced disappearance"), ("Protests", "Peaceful protest"),
    ("Strategic developments", "Looting/property destruction"), ("Riots", "Mob violence"),
]  # fmt: skip


def actors(n: int, rng: np.random.Generator) -> list[tuple[str, int]]:
    out = [(f"Military Forces of {c} (2015-)", 1) for c in COUNTRIES]
    out += [
        ("JNIM: Group for Support of Islam and Muslims", 2),
        ("Islamic State (Sahel)", 2),
        ("Wagner Group", 8),
    ]
    out += [(f"Civilians ({c})", 7) for c in COUNTRIES]
    for i in range(n - len(out)):
        kind = rng.integers(0, 3)
        c = COUNTRIES[i % len(COUNTRIES)]
        name = [f"Militia {i} ({c})", f"Armed Group {i} ({c})", f"Communal Militia {i} ({c})"][kind]
        out.append((name, [3, 2, 4][kind]))
    return out


def pool(n_actors: int) -> tuple[np.random.Generator, list[tuple[str, int]], np.ndarray]:
    """The actors, their activity weights and the generator that drew them (seeded: the rows
    and the ties of the same ``n_actors`` name the same actors)."""
    rng = np.random.default_rng(11)
    acts = actors(n_actors, rng)
    w = rng.pareto(1.1, len(acts)) + 1
    w /= w.sum()
    return rng, acts, w


def main(rows: int, out: Path, n_actors: int = 50_000, n_places: int = 20_000) -> None:
    rng, acts, w = pool(n_actors)
    places = [
        (
            f"Settlement {i}",
            COUNTRIES[i % len(COUNTRIES)],
            round(float(rng.uniform(5, 22)), 4),
            round(float(rng.uniform(-12, 25)), 4),
        )
        for i in range(n_places)
    ]
    a1 = rng.choice(len(acts), size=rows, p=w)
    a2 = rng.choice(len(acts), size=rows, p=w)
    pl = rng.integers(0, n_places, size=rows)
    ty = rng.integers(0, len(TYPES), size=rows)
    days = rng.integers(0, 3650, size=rows)
    fat = rng.poisson(2, size=rows)
    import datetime as dt

    start = dt.date(2014, 1, 1)
    with out.open("w", encoding="utf-8", newline="") as fh:
        wr = csv.writer(fh)
        wr.writerow(COLUMNS)
        for i in range(rows):
            name1, inter1 = acts[a1[i]]
            name2, inter2 = acts[a2[i]]
            place, country, lat, lon = places[pl[i]]
            et, st = TYPES[ty[i]]
            date = (start + dt.timedelta(days=int(days[i]))).isoformat()
            wr.writerow(
                [
                    f"GEN{i}",
                    date,
                    date[:4],
                    1,
                    "Political violence",
                    et,
                    st,
                    name1,
                    "",
                    inter1,
                    name2,
                    "",
                    inter2,
                    f"{inter1}{inter2}",
                    "",
                    0,
                    "Western Africa",
                    country,
                    f"Region {i % 40}",
                    f"District {i % 400}",
                    "",
                    place,
                    lat,
                    lon,
                    1,
                    "Generated Source",
                    "National",
                    f"On {date}, {name1} and {name2} were involved in an event in {place}.",
                    int(fat[i]),
                    "",
                    1700000000,
                ]
            )


#: (FtM schema, role of an UnknownLink, share of the ties)
TIE_KINDS = [("UnknownLink", "affiliated with", 0.75), ("Membership", "", 0.2),
             ("UnknownLink", "part of", 0.05)]  # fmt: skip
_YEARS = r"^(?P<name>.+?) \((?P<from>\d{4})-(?P<until>\d{4})?\)$"
_SHORT = r"^(?P<short>[A-Z][\w-]{1,12}): (?P<name>.+)$"


def _aliases(name: str) -> list[str]:
    """The other names the ACLED mapping (loaders/acled.yaml ``names``) tries for a name."""
    import re

    out = []
    for rx in (_YEARS, _SHORT):
        m = re.match(rx, name)
        if m:
            out += [v for k, v in m.groupdict().items() if k in ("short", "name") and v]
    return out


def ties(n_ties: int, out: Path, n_actors: int = 50_000) -> int:
    """Write ``n_ties`` distinct ties between the actors of the ACLED rows as FtM JSON lines;
    returns the number of entity lines written before them."""
    _, acts, w = pool(n_actors)
    rng = np.random.default_rng(12)
    # civilians are not affiliated with anyone; affiliates are drawn uniformly, the groups
    # they are tied to with the rows' skew (a few groups gather thousands of affiliates)
    ok = np.array([inter != 7 for _, inter in acts])
    p_obj = np.where(ok, w, 0.0)
    p_obj /= p_obj.sum()
    p_subj = ok / ok.sum()
    kinds = rng.choice(len(TIE_KINDS), size=2 * n_ties, p=[k[2] for k in TIE_KINDS])
    subj = rng.choice(len(acts), size=2 * n_ties, p=p_subj)
    obj = rng.choice(len(acts), size=2 * n_ties, p=p_obj)
    start = rng.integers(0, 12 * 12, size=2 * n_ties)  # months from 2012
    dated = rng.random(size=2 * n_ties)
    seen: set[tuple[int, int]] = set()
    chosen: list[int] = []
    for i in range(2 * n_ties):
        pair = (int(subj[i]), int(obj[i]))
        if pair[0] == pair[1] or pair in seen:
            continue
        seen.add(pair)
        chosen.append(i)
        if len(chosen) == n_ties:
            break
    used = sorted({a for pair in seen for a in pair})
    with out.open("w", encoding="utf-8") as fh:
        for a in used:
            name = acts[a][0]
            props: dict[str, list[str]] = {"name": [name]}
            if _aliases(name):
                props["alias"] = _aliases(name)
            fh.write(
                json.dumps({"id": f"actor-{a}", "schema": "Organization", "properties": props})
            )
            fh.write("\n")
        for n, i in enumerate(chosen):
            schema, role, _ = TIE_KINDS[int(kinds[i])]
            s, o = f"actor-{subj[i]}", f"actor-{obj[i]}"
            props = (
                {"member": [s], "organization": [o]}
                if schema == "Membership"
                else {"subject": [s], "object": [o], "role": [role]}
            )
            if dated[i] < 0.5:  # half the ties say since when, a fifth of those until when
                y, m = divmod(int(start[i]), 12)
                props["startDate"] = [f"{2012 + y}-{m + 1:02d}-01"]
                if dated[i] < 0.1:
                    props["endDate"] = [f"{2012 + y + 1 + int(start[i]) % 3}-{m + 1:02d}-01"]
            fh.write(json.dumps({"id": f"tie-{n}", "schema": schema, "properties": props}))
            fh.write("\n")
    return len(used)


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
    if len(sys.argv) > 4 and sys.argv[3] == "--ties":
        ties(int(sys.argv[4]), Path(sys.argv[5]))
