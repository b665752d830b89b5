"""Real database servers for the tests and the benchmarks, started on 127.0.0.1.

Each ``start_*`` function starts one server in a scratch folder on free ports, waits until it
answers and returns a :class:`Server`; ``server.stop()`` ends it by its process id (SIGTERM,
then SIGKILL after 15 s) and removes the folder if the function made it. See
``../shared/SERVERS.md`` for what each server is and how it was measured.

>>> import sys; sys.path.insert(0, "tests")  # doctest: +SKIP
>>> from servers import start_oxigraph  # doctest: +SKIP
>>> srv = start_oxigraph()  # doctest: +SKIP
>>> srv.url  # doctest: +SKIP
'http://127.0.0.1:40123'
>>> srv.stop()  # doctest: +SKIP

A server whose software is not installed raises :class:`ServerUnavailable`, whose message says
what to install; one that is installed but does not come up raises :class:`ServerStartError`
with the end of its log.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STOP_GRACE = 15.0  # seconds between SIGTERM and SIGKILL

ARCADEDB_PACKAGE = "arcadedb-embedded==26.10.2.post1"
INSTALL = {
    "arcadedb": f"pip install '{ARCADEDB_PACKAGE}' (or: make venv, which installs '.[dev]')",
    "oxigraph": "pip install oxigraph (or: make venv, which installs '.[dev]')",
    "virtuoso": (
        "apt-get install -y --no-install-recommends virtuoso-opensource-7-bin "
        "(or, as root: make system-deps)"
    ),
}


class ServerUnavailable(Exception):
    """The server's software is not installed here (the message says what to install)."""


class ServerStartError(Exception):
    """The server is installed but did not start or did not become ready."""


@dataclass
class Server:
    """A running server: its process, folder, log and addresses.

    ``url`` is the HTTP base address (SPARQL servers); ``uri``, ``user``, ``password`` and
    ``database`` are the Bolt connection (Neo4j-compatible servers).
    """

    name: str
    proc: subprocess.Popen[bytes] | None
    workdir: Path | None
    log: Path | None = None
    url: str = ""
    uri: str = ""
    user: str = ""
    password: str = field(default="", repr=False)
    database: str = ""
    owns_workdir: bool = False

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def log_tail(self, lines: int = 30) -> str:
        """The last ``lines`` lines of the server's log (empty when there is none)."""
        if self.log is None or not self.log.exists():
            return ""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the server by its process id: SIGTERM, wait, SIGKILL after 15 s."""
        _RUNNING.discard(self)
        proc, self.proc = self.proc, None
        if proc is not None:
            stop_process(proc)
        if self.owns_workdir and self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    __hash__ = object.__hash__  # one running server is one object


_RUNNING: set[Server] = set()


def stop_process(proc: subprocess.Popen[bytes], grace: float = STOP_GRACE) -> None:
    """End one process we started: SIGTERM, wait up to ``grace`` seconds, then SIGKILL."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.wait(timeout=grace)


@atexit.register
def _stop_leftovers() -> None:
    # a run that ends without stopping its servers (no fixture teardown) still stops them
    for server in list(_RUNNING):
        server.stop()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env_port(var: str) -> int | None:
    value = os.environ.get(var)
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ServerStartError(f"{var}={value!r} is not a port number") from None


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    # Linux: the server gets SIGTERM if the test process dies without stopping it
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _workdir(workdir: str | os.PathLike[str] | None, name: str) -> tuple[Path, bool]:
    if workdir is None:
        return Path(tempfile.mkdtemp(prefix=f"kg-{name}-")), True
    path = Path(workdir)
    path.mkdir(parents=True, exist_ok=True)
    return path, False


def _spawn(name: str, cmd: list[str], workdir: Path, owns: bool, log_name: str) -> Server:
    log = workdir / log_name
    with open(log, "ab") as fh:
        try:
            proc = subprocess.Popen(
                cmd,
                cwd=workdir,
                stdin=subprocess.DEVNULL,
                stdout=fh,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        except OSError as e:
            if owns:
                shutil.rmtree(workdir, ignore_errors=True)
            raise ServerStartError(f"{name}: cannot run {cmd[0]}: {e}") from e
    server = Server(name, proc, workdir, log, owns_workdir=owns)
    _RUNNING.add(server)
    return server


def _http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return 200 <= r.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0):
            return True
    except OSError:
        return False


def _wait(server: Server, ready: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc is not None and server.proc.poll() is not None:
            code = server.proc.returncode
            tail = server.log_tail()
            server.stop()
            raise ServerStartError(
                f"{server.name} exited with code {code} before it was ready ({what}); "
                f"log {server.log}:\n{tail}"
            )
        if ready():
            return
        time.sleep(0.2)
    tail = server.log_tail()
    server.stop()
    raise ServerStartError(
        f"{server.name} was not ready within {timeout:.0f} s ({what}); log {server.log}:\n{tail}"
    )


# -- Oxigraph server -------------------------------------------------------------------------


def oxigraph_binary() -> str:
    """The ``oxigraph`` server binary: beside this Python (the venv's bin) or on PATH."""
    here = Path(sys.executable).parent / "oxigraph"
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    found = shutil.which("oxigraph")
    if found is None:
        raise ServerUnavailable(f"the oxigraph server is not installed: {INSTALL['oxigraph']}")
    return found


def start_oxigraph(
    workdir: str | os.PathLike[str] | None = None, *, port: int | None = None, timeout: float = 30
) -> Server:
    """``oxigraph serve --location DIR/data --bind 127.0.0.1:PORT``; ``.url`` is its base URL
    (``/query``, ``/update`` and ``/store`` under it). ``KG_TEST_OXIGRAPH_PORT`` sets the port."""
    binary = oxigraph_binary()
    port = port or _env_port("KG_TEST_OXIGRAPH_PORT") or free_port()
    folder, owns = _workdir(workdir, "oxigraph")
    cmd = [binary, "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}"]
    server = _spawn("oxigraph", cmd, folder, owns, "oxigraph.log")
    server.url = f"http://127.0.0.1:{port}"
    _wait(server, lambda: _http_ok(f"{server.url}/query?query=ASK%7B%7D"), timeout, "/query")
    return server


# -- Virtuoso --------------------------------------------------------------------------------

_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
LiteMode = 0
DisableUnixSocket = 1
DisableTcpSocket = 0
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 500M
DirsAllowed = ., {d}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
MaxClientConnections = 10
ServerThreads = 10
EnabledDavVSP = 0

[SPARQL]
; no silent cut of large results and no partial "anytime" answers
ResultSetMaxRows = 10000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 0
"""


def start_virtuoso(
    workdir: str | os.PathLike[str] | None = None,
    *,
    port: int | None = None,
    sql_port: int | None = None,
    timeout: float = 60,
) -> Server:
    """``virtuoso-t +configfile DIR/virtuoso.ini +foreground`` on free ports (loopback only).

    SPARQL updates are granted to the anonymous ``SPARQL`` user (for tests) and the ``dba``
    password is replaced by a generated one (``.password``). ``.url`` is the HTTP base URL;
    the endpoint is ``.url + "/sparql"`` for queries and updates.
    ``KG_TEST_VIRTUOSO_PORT`` sets the HTTP port.
    """
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if binary is None or isql is None:
        raise ServerUnavailable(f"Virtuoso is not installed: {INSTALL['virtuoso']}")
    port = port or _env_port("KG_TEST_VIRTUOSO_PORT") or free_port()
    sql_port = sql_port or free_port()
    folder, owns = _workdir(workdir, "virtuoso")
    ini = folder / "virtuoso.ini"
    ini.write_text(
        _VIRTUOSO_INI.format(d=folder, sql_port=sql_port, http_port=port), encoding="utf-8"
    )
    cmd = [binary, "+configfile", str(ini), "+foreground"]
    server = _spawn("virtuoso", cmd, folder, owns, "virtuoso-stdout.log")
    server.log = folder / "virtuoso.log"
    server.url = f"http://127.0.0.1:{port}"
    _wait(server, lambda: _http_ok(f"{server.url}/sparql?query=ASK%7B%7D"), timeout, "/sparql")
    password = secrets.token_urlsafe(12)
    # fed on stdin, so the new password never shows in a process list
    script = f"grant SPARQL_UPDATE to \"SPARQL\";\nUSER_SET_PASSWORD('dba', '{password}');\n"
    try:
        res = subprocess.run(
            [isql, f"127.0.0.1:{sql_port}", "dba", "dba"],
            input=script.encode(),
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        server.stop()
        raise ServerStartError(f"virtuoso: isql-vt failed: {e}") from e
    out = (res.stdout + res.stderr).decode(errors="replace")
    if res.returncode != 0 or "Error" in out:
        server.stop()
        raise ServerStartError(f"virtuoso: granting SPARQL_UPDATE failed:\n{out[-2000:]}")
    server.user, server.password = "dba", password
    return server


# -- ArcadeDB (Bolt) -------------------------------------------------------------------------


def arcadedb_home() -> Path:
    """The folder of the ``arcadedb_embedded`` package (its ``jre/`` and ``jars/``)."""
    spec = importlib.util.find_spec("arcadedb_embedded")
    if spec is None or spec.origin is None:
        raise ServerUnavailable(f"ArcadeDB is not installed: {INSTALL['arcadedb']}")
    home = Path(spec.origin).parent
    if not (home / "jre" / "bin" / "java").is_file() or not (home / "jars").is_dir():
        raise ServerUnavailable(
            f"{home}: no bundled Java runtime or jars: reinstall with {INSTALL['arcadedb']}"
        )
    return home


def start_arcadedb(
    workdir: str | os.PathLike[str] | None = None,
    *,
    bolt_port: int | None = None,
    http_port: int | None = None,
    database: str = "kg",
    password: str | None = None,
    timeout: float = 90,
) -> Server:
    """The ArcadeDB server with its Bolt plugin (``.uri`` ``bolt://127.0.0.1:PORT``, user
    ``root``, a generated password, database ``kg``); HTTP and Bolt bound to 127.0.0.1.
    ``KG_TEST_BOLT_PORT`` sets the Bolt port."""
    home = arcadedb_home()
    bolt_port = bolt_port or _env_port("KG_TEST_BOLT_PORT") or free_port()
    http_port = http_port or free_port()
    password = password or secrets.token_urlsafe(16)
    folder, owns = _workdir(workdir, "arcadedb")
    cmd = [
        str(home / "jre" / "bin" / "java"),
        "-Xmx1g",
        "-cp",
        str(home / "jars" / "*"),
        f"-Darcadedb.server.rootPath={folder}",
        f"-Darcadedb.server.rootPassword={password}",
        "-Darcadedb.server.httpIncomingHost=127.0.0.1",
        f"-Darcadedb.server.httpIncomingPort={http_port}",
        f"-Darcadedb.server.httpsIncomingPort={free_port()}",
        "-Darcadedb.bolt.host=127.0.0.1",
        f"-Darcadedb.bolt.port={bolt_port}",
        "-Darcadedb.server.plugins=Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
        f"-Darcadedb.server.defaultDatabases={database}[root]",
        "com.arcadedb.server.ArcadeDBServer",
    ]
    server = _spawn("arcadedb", cmd, folder, owns, "arcadedb.log")
    server.url = f"http://127.0.0.1:{http_port}"
    server.uri = f"bolt://127.0.0.1:{bolt_port}"
    server.user, server.password, server.database = "root", password, database
    _wait(
        server,
        lambda: _http_ok(f"{server.url}/api/v1/ready") and _port_open(bolt_port),
        timeout,
        "/api/v1/ready and the Bolt port",
    )
    return server


def external_bolt() -> Server | None:
    """The Bolt server named by ``NEO4J_URI`` (``NEO4J_USER``, ``NEO4J_PASSWORD``,
    ``NEO4J_DATABASE``), or None; nothing is started or stopped for it."""
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        return None
    return Server(
        "neo4j",
        None,
        None,
        uri=uri,
        user=os.environ.get("NEO4J_USER", "neo4j"),
        password=os.environ.get("NEO4J_PASSWORD", ""),
        database=os.environ.get("NEO4J_DATABASE", "neo4j"),
    )
