"""Benchmark of the network page at 5,000 nodes (issue #4).

Times the page generation (``network_data`` + ``render_network``: node and edge lists
assigned at once, positions precomputed) against pyvis's own way (``add_node``/``add_edge``
one at a time, then ``write_html``) on the same graph in the same run, then opens the page in
headless Chromium and times until it is interactive (``window.kgReady``, set on the first
drawing). Target: generated in under 5 s and interactive in the browser.

Run: ``.venv/bin/python benchmarks/viz.py``; writes benchmarks/viz_results.md, which
``benchmarks/run.py`` includes in RESULTS.md.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.query.paths import ActorGraph, Edge, Node, Source  # noqa: E402
from kg.viz.network import network_data, render_network  # noqa: E402


def generate(actors: int, events: int, seed: int = 3) -> ActorGraph:
    rng = np.random.default_rng(seed)
    w = rng.pareto(1.3, actors) + 1
    w /= w.sum()
    src = (Source("generated"),)
    nodes = [Node(f"a{i}", f"Actor {i}", type="ArmedGroup") for i in range(actors)]
    nodes += [Node(f"e{i}", f"Event {i}", "event", "Attack", "2024-01-01") for i in range(events)]
    edges = []
    for i in range(events):
        p, t = rng.choice(actors, size=2, p=w)
        edges.append(Edge(f"e{i}", f"a{p}", "perpetrator", "event", sources=src))
        edges.append(Edge(f"e{i}", f"a{t}", "target", "event", sources=src))
    for _ in range(actors):
        a, b = rng.integers(0, actors, size=2)
        if a != b:
            edges.append(Edge(f"a{a}", f"a{b}", "affiliatedWith", "affiliation", sources=src))
    return ActorGraph(nodes, edges)


def ours(graph: ActorGraph, out: Path) -> int:
    nodes, edges = network_data(graph)
    render_network(nodes, edges, out)
    return len(nodes)


def pyvis_add_edge(graph: ActorGraph, out: Path) -> None:
    from pyvis.network import Network

    net = Network(cdn_resources="in_line")
    for n in graph.nodes_list:
        net.add_node(n.id, label=n.label)
    for e in graph.edges:
        net.add_edge(e.u, e.v)
    net.toggle_physics(False)
    net.write_html(str(out), notebook=False)


def interactive_seconds(page: Path) -> float | None:
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        return None
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--window-size=1400,900",
    ):
        opts.add_argument(flag)
    d = webdriver.Chrome(service=Service(executable_path=driver), options=opts)
    try:
        t0 = time.perf_counter()
        d.get(page.as_uri())
        while not d.execute_script("return window.kgReady === true"):
            if time.perf_counter() - t0 > 120:
                return float("inf")
            time.sleep(0.05)
        return time.perf_counter() - t0
    finally:
        d.quit()


def main() -> str:
    graph = generate(1500, 3500)
    tmp = Path(tempfile.mkdtemp())
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        count = ours(graph, tmp / "ours.html")
        runs.append(time.perf_counter() - t0)
    gen = statistics.median(runs)
    t0 = time.perf_counter()
    pyvis_add_edge(graph, tmp / "pyvis.html")
    base = time.perf_counter() - t0
    inter = interactive_seconds(tmp / "ours.html")
    lines = [
        "## Network page at 5,000 nodes (issue #4)",
        "",
        f"Generated graph: 1,500 actors and 3,500 events ({count:,} nodes on the page, "
        f"{len(graph.edges):,} edges).",
        "",
        "| step | time |",
        "|---|---|",
        f"| page generation (`kg viz network`: lists assigned, positions precomputed), median "
        f"of 3 | {gen:.2f} s |",
        f"| baseline: pyvis `add_node`/`add_edge` one at a time + `write_html` | {base:.2f} s |",
        f"| ratio (baseline / ours) | {base / gen:.1f}x |",
        "| interactive in headless Chromium (page load to first drawing) | "
        + (f"{inter:.2f} s |" if inter is not None else "not measured (no chromium) |"),
        "",
        f"Target: generated in under 5 s ({'met' if gen < 5 else 'NOT met'}) and interactive "
        "in the browser.",
        "",
        "Reproduce: `.venv/bin/python benchmarks/viz.py` (needs Debian's chromium and "
        "chromium-driver for the browser line).",
        "",
    ]
    text = "\n".join(lines)
    (ROOT / "benchmarks" / "viz_results.md").write_text(text)
    print(text)
    return text


if __name__ == "__main__":
    main()
