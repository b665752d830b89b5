"""``kg neo4j push|sync`` and ``kg cypher``: the property-graph copy on a Bolt + Cypher server.

The connection comes from ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD`` and
``NEO4J_DATABASE``; ``--uri``, ``--user``, ``--password`` and ``--database`` override them.
The password is never printed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click

from kg.cli.output import emit_json, emit_rows, format_option

BACKENDS = ("oxigraph", "neo4j")


def neo4j_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--uri/--user/--password/--database``, gathered into one ``neo4j`` keyword."""

    @click.option(
        "--uri", metavar="URI", help="Bolt server, e.g. bolt://127.0.0.1:7687 (default $NEO4J_URI)."
    )
    @click.option("--user", metavar="NAME", help="User (default $NEO4J_USER, else neo4j).")
    @click.option(
        "--password",
        metavar="SECRET",
        help="Password (default $NEO4J_PASSWORD; prefer the variable: a command line is visible "
        "to other users).",
    )
    @click.option("--database", metavar="NAME", help="Database (default $NEO4J_DATABASE).")
    @wraps(fn)
    def wrapper(
        *args: Any,
        uri: str | None,
        user: str | None,
        password: str | None,
        database: str | None,
        **kwargs: Any,
    ) -> Any:
        conn = {"uri": uri, "user": user, "password": password, "database": database}
        return fn(*args, neo4j=conn, **kwargs)

    return wrapper


def connect(conn: dict[str, Any]) -> Any:
    """A :class:`kg.store.neo4j.Neo4jStore` for the connection options."""
    from kg.store.neo4j import Neo4jSettings, Neo4jStore

    return Neo4jStore(Neo4jSettings.from_env(**conn))


def _errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The error handling of :mod:`kg.cli.main` (store errors exit with 3), looked up when
    the command runs (``kg.cli.main`` imports this module)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from kg.cli.main import _errors as main_errors

        return main_errors(fn)(*args, **kwargs)

    return wrapper


def _progress(msg: str) -> None:
    click.echo(msg, err=True)


def _report(res: Any, fmt: str) -> None:
    d = res.as_dict()
    if fmt == "json":
        emit_json(d)
        return
    nodes = d["nodes_created"] + d["nodes_updated"] + d["nodes_deleted"]
    rels = d["relationships_created"] + d["relationships_updated"] + d["relationships_deleted"]
    click.echo(
        f"{d['mode']}: {d['changed_graphs']} of {d['graphs']} graph(s) sent"
        + (f", {d['deleted_graphs']} removed" if d["deleted_graphs"] else "")
        + f"; nodes {d['nodes_created']} created, {d['nodes_updated']} updated, "
        f"{d['nodes_deleted']} deleted; relationships {d['relationships_created']} created, "
        f"{d['relationships_updated']} updated, {d['relationships_deleted']} deleted "
        f"({nodes + rels} writes) in {d['seconds']:.2f} s"
    )


@click.group(name="neo4j")
def neo4j_group() -> None:
    """Copy the graph to a Neo4j (or any Bolt + Cypher) server as a property graph."""


@neo4j_group.command(name="push")
@neo4j_options
@format_option(choices=("table", "json"))
@click.pass_obj
@_errors
def push_cmd(obj: Any, neo4j: dict[str, Any], fmt: str) -> None:
    """Write the whole graph to the server (a second push changes nothing)."""
    from kg.store.neo4j import push

    store = obj.store()
    with connect(neo4j) as neo:
        res = push(store, neo, progress=_progress)
    _report(res, fmt)


@neo4j_group.command(name="sync")
@neo4j_options
@format_option(choices=("table", "json"))
@click.pass_obj
@_errors
def sync_cmd(obj: Any, neo4j: dict[str, Any], fmt: str) -> None:
    """Send only the documents (named graphs) that changed since the last push or sync."""
    from kg.store.neo4j import sync

    store = obj.store()
    with connect(neo4j) as neo:
        res = sync(store, neo, progress=_progress)
    _report(res, fmt)


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    from kg.cli.main import _parse_params as parse

    return parse(pairs)


@click.command(name="cypher")
@click.argument("query")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter, $KEY in the query (a string; convert with toInteger() and the like).",
)
@neo4j_options
@format_option()
@_errors
def cypher_cmd(query: str, params: tuple[str, ...], neo4j: dict[str, Any], fmt: str) -> None:
    """Run a Cypher QUERY (or '-' to read it from stdin) on the Bolt server."""
    if query == "-":
        query = sys.stdin.read()
    with connect(neo4j) as neo:
        rows = neo.query(query, _parse_params(params))
    emit_rows(rows.rows, rows.variables, fmt)


def run_query(name: str, values: dict[str, str], store: Any, conn: dict[str, Any]) -> Any:
    """``kg query NAME --backend neo4j``: the Cypher twin of NAME on the server."""
    from kg.query.cypher import run_cypher_named

    with connect(conn) as neo:
        return run_cypher_named(name, values, store, neo)


def run_path(
    a: str, b: str, store: Any, conn: dict[str, Any], **options: Any
) -> list[list[dict[str, Any]]]:
    """``kg path A B --backend neo4j``; embedded-only options are refused with the reason."""
    from kg.api import find_entity
    from kg.query.neo4j_path import EMBEDDED_ONLY, shortest_path

    used = [why for key, why in EMBEDDED_ONLY.items() if options.get(key)]
    if used:
        raise click.UsageError(
            "the Neo4j backend answers the shortest path with --via and --max-hops only; "
            f"{'; '.join(used)} need(s) the embedded store: drop --backend neo4j"
        )
    ia, ib = find_entity(a, store), find_entity(b, store)
    with connect(conn) as neo:
        hops = shortest_path(neo, ia, ib, via=options.get("via"), max_hops=options["max_hops"])
    return [hops] if hops else []


def register(cli: click.Group) -> None:
    """Add the commands of this module to the ``kg`` group."""
    cli.add_command(neo4j_group)
    cli.add_command(cypher_cmd)
