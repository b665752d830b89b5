"""Generate realistic ACLED-format rows for benchmarks (no real data is copied).

Actor names follow ACLED's conventions ("Military Forces of X (2021-)", "Civilians (X)",
"JNIM: Group for Support of Islam and Muslims", numbered militias), with skewed activity (a
few actors take part in most events), 31 columns of the current export, dates over ten years
and places drawn from a pool of generated settlements per country.

Run: ``.venv/bin/python benchmarks/generate.py ROWS OUT.csv``
"""

from __future__ import annotations

import csv
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


def main(rows: int, out: Path, n_actors: int = 50_000, n_places: int = 20_000) -> None:
    rng = np.random.default_rng(11)
    acts = actors(n_actors, rng)
    w = rng.pareto(1.1, len(acts)) + 1
    w /= w.sum()
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


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
