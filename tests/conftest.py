"""Shared fixtures: project paths, an in-memory store with the reference loaded, report files."""

from __future__ import annotations

import gc
import json
import os
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from servers import (
    Server,
    ServerUnavailable,
    external_bolt,
    start_arcadedb,
    start_oxigraph,
    start_virtuoso,
)

from kg.cli.main import cli
from kg.store.oxigraph import KGStore

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples" / "reports"

KGO = "https://w3id.org/conflict-kg/ontology#"
KG = "https://w3id.org/conflict-kg/id/"


def pytest_configure(config: pytest.Config) -> None:
    # rdflib 7 warns about its own internals (ConjunctiveGraph, default_context) when parsing
    # and serialising datasets; those are not ours to fix
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:rdflib.*")


def actor(slug: str) -> str:
    """IRI of a reference actor."""
    return f"{KG}actor/{slug}"


def place(slug: str) -> str:
    """IRI of a reference place."""
    return f"{KG}place/{slug}"


def make_report(folder: Path, name: str, body: str, *, title: str, date: str | None) -> Path:
    """Write ``folder/name`` as a report: a ``Title:``/``Date:`` header, a blank line, the body."""
    header = f"Title: {title}\n" + (f"Date: {date}\n" if date else "")
    path = folder / name
    path.write_text(header + "\n" + body.strip() + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The project checkout (holds kg/, ontology/, examples/)."""
    return ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` next to the checkout: the specification report, gold files and data."""
    if not SHARED.is_dir():
        pytest.fail(f"{SHARED} is missing: the evaluation tests need ../shared beside the repo")
    return SHARED


@pytest.fixture
def store() -> KGStore:
    """A fresh in-memory store with the ontology and the reference entities loaded."""
    s = KGStore(None)
    assert s.ensure_reference() is True
    return s


@pytest.fixture
def write_report(tmp_path: Path) -> Callable[..., Path]:
    """``write_report(body, name="report.txt", title=..., date="YYYY-MM-DD")`` -> its path."""

    def write(
        body: str,
        name: str = "report.txt",
        *,
        title: str = "Test report",
        date: str | None = "2024-06-13",
    ) -> Path:
        return make_report(tmp_path, name, body, title=title, date=date)

    return write


# -- the CLI, in-process -----------------------------------------------------------------------


@dataclass
class Run:
    exit_code: int
    output: str  # stdout and stderr, interleaved
    stdout: str
    stderr: str
    crash: str | None  # the traceback of an exception that escaped the command


def kg(*args: str, input: str | None = None) -> Run:
    """Run ``kg ARGS`` in-process and keep only what it printed.

    CliRunner keeps the SystemExit of the command with its traceback, whose frames hold the
    command's context and so the open store; dropping it (and collecting the cycle) lets the
    next command open the same on-disk store.
    """
    res = CliRunner().invoke(cli, list(args), input=input)
    exc = res.exception
    crash = (
        None
        if exc is None or isinstance(exc, SystemExit)
        else "".join(traceback.format_exception(exc))
    )
    run = Run(res.exit_code, res.output, res.stdout, res.stderr, crash)
    del res, exc
    gc.collect()
    return run


def stats(store: Path) -> dict[str, int]:
    r = kg("--store", str(store), "stats", "--format", "json")
    assert r.exit_code == 0, r.output
    return {row["what"]: int(row["count"]) for row in json.loads(r.stdout)}


# -- real servers (see servers.py): started once per test session, stopped by PID at its end ----


def _server(start: Callable[..., Server], workdir: Path) -> Server:
    """Start a server; skip the test when its software is missing (fail instead on CI)."""
    try:
        return start(workdir)
    except ServerUnavailable as e:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{e} (CI must run the server tests)", pytrace=False)
        pytest.skip(str(e))


@pytest.fixture(scope="session")
def bolt_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A Bolt server: ``NEO4J_URI`` (with ``NEO4J_USER``, ``NEO4J_PASSWORD``,
    ``NEO4J_DATABASE``) when set, else ArcadeDB started here. Has ``.uri``, ``.user``,
    ``.password`` and ``.database``."""
    given = external_bolt()
    if given is not None:
        yield given
        return
    server = _server(start_arcadedb, tmp_path_factory.mktemp("arcadedb"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """An Oxigraph server on disk in a scratch folder; ``.url`` is ``http://127.0.0.1:PORT``
    (endpoints ``/query``, ``/update``, ``/store``)."""
    server = _server(start_oxigraph, tmp_path_factory.mktemp("oxigraph"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A Virtuoso 7 server in a scratch folder; ``.url`` is ``http://127.0.0.1:PORT``
    (endpoint ``/sparql`` for queries and updates, open to anonymous updates)."""
    server = _server(start_virtuoso, tmp_path_factory.mktemp("virtuoso"))
    try:
        yield server
    finally:
        server.stop()
