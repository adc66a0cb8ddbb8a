"""The command line: `aiguard check`, `aiguard rules`, `aiguard rule ID`.

Exit status: 0 nothing at or above --fail-on, 1 findings, 2 usage, config, git or plugin error,
3 part of the change could not be checked (a file unparseable or unreadable, a rule crashed),
4 the report could not be written, 130 interrupted.
Expected failures are AiguardError: one line on stderr, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click

from aiguard import __version__
from aiguard.errors import AiguardError, ReportNotWritten

# `check` has 1 (findings) and 3 (unchecked) too: see aiguard.cli.check
EXIT_CLEAN, EXIT_ERROR, EXIT_INTERRUPTED = 0, 2, 130
EXIT_REPORT_LOST = 4  # the report could not be written (full disk, closed stdout)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="aiguard")
def cli() -> None:
    """aiguard: a governance linter for AI-assisted changes.

    It reads a change (a git diff, or whole files) and reports the hazards it introduces:
    silenced safeguards, weakened configs, test special-casing, stubs, weakened tests,
    hallucinated imports and APIs, and dependency slips.

    \b
    Examples:
      aiguard check                  # HEAD vs your working tree
      aiguard check --staged         # what you are about to commit (the pre-commit hook)
      aiguard check --base origin/main --format sarif --output aiguard.sarif
      aiguard check --all src/       # every line of every file
      aiguard rules                  # the rule table
      aiguard rule AIG101            # why a rule exists and how to fix what it finds
    """


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--staged", is_flag=True, help="Check what is staged (HEAD vs index).")
@click.option(
    "--base", metavar="REV", help="Check everything since the merge base of REV and HEAD."
)
@click.option("--all", "all_files", is_flag=True, help="Check every line of every file.")
@click.option(
    "--pre-commit",
    "pre_commit",
    is_flag=True,
    help="What pre-commit asks for (the hook's entry): the range in PRE_COMMIT_FROM_REF/"
    "PRE_COMMIT_TO_REF when set (pre-push, --from-ref/--to-ref), else the staged change.",
)
@click.option(
    "--format",
    "--output-format",
    "fmt",
    type=click.Choice(["text", "json", "sarif", "github", "gitlab"]),
    default="text",
    show_default=True,
    help="Output format (--output-format is the same option, as in ruff).",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here."
)
@click.option(
    "--fail-on",
    metavar="LEVEL",
    help="Exit 1 when a finding is at or above LEVEL: note, warning (default), error, never.",
)
@click.option("--select", metavar="IDS", help="Only these rules (comma-separated ids or prefixes).")
@click.option("--ignore", metavar="IDS", help="Skip these rules (comma-separated ids or prefixes).")
@click.option(
    "--config", "config_file", type=click.Path(path_type=Path), help="Read this config file."
)
@click.option("--python", metavar="PATH", help="The project's Python interpreter or virtualenv.")
@click.option(
    "--no-suppressed",
    is_flag=True,
    help="Leave inline-suppressed findings out of SARIF (GitHub shows them as open alerts).",
)
@click.option(
    "--plugin",
    "plugin_files",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Load rules from this Python file too (repeatable).",
)
@click.option(
    "--allow-unchecked",
    is_flag=True,
    help="Exit by the findings alone even when some files could not be checked "
    "(unparseable, unreadable, a rule crashed); they are still reported. Without it: exit 3.",
)
@click.option(
    "--color",
    type=click.Choice(["always", "never", "auto"]),
    is_flag=False,
    flag_value="always",
    default="auto",
    show_default=True,
    help="Colour text output: always (also through a pipe), never, or auto: when writing to a "
    "terminal, unless NO_COLOR is set; FORCE_COLOR forces it. `--color` alone is always.",
)
@click.option("--no-color", is_flag=True, help="The same as --color never.")
@click.option(
    "-q", "--quiet", is_flag=True, help="Print the findings only: no summary line, no notes."
)
@click.option(
    "--statistics",
    is_flag=True,
    help="Print how many findings each rule has instead of the findings (text or json).",
)
@click.option(
    "--show-settings",
    is_flag=True,
    help="Print which config file applies and the resolved settings, then exit.",
)
def check(
    paths: tuple[str, ...],
    staged: bool,
    base: str | None,
    all_files: bool,
    pre_commit: bool,
    fmt: str,
    output: Path | None,
    fail_on: str | None,
    select: str | None,
    ignore: str | None,
    config_file: Path | None,
    python: str | None,
    no_suppressed: bool,
    plugin_files: tuple[Path, ...],
    allow_unchecked: bool,
    color: str,
    no_color: bool,
    quiet: bool,
    statistics: bool,
    show_settings: bool,
) -> None:
    """Check a change: by default HEAD against the working tree.

    PATHS limit the files checked.

    \b
    Exit status: 0 no finding at or above --fail-on, 1 findings, 2 usage, config or git error,
    3 part of the change could not be checked (see --allow-unchecked), 4 the report could not
    be written.
    """
    from aiguard.cli.check import CheckOptions, describe_mode, pre_commit_options, run_check

    if sum([staged, base is not None, all_files, pre_commit]) > 1:
        raise click.UsageError("choose at most one of --staged, --base, --all and --pre-commit")
    if statistics and fmt not in ("text", "json"):
        raise click.UsageError("--statistics prints text or json, not --format " + fmt)
    mode: dict[str, Any] = {"staged": staged, "base": base, "all_files": all_files}
    if pre_commit:
        mode = pre_commit_options(os.environ)
    options = CheckOptions(
        paths=paths,
        **mode,
        fmt=fmt,
        fail_on=fail_on,
        select=_split(select),
        ignore=_split(ignore),
        config_file=config_file,
        python=python,
        include_suppressed=not no_suppressed,
        plugin_files=plugin_files,
        allow_unchecked=allow_unchecked,
        quiet=quiet,
        statistics=statistics,
    )
    if show_settings:
        from aiguard.cli.check import show_settings as settings_report

        _write(settings_report(options, cwd=Path.cwd()), None)
        return
    use_color = use_colour(
        "never" if no_color else color,
        environ=os.environ,
        terminal=output is None and sys.stdout is not None and sys.stdout.isatty(),
    )
    report, status, notes = run_check(options, cwd=Path.cwd(), color=use_color)
    if pre_commit:
        notes.append(describe_mode(options))
    for note in notes:
        click.echo(note, err=True)
    _write(report, output)
    raise click.exceptions.Exit(status)


_plugin_option = click.option(
    "--plugin",
    "plugin_files",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Load rules from this Python file too (repeatable).",
)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text: a table; markdown: the README's table; json: every rule's full documentation.",
)
@_plugin_option
def rules(fmt: str, plugin_files: tuple[Path, ...]) -> None:
    """List every rule: id, name, category, default severity, languages."""
    from aiguard.lint.registry import load_rules
    from aiguard.report.docs import rule_docs, rules_json, rules_markdown, rules_text

    docs = rule_docs(load_rules(plugin_files).values())
    render = {"text": rules_text, "markdown": rules_markdown, "json": rules_json}[fmt]
    click.echo(render(docs), nl=False)


@cli.command()
@click.argument("rule_id")
@_plugin_option
def rule(rule_id: str, plugin_files: tuple[Path, ...]) -> None:
    """Explain one rule: why it matters, what it flags, what it leaves alone, how to fix."""
    from aiguard.lint.registry import load_rules
    from aiguard.report.docs import RuleDoc

    found = load_rules(plugin_files).get(rule_id.upper())
    if found is None:
        raise AiguardError(f"unknown rule {rule_id!r} (see `aiguard rules`)")
    click.echo(RuleDoc.of(found).text(), nl=False)


def use_colour(choice: str, *, environ: Mapping[str, str], terminal: bool) -> bool:
    """--color always|never win; auto follows NO_COLOR (no-color.org), then FORCE_COLOR
    (force-color.org), each when set to a non-empty value, then whether it is a terminal."""
    if choice != "auto":
        return choice == "always"
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return terminal


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the configuration ([tool.aiguard] / aiguard.toml)."""
    from aiguard.config_schema import schema as config_schema

    click.echo(json.dumps(config_schema(), indent=2))


def _split(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(v.strip().upper() for v in value.split(",") if v.strip())


def _write(report: str, output: Path | None) -> None:
    from aiguard.report.write import write_report

    write_report(report, output)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the CLI and turn every failure into an exit status and one line."""
    try:
        result = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="aiguard",
            standalone_mode=False,
        )
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort as exc:
        if isinstance(exc.__context__, KeyboardInterrupt):  # click turns Ctrl-C into Abort
            click.echo("aiguard: interrupted", err=True)
            return EXIT_INTERRUPTED
        click.echo("aiguard: aborted", err=True)
        return EXIT_ERROR
    except click.ClickException as exc:
        exc.show()
        return EXIT_ERROR
    except ReportNotWritten as exc:
        click.echo(f"aiguard: error: {exc}", err=True)
        return EXIT_REPORT_LOST
    except AiguardError as exc:
        click.echo(f"aiguard: error: {exc}", err=True)
        return EXIT_ERROR
    except KeyboardInterrupt:
        click.echo("aiguard: interrupted", err=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader (a pager, `head`) went away: nothing left to tell anyone.
        sys.stderr.close()
        return EXIT_ERROR
    except Exception as exc:  # the last line of defence: a bug becomes one line, not a traceback
        if os.environ.get("AIGUARD_DEBUG"):
            raise
        click.echo(
            f"aiguard: internal error: {type(exc).__name__}: {exc} "
            "(set AIGUARD_DEBUG=1 for the traceback, and please report it)",
            err=True,
        )
        return EXIT_ERROR
    return result if isinstance(result, int) else EXIT_CLEAN


# The coding-agent commands (hook, install, uninstall) live in their own module.
from aiguard.cli.agents import COMMANDS as _AGENT_COMMANDS  # noqa: E402 -- needs `cli` defined first

for _command in _AGENT_COMMANDS:
    cli.add_command(_command)
