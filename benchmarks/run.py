"""Benchmarks of issue #2: start-up time of the CLI, extraction speed, store writes.

Each measurement is a median over repeated runs, next to a baseline measured in the same run on
the same machine, and reported as a ratio, because the machines are shared and noisy:

- ``kg --help`` against ``python -c pass`` (the interpreter's own start-up);
- extraction (words per second over the sample reports) against sentence splitting and
  tokenisation alone (the cheapest pass over the same text);
- writing the extracted quads to the embedded Oxigraph store against adding the same triples
  to rdflib's in-memory Graph.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/run.py``); rewrites benchmarks/RESULTS.md.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_help(repeat: int = 15) -> dict[str, float]:
    kg_bin = Path(sys.executable).parent / "kg"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}

    def run(cmd: list[str]) -> Callable[[], object]:
        return lambda: subprocess.run(cmd, check=True, capture_output=True, env=env)

    run([str(kg_bin), "--help"])()  # warm the file cache
    kg_t = median_time(run([str(kg_bin), "--help"]), repeat)
    base_t = median_time(run([sys.executable, "-c", "pass"]), repeat)
    return {"kg_help_s": kg_t, "python_pass_s": base_t, "ratio": kg_t / base_t}


def bench_extraction(repeat: int = 7) -> dict[str, float]:
    from kg.load.documents import collect_paths, read_report
    from kg.load.text.extract import ReportExtractor
    from kg.load.text.sentences import split_sentences, tokenize

    files = collect_paths([str(ROOT / "examples" / "reports")])
    shared = ROOT.parent / "shared" / "reports" / "mali-wagner-ambush-2024-11.txt"
    docs = [read_report(f) for f in files]
    if shared.exists():
        docs.append(read_report(shared, "2024-11-23"))
    words = sum(len(d.text.split()) for d in docs)
    ex = ReportExtractor()
    for d in docs:  # warm caches (lexicons, regexes)
        ex.extract(d)

    def extract_all() -> None:
        for d in docs:
            ex.extract(d)

    def baseline() -> None:
        for d in docs:
            for a, b in split_sentences(d.text):
                tokenize(d.text, a, b)

    t = median_time(extract_all, repeat)
    tb = median_time(baseline, repeat)
    return {
        "documents": len(docs),
        "words": words,
        "extract_s": t,
        "words_per_s": words / t,
        "baseline_words_per_s": words / tb,
        "ratio": t / tb,
    }


def bench_store(repeat: int = 7) -> dict[str, float]:
    import rdflib

    from kg.load.documents import collect_paths, read_report
    from kg.load.text.extract import ReportExtractor
    from kg.store.oxigraph import KGStore
    from kg.store.rdf import extraction_quads

    ex = ReportExtractor()
    exs = [ex.extract(read_report(f)) for f in collect_paths([str(ROOT / "examples/reports")])]
    quads = [q for e in exs for q in extraction_quads(e)]
    triples = [
        (rdflib.URIRef(q.subject.value), rdflib.URIRef(q.predicate.value), _lit(q.object))
        for q in quads
    ]

    def oxi() -> None:
        s = KGStore(None)
        for e in exs:
            s.add_extraction(e)

    def rdfl() -> None:
        g = rdflib.Graph()
        for t in triples:
            g.add(t)

    t = median_time(oxi, repeat)
    tb = median_time(rdfl, repeat)
    return {"quads": len(quads), "oxigraph_s": t, "rdflib_graph_add_s": tb, "ratio": t / tb}


def _lit(term: object) -> object:
    import pyoxigraph as ox
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    assert isinstance(term, ox.Literal)
    dt = term.datatype.value if term.datatype else None
    return rdflib.Literal(term.value, lang=term.language, datatype=None if term.language else dt)


def main() -> None:
    help_r = bench_help()
    ext = bench_extraction()
    store = bench_store()
    cpu = platform.processor() or platform.machine()
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`benchmarks/run.py`). Medians of repeated runs; each line has a",
        "baseline measured in the same run, and the ratio is what to compare across machines.",
        "",
        f"- machine: {platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores",
        f"- python: {platform.python_version()}",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        "## `kg --help` (target: under 0.3 s)",
        "",
        "| command | median |",
        "|---|---|",
        f"| `kg --help` | {help_r['kg_help_s'] * 1000:.0f} ms |",
        f"| baseline `python -c pass` | {help_r['python_pass_s'] * 1000:.0f} ms |",
        f"| ratio | {help_r['ratio']:.1f}x |",
        "",
        f"Target met: {'yes' if help_r['kg_help_s'] < 0.3 else 'NO'} "
        f"({help_r['kg_help_s'] * 1000:.0f} ms < 300 ms).",
        "",
        "## Report extraction speed",
        "",
        f"{ext['documents']:.0f} reports (examples/reports and the shared report), "
        f"{ext['words']:.0f} words.",
        "",
        "| pass | words per second |",
        "|---|---|",
        f"| full extraction | {ext['words_per_s']:,.0f} |",
        f"| baseline: sentence split and tokenise | {ext['baseline_words_per_s']:,.0f} |",
        f"| ratio (time of extraction / time of baseline) | {ext['ratio']:.0f}x |",
        "",
        "## Writing claims to the store",
        "",
        f"{store['quads']:.0f} quads from the extracted example reports.",
        "",
        "| store | median |",
        "|---|---|",
        f"| Oxigraph, atomic replace per document | {store['oxigraph_s'] * 1000:.1f} ms |",
        f"| baseline: rdflib `Graph.add` | {store['rdflib_graph_add_s'] * 1000:.1f} ms |",
        f"| ratio (Oxigraph / rdflib) | {store['ratio']:.2f}x |",
        "",
        "Reproduce: `make bench`.",
        "",
    ]
    # the large path benchmark takes minutes: it writes its own section, included here
    for extra in (
        "paths_results.md",
        "viz_results.md",
        "ingest_results.md",
        "queries_results.md",
        "backends_results.md",
    ):
        md = ROOT / "benchmarks" / extra
        if md.exists():
            lines += [md.read_text()]
    out = ROOT / "benchmarks" / "RESULTS.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
