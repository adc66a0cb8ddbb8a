"""`aiguard hook AGENT`, `aiguard install AGENT`, `aiguard uninstall AGENT`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

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


COMMANDS = (hook,)
