"""`aiguard hook AGENT`, `aiguard install AGENT`, `aiguard uninstall AGENT`."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from aiguard.agents import AGENTS

AGENT_CHOICE = click.Choice(sorted(AGENTS))


@click.command()
@click.argument("agent", type=AGENT_CHOICE)
@click.option(
    "--plugin",
    "plugin_files",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Load rules from this Python file too (repeatable).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    help="Give up (and let the agent go on) after this many seconds "
    "(default: 10 after an edit, 45 at the end of a turn).",
)
@click.option(
    "--max-blocks",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="Stop blocking the end of a turn after this many blocks about the same findings.",
)
def hook(
    agent: str, plugin_files: tuple[Path, ...], timeout: float | None, max_blocks: int
) -> None:
    """Answer one hook event of AGENT (read from stdin) in that agent's protocol.

    After an edit it checks the edited files with the rules that are certain on one file;
    at the end of the agent's turn, everything the session changed with every rule.
    aiguard's own errors let the agent go on (and are logged); findings never do.
    """
    from aiguard.agents import get_agent
    from aiguard.agents.hook import HookOptions, run_hook

    options = HookOptions(plugin_files=plugin_files, timeout=timeout, max_blocks=max_blocks)
    reply = run_hook(get_agent(agent), sys.stdin.buffer.read(), os.environ, options)
    if reply.stdout:
        click.echo(reply.stdout, nl=False)
    if reply.stderr:
        click.echo(reply.stderr, nl=False, err=True)
    raise click.exceptions.Exit(reply.exit_code)


F = TypeVar("F", bound=Callable[..., Any])


def _scope_options(command: F) -> F:
    command = click.option(
        "--dry-run", is_flag=True, help="Show what would be written; write nothing."
    )(command)
    return click.option(
        "--project/--user",
        "project",
        default=True,
        help="The repository's config (default) or your own, for every repository.",
    )(command)


@click.command()
@click.argument("agent", type=AGENT_CHOICE)
@_scope_options
def install(agent: str, project: bool, dry_run: bool) -> None:
    """Add aiguard's hooks to AGENT's config (merged: other hooks are kept; running it again
    changes nothing)."""
    _install(agent, project=project, dry_run=dry_run, remove=False)


@click.command()
@click.argument("agent", type=AGENT_CHOICE)
@_scope_options
def uninstall(agent: str, project: bool, dry_run: bool) -> None:
    """Remove aiguard's hooks from AGENT's config (and nothing else)."""
    _install(agent, project=project, dry_run=dry_run, remove=True)


def _install(agent: str, *, project: bool, dry_run: bool, remove: bool) -> None:
    from aiguard.agents import get_agent
    from aiguard.agents.install import apply, config_path, describe, plan
    from aiguard.change.git import find_repo

    module = get_agent(agent)
    cwd = Path.cwd()
    repo = find_repo(cwd) if project else None
    root = repo.root if repo is not None else cwd
    path = config_path(module, user=not project, root=root, home=Path.home())
    planned = plan(module, path, remove=remove)
    if not planned:
        click.echo(f"aiguard: no aiguard hooks for {agent} in {path}; nothing to do")
        return
    for item in planned:
        if dry_run:
            action = "would delete" if item.text is None else "would write"
            click.echo(f"{action} {item.path}")
            if item.text is not None:
                click.echo(item.text, nl=False)
    if dry_run:
        return
    apply(planned)
    for item in planned:
        click.echo(f"aiguard: {item.summary}")
    if not remove:
        click.echo(f"aiguard: {agent} now runs `aiguard hook {agent}` on: {describe(module.HOOKS)}")


COMMANDS = (hook, install, uninstall)
