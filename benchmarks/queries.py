"""Benchmark of the named queries and of ``kg validate`` on the on-disk store (issue #8).

The store: ``ROWS`` generated ACLED-format rows plus ``TIES`` affiliation ties between the same
actors (benchmarks/generate.py; the ties are a FollowTheMoney file), both loaded with
``kg ingest``. ``--store DIR`` reuses a store built before (``benchmarks/ingest.py --keep DIR``
builds one while it measures the ingest), else it is built here.

Every named query runs with realistic parameters chosen from the store: the actor with the
most events, one of median activity and a rare one (one event); for affiliation queries the
same by number of ties; for places the busiest settlement, a median and a quiet one, and a
whole country; for pairwise queries two actors that fought each other. Each case runs
through ``kg query``'s code path (:func:`kg.query.registry.run_named`, in process, parameters
given as IRIs) once to warm up, then ``--repeat`` times: median and p90 (nearest rank). The
runs happen in a worker process that is stopped when one case takes over ``--limit`` seconds
or 8 GB, so that one runaway query cannot sink the benchmark.

Baselines measured in the same run, on a slice of the same data (the first ``--slice`` rows of
the same file and the same share of the ties, ingested into an in-memory store and dumped as
N-Quads):

- loading: those N-Quads into Oxigraph (``Store.load``) against rdflib's in-memory
  ``Dataset.parse``;
- querying: the same SPARQL text (the same bound parameters: the median case) on Oxigraph in
  memory and on the rdflib Dataset (``default_union``), each after one warm-up;
- validation: ``kg validate`` by SPARQL against pyshacl on the example reports and on the
  slice, and by SPARQL on the large store (pyshacl refuses a store that size).

A query is "selective" when it takes an actor, place or event: its target is a median under
50 ms on the large store. Run: ``.venv/bin/python benchmarks/queries.py [--store DIR]``;
writes benchmarks/queries_results.md, which benchmarks/run.py includes in RESULTS.md.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

TARGET_MS = 50.0
MEMORY_LIMIT_KB = 8 * 1024 * 1024


@dataclass
class Case:
    """One query with one set of parameters."""

    query: str
    label: str  # what the parameters are: "top actor (89,120 events)"
    params: dict[str, str]
    selective: bool
    baseline: bool = False  # the case measured on the slice too
    result: dict[str, Any] = field(default_factory=dict)


# -- the store -------------------------------------------------------------------------------


def build_store(store: Path, work: Path, rows: int, ties: int) -> dict[str, Any]:
    """Generate the files and ``kg ingest`` them into ``store`` (see ingest.py)."""
    import ingest

    csv_path, ties_path = ingest.generate_files(work, rows, ties)
    first = ingest.kg_ingest(store, csv_path)
    second = ingest.kg_ingest(store, ties_path)
    return {"rows_s": first["wall"], "ties_s": second["wall"]}


def choose_cases(store: Any) -> list[Case]:
    """The parameters of every named query, chosen from the store (see the module doc)."""
    from kg.query.registry import prologue, registry

    def sel(q: str) -> list[dict[str, Any]]:
        return store.select(prologue() + q).rows

    roles = "VALUES ?rp { kgo:perpetrator kgo:target kgo:victim kgo:participant kgo:supporter }"
    ev = sel(
        f"SELECT ?a (COUNT(*) AS ?n) WHERE {{ ?e ?rp ?a . {roles} }} GROUP BY ?a ORDER BY DESC(?n)"
    )
    places = sel(
        "SELECT ?a (COUNT(*) AS ?n) WHERE { ?e kgo:place ?a } GROUP BY ?a ORDER BY DESC(?n)"
    )
    ties = "VALUES ?p { kgo:affiliatedWith kgo:partOf kgo:memberOf kgo:controlledBy }"
    up = sel(
        f"SELECT ?a (COUNT(*) AS ?n) WHERE {{ ?c kgo:subject ?a ; kgo:predicate ?p . {ties} }} "
        "GROUP BY ?a ORDER BY DESC(?n)"
    )
    down = sel(
        f"SELECT ?a (COUNT(*) AS ?n) WHERE {{ ?c kgo:object ?a ; kgo:predicate ?p . {ties} }} "
        "GROUP BY ?a ORDER BY DESC(?n)"
    )

    def three(rows: list[dict[str, Any]], unit: str) -> list[tuple[str, str]]:
        picks = [("top", rows[0]), ("median", rows[len(rows) // 2]), ("rare", rows[-1])]
        return [(f"{k} ({r['n']:,} {unit})", r["a"]) for k, r in picks]

    def opponent(actor: str) -> tuple[str, int]:
        r = sel(
            f"""SELECT ?o (COUNT(*) AS ?n) WHERE {{
              {{ ?e kgo:perpetrator <{actor}> . ?e kgo:target|kgo:victim ?o }} UNION
              {{ ?e kgo:perpetrator ?o . ?e kgo:target|kgo:victim <{actor}> }}
              FILTER(?o != <{actor}>) }} GROUP BY ?o ORDER BY DESC(?n) ?o LIMIT 1"""
        )
        return (r[0]["o"], int(r[0]["n"])) if r else ("", 0)

    # actors with at least one attack as perpetrator or target, by number of events
    fighters = {
        r["a"]
        for r in sel("SELECT DISTINCT ?a WHERE { ?e kgo:perpetrator|kgo:target|kgo:victim ?a }")
    }
    ev_f = [r for r in ev if r["a"] in fighters]
    pairs = []
    for k, r in (("top", ev_f[0]), ("median", ev_f[len(ev_f) // 2]), ("rare", ev_f[-1])):
        other, n = opponent(r["a"])
        if other:
            pairs.append((f"{k} actor and its main opponent ({n:,} attacks)", r["a"], other))
    event = sel("SELECT ?e WHERE { ?e kgo:sourceRow ?r } LIMIT 1")[0]["e"]
    # the country with most events, stated on the event or through its place
    country = sel(
        "SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE { { ?e kgo:country ?c } UNION "
        "{ ?e kgo:place/kgo:country ?c } } GROUP BY ?c ORDER BY DESC(?n) LIMIT 1"
    )
    cases: list[Case] = []
    by_events = three(ev, "events")
    for name in ("events_of_actor", "timeline", "fatalities_by_actor"):
        cases += [Case(name, lab, {"actor": a}, True) for lab, a in by_events]
    cases += [Case("affiliations", lab, {"actor": a}, True) for lab, a in three(up, "ties up")]
    cases += [
        Case("members", lab, {"organisation": a}, True) for lab, a in three(down, "ties down")
    ]
    cases += [Case("sources", lab, {"subject": a}, True) for lab, a in three(up, "ties up")]
    for name in ("supports", "successors", "predecessors"):
        q = registry()[name]
        example = next(p.example for p in q.params if p.name == "actor")
        cases.append(Case(name, f"example ({example})", {"actor": str(example)}, True))
        cases += [Case(name, lab, {"actor": a}, True) for lab, a in by_events[:2]]
    cases += [
        Case(
            "actors_in_place",
            f"{lab.split(' ')[0]} settlement ({lab.split('(')[1]}",
            {"place": a},
            True,
        )
        for lab, a in three(places, "events")
    ]
    if country:
        n = int(country[0]["n"])
        cases.append(
            Case("actors_in_place", f"a country ({n:,} events)", {"place": country[0]["c"]}, False)
        )
    cases += [Case("attacks_between", lab, {"actor": a, "other": b}, True) for lab, a, b in pairs]
    cases.append(Case("contested", "one event", {"subject": event}, True))
    cases.append(Case("contested", "whole store", {}, False))
    cases.append(Case("affiliation_edges", "whole store", {}, False))
    cases.append(Case("unresolved", "whole store", {}, False))
    known = {c.query for c in cases}
    for name, q in sorted(registry().items()):  # a query added later: its header's example
        if name not in known:
            params = {p.name: p.example for p in q.params if p.required and p.example}
            selective = any(p.type == "entity" for p in q.params if p.name in params)
            cases.append(Case(name, "header example", dict(params), selective))  # type: ignore[arg-type]
    # the baseline runs the median case of each query (the only case of the others)
    for name in {c.query for c in cases}:
        mine = [c for c in cases if c.query == name]
        pick = next((c for c in mine if c.label.startswith("median")), None)
        pick = pick or next((c for c in mine if "example" in c.label), mine[0])
        pick.baseline = True
    return cases


# -- a worker process that runs the queries ----------------------------------------------------


def worker(store_dir: str) -> None:
    """Read one JSON case per line on stdin, answer with its timings on stdout."""
    from kg.api import open_store
    from kg.query.registry import run_named

    store = open_store(store_dir)
    for line in sys.stdin:
        job = json.loads(line)
        t0 = time.perf_counter()
        rows = run_named(job["query"], job["params"], store)
        warm = time.perf_counter() - t0
        times = []
        repeat = job["repeat"] if warm < job["slow"] else 1
        for _ in range(repeat):
            t0 = time.perf_counter()
            rows = run_named(job["query"], job["params"], store)
            times.append(time.perf_counter() - t0)
        print(json.dumps({"times": times, "warm": warm, "rows": len(rows)}), flush=True)


class Worker:
    """The worker process, restarted after a case it had to give up."""

    def __init__(self, store_dir: Path):
        self.store_dir = store_dir
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> subprocess.Popen[str]:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen(
                [sys.executable, __file__, "--worker", str(self.store_dir)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        return self.proc

    def run(self, case: Case, repeat: int, limit: float) -> dict[str, Any]:
        import selectors

        proc = self.start()
        assert proc.stdin is not None and proc.stdout is not None
        job = {"query": case.query, "params": case.params, "repeat": repeat, "slow": limit / 8}
        proc.stdin.write(json.dumps(job) + "\n")
        proc.stdin.flush()
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        # a warm-up over limit / 8 s is followed by one run only: two runs fit in 2 * limit
        deadline = time.perf_counter() + 2 * limit
        why = ""
        while True:
            if sel.select(timeout=0.2):
                line = proc.stdout.readline()
                if line:
                    return dict(json.loads(line))
                why = "the worker failed"
                break
            if time.perf_counter() > deadline:
                why = f"over {limit:.0f} s"
                break
            if _rss_kb(proc.pid) > MEMORY_LIMIT_KB:
                why = f"over {MEMORY_LIMIT_KB // 1024**2} GB of memory"
                break
        self.stop()
        return {"error": why}

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def summary(times: list[float]) -> tuple[float, float]:
    """Median and p90 (nearest rank) in milliseconds."""
    ms = sorted(t * 1000 for t in times)
    return statistics.median(ms), ms[max(0, math.ceil(0.9 * len(ms)) - 1)]


# -- the slice and the baselines -------------------------------------------------------------


def slice_files(
    csv_path: Path, ties_path: Path, rows: int, share: float, out: Path
) -> tuple[Path, Path]:
    """The first ``rows`` rows of the CSV and the first ``share`` of the ties (with the
    entities they link) as two new files."""
    a = out / "acled-slice.csv"
    with csv_path.open(encoding="utf-8") as src, a.open("w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if i > rows:
                break
            dst.write(line)
    entities: dict[str, str] = {}
    links: list[tuple[dict[str, Any], str]] = []
    with ties_path.open(encoding="utf-8") as src:
        for line in src:
            d = json.loads(line)
            if d["schema"] == "Organization":
                entities[d["id"]] = line
            else:
                links.append((d, line))
    keep = links[: max(1, int(len(links) * share))]
    used = sorted(
        {v for d, _ in keep for k, vs in d["properties"].items() for v in vs if v in entities}
    )
    b = out / "ties-slice.ftm.jsonl"
    with b.open("w", encoding="utf-8") as dst:
        dst.writelines(entities[e] for e in used)
        dst.writelines(line for _, line in keep)
    return a, b


def in_child(fn: Callable[[], Any], limit: float) -> Any:
    """``fn()`` in a forked child (memory copied on write), given up after ``limit`` seconds;
    returns its result or ``{"error": ...}``."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)

    def run() -> None:
        try:
            send.send(fn())
        except Exception as e:  # reported, not raised: the parent goes on
            send.send({"error": f"{type(e).__name__}: {e}"[:200]})

    p = ctx.Process(target=run)
    p.start()
    out: Any = {"error": f"over {limit:.0f} s"}
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        if recv.poll(0.2):
            out = recv.recv()
            break
        if p.pid is not None and _rss_kb(p.pid) > MEMORY_LIMIT_KB:
            out = {"error": f"over {MEMORY_LIMIT_KB // 1024**2} GB of memory"}
            break
    p.kill()
    p.join()
    return out


def timed_runs(fn: Callable[[], Any], repeat: int, slow: float) -> dict[str, Any]:
    """One warm-up then ``repeat`` runs (one when the warm-up took over ``slow`` seconds)."""
    t0 = time.perf_counter()
    rows = fn()
    warm = time.perf_counter() - t0
    times = []
    for _ in range(repeat if warm < slow else 1):
        t0 = time.perf_counter()
        rows = fn()
        times.append(time.perf_counter() - t0)
    return {"times": times, "warm": warm, "rows": len(rows)}


def validate_timed(store: Any, method: str) -> dict[str, Any]:
    from kg.validate import validate

    t0 = time.perf_counter()
    res = validate(store, method=method, max_quads=10**9)
    return {
        "s": time.perf_counter() - t0,
        "violations": res["violations"],
        "warnings": res["warnings"],
        "quads": res["quads"],
    }


def kg_validate(store_dir: Path) -> dict[str, Any]:
    """``kg validate`` on the large store, as a user runs it: wall time and peak memory."""
    import ingest

    r = ingest.run_measured(
        [str(Path(sys.executable).parent / "kg"), "--store", str(store_dir), "validate",
         "--format", "json"]
    )  # fmt: skip
    out: dict[str, Any] = {"s": r["wall"], "peak_gb": r["peak_gb"], "exit": r["returncode"]}
    try:
        res = json.loads(r["stdout"])
        out.update(violations=res["violations"], warnings=res["warnings"], quads=res["quads"])
    except (ValueError, KeyError):
        out["error"] = r["stderr"].strip()[-300:]
    return out


# -- main ------------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--ties", type=int, default=100_000)
    ap.add_argument("--store", type=Path, help="Reuse (or build) the store in this folder.")
    ap.add_argument("--slice", type=int, default=50_000, help="Rows of the baseline's slice.")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--limit", type=float, default=60, help="Seconds before a case is given up.")
    ap.add_argument(
        "--baseline-limit", type=float, default=30, help="Seconds before rdflib is given up."
    )
    ap.add_argument(
        "--shacl-limit", type=float, default=900, help="Seconds before pyshacl is given up."
    )
    ap.add_argument("--only", nargs="*", help="Only these queries (and no validation).")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--no-validate", action="store_true")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker)
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    import ingest

    from kg.api import ingest as kg_ingest_api
    from kg.api import open_store
    from kg.query.registry import get_query, prologue, to_term

    t_all = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kg-bench-q-") as tmp:
        work = Path(tmp)
        store_dir = args.store or work / "kg-data"
        built = None
        if not (store_dir / "CURRENT").exists():
            print(f"building the store in {store_dir}", file=sys.stderr)
            built = build_store(store_dir, work, args.rows, args.ties)
        store = open_store(str(store_dir))
        stats = store.stats()
        cases = choose_cases(store)
        labels = {}
        for c in cases:
            for v in c.params.values():
                if v.startswith("http"):
                    r = store.select(
                        prologue() + "SELECT ?e ?l WHERE { ?e skos:prefLabel ?l } LIMIT 1", e=v
                    ).rows
                    labels[v] = str(r[0]["l"]) if r else v.rsplit("/", 1)[-1]
        # one lookup by name, as a user types it: as the label is written (an index lookup),
        # and in lower case (both index lookups)
        name_case = next(c for c in cases if c.query == "events_of_actor" and "median" in c.label)
        name = labels[name_case.params["actor"]]
        actor_param = get_query("events_of_actor").params[0]
        lookup = timed_runs(lambda: [to_term(actor_param, name, store)], 3, 10)
        lookup_folded = timed_runs(lambda: [to_term(actor_param, name.lower(), store)], 3, 10)
        # another spelling of the words (no brackets): every label is compared
        respelled = " ".join(name.replace("(", " ").replace(")", " ").split())
        lookup_scan = timed_runs(lambda: [to_term(actor_param, respelled, store)], 3, 10)
        store.close()
        if args.only:
            cases = [c for c in cases if c.query in args.only]
        w = Worker(store_dir)
        try:
            for c in cases:
                c.result = w.run(c, args.repeat, args.limit)
                print(c.query, c.label, c.result.get("rows"), summary(c.result["times"])[0]
                      if "times" in c.result else c.result, file=sys.stderr)  # fmt: skip
        finally:
            w.stop()
        base: dict[str, Any] = {}
        val: dict[str, Any] = {}
        if not args.no_baseline or not (args.no_validate or args.only):
            csv_path, ties_path = ingest.generate_files(work, args.rows, args.ties)
            a, b = slice_files(csv_path, ties_path, args.slice, args.slice / args.rows, work)
            small = open_store(":memory:")
            t0 = time.perf_counter()
            kg_ingest_api([a, b], small)
            base["slice_ingest_s"] = time.perf_counter() - t0
            buf = io.BytesIO()
            small.dump("nq", buf)
            data = buf.getvalue()
            base["slice_quads"] = len(small)
        if not args.no_baseline:
            base.update(baselines(data, cases, args))
        if not (args.no_validate or args.only):
            val = validations(small, store_dir, args)
    total = time.perf_counter() - t_all
    write(
        args,
        stats,
        cases,
        labels,
        (lookup, lookup_folded, lookup_scan),
        name,
        base,
        val,
        built,
        total,
    )


def baselines(data: bytes, cases: list[Case], args: Any) -> dict[str, Any]:
    """Loading and querying the slice: Oxigraph in memory against rdflib's Dataset."""
    import pyoxigraph as ox
    import rdflib

    from kg.query.registry import bind, get_query, prologue, to_term
    from kg.store.oxigraph import KGStore

    out: dict[str, Any] = {}
    oxi = KGStore(None)
    t0 = time.perf_counter()
    oxi.raw.load(data, format=ox.RdfFormat.N_QUADS)
    out["oxigraph_load_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    ds = rdflib.Dataset(default_union=True)
    ds.parse(data=data.decode("utf-8"), format="nquads")
    out["rdflib_load_s"] = time.perf_counter() - t0
    print(f"slice loaded: {out}", file=sys.stderr)
    # the same queries with the median parameters of the slice (the large store's median actor
    # may not be in it)
    on_slice = {c.query: c for c in choose_cases(oxi) if c.baseline}
    for c in cases:
        if not c.baseline:
            continue
        c.result["slice_case"] = mine = on_slice.get(c.query, c)
        q = get_query(c.query)
        values: dict[str, Any] = {
            p.name: to_term(p, mine.params[p.name], oxi) if p.name in mine.params else None
            for p in q.params
        }
        text = prologue() + bind(q.text, values)
        c.result["slice_oxigraph"] = timed_runs(lambda t=text: oxi.select(t).rows, args.repeat, 5)

        def rdflib_runs(t: str = text) -> dict[str, Any]:
            return timed_runs(lambda: list(ds.query(t)), 3, 5)

        c.result["slice_rdflib"] = in_child(rdflib_runs, args.baseline_limit)
        print(c.query, c.label, c.result["slice_oxigraph"], c.result["slice_rdflib"],
              file=sys.stderr)  # fmt: skip
    return out


def validations(small: Any, store_dir: Path, args: Any) -> dict[str, Any]:
    """``kg validate`` by SPARQL and by pyshacl on the example reports and the slice; by SPARQL
    on the large store."""
    from kg.api import ingest as kg_ingest_api
    from kg.api import open_store

    out: dict[str, Any] = {}
    ex = open_store(":memory:")
    kg_ingest_api([ROOT / "examples" / "reports"], ex)
    for key, st in (("examples", ex), ("slice", small)):
        for method in ("sparql", "shacl"):
            out[f"{key}_{method}"] = in_child(
                lambda s=st, m=method: validate_timed(s, m), args.shacl_limit
            )
            print(key, method, out[f"{key}_{method}"], file=sys.stderr)
    out["large_sparql"] = kg_validate(store_dir)
    print("large", out["large_sparql"], file=sys.stderr)
    return out


def _ms(x: float) -> str:
    return f"{x:,.1f} ms" if x < 1000 else f"{x / 1000:,.1f} s"


def write(
    args: Any,
    stats: dict[str, int],
    cases: list[Case],
    labels: dict[str, str],
    lookups: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
    name: str,
    base: dict[str, Any],
    val: dict[str, Any],
    built: dict[str, Any] | None,
    total: float,
) -> None:
    lookup, lookup_folded, lookup_scan = lookups
    respelled = " ".join(name.replace("(", " ").replace(")", " ").split())
    lines = [
        "## Named queries on the on-disk store (issue #8)",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}. The store: {args.rows:,} generated ACLED-format "
        f"rows and {args.ties:,} affiliation ties (benchmarks/generate.py), ingested with "
        f"`kg ingest`: {stats['quads']:,} quads, {stats['events']:,} events, "
        f"{stats['actors']:,} actors, {stats['places']:,} places, {stats['claims']:,} claims"
        + (
            f" (built here: rows {built['rows_s']:.0f} s, ties {built['ties_s']:.0f} s)"
            if built
            else ""
        )
        + ".",
        "",
        f"Each case: one warm-up, then the median and p90 of {args.repeat} runs of "
        "`run_named` (the code path of `kg query`, in process, parameters given as IRIs); "
        f"a case whose warm-up took over {args.limit / 8:.0f} s ran once more; one over "
        f"{args.limit:.0f} s was given up. "
        f"Selective queries (an actor, place or event given) have a {TARGET_MS:.0f} ms target.",
        "",
        "| query | parameters | selective | rows | median | p90 | under 50 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    missed = []
    for c in cases:
        r = c.result
        who = ", ".join(labels.get(v, v) for v in c.params.values())
        par = f"{c.label}: {who}" if who else c.label
        if "times" in r:
            med, p90 = summary(r["times"])
            ok = med < TARGET_MS
            meets = ("yes" if ok else "**no**") if c.selective else "-"
            if c.selective and not ok:
                per_row = f", {med / r['rows']:.2f} ms a row" if r["rows"] else ""
                missed.append(f"{c.query} ({c.label.split(' (')[0]}: {r['rows']:,} rows{per_row})")
            runs = "" if len(r["times"]) > 1 else " (1 run)"
            lines.append(
                f"| {c.query} | {par} | {'yes' if c.selective else 'no'} | {r['rows']:,} | "
                f"{_ms(med)}{runs} | {_ms(p90)} | {meets} |"
            )
        else:
            if c.selective:
                missed.append(f"{c.query} ({c.label.split(' (')[0]})")
            lines.append(
                f"| {c.query} | {par} | {'yes' if c.selective else 'no'} | - | "
                f"{r.get('error', '?')} | - | {'**no**' if c.selective else '-'} |"
            )
    sel = [c for c in cases if c.selective]
    lines += [
        "",
        f"Selective cases under {TARGET_MS:.0f} ms: {len(sel) - len(missed)} of {len(sel)}"
        + (f"; missed: {', '.join(missed)}." if missed else "."),
        "",
        f"Looking an actor up by name (:func:`kg.api.find_entity`) adds "
        f"{_ms(summary(lookup['times'])[0])} to a query given `-p actor='{name}'` (the label "
        f"as written: an index lookup), {_ms(summary(lookup_folded['times'])[0])} given "
        f"`-p actor='{name.lower()}'` (lower case: the usual letter cases are index lookups "
        f"too), and {_ms(summary(lookup_scan['times'])[0])} given `-p actor='{respelled}'` "
        f"(another spelling: every label is compared).",
        "",
    ]
    if "rdflib_load_s" in base:
        q = base["slice_quads"]
        ties = args.ties * args.slice // args.rows
        load_ratio = base["rdflib_load_s"] / base["oxigraph_load_s"]
        lines += [
            f"### Baselines on a slice: {args.slice:,} rows and {ties:,} "
            f"ties ({q:,} quads, ingested in memory in {base['slice_ingest_s']:.0f} s)",
            "",
            "| loading the slice's N-Quads | time | quads per second |",
            "|---|---|---|",
            f"| Oxigraph in memory (`Store.load`) | {base['oxigraph_load_s']:.1f} s | "
            f"{q / base['oxigraph_load_s']:,.0f} |",
            f"| baseline: rdflib `Dataset.parse` | {base['rdflib_load_s']:.1f} s | "
            f"{q / base['rdflib_load_s']:,.0f} |",
            f"| ratio (rdflib / Oxigraph) | {load_ratio:.1f}x | |",
            "",
            "The same SPARQL text on the slice (each query's median case, chosen on the slice "
            "as in the first table), Oxigraph in memory against rdflib's `Dataset` (Oxigraph: "
            f"median of {args.repeat} runs, rdflib: of 3, each after a warm-up; rdflib given "
            f"up after {args.baseline_limit:.0f} s):",
            "",
            "| query | parameters | rows | Oxigraph | rdflib | ratio (rdflib / Oxigraph) |",
            "|---|---|---|---|---|---|",
        ]
        for c in cases:
            if not c.baseline or "slice_oxigraph" not in c.result:
                continue
            o, r = c.result["slice_oxigraph"], c.result["slice_rdflib"]
            om = summary(o["times"])[0]
            if "times" in r:
                rm = summary(r["times"])[0]
                rows = f"{o['rows']:,}" + (
                    f" (rdflib {r['rows']:,})" if r["rows"] != o["rows"] else ""
                )
                cells = [rows, _ms(om), _ms(rm), f"{rm / om:,.0f}x"]
            else:
                over = f"over {args.baseline_limit * 1000 / om:,.0f}x" if "s" in r["error"] else "-"
                cells = [f"{o['rows']:,}", _ms(om), r["error"], over]
            mine = c.result.get("slice_case", c)
            lines.append(f"| {c.query} | {mine.label} | " + " | ".join(cells) + " |")
        lines.append("")
    if val:
        lines += [
            "### `kg validate`",
            "",
            "SHACL shapes (ontology/shapes.ttl) checked by the SPARQL queries compiled from them "
            "(kg/validate.py) against pyshacl with RDFS inference (the reference):",
            "",
            "| store | quads | SPARQL checks | pyshacl | ratio (pyshacl / SPARQL) | results |",
            "|---|---|---|---|---|---|",
        ]
        for key, title in (("examples", "the example reports"), ("slice", "the slice")):
            s, p = val[f"{key}_sparql"], val[f"{key}_shacl"]
            if "s" not in s:
                lines.append(f"| {title} | - | {s.get('error')} | - | - | - |")
                continue
            same = (
                "same counts"
                if "s" in p and (p["violations"], p["warnings"]) == (s["violations"], s["warnings"])
                else "pyshacl: "
                + (f"{p['violations']} violations, {p['warnings']} warnings" if "s" in p else "-")
            )
            lines.append(
                f"| {title} | {s['quads']:,} | {s['s']:.2f} s | "
                + (f"{p['s']:.2f} s | {p['s'] / s['s']:.0f}x" if "s" in p else f"{p['error']} | -")
                + f" | {s['violations']} violations, {s['warnings']} warnings ({same}) |"
            )
        lg = val["large_sparql"]
        if "quads" in lg:
            lines.append(
                f"| the large store (`kg validate`, peak memory {lg['peak_gb']:.1f} GB) | "
                f"{lg['quads']:,} | {lg['s']:.0f} s | "
                + (
                    "refused (over 2M quads: pyshacl holds the store in memory)"
                    if lg["quads"] > 2_000_000
                    else "not run"
                )
                + f" | - | {lg['violations']} violations, {lg['warnings']} warnings |"
            )
        else:
            lines.append(f"| the large store | - | {lg.get('error')} | - | - | - |")
        lines.append("")
    lines += [
        f"Reproduce: `.venv/bin/python benchmarks/queries.py --store DIR` (this run: "
        f"{total / 60:.0f} min; reusing the store of `benchmarks/ingest.py --keep DIR`).",
        "",
    ]
    text = "\n".join(lines)
    if not args.only:
        (ROOT / "benchmarks" / "queries_results.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    main()
