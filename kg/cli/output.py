"""Shared output of data commands: ``--format table|json|csv`` to stdout."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from typing import Any

import click

FORMATS = ("table", "json", "csv")


def format_option(default: str = "table", choices: Sequence[str] = FORMATS) -> Any:
    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        show_default=True,
        help="Output format.",
    )


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def emit_rows(rows: list[dict[str, Any]], columns: list[str], fmt: str) -> None:
    """Print rows as an aligned table, JSON (a list of objects) or CSV."""
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
        return
    if fmt == "csv":
        w = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({c: _cell(r.get(c)) for c in columns})
        return
    if not rows:
        click.echo("(no rows)", err=True)
        return
    widths = {c: min(60, max(len(c), *(len(_cell(r.get(c))) for r in rows))) for c in columns}
    click.echo("  ".join(c.ljust(widths[c]) for c in columns))
    click.echo("  ".join("-" * widths[c] for c in columns))
    for r in rows:
        cells = []
        for c in columns:
            s = _cell(r.get(c)).replace("\n", " ")
            if len(s) > widths[c]:
                s = s[: widths[c] - 1] + "…"
            cells.append(s.ljust(widths[c]))
        click.echo("  ".join(cells).rstrip())


def emit_json(obj: Any) -> None:
    click.echo(json.dumps(obj, indent=2, ensure_ascii=False, default=str))
