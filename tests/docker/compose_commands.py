"""The fedcredit command lines a compose file runs, as argument lists, for the tests to parse."""

from __future__ import annotations

import shlex
from typing import Any

import typer

from federation.cli import app

# The monitor's shell loop computes the date; any date parses the same way.
_SHELL_DATE = '"$$(date -u -d yesterday +%F)"'


def fedcredit_invocations(service: dict[str, Any]) -> list[list[str]]:
    """Argument lists after ``fedcredit`` of the service's command and health check."""
    calls: list[list[str]] = []
    entrypoint, command = service.get("entrypoint"), service.get("command")
    if entrypoint == ["/bin/sh", "-c"]:
        script = command[0].replace(_SHELL_DATE, "2026-10-01")
        calls += [shlex.split(part.split("fedcredit", 1)[1]) for part in script.split(";") if "fedcredit" in part]
    else:
        calls.append(list(command))
    test = service.get("healthcheck", {}).get("test", [])
    if test[:2] == ["CMD", "fedcredit"]:
        calls.append(test[2:])
    return calls


def parsed_command(args: list[str]) -> str:
    """Parse ``fedcredit ARGS`` as the CLI would, without running it; returns the command's path.
    Raises the CLI's usage error naming an unknown command or option, or a missing one."""
    command: Any = typer.main.get_command(app)
    context = command.make_context("fedcredit", list(args))
    path = []
    while hasattr(command, "resolve_command"):
        name, sub, rest = command.resolve_command(context, context._protected_args + context.args)
        assert sub is not None and name is not None
        path.append(name)
        context = sub.make_context(name, rest, parent=context)
        command = sub
    return " ".join(path)
