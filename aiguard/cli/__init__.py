"""The command line: `aiguard check`, `aiguard rules`, `aiguard rule ID`.

Exit status: 0 nothing at or above --fail-on, 1 findings, 2 usage, config, git or plugin error.
Expected failures are AiguardError: one line on stderr, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from aiguard import __version__
from aiguard.errors import AiguardError

if TYPE_CHECKING:
    from aiguard.lint.rule import Rule

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


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
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif", "github", "gitlab"]),
    default="text",
    show_default=True,
    help="Output format.",
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
    "--color/--no-color", default=None, help="Colour text output (default: when a terminal)."
)
def check(
    paths: tuple[str, ...],
    staged: bool,
    base: str | None,
    all_files: bool,
    fmt: str,
    output: Path | None,
    fail_on: str | None,
    select: str | None,
    ignore: str | None,
    config_file: Path | None,
    python: str | None,
    no_suppressed: bool,
    plugin_files: tuple[Path, ...],
    color: bool | None,
) -> None:
    """Check a change: by default HEAD against the working tree.

    PATHS limit the files checked (pre-commit passes the staged file names).
    """
    from aiguard.cli.check import CheckOptions, run_check

    if sum([staged, base is not None, all_files]) > 1:
        raise click.UsageError("choose at most one of --staged, --base and --all")
    options = CheckOptions(
        paths=paths,
        staged=staged,
        base=base,
        all_files=all_files,
        fmt=fmt,
        fail_on=fail_on,
        select=_split(select),
        ignore=_split(ignore),
        config_file=config_file,
        python=python,
        include_suppressed=not no_suppressed,
        plugin_files=plugin_files,
    )
    use_color = (
        color
        if color is not None
        else (output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    )
    report, failed, notes = run_check(options, cwd=Path.cwd(), color=use_color)
    for note in notes:
        click.echo(note, err=True)
    _write(report, output)
    raise click.exceptions.Exit(EXIT_FINDINGS if failed else EXIT_CLEAN)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
def rules(fmt: str) -> None:
    """List every rule: id, name, category, default severity, languages."""
    from aiguard.lint.registry import load_rules

    registry = load_rules()
    if fmt == "markdown":
        click.echo(rules_markdown(registry), nl=False)
        return
    if fmt == "json":
        rows = [
            {
                "id": r.id,
                "name": r.name,
                "category": r.category.value,
                "severity": r.severity.value,
                "languages": _languages(r),
                "summary": r.summary,
            }
            for r in registry.values()
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    header = ("ID", "NAME", "CATEGORY", "SEVERITY", "LANGUAGES")
    table = [header] + [
        (r.id, r.name, r.category.value, r.severity.value, _languages(r)) for r in registry.values()
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header) - 1)]
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        click.echo("  ".join([*cells, row[-1]]))


@cli.command()
@click.argument("rule_id")
def rule(rule_id: str) -> None:
    """Explain one rule: why it matters, what it flags, what it leaves alone, how to fix."""
    from aiguard.lint.registry import load_rules
    from aiguard.lint.rule import Flag, Pass

    registry = load_rules()
    found = registry.get(rule_id.upper())
    if found is None:
        raise AiguardError(f"unknown rule {rule_id!r} (see `aiguard rules`)")
    out = [
        f"{found.id} {found.name}  [{found.category.value}, {found.severity.value}]",
        "",
        found.summary,
        "",
        "Why is this bad?",
        _indent(found.rationale),
        "",
        "How to fix",
        _indent(found.fix),
        "",
        f"Applies to: {_languages(found)} ({found.scope.value} code)",
    ]
    flags = [e for e in found.examples if isinstance(e, Flag)]
    passes = [e for e in found.examples if isinstance(e, Pass)]
    for title, examples in (("Flagged", flags[:3]), ("Not flagged", passes[:3])):
        for example in examples:
            out += ["", f"{title} ({found.example_path(example)}):"]
            if example.before is not None:
                out += ["  before:", _indent(example.before.rstrip("\n"), 4)]
                out.append("  after: the file is deleted" if example.deleted else "  after:")
            if not example.deleted:
                out.append(_indent(example.code.rstrip("\n"), 4))
    click.echo("\n".join(out))


def rules_markdown(registry: Mapping[str, type[Rule]]) -> str:
    """The rule table as Markdown (the README's table is this output)."""
    lines = [
        "| id | name | category | severity | what it finds |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in registry.values():
        summary = r.summary.replace("|", "\\|")
        lines.append(f"| {r.id} | {r.name} | {r.category.value} | {r.severity.value} | {summary} |")
    return "\n".join(lines) + "\n"


def _languages(rule: type) -> str:
    parts = sorted(getattr(rule, "languages", ()))
    parts += list(getattr(rule, "files", ()))
    return ", ".join(parts)


def _indent(text: str, width: int = 2) -> str:
    return textwrap.indent(textwrap.dedent(text).strip("\n"), " " * width)


def _split(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(v.strip().upper() for v in value.split(",") if v.strip())


def _write(report: str, output: Path | None) -> None:
    if output is None:
        click.echo(report, nl=False)
        return
    try:
        output.write_text(report, encoding="utf-8")
    except OSError as exc:
        raise AiguardError(f"cannot write {output}: {exc.strerror or exc}") from None


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
    except click.exceptions.Abort:
        click.echo("aiguard: aborted", err=True)
        return EXIT_ERROR
    except click.ClickException as exc:
        exc.show()
        return EXIT_ERROR
    except AiguardError as exc:
        click.echo(f"aiguard: error: {exc}", err=True)
        return EXIT_ERROR
    except KeyboardInterrupt:
        click.echo("aiguard: interrupted", err=True)
        return 130
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
