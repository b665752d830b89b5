"""``kg``: build and question a knowledge graph of armed actors, affiliations and events.

Commands call :mod:`kg.api`; library errors become one-line messages with exit code 1
(usage errors exit 2). Data goes to stdout, progress and logs to stderr. Heavy modules are
imported inside the commands so that ``kg --help`` stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from kg.cli.neo4j import BACKENDS, neo4j_options
from kg.cli.neo4j import register as _register_neo4j
from kg.cli.output import emit_json, emit_rows, format_option

EXIT_USER = 1
EXIT_BACKEND = 3


class _BackendError(click.ClickException):
    """A store or server problem (exit code 3)."""

    exit_code = EXIT_BACKEND


def _errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into click errors with the fix in the message."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from kg.errors import KGError, StoreError

        try:
            return fn(*args, **kwargs)
        except StoreError as e:
            raise _BackendError(str(e)) from e
        except KGError as e:
            raise click.ClickException(str(e)) from e

    return wrapper


class _Ctx:
    def __init__(self, store: str | None):
        self.location = store
        self._store: Any = None

    def store(self) -> Any:
        if self._store is None:
            from kg.api import open_store

            self._store = open_store(self.location)
            click.get_current_context().call_on_close(self.close)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    envvar="KG_STORE",
    default=None,
    metavar="PATH",
    help="Store folder (default: $KG_STORE or ./kg-data; ':memory:' for a throwaway one), "
    "or a SPARQL server: sparql+http://HOST:PORT[/PATH].",
)
@click.version_option(package_name="conflict-kg", prog_name="kg")
@click.pass_context
def cli(ctx: click.Context, store: str | None) -> None:
    """Build and question a knowledge graph of armed actors, their affiliations and the
    events between them; every fact keeps its source, sentence and rule."""
    ctx.obj = _Ctx(store)


def _progress(msg: str) -> None:
    click.echo(msg, err=True)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--report-date", metavar="YYYY-MM-DD", help="Date of reports that have no Date: header."
)
@click.option(
    "--format",
    "fmt",
    metavar="NAME",
    help="Skip recognition: report, stix, ftm or a dataset mapping (acled, acled_old, "
    "ucdp_ged, gdelt1, gdelt1_daily, gdelt2).",
)
@click.option(
    "--on-error",
    type=click.Choice(["fail", "skip"]),
    default="fail",
    show_default=True,
    help="What a malformed dataset row does: stop the load, or be reported and skipped.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Load dataset files again even when unchanged since they were last loaded.",
)
@click.pass_obj
@_errors
def ingest(
    obj: _Ctx,
    paths: tuple[str, ...],
    report_date: str | None,
    fmt: str | None,
    on_error: str,
    force: bool,
) -> None:
    """Load reports and dataset files (or folders of them) into the store.

    The format of each file is recognised from its extension and header (plain-text reports,
    ACLED, UCDP GED, GDELT); --format overrides it. Each document goes into its own named
    graph; loading it again replaces that graph. A bad file stops the whole ingest with
    nothing written.
    """
    from kg.api import ingest as do_ingest

    results = do_ingest(
        list(paths),
        obj.store(),
        report_date=report_date,
        progress=_progress,
        fmt=fmt,
        on_error=on_error,
        force=force,
    )
    click.echo(
        f"{len(results)} document(s) ingested into {obj.store().location or 'memory'}", err=True
    )


@cli.command()
@click.argument("file")
@click.option(
    "--report-date", metavar="YYYY-MM-DD", help="Date of the report if it has no Date: header."
)
@format_option(default="json", choices=("json", "table"))
@_errors
def extract(file: str, report_date: str | None, fmt: str) -> None:
    """Extract claims from FILE without storing them (JSON contract in the README)."""
    from kg.api import extract_file

    ex = extract_file(file, report_date=report_date)
    if fmt == "json":
        emit_json(ex.to_json())
        return
    data = ex.to_json()
    names = {e["id"]: e["label"] for e in data["entities"]}

    def n(x: Any) -> str:
        return names.get(x, str(x).rsplit("/", 1)[-1]) if x else ""

    rows = [
        {
            "subject": n(r["subject"]),
            "predicate": r["predicate"],
            "object": n(r["object"]),
            "source": n(r["source"]),
            "rule": r["rule"],
        }
        for r in data["relations"]
    ]
    emit_rows(rows, ["subject", "predicate", "object", "source", "rule"], "table")
    for e in data["events"]:
        roles = ", ".join(f"{p['role']}={n(p['entity'])}" for p in e["participants"])
        counts = "; ".join(
            f"{c['qualifier']} {c['value']} ({n(c['source']) or 'report'})" for c in e["fatalities"]
        )
        where = n(e["place"]) or n(e["country"])
        click.echo(f"event {e['type']} {e['date'] or '?'} {where}: {roles}; fatalities: {counts}")


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.UsageError(f"parameters are -p key=value, got {pair!r}")
        out[key.strip()] = value
    return out


def _emit_query_rows(rows: Any, params: list[str], fmt: str) -> None:
    from kg.ontology import ontology

    data_ns = ontology().data_ns
    if fmt == "json":
        emit_json(rows.rows)
        return
    cols = [v for v in rows.variables if v not in params]
    short = [
        {
            k: (f"kg:{v[len(data_ns) :]}" if isinstance(v, str) and v.startswith(data_ns) else v)
            for k, v in r.items()
        }
        for r in rows.rows
    ]
    emit_rows(short, cols, fmt)


@cli.command()
@format_option()
def queries(fmt: str) -> None:
    """List the named queries with their parameters."""
    from kg.query.registry import registry

    rows = []
    for q in registry().values():
        params = ", ".join(f"{p.name}{'' if p.required else '?'}: {p.type}" for p in q.params)
        rows.append({"name": q.name, "parameters": params, "description": q.description})
    emit_rows(rows, ["name", "parameters", "description"], fmt)


@cli.command()
@click.argument("name")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter of the query (repeatable).",
)
@click.option(
    "--as-of", metavar="DATE", help="Shorthand for -p as_of=DATE, for queries that take it."
)
@click.option(
    "--backend",
    type=click.Choice(BACKENDS),
    default="oxigraph",
    show_default=True,
    help="oxigraph: the query's SPARQL on the store; neo4j: its Cypher twin on the Bolt server "
    "that `kg neo4j push` filled (names are looked up in the store).",
)
@neo4j_options
@format_option()
@click.pass_obj
@_errors
def query(
    obj: _Ctx,
    name: str,
    params: tuple[str, ...],
    as_of: str | None,
    backend: str,
    neo4j: dict[str, Any],
    fmt: str,
) -> None:
    """Run the named query NAME (see `kg queries`) with -p key=value parameters."""
    from kg.query.registry import get_query, run_named

    values = _parse_params(params)
    if as_of:
        values["as_of"] = as_of
    q = get_query(name)
    if backend == "neo4j":
        from kg.cli.neo4j import run_query

        rows = run_query(name, values, obj.store(), neo4j)
    else:
        rows = run_named(name, values, obj.store())
    _emit_query_rows(rows, [p.name for p in q.params], fmt)


@cli.command()
@format_option()
@click.pass_obj
@_errors
def contested(obj: _Ctx, fmt: str) -> None:
    """Every fact that can have one true value but has several (fatalities, dates, places),
    with each value, who said it and the evidence."""
    from kg.query.registry import run_named

    rows = run_named("contested", {}, obj.store())
    if fmt != "table":
        _emit_query_rows(rows, ["subject"] if fmt == "csv" else [], fmt)
        return
    from kg.ontology import ontology

    data_ns = ontology().data_ns
    current = None
    for r in rows.rows:
        key = (r["subject"], r["property"])
        if key != current:
            current = key
            click.echo(f"{str(r['subject']).replace(data_ns, 'kg:')} {r['property']}:")
        q = "" if r["qualifier"] == "exact" else r["qualifier"].replace("_", " ") + " "
        who = r["source"] or "the report"
        if r["cited_by"]:
            who += f" via {r['cited_by']}"
        click.echo(f"  {q}{r['value']}  according to {who}  ({r['document']})")
        if r["evidence"]:
            click.echo(f'      "{r["evidence"]}"')


@cli.command()
@click.argument("name")
@click.option("--from", "date_from", metavar="DATE", help="Earliest date.")
@click.option("--to", "date_to", metavar="DATE", help="Latest date.")
@format_option()
@click.pass_obj
@_errors
def timeline(obj: _Ctx, name: str, date_from: str | None, date_to: str | None, fmt: str) -> None:
    """An actor's events in date order, with fatality ranges where sources disagree."""
    from kg.query.registry import run_named

    values = {"actor": name}
    if date_from:
        values["from"] = date_from
    if date_to:
        values["to"] = date_to
    rows = run_named("timeline", values, obj.store())
    _emit_query_rows(rows, ["actor", "from", "to", "event"] if fmt == "table" else [], fmt)


_VIA_HELP = (
    "Relation groups to follow, comma-separated: affiliation, succession, support, hostility, "
    "location, event (default: all but location)."
)


def _via(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def _as_of_option() -> Any:
    return click.option(
        "--as-of", metavar="DATE", help="Only relations valid on this date (YYYY[-MM[-DD]])."
    )


def _check_date(value: str | None) -> str | None:
    from kg.model import is_date

    if value is not None and not is_date(value):
        raise click.BadParameter(
            f"{value!r} is not YYYY, YYYY-MM or YYYY-MM-DD", param_hint="--as-of"
        )
    return value


def _echo_path(hops: list[dict[str, Any]]) -> None:
    if not hops:
        return
    click.echo(f"  {hops[0]['from_label']}")
    for h in hops:
        rel = h["relation"]
        arrow = f"--{rel}-->" if h["forward"] else f"<--{rel}--"
        when = ""
        if h["valid_from"] or h["valid_until"]:
            when = f" [{h['valid_from'] or '…'} – {h['valid_until'] or '…'}]"
        inherited = f" (inherited from {h['inherited_from']})" if h["inherited_from"] else ""
        click.echo(f"    {arrow} {h['to_label']}{when}{inherited}")
        for s in h["sources"][:3]:
            who = s["source"] or "the document"
            click.echo(f"          said by {who} in {s['document']!r}")
        if len(h["sources"]) > 3:
            click.echo(f"          and {len(h['sources']) - 3} more source(s)")


@cli.command()
@click.argument("a")
@click.argument("b")
@click.option(
    "--max-hops",
    default=4,
    show_default=True,
    type=click.IntRange(1, 12),
    help="Longest path to report.",
)
@click.option(
    "--all",
    "all_paths",
    is_flag=True,
    help="Every simple path up to --max-hops, not only the shortest.",
)
@click.option("--via", metavar="GROUPS", help=_VIA_HELP)
@click.option(
    "--actors-only", is_flag=True, help="Join actors directly instead of through event nodes."
)
@_as_of_option()
@click.option(
    "--backend",
    type=click.Choice(BACKENDS),
    default="oxigraph",
    show_default=True,
    help="oxigraph: the embedded path view; neo4j: the shortest path found by the Bolt server "
    "(--via and --max-hops; --all, --as-of and --actors-only are embedded-only).",
)
@neo4j_options
@format_option(choices=("table", "json"))
@click.pass_obj
@_errors
def path(
    obj: _Ctx,
    a: str,
    b: str,
    max_hops: int,
    all_paths: bool,
    via: str | None,
    actors_only: bool,
    as_of: str | None,
    backend: str,
    neo4j: dict[str, Any],
    fmt: str,
) -> None:
    """How actor A is connected to actor B: each hop with its relation, dates and sources."""
    from kg.api import path as do_path

    if backend == "neo4j":
        from kg.cli.neo4j import run_path

        paths = run_path(
            a,
            b,
            obj.store(),
            neo4j,
            max_hops=max_hops,
            via=_via(via),
            as_of=_check_date(as_of),
            actors_only=actors_only,
            all_paths=all_paths,
        )
    else:
        paths = do_path(
            a,
            b,
            obj.store(),
            max_hops=max_hops,
            via=_via(via),
            as_of=_check_date(as_of),
            actors_only=actors_only,
            all_paths=all_paths,
        )
    if fmt == "json":
        emit_json(paths)
        return
    if not paths:
        click.echo(
            f"no path of at most {max_hops} hops between {a} and {b}"
            + (f" on {as_of}" if as_of else ""),
            err=True,
        )
        raise SystemExit(1)
    for i, hops in enumerate(paths, 1):
        steps = len(hops) - sum(1 for h in hops if h["through_event"])
        click.echo(f"path {i} ({steps} hop{'s' if steps != 1 else ''}):")
        _echo_path(hops)


@cli.command()
@click.argument("name")
@click.option("--hops", default=1, show_default=True, type=click.IntRange(1, 6))
@click.option("--via", metavar="GROUPS", help=_VIA_HELP)
@click.option(
    "--actors-only", is_flag=True, help="Join actors directly instead of through event nodes."
)
@_as_of_option()
@format_option()
@click.pass_obj
@_errors
def neighbors(
    obj: _Ctx, name: str, hops: int, via: str | None, actors_only: bool, as_of: str | None, fmt: str
) -> None:
    """The ego network of NAME: everything within --hops hops, with its distance."""
    from kg.api import neighbors as do_neighbors

    rows = do_neighbors(
        name,
        obj.store(),
        hops=hops,
        via=_via(via),
        as_of=_check_date(as_of),
        actors_only=actors_only,
    )
    emit_rows(rows, ["distance", "label", "kind", "type", "id"], fmt)


@cli.command()
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000))
@_as_of_option()
@format_option(choices=("table", "json"))
@click.pass_obj
@_errors
def analyze(obj: _Ctx, top: int, as_of: str | None, fmt: str) -> None:
    """Degree and betweenness centrality, brokers between communities, connected components."""
    from kg.api import analyze as do_analyze

    res = do_analyze(obj.store(), as_of=_check_date(as_of), top=top)
    if fmt == "json":
        emit_json(res)
        return
    click.echo(f"actor graph: {res['nodes']} actors, {res['edges']} ties")
    for key, title in (
        ("degree", "most connected (degree centrality)"),
        ("betweenness", "most between others (betweenness centrality)"),
    ):
        click.echo(f"\n{title}:")
        for r in res[key]:
            click.echo(f"  {r['score']:.3f}  {r['label']}")
    click.echo("\nbrokers (linking communities):")
    for r in res["brokers"]:
        click.echo(f"  {r['betweenness']:.3f}  {r['label']}  ({r['communities']} communities)")
    click.echo(f"\ncommunities: {len(res['communities'])} largest shown")
    for c in res["communities"]:
        click.echo(f"  {c['size']:>4}  {', '.join(c['members'])}")
    click.echo(f"\nconnected components: {len(res['components'])} largest shown")
    for c in res["components"]:
        click.echo(f"  {c['size']:>4}  {', '.join(c['members'])}")


@cli.command()
@click.argument("name")
@_as_of_option()
@format_option(choices=("table", "json"))
@click.pass_obj
@_errors
def show(obj: _Ctx, name: str, as_of: str | None, fmt: str) -> None:
    """Show an entity: aliases, type, relations with their sources, and events."""
    from kg.api import show as do_show

    view = do_show(name, obj.store(), as_of=_check_date(as_of))
    if fmt == "json":
        emit_json(view)
        return
    click.echo(
        f"{view['label']}  [{', '.join(view['types'])}]"
        + ("" if view["resolved"] else "  (unresolved)")
    )
    click.echo(f"  id: {view['id']}")
    if view["aliases"]:
        click.echo(f"  aliases: {', '.join(view['aliases'])}")
    if view["relations"]:
        click.echo("relations:")
    for r in view["relations"]:
        arrow = (
            f"{r['label']} {r['other_label']}"
            if r["direction"] == "out"
            else (f"{r['other_label']} {r['label']} this")
        )
        when = ""
        if r["valid_from"] or r["valid_until"]:
            when = f" [{r['valid_from'] or '…'} – {r['valid_until'] or '…'}]"
        who = r["source"] or "the document"
        if r["cited_by"]:
            who += f" via {r['cited_by']}"
        click.echo(f"  - {arrow}{when}")
        click.echo(f"      said by {who} in {r['document']!r} (rule {r['rule']})")
        if r["evidence"] and r["rule"] != "reference":
            click.echo(f'      "{r["evidence"]}"')
    if view["events"]:
        click.echo("events:")
    for e in view["events"]:
        where = e["place"] or e["country"] or "?"
        click.echo(f"  - {e['date'] or '?'} {e['type']} in {where} ({e['role']})")
        for c in e["fatalities"]:
            q = "" if c["qualifier"] == "exact" else c["qualifier"].replace("_", " ") + " "
            val = (
                c["value"]
                if c["value"] is not None
                else f"{c['low']}-{c['high']}"
                if c["low"]
                else "all"
            )
            who = c["source"] or "the report"
            if c["cited_by"]:
                who += f" via {c['cited_by']}"
            click.echo(f"      fatalities: {q}{val} ({who})")


@cli.command()
@format_option()
@click.pass_obj
@_errors
def stats(obj: _Ctx, fmt: str) -> None:
    """Counts of documents, actors, places, events, claims and quads in the store."""
    from kg.api import stats as do_stats

    s = do_stats(obj.store())
    emit_rows([{"what": k, "count": v} for k, v in s.items()], ["what", "count"], fmt)


@cli.command()
@click.argument("query")
@format_option()
@click.pass_obj
@_errors
def sparql(obj: _Ctx, query: str, fmt: str) -> None:
    """Run a SPARQL SELECT or ASK QUERY (or '-' to read it from stdin) over all graphs."""
    from kg.api import sparql as do_sparql

    if query == "-":
        query = sys.stdin.read()
    rows = do_sparql(obj.store(), query)
    emit_rows(rows.rows, rows.variables, fmt)


EXPORT_CHOICES = ["trig", "ttl", "nq", "jsonld", "graphml", "gexf", "neo4j-csv", "stix", "ftm"]


@cli.command()
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(EXPORT_CHOICES),
    default="trig",
    show_default=True,
    help="RDF (trig, ttl, nq, jsonld), the actor graph for Gephi (graphml, gexf), "
    "neo4j-csv (a folder of CSV files for neo4j-admin), a STIX 2.1 bundle (stix) or "
    "FollowTheMoney JSON lines (ftm).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(writable=True),
    help="Write to this file (a folder for neo4j-csv) instead of stdout.",
)
@click.pass_obj
@_errors
def export(obj: _Ctx, fmt: str, output: str | None) -> None:
    """Write the whole graph in a format other tools read."""
    from kg.api import export as do_export

    if fmt == "neo4j-csv":
        if not output:
            raise click.UsageError("--format neo4j-csv writes a folder: give -o FOLDER")
        do_export(obj.store(), fmt, output)
        click.echo(f"wrote {output}/nodes.csv and {output}/relationships.csv", err=True)
    elif output:
        import os
        import tempfile

        d = os.path.dirname(os.path.abspath(output))
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".kg-export-")
        try:
            with os.fdopen(fd, "wb") as fh:
                do_export(obj.store(), fmt, fh)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; exports are not
            os.replace(tmp, output)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        click.echo(f"wrote {output}", err=True)
    else:
        do_export(obj.store(), fmt, sys.stdout.buffer)


@cli.command(name="eval")
@click.argument("gold", nargs=-1, required=True, type=click.Path())
@format_option(choices=("table", "json"))
@click.option("--quiet", "-q", is_flag=True, help="Only the scores, not every miss.")
@click.option(
    "--min",
    "minimum",
    type=float,
    default=None,
    help="Exit 1 when overall precision or recall is below this value.",
)
@_errors
def eval_(gold: tuple[str, ...], fmt: str, quiet: bool, minimum: float | None) -> None:
    """Score extraction against expected-facts files (*.gold.yaml): precision and recall per
    fact kind, with every miss and every false fact."""
    from kg.evaluate import evaluate, render

    result = evaluate(list(gold))
    if fmt == "json":
        emit_json(result)
    else:
        click.echo(render(result, details=not quiet))
    if minimum is not None:
        o = result["overall"]
        if o["precision"] < minimum or o["recall"] < minimum:
            raise click.ClickException(
                f"overall precision {o['precision']:.3f} / recall {o['recall']:.3f} below {minimum}"
            )


@cli.command(name="eval-notes")
@click.argument("path", type=click.Path())
@format_option(choices=("table", "json"))
@click.option(
    "--misses",
    type=click.IntRange(0),
    default=0,
    metavar="N",
    help="Print N example misses per field (row id, expected, got, note excerpt).",
)
@click.option(
    "--limit", type=click.IntRange(1), default=None, metavar="N", help="Score the first N rows."
)
@click.option(
    "--min-field",
    "min_field",
    multiple=True,
    metavar="FIELD=VALUE",
    help="Exit 1 when FIELD's accuracy is below VALUE (repeatable), e.g. date=0.97.",
)
@_errors
def eval_notes(
    path: str, fmt: str, misses: int, limit: int | None, min_field: tuple[str, ...]
) -> None:
    """Run the report loader on each ACLED row's notes and score it against the row's coded
    fields (date, place, country, actor1, actor2, event type family, fatalities)."""
    from kg.eval_notes import below, evaluate_notes, parse_thresholds, render

    try:
        thresholds = parse_thresholds(min_field)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--min-field") from None
    res = evaluate_notes(path, limit=limit, misses=misses, progress=_progress)
    if fmt == "json":
        emit_json(res.as_dict())
    else:
        click.echo(render(res, misses=misses))
    low = below(res, thresholds)
    if low:
        raise click.ClickException("accuracy below threshold: " + "; ".join(low))


@cli.command()
@click.option(
    "--reports",
    default="examples/reports",
    show_default=True,
    type=click.Path(exists=True, file_okay=False),
    help="Folder of reports to build from.",
)
@click.option("--out", "out_dir", default="out", show_default=True, help="Folder for the pictures.")
@click.pass_obj
@_errors
def demo(obj: _Ctx, reports: str, out_dir: str) -> None:
    """Build the graph from the sample reports, print the key facts and write the pictures."""
    from kg.demo import run_demo

    run_demo(obj.store(), reports, out_dir, echo=click.echo, progress=_progress)


@cli.command()
@click.option(
    "--max-quads",
    default=2_000_000,
    show_default=True,
    type=click.IntRange(1),
    help="Largest store checked in memory by pyshacl (--method shacl).",
)
@click.option(
    "--method",
    type=click.Choice(["auto", "sparql", "shacl"]),
    default="auto",
    show_default=True,
    help="sparql: queries compiled from the shapes, run on the store (any size); shacl: "
    "pyshacl in memory, the reference; auto: sparql unless a shape needs pyshacl.",
)
@format_option(choices=("table", "json"))
@click.pass_obj
@_errors
def validate(obj: _Ctx, max_quads: int, method: str, fmt: str) -> None:
    """Check the store against the SHACL shapes; each problem with the document and evidence
    that produced it. Exits 1 when there is a violation (contested facts are warnings)."""
    from kg.validate import validate as do_validate

    res = do_validate(obj.store(), max_quads=max_quads, method=method)
    if fmt == "json":
        emit_json(res)
    else:
        for r in res["results"]:
            click.echo(f"{r['severity']}: {r['node']} {r['property'] or ''}: {r['message']}")
            if r["documents"]:
                click.echo(f"    in {'; '.join(r['documents'][:3])}")
            if r["evidence"]:
                click.echo(f'    "{r["evidence"][:200]}"')
        click.echo(
            f"{res['quads']:,} quads: {res['violations']} violation(s), "
            f"{res['warnings']} warning(s)",
            err=True,
        )
    if not res["conforms"]:
        raise SystemExit(1)


@cli.command()
@click.argument("a")
@click.argument("b")
@click.option("--reason", help="Why the two records are the same actor (kept with the judgement).")
@click.pass_obj
@_errors
def merge(obj: _Ctx, a: str, b: str, reason: str | None) -> None:
    """Judge A to be the same actor as B: B's questions see A's facts (reversible)."""
    from kg.api import find_entity
    from kg.judgements import merge as do_merge

    store = obj.store()
    res = do_merge(store, find_entity(a, store), find_entity(b, store), reason=reason)
    click.echo(f"merged {a} into {b} ({res['copied']} quads in {res['graph']})", err=True)


@cli.command()
@click.argument("a")
@click.argument("b", required=False)
@click.pass_obj
@_errors
def unmerge(obj: _Ctx, a: str, b: str | None) -> None:
    """Undo the judgement that A is B (or every merge of A)."""
    from kg.api import find_entity
    from kg.judgements import unmerge as do_unmerge

    store = obj.store()
    dropped = do_unmerge(store, find_entity(a, store), find_entity(b, store) if b else None)
    click.echo(f"undid {len(dropped)} merge(s)", err=True)


@cli.command()
@format_option()
@click.pass_obj
@_errors
def merges(obj: _Ctx, fmt: str) -> None:
    """The merge judgements in force."""
    from kg.judgements import merges as list_merges

    emit_rows(list_merges(obj.store()), ["from", "into", "reason", "when"], fmt)


@cli.command()
@click.argument("name")
@format_option()
@click.pass_obj
@_errors
def aliases(obj: _Ctx, name: str, fmt: str) -> None:
    """Every name an entity goes by, and where each comes from."""
    from kg.api import find_entity
    from kg.judgements import aliases as list_aliases

    store = obj.store()
    emit_rows(list_aliases(store, find_entity(name, store)), ["name", "kind", "where"], fmt)


@cli.group()
def viz() -> None:
    """Pictures: the interactive network, the affiliation diagram, an actor's timeline."""


def _out_option(suffixes: tuple[str, ...]) -> Any:
    return click.option(
        "--output",
        "-o",
        "output",
        required=True,
        type=click.Path(dir_okay=False),
        help=f"File to write ({', '.join(suffixes)}).",
    )


def _check_suffix(output: str, suffixes: tuple[str, ...]) -> Path:
    p = Path(output)
    if p.suffix.lower() not in suffixes:
        raise click.BadParameter(
            f"{output}: the file must end in {' or '.join(suffixes)}", param_hint="--output"
        )
    return p


@viz.command(name="network")
@click.option("--focus", metavar="NAME", help="Only the ego network of this entity.")
@click.option(
    "--hops",
    default=2,
    show_default=True,
    type=click.IntRange(1, 6),
    help="Radius of the ego network with --focus.",
)
@click.option(
    "--query",
    "query_name",
    metavar="NAME",
    help="Only the entities a named query returns (with -p parameters).",
)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE")
@click.option("--via", metavar="GROUPS", help=_VIA_HELP)
@_as_of_option()
@click.option("--max-nodes", default=20_000, show_default=True, type=click.IntRange(1))
@_out_option((".html",))
@click.pass_obj
@_errors
def viz_network(
    obj: _Ctx,
    focus: str | None,
    hops: int,
    query_name: str | None,
    params: tuple[str, ...],
    via: str | None,
    as_of: str | None,
    max_nodes: int,
    output: str,
) -> None:
    """An interactive network page (offline, one HTML file)."""
    from kg.api import actor_graph, find_entity
    from kg.viz.network import network_data, render_network

    out = _check_suffix(output, (".html",))
    if focus and query_name:
        raise click.UsageError("give --focus or --query, not both")
    store = obj.store()
    graph = actor_graph(store)
    nodes = None
    title = "Conflict knowledge graph"
    if query_name:
        from kg.query.registry import run_named

        rows = run_named(query_name, _parse_params(params), store)
        nodes = {
            v for r in rows.rows for v in r.values() if isinstance(v, str) and v in graph.nodes
        }
        title = f"Query {query_name}"
    focus_iri = find_entity(focus, store) if focus else None
    if focus_iri:
        title = f"{graph.label(focus_iri)} and its ties within {hops} hops"
    if as_of:
        title += f" (as of {as_of})"
    node_list, edge_list = network_data(
        graph,
        focus=focus_iri,
        hops=hops,
        nodes=nodes,
        via=_via(via),
        as_of=_check_date(as_of),
        max_nodes=max_nodes,
    )
    render_network(node_list, edge_list, out, title=title)
    click.echo(f"wrote {out} ({len(node_list)} nodes, {len(edge_list)} edges)", err=True)


@viz.command(name="affiliations")
@click.option("--root", metavar="NAME", help="Only the part of the diagram connected to NAME.")
@_as_of_option()
@_out_option((".svg", ".png", ".dot"))
@click.pass_obj
@_errors
def viz_affiliations(obj: _Ctx, root: str | None, as_of: str | None, output: str) -> None:
    """A hierarchical diagram of who is affiliated with, part of, controlled by or succeeded
    by whom."""
    from kg.api import find_entity
    from kg.query.registry import run_named
    from kg.viz.affiliations import render_affiliations

    out = _check_suffix(output, (".svg", ".png", ".dot"))
    store = obj.store()
    params: dict[str, str] = {"as_of": as_of} if as_of and _check_date(as_of) else {}
    rows = run_named("affiliation_edges", params, store).rows
    root_iri = find_entity(root, store) if root else None
    render_affiliations(
        rows,
        out,
        root=root_iri,
        as_of=as_of,
        title="Affiliations" + (f" of {root}" if root else ""),
    )
    click.echo(f"wrote {out}", err=True)


@viz.command(name="timeline")
@click.argument("name")
@_out_option((".html", ".png"))
@click.pass_obj
@_errors
def viz_timeline(obj: _Ctx, name: str, output: str) -> None:
    """An actor's events over time, by type, with fatality ranges where sources disagree."""
    from kg.api import find_entity
    from kg.query.registry import run_named
    from kg.viz.timeline import render_timeline

    out = _check_suffix(output, (".html", ".png"))
    store = obj.store()
    iri = find_entity(name, store)
    rows = run_named("timeline", {"actor": iri}, store).rows
    label = next(
        (
            str(r["l"])
            for r in store.select(
                "SELECT ?x ?l WHERE { ?x <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }",
                x=iri,
            ).rows
        ),
        name,
    )
    render_timeline(rows, out, actor_label=label, title=f"Timeline of {label}")
    click.echo(f"wrote {out} ({len(rows)} events)", err=True)


_register_neo4j(cli)  # kg neo4j push|sync, kg cypher


def main() -> None:  # pragma: no cover
    cli()
