"""The Python API: everything the CLI does, as functions.

>>> import kg
>>> store = kg.open_store(":memory:")
>>> kg.ingest(["examples/reports/01-mopti-wagner-ambush.txt"], store)[0].document.title[:20]
'Al-Qaeda affiliate k'
>>> kg.show("JNIM", store)["label"]
"Jama'at Nusrat al-Islam wal-Muslimin"
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import KGError, QueryError
from kg.model import Extraction
from kg.store.oxigraph import KGStore, Rows, default_location

if TYPE_CHECKING:
    from kg.store.sparql import SparqlStore


def open_store(location: str | os.PathLike[str] | None = None) -> KGStore | SparqlStore:
    """Open the store at ``location`` (default: ``KG_STORE`` or ``./kg-data``).

    ``":memory:"`` gives an in-memory store; ``sparql+http://HOST:PORT[/PATH]`` (or
    ``sparql+https://``) a remote SPARQL 1.1 server (see :mod:`kg.store.sparql`). The ontology
    and the reference entities are loaded on first use and refreshed when their files change.
    """
    loc = default_location() if location is None else location
    if isinstance(loc, str) and loc.startswith(("sparql+http://", "sparql+https://")):
        from kg.store.sparql import SparqlStore

        remote = SparqlStore(loc)
        remote.ensure_reference()
        return remote
    store = KGStore(loc)
    store.ensure_reference()
    return store


def extract_text(
    text: str, *, report_date: str | None = None, title: str = "text", doc_id: str = "text"
) -> Extraction:
    """Extract claims from a string (nothing is stored)."""
    from kg.load.documents import parse_report
    from kg.load.text.extract import ReportExtractor

    doc = parse_report(text.encode("utf-8"), where=doc_id, report_date=report_date, stem=doc_id)
    if doc.title.endswith("...") or not doc.title:
        doc.title = title
    return ReportExtractor().extract(doc)


def extract_file(path: str | os.PathLike[str], *, report_date: str | None = None) -> Extraction:
    """Extract claims from a report file (nothing is stored)."""
    from kg.load.documents import read_report
    from kg.load.text.extract import ReportExtractor

    return ReportExtractor().extract(read_report(Path(path), report_date))


FORMATS_HELP = "report (plain text), or a dataset mapping in loaders/: "


def detect_format(path: Path) -> str:
    """The format of a file, from its extension and its header (see ``loaders/``)."""
    from kg.errors import LoaderError
    from kg.load.documents import REPORT_SUFFIXES
    from kg.load.tabular import detect, mappings

    suffix = path.suffix.lower()
    if suffix in REPORT_SUFFIXES:
        return "report"
    if not path.is_file():
        raise LoaderError("no such file", path=str(path))
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError:
        head = b""  # said by the loader that opens it
    from kg.load.documents import refuse_wide_encoding

    refuse_wide_encoding(head, str(path))
    if suffix in (".json", ".jsonl", ".ndjson"):
        from kg.load.stix import detect_json

        kind = detect_json(path)
        if kind:
            return kind
    m = detect(path)
    if m is not None:
        return m.name
    known = ", ".join(["report", "stix", "ftm", *mappings()])
    raise LoaderError(
        f"unrecognised format (known: {known}); give --format NAME if it is one of them",
        path=str(path),
    )


#: A STIX or FtM file with more quads than this is bulk-written (see :meth:`KGStore.begin_bulk`)
BULK_QUADS = 200_000


def ingest(
    paths: list[str] | list[Path],
    store: KGStore,
    *,
    report_date: str | None = None,
    progress: Callable[[str], None] | None = None,
    fmt: str | None = None,
    on_error: str = "fail",
    force: bool = False,
) -> list[Extraction]:
    """Load every report and dataset file under ``paths``, each into its own named graph.

    The format of each file is recognised from the file itself (``fmt`` overrides it):
    reports are extracted with the text rules, dataset files (ACLED, UCDP GED, GDELT...) are
    streamed through their mapping in ``loaders/``. All files are written to hidden staging
    graphs first and made visible together in one transaction: a bad file stops the whole
    ingest with nothing stored. Ingesting a file again replaces its graph. ``on_error``
    ("fail" or "skip") says what a malformed dataset row does; a dataset file unchanged since
    it was last loaded is skipped unless ``force``. Dataset files, and STIX or FtM files of
    more than :data:`BULK_QUADS` quads, are bulk-written into their graphs (fast, under a journal
    entry that drops a graph whose load was killed) rather than in the one transaction.
    """
    from kg.errors import LoaderError
    from kg.load.documents import collect_paths, read_report
    from kg.load.tabular import LoadReport, TabularLoader, dataset_document, mappings
    from kg.load.text.extract import ReportExtractor
    from kg.store.rdf import extraction_quads

    if on_error not in ("fail", "skip"):
        raise LoaderError(f"--on-error is fail or skip, not {on_error!r}")
    if fmt is not None and fmt not in ("report", "stix", "ftm") and fmt not in mappings():
        known = ", ".join(["report", "stix", "ftm", *mappings()])
        raise LoaderError(f"unknown format {fmt!r} (known: {known})")
    files = collect_paths([str(p) for p in paths], datasets=True)
    formats = [(f, fmt or detect_format(f)) for f in files]
    extractor = ReportExtractor()
    results: list[Extraction] = []
    staged: list[str] = []
    try:
        reports = [
            (f, extractor.extract(read_report(f, report_date))) for f, k in formats if k == "report"
        ]
        for f, ex in reports:
            n = store.stage(ex.document.id, extraction_quads(ex), fresh=True)
            staged.append(ex.document.id)
            ex.summary = {"format": "report", "quads": n}
            results.append(ex)
            if progress:
                progress(
                    f"{f}: report, {len(ex.entities)} entities, {len(ex.relations)} relations, "
                    f"{len(ex.events)} events, {len(ex.statements)} statements ({n} quads)"
                )
        for f, k in formats:
            if k not in ("stix", "ftm"):
                continue
            from kg.load.ftm import read_ftm
            from kg.load.stix import read_stix

            ex = read_stix(f) if k == "stix" else read_ftm(f)
            quads = extraction_quads(ex)
            if len(quads) > BULK_QUADS:
                # a large file is bulk-written like a dataset: one transaction of millions of
                # quads on disk takes minutes and gigabytes (100k FtM ties: 7 min, 7 GB)
                store.begin_bulk(ex.document.id)
                try:
                    n = store.bulk_add(ex.document.id, quads)
                except BaseException:
                    store.end_bulk(ex.document.id, ok=False)
                    raise
                store.end_bulk(ex.document.id)
            else:
                n = store.stage(ex.document.id, quads, fresh=True)
                staged.append(ex.document.id)
            ex.summary = {**ex.summary, "format": k, "quads": n}
            results.append(ex)
            if progress:
                progress(
                    f"{f}: {k}, {len(ex.entities)} entities, {len(ex.relations)} relations, "
                    f"{len(ex.events)} events ({n} quads)"
                )
        for f, k in formats:
            if k in ("report", "stix", "ftm"):
                continue
            mapping = mappings()[k]
            doc = dataset_document(f, mapping)
            if not force and store.graph_sha256(doc.id) == doc.sha256:
                results.append(Extraction(document=doc, summary={"format": k, "unchanged": True}))
                if progress:
                    progress(f"{f}: {k}, unchanged since it was last loaded: skipped")
                continue
            report = LoadReport(str(f), k)
            loader = TabularLoader(mapping)
            written = 0
            # a dataset file can be large: it is bulk-written straight into its graph, under a
            # journal entry that makes a killed load drop the graph (see KGStore.begin_bulk)
            store.begin_bulk(doc.id)
            try:
                written = _bulk_dataset(store, loader, f, doc, report, on_error, progress)
            except BaseException:
                store.end_bulk(doc.id, ok=False)
                raise
            store.end_bulk(doc.id)
            summary = {
                "format": k,
                "rows": report.rows,
                "loaded": report.loaded,
                "skipped": report.skipped,
                "entities": report.entities,
                "resolved": report.resolved,
                "quads": written,
                "errors": report.errors[:20],
            }
            results.append(Extraction(document=doc, summary=summary))
            if progress:
                for err in report.errors[:20]:
                    progress(f"skipped {err}")
                progress(
                    f"{f}: {k}, {report.rows:,} rows, {report.loaded:,} loaded, "
                    f"{report.skipped:,} skipped, {report.entities:,} actors and places "
                    f"({report.resolved:,} known), {written:,} quads"
                )
        store.commit(staged)
    except BaseException:
        store.abort(staged)
        raise
    from kg.judgements import refresh

    refresh(store)  # merges also cover what was just loaded
    store.flush()
    return results


def _bulk_dataset(
    store: KGStore,
    loader: Any,
    path: Path,
    doc: Any,
    report: Any,
    on_error: str,
    progress: Callable[[str], None] | None,
) -> int:
    """Write one dataset file into its graph: rows are read and turned into N-Quads text
    (:mod:`kg.store.nquads`) in a second thread while this one hands the previous chunk to the
    store's bulk loader, which releases the GIL. Returns the quads written.

    Measured on two cores at 1M rows: the parse takes 26 s of CPU and the loader about 45 s
    (more than one core), together 58-62 s; one after the other they took 81 s.
    """
    import contextlib
    import queue
    import threading

    from kg.store.nquads import DatasetWriter

    writer = DatasetWriter(doc.id)
    chunks: queue.Queue[tuple[bytes, int] | BaseException | None] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def produce() -> None:
        try:
            for text, n in loader.text_chunks(
                path, doc, report, writer, on_error=on_error, progress=progress, chunk=20000
            ):
                if stop.is_set():
                    return
                chunks.put((text.encode(), n))
            # the document's own quads (its checksum among them) come last: a graph that has
            # them is complete
            head = writer.document(Extraction(document=doc), loader.publisher, loader.rule)
            chunks.put((head.encode(), head.count("\n")))
            chunks.put(None)
        except BaseException as e:  # handed to the writing thread, raised there
            chunks.put(e)

    worker = threading.Thread(target=produce, name="kg-rows", daemon=True)
    worker.start()
    written = 0
    try:
        while True:
            item = chunks.get()
            if item is None:
                break
            if isinstance(item, BaseException):
                raise item
            store.bulk_add_text(doc.id, item[0])
            written += item[1]
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting on a full queue
            with contextlib.suppress(queue.Empty):
                chunks.get(timeout=0.1)
        worker.join()
    return written


def stats(store: KGStore) -> dict[str, int]:
    """Counts of documents, actors, places, events, claims, unresolved entities, quads."""
    return store.stats()


def sparql(store: KGStore, query: str) -> Rows:
    """Run a SELECT or ASK query over the union of all graphs."""
    return store.select(query)


EXPORT_FORMATS = ("trig", "ttl", "nq", "jsonld", "graphml", "gexf", "neo4j-csv", "stix", "ftm")


def export(store: KGStore, fmt: str, out: Any) -> None:
    """Write the whole store: RDF (``ttl``, ``trig``, ``nq``, ``jsonld`` with the project's
    ``@context``), the actor graph for Gephi (``graphml``, ``gexf``), or ``neo4j-csv`` (``out``
    is then a folder, for ``neo4j-admin database import``)."""
    from kg import exports as ex

    if fmt == "jsonld":
        ex.jsonld(store, out)
    elif fmt == "graphml":
        ex.graphml(store, out)
    elif fmt == "gexf":
        ex.gexf(store, out)
    elif fmt == "neo4j-csv":
        ex.neo4j_csv(store, out)
    elif fmt == "stix":
        from kg.export_formats import export_stix

        export_stix(store, out)
    elif fmt == "ftm":
        import io

        from kg.export_formats import export_ftm

        text = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
        try:
            export_ftm(store, text)
            text.flush()
        finally:
            text.detach()
    else:
        store.dump(fmt, out)


# words a Title Case name leaves in lower case ("Ministry of Defence")
_SMALL_WORDS = frozenset(
    {"a", "an", "and", "at", "de", "del", "des", "du", "el", "for", "in", "la", "le", "of", "on"}
    | {"the", "to", "von"}
)


def _case_variants(name: str) -> list[str]:
    """``name`` as typed, then in the letter cases labels are usually written in."""
    words = name.lower().split(" ")
    smart = " ".join(
        w if i and w in _SMALL_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )
    out: list[str] = []
    for v in (name, name.lower(), name.upper(), name.title(), smart):
        if v not in out:
            out.append(v)
    return out


def find_entity(name: str, store: KGStore) -> str:
    """The IRI of the entity called ``name`` (label, alias or mention; case-insensitive)."""
    from kg.ontology import SKOS, ontology
    from kg.resolve import default_resolver, key_tokens

    o = ontology()
    if name.startswith(("http://", "https://")):
        import pyoxigraph as ox

        try:
            return ox.NamedNode(name).value
        except ValueError:
            raise QueryError(f"{name!r} is not a valid IRI") from None
    ref = default_resolver().lookup(name)
    if ref is not None:
        return ref.id
    import pyoxigraph as ox

    # the name as a label is written, or in the letter case labels are usually written in
    # (as typed, lower, upper, Title Case with or without small words): index lookups; the
    # scan below reads every label in the store, seconds at a million events
    exact = " ".join(
        f"{ox.Literal(v, language='en')} {ox.Literal(v)}" for v in _case_variants(name)
    )
    rows = store.select(
        f"""SELECT DISTINCT ?e WHERE {{
              VALUES ?l {{ {exact} }}
              GRAPH ?g {{ {{ ?e <{SKOS}prefLabel> ?l }} UNION {{ ?e <{SKOS}altLabel> ?l }} }}
              ?e <{o.prop("resolved")}> ?r
              FILTER(!CONTAINS(STR(?g), "/doc/judgement-")) }}"""
    ).rows
    if len(rows) == 1:
        return str(rows[0]["e"])
    rows = store.select(
        f"""SELECT DISTINCT ?e ?l WHERE {{
              GRAPH ?g {{ {{ ?e <{SKOS}prefLabel> ?l }} UNION {{ ?e <{SKOS}altLabel> ?l }} }}
              ?e <{o.prop("resolved")}> ?r
              # a merged record's name is an alias of the target, not another name for it
              FILTER(!CONTAINS(STR(?g), "/doc/judgement-")) }}"""
    ).rows
    # the name as written wins over names that only share its words (names without any, such
    # as emoji, all share the same empty key)
    hits = sorted({r["e"] for r in rows if str(r["l"]) == name})
    want = key_tokens(name)
    if not hits:
        hits = sorted({r["e"] for r in rows if key_tokens(str(r["l"])) == want})
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise QueryError(f"{name!r} is ambiguous: {', '.join(hits)}; give the IRI")
    import difflib

    labels = sorted({str(r["l"]) for r in rows})
    folded = {" ".join(key_tokens(lab)): lab for lab in labels}
    close = [
        folded[k] for k in difflib.get_close_matches(" ".join(want), list(folded), n=5, cutoff=0.6)
    ]
    close += [lab for lab in labels if want and want[0] in key_tokens(lab) and lab not in close]
    hint = f" (closest known names: {', '.join(close[:6])})" if close else ""
    raise QueryError(f"no entity called {name!r} in the store{hint}")


def show(name: str, store: KGStore, *, as_of: str | None = None) -> dict[str, Any]:
    """Everything the store knows about an entity: labels, type, relations with their
    sources and evidence, and the events it took part in with their fatality claims.

    ``as_of`` (YYYY[-MM[-DD]]) keeps only relations valid on that date and events before it.
    """
    from kg.query.show import entity_view

    return entity_view(find_entity(name, store), store, as_of=as_of)


def named_query(name: str, store: KGStore, **params: str) -> Rows:
    """Run a named query (see ``queries/``) with text parameters.

    >>> rows = named_query("affiliations", store, actor="JNIM")  # doctest: +SKIP
    """
    from kg.query.registry import run_named

    return run_named(name, {k: v for k, v in params.items() if v is not None}, store)


def actor_graph(store: KGStore) -> Any:
    """The :class:`~kg.query.paths.ActorGraph` of the store (for path questions)."""
    from kg.query.paths import ActorGraph

    return ActorGraph.from_store(store)


def path(
    a: str,
    b: str,
    store: KGStore,
    *,
    max_hops: int = 4,
    via: list[str] | None = None,
    as_of: str | None = None,
    actors_only: bool = False,
    all_paths: bool = False,
) -> list[list[dict[str, Any]]]:
    """Paths from actor ``a`` to actor ``b``: the shortest one, or every simple path of at most
    ``max_hops`` hops with ``all_paths``. Each hop gives its relation, dates and sources.

    >>> [h["relation"] for h in path("JNIM", "Ukraine", store)[0]]  # doctest: +SKIP
    ['perpetrator', 'target', 'severedRelationsWith']
    """
    g = actor_graph(store)
    ia, ib = find_entity(a, store), find_entity(b, store)
    if all_paths:
        return g.all_paths(ia, ib, max_hops=max_hops, via=via, as_of=as_of, actors_only=actors_only)
    hops = g.shortest_path(ia, ib, via=via, as_of=as_of, actors_only=actors_only)
    if not hops:
        return []
    steps = len(hops) - sum(1 for h in hops if h["through_event"])
    return [hops] if steps <= max_hops else []


def neighbors(
    name: str,
    store: KGStore,
    *,
    hops: int = 1,
    via: list[str] | None = None,
    as_of: str | None = None,
    actors_only: bool = False,
) -> list[dict[str, Any]]:
    """The ego network of an entity: every node within ``hops`` hops, with its distance."""
    g = actor_graph(store)
    dist = g.neighbourhood(
        find_entity(name, store), hops, via=via, as_of=as_of, actors_only=actors_only
    )
    rows = []
    for node, d in dist.items():
        n = g.nodes.get(node)
        rows.append(
            {
                "id": node,
                "label": g.label(node),
                "kind": n.kind if n else "",
                "type": n.type if n else "",
                "distance": d,
            }
        )
    return sorted(rows, key=lambda r: (r["distance"], r["kind"], r["label"]))


def analyze(store: KGStore, *, as_of: str | None = None, top: int = 10) -> dict[str, Any]:
    """Centrality, brokers, communities and components of the actor graph."""
    return actor_graph(store).analyze(as_of=as_of, top=top)


__all__ = [
    "KGError",
    "actor_graph",
    "analyze",
    "export",
    "extract_file",
    "extract_text",
    "find_entity",
    "ingest",
    "named_query",
    "neighbors",
    "open_store",
    "path",
    "show",
    "sparql",
    "stats",
]
