"""Benchmark of the stores (issue #6): the embedded Oxigraph store, a Bolt + Cypher server (a
real Neo4j when ``NEO4J_URI`` is set, else ArcadeDB started here) and a SPARQL server (the
Oxigraph server, through :class:`kg.store.sparql.SparqlStore`).

The graph: ``ROWS`` generated ACLED-format rows (benchmarks/generate.py: skewed actor activity,
ten years of dates, 20,000 places) plus the sample reports, ingested into an in-memory store.
Measured, all in the same run:

- ``kg neo4j push`` of the whole graph into an empty database (nodes + relationships per
  second), a second push (nothing to change) and a sync after one report changed;
- loading the same quads into the SPARQL server (one N-Quads POST to ``/store``);
- the median latency of every named query (its header's example parameters, a few chosen to be
  heavy) on each store, with the number of rows each returned.

Run: ``.venv/bin/python benchmarks/backends.py [--rows 100000] [--repeat 5]``; writes
benchmarks/backends_results.md, which ``benchmarks/run.py`` includes in RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

#: Parameters that make a query do real work on the generated graph (else the header example).
HEAVY = {
    "actors_in_place": {"place": "Mali"},
    "events_of_actor": {"actor": "JNIM"},
    "timeline": {"actor": "Wagner"},
    "fatalities_by_actor": {"actor": "JNIM"},
    "sources": {"subject": "JNIM"},
}


def params_of(q: Any) -> dict[str, str]:
    if q.name in HEAVY:
        return dict(HEAVY[q.name])
    return {p.name: p.example for p in q.params if p.required and p.example}


def median_ms(fn: Callable[[], Any], repeat: int, *, warm: bool = True) -> tuple[float, Any]:
    """Median of ``repeat`` runs after one warm-up; a query slower than 5 s runs once more."""
    result = None
    if warm:
        t0 = time.perf_counter()
        result = fn()  # warm-up (caches, query plans)
        if time.perf_counter() - t0 > 5:
            repeat = 1
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000, result


def build(rows: int, work: Path) -> Any:
    import generate

    from kg.api import ingest, open_store

    csv_path = work / "generated.csv"
    generate.main(rows, csv_path)
    store = open_store(":memory:")
    t0 = time.perf_counter()
    ingest([str(ROOT / "examples" / "reports"), str(csv_path)], store)
    return store, time.perf_counter() - t0


def bolt() -> tuple[Any, Any, str]:
    from servers import external_bolt, start_arcadedb

    from kg.store.neo4j import Neo4jSettings, Neo4jStore

    server = external_bolt()
    name = "Neo4j (NEO4J_URI)"
    if server is None:
        server = start_arcadedb()
        name = "ArcadeDB 26.10.2 (Bolt)"
    neo = Neo4jStore(
        Neo4jSettings(
            uri=server.uri,
            user=server.user,
            password=server.password,
            database=server.database or None,
        )
    )
    return server, neo, name


def sparql_server(store: Any) -> tuple[Any, Any, float]:
    import io

    from servers import start_oxigraph

    from kg.store.sparql import SparqlStore

    server = start_oxigraph()
    buf = io.BytesIO()
    store.dump("nq", buf)
    t0 = time.perf_counter()
    req = urllib.request.Request(
        f"{server.url}/store",
        data=buf.getvalue(),
        headers={"Content-Type": "application/n-quads"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=3600) as resp:
        resp.read()
    load = time.perf_counter() - t0
    timeout = os.environ.get("KG_BENCH_SPARQL_TIMEOUT", "120")
    return server, SparqlStore(f"sparql+{server.url}?timeout={timeout}"), load


def path_row(store: Any, neo: Any, repeat: int) -> dict[str, Any]:
    """``kg path JNIM Ukraine`` (the default view): embedded (which builds its actor graph
    from the store each time) against the server's shortest path."""
    from kg.api import find_entity
    from kg.api import path as embedded_path
    from kg.query.neo4j_path import shortest_path

    a, b = find_entity("JNIM", store), find_entity("Ukraine", store)
    emb_ms, emb = median_ms(lambda: embedded_path(a, b, store), repeat)
    bolt_ms, hops = median_ms(lambda: shortest_path(neo, a, b), repeat)
    return {
        "query": "path (kg path)",
        "params": "JNIM, Ukraine",
        "rows": len(emb[0]) if emb else 0,
        "embedded_ms": emb_ms,
        "bolt_ms": bolt_ms,
        "bolt_rows": len(hops),
        "sparql_note": "- (the path view reads the store)",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-sparql", action="store_true", help="Skip the SPARQL server column.")
    ap.add_argument(
        "--sparql-repeat",
        type=int,
        default=1,
        help="Runs per query on the SPARQL server, after no warm-up (it is much slower).",
    )
    args = ap.parse_args()
    # a killed run still stops its servers (by their process ids) and removes its files
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    from kg.errors import KGError
    from kg.query.cypher import run_cypher_named
    from kg.query.registry import registry, run_named
    from kg.store.neo4j import push, sync

    servers: list[Any] = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        store, ingest_s = build(args.rows, Path(tmp))
        stats = store.stats()
        print(f"embedded store: {len(store):,} quads, ingest {ingest_s:.1f} s", file=sys.stderr)
        try:
            server, neo, bolt_name = bolt()
            servers.append(server)
            neo.clear()
            t0 = time.perf_counter()
            first = push(store, neo, progress=lambda m: print(m, file=sys.stderr))
            push_s = time.perf_counter() - t0
            counts = neo.counts()
            written = first.nodes_created + first.relationships_created
            print(f"push {push_s:.1f} s, {written / push_s:,.0f} items/s", file=sys.stderr)
            t0 = time.perf_counter()
            again = push(store, neo)
            again_s = time.perf_counter() - t0
            # one report changed: its graph is sent again, nothing else
            from kg.api import extract_file

            report = sorted((ROOT / "examples" / "reports").glob("*.txt"))[0]
            ex = extract_file(report)
            ex.document.title += " (revised)"
            store.add_extraction(ex)
            t0 = time.perf_counter()
            one = sync(store, neo)
            sync_s = time.perf_counter() - t0
            sparql = None
            load_s = None
            if not args.no_sparql:
                try:
                    srv, sparql, load_s = sparql_server(store)
                    servers.append(srv)
                except Exception as e:  # the column is optional
                    print(f"SPARQL server skipped: {e}", file=sys.stderr)
            rows = []
            for name, q in sorted(registry().items()):
                params = params_of(q)
                emb_ms, emb = median_ms(
                    lambda n=name, p=params: run_named(n, p, store), args.repeat
                )
                cy_ms, cy = median_ms(
                    lambda n=name, p=params: run_cypher_named(n, p, store, neo), args.repeat
                )
                row = {
                    "query": name,
                    "params": ", ".join(f"{k}={v}" for k, v in params.items()),
                    "rows": len(emb),
                    "embedded_ms": emb_ms,
                    "bolt_ms": cy_ms,
                    "bolt_rows": len(cy),
                }
                if sparql is not None:
                    try:
                        sp_ms, sp = median_ms(
                            lambda n=name, p=params: run_named(n, p, sparql),
                            args.sparql_repeat,
                            warm=False,
                        )
                        row.update(sparql_ms=sp_ms, sparql_rows=len(sp))
                    except KGError as e:
                        msg = str(e)
                        timeout = os.environ.get("KG_BENCH_SPARQL_TIMEOUT", "120")
                        row.update(
                            sparql_error=f"over {timeout} s (timed out)"
                            if "no answer" in msg
                            else msg.split(";")[0][-80:]
                        )
                rows.append(row)
                print(row, file=sys.stderr)
            rows.append(path_row(store, neo, args.repeat))
            print(rows[-1], file=sys.stderr)
        finally:
            for s in servers:
                s.stop()
    measured = {
        "stats": stats,
        "ingest_s": ingest_s,
        "bolt_name": bolt_name,
        "first": first,
        "push_s": push_s,
        "counts": counts,
        "again": again,
        "again_s": again_s,
        "one": one,
        "sync_s": sync_s,
        "load_s": load_s,
    }
    write(args, rows, **measured)


def write(
    args: Any,
    rows: list[dict[str, Any]],
    *,
    stats: dict[str, int],
    ingest_s: float,
    bolt_name: str,
    first: Any,
    push_s: float,
    counts: dict[str, int],
    again: Any,
    again_s: float,
    one: Any,
    sync_s: float,
    load_s: float | None,
) -> None:
    written = first.nodes_created + first.relationships_created
    has_sparql = load_s is not None
    lines = [
        "## Stores: embedded, Bolt (Neo4j) and SPARQL server (issue #6)",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; `benchmarks/backends.py --rows {args.rows}`. The "
        f"graph: {args.rows:,} generated ACLED-format rows and the sample reports, "
        f"{stats['quads']:,} quads ({stats['events']:,} events, {stats['actors']:,} actors), "
        f"ingested in {ingest_s:.1f} s. Bolt server: {bolt_name}, on the same machine.",
        "",
        "| step | time | what |",
        "|---|---|---|",
        f"| push into an empty database | {push_s:.1f} s | {first.nodes_created:,} nodes and "
        f"{first.relationships_created:,} relationships: **{written / push_s:,.0f} items/s** |",
        f"| second push | {again_s:.1f} s | {again.written} writes (reads the server, "
        "changes nothing) |",
        f"| sync after one report changed | {sync_s:.2f} s | {len(one.changed_graphs)} graph "
        f"sent, {one.written} writes |",
    ]
    if has_sparql:
        lines.append(
            f"| load into the SPARQL server | {load_s:.1f} s | one N-Quads POST to `/store` "
            f"(Oxigraph server, on disk); its queries: {args.sparql_repeat} run(s), no warm-up, "
            "120 s limit |"
        )
    lines += [
        "",
        f"Server after the push: {counts['nodes']:,} nodes, {counts['relationships']:,} "
        "relationships (with the `IN_GRAPH` relationships that say which document states what).",
        "",
        f"Median latency of each named query over {args.repeat} runs after one warm-up (one "
        "run when the warm-up took over 5 s), in milliseconds (the same parameters on every "
        "store; rows returned in brackets when they differ from the embedded store's):",
        "",
    ]
    head = "| query | parameters | rows | embedded (SPARQL) | Bolt (Cypher twin) | SPARQL server |"
    sep = "|---|---|---|---|---|---|"
    lines += [head, sep]
    for r in rows:
        bolt_cell = f"{r['bolt_ms']:,.1f}" + (
            f" ({r['bolt_rows']} rows)" if r["bolt_rows"] != r["rows"] else ""
        )
        cells = [r["query"], r["params"] or "-", str(r["rows"]), f"{r['embedded_ms']:,.1f}"]
        cells.append(bolt_cell)
        if "sparql_note" in r:
            cells.append(r["sparql_note"])
        elif "sparql_error" in r:
            cells.append(r["sparql_error"])
        elif has_sparql:
            cells.append(
                f"{r['sparql_ms']:,.1f}"
                + (f" ({r['sparql_rows']} rows)" if r["sparql_rows"] != r["rows"] else "")
            )
        else:
            cells.append("not measured")
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "The Bolt column includes the driver round trip; the embedded column runs in process. "
        "Row counts are compared here only by number; tests/test_neo4j.py checks that the rows "
        "themselves are the same.",
        "",
    ]
    out = ROOT / "benchmarks" / "backends_results.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
