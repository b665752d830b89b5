"""The README's command examples are real commands.

Every line of a fenced ``console``/``bash``/``shell``/``sh`` block that runs ``kg`` (with or
without a ``$`` prompt) must name a registered command, and its long options must be options of
that command (or of ``kg`` itself). The README is read when the test runs.
"""

from __future__ import annotations

import re
import shlex

import click
from conftest import ROOT

from kg.cli.main import cli

README = ROOT / "README.md"
_FENCE = re.compile(r"^```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^```", re.M | re.S)
_LANGS = {"console", "bash", "shell", "sh", "shell-session"}


def kg_lines(text: str) -> list[str]:
    """The ``kg ...`` command lines of the shell blocks of a Markdown text."""
    out: list[str] = []
    for m in _FENCE.finditer(text):
        if m.group("lang").lower() not in _LANGS:
            continue
        body = re.sub(r"\s*\\\n\s*", " ", m.group("body"))  # line continuations
        for line in body.splitlines():
            line = re.sub(r"^\s*\$\s*", "", line).strip()
            if line.startswith("kg ") or line == "kg":
                out.append(line)
            elif re.match(r"^(?:\S+=\S+\s+)+kg\s", line):  # KG_STORE=x kg ...
                out.append(line[line.index("kg ") :])
    return out


def _long_options(cmd: click.Command) -> set[str]:
    names = {"--help", "-h"}
    for p in cmd.params:
        if isinstance(p, click.Option):
            names |= set(p.opts) | set(p.secondary_opts)
    return names


def _takes_value(cmd: click.Command, opt: str) -> bool:
    for p in cmd.params:
        if isinstance(p, click.Option) and opt in p.opts:
            return not p.is_flag and not p.count
    return False


def check_line(line: str) -> str | None:
    """Why ``line`` is not a valid ``kg`` command, or None."""
    try:
        words = shlex.split(line, comments=True)
    except ValueError as e:
        return f"cannot split: {e}"
    words = words[1:]
    # global options before the command
    command = None
    i = 0
    while i < len(words):
        w = words[i]
        if w.startswith("-"):
            opt = w.split("=", 1)[0]
            if opt not in _long_options(cli):
                return f"unknown option {opt} of kg"
            if "=" not in w and _takes_value(cli, opt):
                i += 1
            i += 1
            continue
        command = w
        break
    if command is None:
        return None if {"--help", "-h", "--version"} & set(words) else "no command"
    if command in ("|", ">", "&&", ";"):
        return "no command"
    if command not in cli.commands:
        return f"{command!r} is not a kg command (commands: {', '.join(sorted(cli.commands))})"
    cmd = cli.commands[command]
    rest = words[i + 1 :]
    # a group ("kg viz network"): the next word names the subcommand
    while isinstance(cmd, click.Group) and rest:
        sub = rest[0]
        if sub not in cmd.commands:
            return f"{sub!r} is not a 'kg {command}' command"
        cmd, rest, command = cmd.commands[sub], rest[1:], f"{command} {sub}"
    valid = _long_options(cmd)
    for w in rest:
        if w in ("|", ">", ">>", "<", "&&", ";", "||"):
            break
        if w.startswith("--"):
            opt = w.split("=", 1)[0]
            if opt not in valid:
                return f"unknown option {opt} of 'kg {command}'"
    return None


def test_the_checker_itself():
    assert kg_lines("```console\n$ kg stats\n$ ls\n```\n```python\nkg show X\n```") == ["kg stats"]
    assert kg_lines("```bash\nkg --store x \\\n  ingest a.txt\n```") == [
        "kg --store x ingest a.txt"
    ]
    assert check_line("kg --store kg-data ingest examples/reports") is None
    assert check_line("kg show JNIM --format json") is None
    assert check_line("kg --help") is None
    assert check_line("kg sparql - < q.rq") is None
    assert check_line("kg graph JNIM") is not None
    assert check_line("kg show JNIM --colour") is not None
    assert check_line("kg --stroe x stats") is not None


def test_readme_kg_examples_are_registered_commands():
    assert README.is_file(), f"{README} is missing"
    lines = kg_lines(README.read_text(encoding="utf-8"))
    assert lines, (
        f"{README} has no ```console or ```bash example that runs `kg`; show how to use the command"
    )
    problems = [f"{line}: {why}" for line in lines if (why := check_line(line))]
    assert problems == []
