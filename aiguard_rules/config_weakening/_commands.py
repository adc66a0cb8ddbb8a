"""Commands that CI, task runners and scripts run, and what they tell about checks.

`commands_of(source)` lists the shell commands a CI workflow, a GitLab pipeline, tox, a Makefile,
package.json scripts or a noxfile runs, each with its line and its owner (job, target, script,
session). `check_signature` says whether a command runs a test, lint or type-check tool (and
which), and `swallowed` whether its failure is thrown away (`|| true`, `--exit-zero`, ...).
Nothing here runs anything: commands are only read.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass
from typing import Any

from aiguard.memo import MemoKey
from aiguard.source import Source, SourceError

from ._doc import Doc, IniDoc, parsed

# Script, target and job names that mean "a check" (`test`, `lint:ts`, `typecheck`, `ci`...).
CHECK_NAME = re.compile(
    r"(?i)(^|[:_./-])(tests?|lint\w*|check\w*|typecheck|type-check|types|tsc|mypy|pyright|"
    r"verify|ci|e2e|coverage|cov|unit|integration|spec|style|format-check|fmt-check|"
    r"static-analysis|sast|audit|pre-commit|precommit|ruff|eslint|flake8|pylint|pytest|jest|"
    r"vitest)($|[:_./-])"
)
_ALWAYS_CHECKS = frozenset(
    {
        "pytest", "py.test", "mypy", "dmypy", "pyright", "basedpyright", "flake8", "pylint",
        "bandit", "tox", "nox", "pytype", "pyre", "vulture", "interrogate", "deptry", "unittest",
        "eslint", "tsc", "vue-tsc", "jest", "vitest", "mocha", "ava", "karma", "stylelint",
        "oxlint", "tsd", "golangci-lint", "staticcheck", "phpunit", "rspec", "rubocop",
        "shellcheck", "hadolint", "actionlint", "yamllint", "markdownlint", "semgrep", "ctest",
        "pyflakes", "pycodestyle", "pydocstyle", "darglint", "xo", "standard", "tap",
    }
)  # fmt: skip
# Tools that check only with a given subcommand or option.
_CHECK_WITH = {
    "ruff": ("check", "format --check", "--check"),
    "black": ("--check",),
    "isort": ("--check", "--check-only", "-c"),
    "prettier": ("--check", "-c", "--list-different", "-l"),
    "biome": ("check", "lint", "ci", "format"),
    "pre-commit": ("run",),
    "prek": ("run",),
    "coverage": ("report", "xml", "html", "json", "lcov"),
    "go": ("test", "vet"),
    "cargo": ("test", "clippy", "check", "fmt --check", "nextest"),
    "playwright": ("test",),
    "cypress": ("run",),
    "dotnet": ("test", "format --verify-no-changes"),
    "gradle": ("test", "check", "lint"),
    "./gradlew": ("test", "check", "lint"),
    "gradlew": ("test", "check", "lint"),
    "mvn": ("test", "verify"),
    "./mvnw": ("test", "verify"),
    "ng": ("test", "lint"),
    "next": ("lint",),
    "deno": ("test", "lint", "check"),
    "bun": ("test",),
    "swift": ("test",),
    "mix": ("test", "credo", "dialyzer", "format --check-formatted"),
}
# Wrappers whose next word is the real program.
_WRAPPERS = {
    "time", "env", "sudo", "exec", "command", "nice", "xvfb-run", "npx", "bunx", "pnpx", "uvx",
    "dotenv", "cross-env", "nohup", "timeout",
}  # fmt: skip
_RUN_WRAPPERS = {"uv", "poetry", "pipenv", "pdm", "hatch", "rye", "pixi", "conda", "mamba"}
_PACKAGE_RUNNERS = {"npm", "yarn", "pnpm", "bun"}
_TASK_RUNNERS = {"make", "gmake", "just", "task", "invoke", "inv", "mage"}
_SWALLOWERS = re.compile(r"^(true|:|/bin/true|/usr/bin/true|exit 0|return 0|echo\b.*|printf\b.*)$")
# Runners that may take over what a removed command did (tox runs pytest, `make test` runs it).
RUNNER_SIGNATURES = re.compile(
    r"^(tox|nox|pre-commit run|prek run|make \S+|just \S+|task \S+|npm run \S+|uses:.*)$"
)


@dataclass(frozen=True)
class Command:
    """One shell command line, where it stands, and what runs it."""

    text: str
    line: int
    owner: str  # the job, target, script, session or env it belongs to
    ignore_exit: str = ""  # a runner-level "ignore the exit status" marker (tox/make "-", ...)


def words_of(command: str) -> list[str]:
    """Shell words and operators (`||`, `&&`, `;`, `|`) of one command line."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        return list(lexer)
    except ValueError:  # an unbalanced quote: fall back to plain words
        return command.split()


_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh"})


def segments(command: str, depth: int = 0) -> list[tuple[str, list[str]]]:
    """The simple commands of a line, each with the operator before it ("" for the first).

    `bash -c '<script>'` is looked into: its script's commands take its place.
    """
    result: list[tuple[str, list[str]]] = []
    operator, current = "", list[str]()
    for word in [*words_of(command), ";"]:
        if word not in ("||", "&&", ";", "|", "&", ";;", "|&"):
            if word not in ("(", ")", "{", "}"):
                current.append(word)
            continue
        script = _shell_script(current)
        if script is not None and depth < 3:
            inner = segments(script, depth + 1)
            if inner:
                inner[0] = (operator, inner[0][1])
                result.extend(inner)
        elif current or operator:
            result.append((operator, current))
        operator, current = word, []
    return [(op, ws) for op, ws in result if ws or op]


def _shell_script(words: list[str]) -> str | None:
    """The script of `bash -c '<script>'` (flags like `-e`, `-eo pipefail` allowed before -c)."""
    if not words or posixpath.basename(words[0]) not in _SHELLS:
        return None
    for index, word in enumerate(words[1:], start=1):
        if word == "-c" or (
            word.startswith("-") and word.endswith("c") and not word.startswith("--")
        ):
            return words[index + 1] if index + 1 < len(words) else None
        if not word.startswith("-") and word != "pipefail":
            return None
    return None


_VALUE_OPTIONS = frozenset(
    {"--with", "--group", "--extra", "-C", "--directory", "--project", "--python", "-p", "--env",
     "-e", "--package", "-s", "--signal", "-k", "--kill-after", "-u", "--unset"}
)  # fmt: skip


def _drop_options(words: list[str]) -> list[str]:
    """Leading options of a wrapper (`uv run --frozen --with x pytest` -> [pytest])."""
    rest = list(words)
    while rest and rest[0].startswith("-"):
        option = rest.pop(0)
        if option in _VALUE_OPTIONS and "=" not in option and rest:
            rest.pop(0)
    return rest


def _program(words: list[str]) -> list[str]:
    """Drop env assignments and wrappers: `FOO=1 uv run python -m pytest -q` -> [pytest, -q]."""
    rest = list(words)
    for _ in range(8):
        while rest and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", rest[0]):
            rest = rest[1:]
        if not rest:
            return rest
        head = posixpath.basename(rest[0])
        if head in _WRAPPERS:
            rest = _drop_options(rest[1:])
            if head == "timeout" and rest and re.match(r"^\d", rest[0]):
                rest = rest[1:]
            continue
        if head in _RUN_WRAPPERS and len(rest) > 1 and rest[1] in ("run", "exec"):
            rest = _drop_options(rest[2:])
            continue
        if head == "pipx" and len(rest) > 1 and rest[1] == "run":
            rest = _drop_options(rest[2:])
            continue
        if re.match(r"^(python|python3|python3\.\d+|py|pypy3?)$", head):
            if len(rest) > 2 and rest[1] == "-m":
                rest = rest[2:]
                continue
            return rest
        if head == "coverage" and len(rest) > 2 and rest[1] == "run":
            module = rest.index("-m") if "-m" in rest else -1
            rest = rest[module + 1 :] if module > 0 else _drop_options(rest[2:])
            continue
        if head in ("pnpm", "npm") and len(rest) > 1 and rest[1] == "exec":
            rest = _drop_options(rest[2:])
            continue
        return rest
    return rest


def check_signature(words: list[str]) -> str | None:
    """What check a simple command runs ("pytest", "ruff check", "npm run lint"), or None."""
    if len(words) == 1 and words[0].startswith("uses:"):
        return words[0]  # a check action or a reusable workflow (listed only when it checks)
    program = _program(words)
    if not program:
        return None
    head = posixpath.basename(program[0]) if not program[0].startswith("./") else program[0]
    args = program[1:]
    joined = " ".join(args)
    if head in ("py.test",):
        return "pytest"
    if head in _ALWAYS_CHECKS:
        return head
    if head in _CHECK_WITH:
        for sub in _CHECK_WITH[head]:
            if (" " in sub and joined.startswith(sub)) or sub in args:
                return f"{head} {sub.split()[0]}"
        if (
            head == "ruff"
            and args
            and not args[0].startswith("-")
            and args[0] not in ("format", "clean", "rule", "config", "version", "server", "analyze")
        ):
            return "ruff check"  # `ruff .` (before the `check` subcommand existed)
        return None
    if head in _PACKAGE_RUNNERS:
        rest = [a for a in args if not a.startswith("-")]
        if rest[:1] == ["test"] or rest[:1] == ["t"]:
            return f"{head} test"
        if rest[:1] in (["run"], ["run-script"]) and len(rest) > 1 and CHECK_NAME.search(rest[1]):
            return f"{head} run {rest[1]}"
        if (
            head in ("yarn", "pnpm", "bun")
            and rest
            and rest[0] not in ("run", "install", "add")
            and CHECK_NAME.search(rest[0])
        ):
            return f"{head} run {rest[0]}"
        return None
    if head in _TASK_RUNNERS:
        targets = [a for a in args if not a.startswith("-") and "=" not in a]
        target = next((t for t in targets if CHECK_NAME.search(t)), None)
        return f"{head} {target}" if target else None
    return None


def command_check(command: str) -> str | None:
    """The first check a command line runs, or None."""
    for _, words in segments(command):
        signature = check_signature(words)
        if signature:
            return signature
    return None


def swallowed(command: str) -> str | None:
    """How a check's failure is thrown away in this line (`|| true`, `; true`, `--exit-zero`)."""
    parts = segments(command)
    for index, (_, words) in enumerate(parts):
        if check_signature(words) is None:
            continue
        if "--exit-zero" in words:
            return "--exit-zero"
        later = parts[index + 1 :]
        if any(_fails(words) for _, words in later):
            return None  # `|| (echo failed; exit 1)` reports and still fails
        for position, (operator, after_words) in enumerate(later):
            text = " ".join(after_words)
            if operator == "||" and _SWALLOWERS.match(text):
                return f"|| {text}" if len(text) < 20 else "|| " + text.split()[0]
            if (
                operator == ";"
                and position == len(later) - 1
                and _SWALLOWERS.match(text)
                and not text.startswith(("echo", "printf"))
            ):
                return f"; {text}"
            if operator in ("&&", ";") and check_signature(after_words):
                break  # the next check starts; it has its own fate
        return None
    return None


def _fails(words: list[str]) -> bool:
    return words in (["false"], ["exit"]) or (
        len(words) == 2 and words[0] in ("exit", "return") and words[1] not in ("0", "$?")
    )


def owner_label(path: str, owner: str) -> str:
    """How to name a command's owner in a message: `CI job test`, `make target lint`, ..."""
    name = posixpath.basename(path)
    if name == "package.json":
        kind = "npm script"
    elif name == "tox.ini":
        kind = "tox env"
    elif name == "noxfile.py":
        kind = "nox session"
    elif name in ("Makefile", "makefile", "GNUmakefile") or name.endswith(".mk"):
        kind = "make target"
    else:
        kind = "CI job"
    return f'{kind} "{owner}"' if owner else kind


# -- where commands live -------------------------------------------------------------------------


_COMMANDS: MemoKey[list[Command] | SourceError] = MemoKey(
    "config-weakening: the commands a file runs"
)


def commands_of(source: Source) -> list[Command]:
    """The commands a CI or task file runs (raises SourceError when it does not parse).

    Computed once per source: several rules read the same commands."""
    outcome: list[Command] | SourceError = source.memo(_COMMANDS, lambda: _attempt_commands(source))
    if isinstance(outcome, SourceError):
        raise outcome
    return list(outcome)


def _attempt_commands(source: Source) -> list[Command] | SourceError:
    try:
        return _read_commands(source)
    except SourceError as exc:
        return exc


def _read_commands(source: Source) -> list[Command]:
    path = source.path
    name = posixpath.basename(path)
    if re.search(r"(^|/)\.github/workflows/[^/]+\.ya?ml$", path):
        return _github(parsed(source, "yaml"), source)
    if name in (".gitlab-ci.yml", ".gitlab-ci.yaml"):
        return _gitlab(parsed(source, "yaml"), source)
    if name == "tox.ini":
        doc = parsed(source, "ini")
        return _tox(doc) if isinstance(doc, IniDoc) else []
    if name in ("Makefile", "makefile", "GNUmakefile") or name.endswith(".mk"):
        return _make(source)
    if name == "package.json":
        return _package_scripts(parsed(source, "json"))
    if name == "noxfile.py":
        return _nox(source)
    return []


def _block_lines(source: Source, first_line: int, script: str) -> list[tuple[str, int]]:
    """Logical lines of a (possibly multi-line) script value with the file line each starts on."""
    found: list[tuple[str, int]] = []
    cursor = first_line
    pending, pending_line = "", 0
    for raw in script.splitlines():
        stripped = raw.strip()
        if not stripped:
            continue
        line = _find_line(source, cursor, stripped)
        if line:
            cursor = line
        if pending:
            pending += " " + stripped.rstrip("\\").strip()
        else:
            pending, pending_line = stripped.rstrip("\\").strip(), line or cursor
        if not stripped.endswith("\\"):
            if not pending.startswith("#"):
                found.append((pending, pending_line))
            pending = ""
    if pending:
        found.append((pending, pending_line))
    return found


def _find_line(source: Source, start: int, text: str) -> int:
    for number in range(max(start, 1), len(source.lines) + 1):
        if text in source.line(number):
            return number
    return 0


def _github(doc: Doc, source: Source) -> list[Command]:
    found: list[Command] = []
    jobs = doc.get(("jobs",))
    for job_id, job in jobs.items() if isinstance(jobs, dict) else []:
        if isinstance(job, dict) and isinstance(job.get("uses"), str):
            # a reusable workflow runs whatever it runs: count it as a runner
            reusable = job["uses"].split("@", 1)[0]
            found.append(Command(f"uses:{reusable}", doc.line(("jobs", job_id, "uses")), job_id))
        steps = job.get("steps") if isinstance(job, dict) else None
        for index, step in enumerate(steps if isinstance(steps, list) else []):
            if not isinstance(step, dict):
                continue
            if isinstance(step.get("run"), str):
                start = doc.line(("jobs", job_id, "steps", index, "run"))
                for text, line in _block_lines(source, start, step["run"]):
                    found.append(Command(text, line, job_id))
            elif isinstance(step.get("uses"), str):
                uses = step["uses"].split("@", 1)[0]
                if CHECK_NAME.search(uses.replace("/", "-")) or re.search(
                    r"(?i)lint|test|check|ruff|mypy|codeql", uses
                ):
                    found.append(
                        Command(f"uses:{uses}", doc.line(("jobs", job_id, "steps", index)), job_id)
                    )
    return found


_GITLAB_RESERVED = frozenset(
    {"stages", "variables", "default", "include", "workflow", "image", "services", "before_script",
     "after_script", "cache", "pages"}
)  # fmt: skip


def gitlab_jobs(doc: Doc) -> dict[str, dict[str, Any]]:
    data = doc.data if isinstance(doc.data, dict) else {}
    return {k: v for k, v in data.items() if k not in _GITLAB_RESERVED and isinstance(v, dict)}


def _gitlab(doc: Doc, source: Source) -> list[Command]:
    found: list[Command] = []
    for job_id, job in gitlab_jobs(doc).items():
        for key in ("before_script", "script", "after_script"):
            items = job.get(key)
            items = [items] if isinstance(items, str) else items if isinstance(items, list) else []
            for index, item in enumerate(items):
                if not isinstance(item, str):
                    continue
                path = (job_id, key, index) if isinstance(job.get(key), list) else (job_id, key)
                for text, line in _block_lines(source, doc.line(path), item):
                    found.append(Command(text, line, job_id))
    return found


def _tox(doc: IniDoc) -> list[Command]:
    found: list[Command] = []
    for section, options in doc.data.items():
        if not (section == "testenv" or section.startswith("testenv:")):
            continue
        for option in options:
            if option not in ("commands", "commands_pre", "commands_post"):
                continue
            pending, pending_line = "", 0
            for number, text in doc.value_lines.get((section, option), []):
                stripped = text.strip()
                if not stripped or stripped.startswith("#"):
                    continue
                pending_line = pending_line or number
                pending = f"{pending} {stripped.rstrip(chr(92)).strip()}".strip()
                if stripped.endswith("\\"):
                    continue
                ignore = "-" if pending.startswith("-") else ""
                found.append(Command(pending.lstrip("- ").strip(), pending_line, section, ignore))
                pending, pending_line = "", 0
    return found


_TARGET = re.compile(r"^([A-Za-z0-9_./%$(){}-][^:=#]*?)\s*::?(?!=)")


def _make(source: Source) -> list[Command]:
    found: list[Command] = []
    target = ""
    pending, pending_line = "", 0
    for number, raw in enumerate(source.lines, start=1):
        if raw.startswith("\t"):
            stripped = raw.strip()
            if not stripped or stripped.startswith("#"):
                continue
            pending_line = pending_line or number
            pending = f"{pending} {stripped.rstrip(chr(92)).strip()}".strip()
            if stripped.endswith("\\"):
                continue
            prefix = re.match(r"^[@+-]+", pending)
            marks = prefix.group(0) if prefix else ""
            found.append(
                Command(
                    pending[len(marks) :].strip(), pending_line, target, "-" if "-" in marks else ""
                )
            )
            pending, pending_line = "", 0
            continue
        match = _TARGET.match(raw)
        if match and not raw.startswith((" ", "#")):
            target = match.group(1).strip()
    return found


def _package_scripts(doc: Doc) -> list[Command]:
    scripts = doc.get(("scripts",))
    found: list[Command] = []
    for name, command in scripts.items() if isinstance(scripts, dict) else []:
        if isinstance(command, str):
            found.append(Command(command, doc.line(("scripts", name)), name))
    return found


def _nox(source: Source) -> list[Command]:
    """`session.run("pytest", ...)` calls; `success_codes` other than 0 mark the exit ignored."""
    import ast

    try:
        module = ast.parse(source.text)
    except (SyntaxError, ValueError) as exc:
        raise SourceError(f"Python syntax error: {exc}") from None
    except (RecursionError, MemoryError) as exc:
        raise SourceError(f"too deeply nested to parse ({type(exc).__name__})") from None
    found: list[Command] = []
    for function in ast.walk(module):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in ("run", "run_always", "run_install"):
                continue
            words = [
                a.value
                for a in node.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
            if not words:
                continue
            ignore = ""
            for keyword in node.keywords:
                if keyword.arg == "success_codes":
                    codes = keyword.value
                    values = [
                        e.value for e in getattr(codes, "elts", []) if isinstance(e, ast.Constant)
                    ]
                    if not isinstance(codes, (ast.List, ast.Tuple, ast.Set)) or any(
                        v != 0 for v in values
                    ):
                        ignore = "success_codes"
            text = " ".join(shlex.quote(w) for w in words)
            found.append(Command(text, node.lineno, function.name, ignore))
    return found
