"""Benchmark of path and neighbourhood queries on a generated graph (issue #3).

A graph of 50,000 actors and 1,000,000 events (each with a perpetrator and a target, drawn
with skewed, power-law degrees) plus 100,000 affiliation ties is built directly as an
:class:`~kg.query.paths.ActorGraph` (the structure ``kg path`` uses), then:

- shortest path between random actor pairs: ``ActorGraph.shortest_path`` (networkx
  bidirectional search) against plain ``networkx.shortest_path`` (one-sided breadth-first
  search) on the same graph;
- radius-2 neighbourhood of random actors: ``ActorGraph.neighbourhood`` (scipy sparse BFS)
  against ``networkx.ego_graph``.

Targets: shortest path under 50 ms and radius-2 neighbourhood under 200 ms (medians).
Run: ``.venv/bin/python benchmarks/paths.py [--actors N --events N]``; prints a Markdown
section that ``benchmarks/run.py`` includes in RESULTS.md.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.query.paths import ActorGraph, Edge, Node, Source


def generate(actors: int, events: int, ties: int, seed: int = 1) -> ActorGraph:
    rng = np.random.default_rng(seed)
    # skewed activity: a few actors take part in very many events
    weights = rng.pareto(1.2, actors) + 1
    weights /= weights.sum()
    perp = rng.choice(actors, size=events, p=weights)
    tgt = rng.choice(actors, size=events, p=weights)
    src = (Source("generated"),)
    nodes = [Node(f"a{i}", f"actor {i}") for i in range(actors)]
    nodes += [Node(f"e{i}", f"event {i}", "event", "Attack", "2024-01-01") for i in range(events)]
    edges = []
    for i in range(events):
        edges.append(Edge(f"e{i}", f"a{perp[i]}", "perpetrator", "event", sources=src))
        edges.append(Edge(f"e{i}", f"a{tgt[i]}", "target", "event", sources=src))
    a = rng.choice(actors, size=ties, p=weights)
    b = rng.integers(0, actors, size=ties)
    for x, y in zip(a.tolist(), b.tolist(), strict=True):
        if x != y:
            edges.append(Edge(f"a{x}", f"a{y}", "affiliatedWith", "affiliation", sources=src))
    return ActorGraph(nodes, edges)


def median_ms(fn, args_list) -> tuple[float, float]:
    times = []
    for args in args_list:
        t0 = time.perf_counter()
        fn(*args)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), float(np.percentile(times, 90))


def main() -> str:
    ap = argparse.ArgumentParser()
    ap.add_argument("--actors", type=int, default=50_000)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--ties", type=int, default=100_000)
    ap.add_argument("--pairs", type=int, default=30)
    args = ap.parse_args()
    t0 = time.perf_counter()
    g = generate(args.actors, args.events, args.ties)
    view = g.view()
    build_s = time.perf_counter() - t0
    rng = np.random.default_rng(2)
    pairs = [(f"a{x}", f"a{y}") for x, y in rng.integers(0, args.actors, size=(args.pairs, 2))]
    sp, sp90 = median_ms(lambda a, b: g.shortest_path(a, b), pairs)
    base_sp, _base_sp90 = median_ms(lambda a, b: nx.shortest_path(view, a, b), pairs)
    t1 = time.perf_counter()
    g.neighbourhood("a0", 1)  # builds the sparse matrix once
    csr_s = time.perf_counter() - t1
    starts = [(a,) for a, _ in pairs]
    nb, nb90 = median_ms(lambda a: g.neighbourhood(a, 2), starts)
    few = starts[: max(5, args.pairs // 3)]
    base_nb, _base_nb90 = median_ms(lambda a: nx.ego_graph(view, a, radius=2), few)
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    lines = [
        "## Path and neighbourhood queries at scale (issue #3)",
        "",
        f"Generated graph: {args.actors:,} actors, {args.events:,} events (perpetrator and "
        f"target each, power-law activity), {args.ties:,} affiliation ties: "
        f"{view.number_of_nodes():,} nodes, {view.number_of_edges():,} edges. "
        f"Built in {build_s:.0f} s (view) + {csr_s:.1f} s (sparse matrix, once); "
        f"peak memory {peak_gb:.1f} GB. {args.pairs} random actor pairs.",
        "",
        "| query | median | p90 | baseline (same graph, same run) | baseline median "
        "| baseline / ours |",
        "|---|---|---|---|---|---|",
        f"| shortest path (`kg path`) | {sp:.1f} ms | {sp90:.1f} ms | networkx one-sided BFS "
        f"| {base_sp:.1f} ms | {base_sp / sp:.1f}x |",
        f"| radius-2 neighbourhood (`kg neighbors --hops 2`) | {nb:.1f} ms | {nb90:.1f} ms | "
        f"`networkx.ego_graph` | {base_nb:.0f} ms | {base_nb / nb:.0f}x |",
        "",
        f"Targets: shortest path under 50 ms ({'met' if sp < 50 else 'NOT met'}), radius-2 "
        f"neighbourhood under 200 ms ({'met' if nb < 200 else 'NOT met'}).",
        "",
        "Reproduce: `.venv/bin/python benchmarks/paths.py` (about two minutes, 2 cores).",
        "",
    ]
    text = "\n".join(lines)
    out = Path(__file__).resolve().parent / "paths_results.md"
    out.write_text(text)
    print(text)
    return text


if __name__ == "__main__":
    main()
