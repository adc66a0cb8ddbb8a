"""AIG207: a change that makes CI (or a task runner) stop failing on a failed check."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, ClassVar

from aiguard.findings import Category
from aiguard.lint.rule import Flag, Pass
from aiguard.source import Source, SourceError

from ._base import ConfigRule, as_bool, show
from ._commands import (
    CHECK_NAME,
    RUNNER_SIGNATURES,
    Command,
    command_check,
    commands_of,
    gitlab_jobs,
    owner_label,
    swallowed,
)
from ._doc import MISSING, Doc, IniDoc, parsed

_TYPE_TOOLS = re.compile(
    r"^(mypy|dmypy|pyright|basedpyright|tsc|vue-tsc|pytype|pyre|tsd)$|typecheck|type-check|types|tsc"
)
_LINT_TOOLS = re.compile(
    r"^(ruff|flake8|pylint|eslint|stylelint|oxlint|black|isort|prettier|biome|golangci-lint|"
    r"staticcheck|rubocop|shellcheck|hadolint|actionlint|yamllint|markdownlint|bandit|semgrep|"
    r"pyflakes|pycodestyle|pydocstyle|vulture|xo|standard)\b|go vet|cargo clippy|lint|format|style"
)
_FALSE_CONDITION = re.compile(r"^\s*(\$\{\{\s*)?(false|0)\s*((&&|\}\}).*)?$", re.IGNORECASE)
_TRIGGERS = ("pull_request", "pull_request_target", "push", "merge_group")


# Actions and reusable workflows that build, sign, publish or deploy: removing one weakens no
# check (a release job going away is a product decision, not a gate turned off).
_NOT_A_CHECK = re.compile(
    r"(?i)^uses:.*(?:slsa|provenance|attest|publish|release|deploy|upload-artifact|"
    r"download-artifact|pages|docker/(?:build-push|login|setup|metadata)|cosign|sigstore|"
    r"checkout|setup-|/cache\b|changelog|labeler|stale)"
)


def _kind(signature: str) -> str:
    """What a check checks: "runner" (tox, make test: may run anything), "type", "lint", "test"."""
    if (
        RUNNER_SIGNATURES.match(signature)
        and not _TYPE_TOOLS.search(signature)
        and not _LINT_TOOLS.search(signature)
    ):
        return "runner"
    if _TYPE_TOOLS.search(signature):
        return "type"
    if _LINT_TOOLS.search(signature):
        return "lint"
    return "test"


def _truthy(value: Any) -> bool:
    return as_bool(value) is True


def _disabled(condition: Any) -> bool:
    if condition is False:
        return True
    return isinstance(condition, str) and bool(_FALSE_CONDITION.match(condition))


@dataclass(frozen=True)
class _Unit:
    """A job or step of a workflow: what it checks and its blocking switches."""

    kind: str  # "job" or "step"
    job: str
    key: str
    checks: frozenset[str]
    named_check: bool
    path: tuple[str | int, ...]

    @property
    def is_check(self) -> bool:
        return bool(self.checks) or self.named_check


def _github_units(doc: Doc) -> list[_Unit]:
    units: list[_Unit] = []
    jobs = doc.get(("jobs",))
    for job_id, job in jobs.items() if isinstance(jobs, dict) else []:
        if not isinstance(job, dict):
            continue
        job_checks: set[str] = set()
        steps = job.get("steps")
        for index, step in enumerate(steps if isinstance(steps, list) else []):
            if not isinstance(step, dict):
                continue
            checks = _step_checks(step)
            job_checks |= checks
            name = str(step.get("name") or step.get("id") or "")
            key = name or ",".join(sorted(checks)) or str(step.get("uses") or index)
            named = bool(CHECK_NAME.search(name))
            units.append(
                _Unit(
                    "step", job_id, key, frozenset(checks), named, ("jobs", job_id, "steps", index)
                )
            )
        named = bool(CHECK_NAME.search(job_id) or CHECK_NAME.search(str(job.get("name") or "")))
        units.append(_Unit("job", job_id, job_id, frozenset(job_checks), named, ("jobs", job_id)))
    return units


def _step_checks(step: dict[str, Any]) -> set[str]:
    checks: set[str] = set()
    run = step.get("run")
    if isinstance(run, str):
        for line in run.splitlines():
            signature = command_check(line)
            if signature:
                checks.add(signature)
    uses = step.get("uses")
    if isinstance(uses, str) and re.search(
        r"(?i)lint|test|check|ruff|mypy|pre-commit|codeql", uses
    ):
        checks.add("uses:" + uses.split("@", 1)[0])
    return checks


class CiMadeNonBlocking(ConfigRule):
    id = "AIG207"
    name = "ci-check-made-non-blocking"
    category = Category.CONFIG_WEAKENING
    files = (
        ".github/workflows/*.yml", ".github/workflows/*.yaml", ".gitlab-ci.yml", ".gitlab-ci.yaml",
        "tox.ini", "Makefile", "makefile", "GNUmakefile", "*.mk", "package.json", "noxfile.py",
    )  # fmt: skip
    summary = "A CI job or script stops failing on a failed check, or stops running it at all"
    rationale = (
        "`continue-on-error: true`, `allow_failure: true`, `|| true`, `--exit-zero`, `if: false`, "
        "or deleting the test/lint/type-check step keeps the pipeline green while the check "
        "fails - or no longer runs. Nobody sees the failure until it reaches production. A "
        "workflow that stops running on push or pull_request is not weakened when it now runs "
        "through `workflow_call` from another workflow that runs on those events, and a "
        "check removed while the same kind of check (lint, type, test) is added in the same "
        "file or another CI file of the change was replaced, not dropped. Jobs that build, "
        "sign, publish or deploy (SLSA provenance, PyPI publishing, Pages) check nothing, so "
        "removing them is not reported."
    )
    fix = (
        "Keep the check blocking and fix what it reports. If a check is flaky or experimental, "
        "say so in the change and track it, rather than silencing its exit status."
    )
    interest = None  # a removed job can leave nothing but unrelated lines changed
    tags = ("ci", "github-actions", "gitlab-ci", "tox", "make", "npm", "nox")
    examples: ClassVar[tuple[Flag | Pass, ...]] = (
        Flag(
            """
                jobs:
                  test:
                    runs-on: ubuntu-latest
                    steps:
                      - uses: actions/checkout@v4
                      - run: pytest -q || true
            """,
            line=6,
            before="""
                jobs:
                  test:
                    runs-on: ubuntu-latest
                    steps:
                      - uses: actions/checkout@v4
                      - run: pytest -q
            """,
            path=".github/workflows/ci.yml",
            message='CI job "test": "pytest" made non-blocking with "|| true"',
        ),
        Flag(
            """
                jobs:
                  lint:
                    runs-on: ubuntu-latest
                    continue-on-error: true
                    steps:
                      - run: |
                          ruff check .
                          mypy src
                      - name: Type check
                        if: false
                        run: pyright
            """,
            line=(4, 10),
            before="""
                jobs:
                  lint:
                    runs-on: ubuntu-latest
                    steps:
                      - run: |
                          ruff check .
                          mypy src
                      - name: Type check
                        run: pyright
            """,
            path=".github/workflows/lint.yaml",
        ),
        Flag(
            """
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    steps:
                      - run: npm ci
            """,
            line=5,
            before="""
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    steps:
                      - run: npm ci
                  test:
                    runs-on: ubuntu-latest
                    steps:
                      - run: npm test
            """,
            path=".github/workflows/ci.yml",
            message='CI job "test" removed (it ran npm test)',
        ),
        Flag(
            """
                unit:
                  script:
                    - pytest
                  allow_failure: true
            """,
            line=4,
            before="unit:\n  script:\n    - pytest\n",
            path=".gitlab-ci.yml",
        ),
        Flag(
            """
                [testenv:lint]
                commands =
                    - flake8 src
                    mypy src --exit-zero
            """,
            line=(3, 4),
            before="""
                [testenv:lint]
                commands =
                    flake8 src
                    mypy src
            """,
            path="tox.ini",
        ),
        Flag(
            """
                test:
                \tpytest tests/ ; true
            """,
            line=2,
            before="test:\n\tpytest tests/\n",
            path="Makefile",
        ),
        Flag(
            """
                {
                  "scripts": {
                    "test": "jest --ci || exit 0"
                  }
                }
            """,
            line=3,
            before='{\n  "scripts": {\n    "test": "jest --ci"\n  }\n}\n',
            path="package.json",
        ),
        Flag(
            """
                import nox

                @nox.session
                def lint(session):
                    session.run("flake8", "src", success_codes=[0, 1])
            """,
            line=5,
            before="""
                import nox

                @nox.session
                def lint(session):
                    session.run("flake8", "src")
            """,
            path="noxfile.py",
        ),
        # Now called through workflow_call by a workflow that runs on push.
        Pass(
            "on: [workflow_call]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - run: pytest\n",
            before=(
                "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
                "    steps:\n      - run: pytest\n"
            ),
            path=".github/workflows/tests.yml",
            files={
                ".github/workflows/main.yml": (
                    "on: [push]\njobs:\n  tests:\n    uses: ./.github/workflows/tests.yml\n"
                )
            },
        ),
        # Not a check, a guarded experiment, moved steps, or already non-blocking: silent.
        Pass(
            """
                jobs:
                  test:
                    runs-on: ubuntu-latest
                    continue-on-error: ${{ matrix.experimental }}
                    steps:
                      - run: rm -rf .cache || true
                      - run: pytest
                      - uses: codecov/codecov-action@v4
                        continue-on-error: true
            """,
            before="""
                jobs:
                  test:
                    runs-on: ubuntu-latest
                    steps:
                      - run: pytest
            """,
            path=".github/workflows/ci.yml",
        ),
        Pass(
            """
                jobs:
                  checks:
                    runs-on: ubuntu-latest
                    steps:
                      - run: ruff check .
                      - run: pytest
            """,
            before="""
                jobs:
                  lint:
                    runs-on: ubuntu-latest
                    steps:
                      - run: ruff check .
                  test:
                    runs-on: ubuntu-latest
                    steps:
                      - run: pytest
            """,
            path=".github/workflows/ci.yml",
        ),
        Pass(
            """
                jobs:
                  test:
                    runs-on: ubuntu-24.04
                    steps:
                      - uses: actions/setup-python@v5
                      - run: tox -e py312
            """,
            before="""
                jobs:
                  test:
                    runs-on: ubuntu-22.04
                    steps:
                      - uses: actions/setup-python@v4
                      - run: pytest
            """,
            path=".github/workflows/ci.yml",
        ),
        Pass(
            """
                {
                  "scripts": {
                    "test": "vitest run",
                    "clean": "rm -rf dist || true"
                  }
                }
            """,
            before='{\n  "scripts": {\n    "test": "jest"\n  }\n}\n',
            path="package.json",
        ),
        Pass(
            """
                jobs:
                  checks:
                    uses: ./.github/workflows/checks.yml
            """,
            before="""
                jobs:
                  lint:
                    runs-on: ubuntu-latest
                    steps:
                      - run: ruff check .
            """,
            path=".github/workflows/ci.yml",
        ),
        Pass(
            "clean:\n\t-rm -rf build\n\npkill:\n\tpkill -f server || true\n",
            before="clean:\n\trm -rf build\n",
            path="Makefile",
        ),
    )

    def check(self) -> None:
        after_commands = commands_of(self.after)
        before_commands: list[Command] = []
        if self.before is not None:
            try:
                before_commands = commands_of(self.before)
                self.compared = True
            except SourceError:
                pass  # a broken before-version: compare against nothing
        self._check_swallowed(before_commands, after_commands)
        if self.compared:
            self._check_removed(before_commands, after_commands)
        name = self.path.rsplit("/", 1)[-1]
        if "/workflows/" in f"/{self.path}":
            self._check_github()
        elif name.startswith(".gitlab-ci."):
            self._check_gitlab()
        elif name == "tox.ini":
            self._check_tox()
        elif name in ("Makefile", "makefile", "GNUmakefile") or name.endswith(".mk"):
            self._check_make_ignore()

    # -- exit statuses thrown away ----------------------------------------------------------

    def _check_swallowed(self, before: list[Command], after: list[Command]) -> None:
        def marks(commands: list[Command]) -> list[tuple[Command, str, str]]:
            found = []
            for command in commands:
                signature = command_check(command.text)
                if signature is None:
                    continue
                marker = swallowed(command.text) or self._runner_marker(command)
                if marker:
                    found.append((command, signature, marker))
            return found

        old = {(signature, marker) for _, signature, marker in marks(before)}
        for command, signature, marker in marks(after):
            if (signature, marker) not in old:
                label = owner_label(self.path, command.owner)
                self.weaker(
                    command.line, f'{label}: "{signature}" made non-blocking with "{marker}"'
                )

    @staticmethod
    def _runner_marker(command: Command) -> str:
        if command.ignore_exit == "-":
            return "- prefix (exit status ignored)"
        if command.ignore_exit:
            return command.ignore_exit
        return ""

    # -- checks removed ---------------------------------------------------------------------

    def _check_removed(self, before: list[Command], after: list[Command]) -> None:
        old = Counter(s for c in before if (s := command_check(c.text)))
        new = Counter(s for c in after if (s := command_check(c.text)))
        gained_kinds = {_kind(s) for s in new if new[s] > old[s]} | self._gained_elsewhere()
        if "runner" in gained_kinds:
            return  # a new runner (tox, make test, npm run ci) may run what was removed
        lost = {s: old[s] - new[s] for s in old if old[s] > new[s] and _kind(s) not in gained_kinds}
        if not lost:
            return
        after_owners = {c.owner for c in after}
        after_texts = {" ".join(c.text.split()) for c in after}
        gone_owners: dict[str, list[Command]] = {}
        for command in before:
            signature = command_check(command.text)
            if signature is None or lost.get(signature, 0) <= 0:
                continue
            if _NOT_A_CHECK.search(signature):
                continue  # provenance, publishing, deployment: nothing checked there
            if " ".join(command.text.split()) in after_texts and new[signature] > 0:
                continue
            lost[signature] -= 1
            if command.owner and command.owner not in after_owners:
                gone_owners.setdefault(command.owner, []).append(command)
                continue
            label = owner_label(self.path, command.owner)
            self.removed(command.line, f'{label}: check "{signature}" removed')
        for owner, commands in gone_owners.items():
            ran = ", ".join(dict.fromkeys(s for c in commands if (s := command_check(c.text))))
            label = owner_label(self.path, owner)
            self.removed(commands[0].line, f"{label} removed (it ran {ran})")

    def _gained_elsewhere(self) -> set[str]:
        """Kinds of check that other CI files of the change gained (a lint job moved into a new
        workflow, flake8 replaced by ruff in another file)."""
        from aiguard.config import path_matches

        def kinds(path: str, text: str | None) -> Counter[str]:
            if text is None:
                return Counter()
            try:
                found = commands_of(Source(path, text))
            except SourceError:
                return Counter()
            return Counter(_kind(sig) for c in found if (sig := command_check(c.text)))

        gained: set[str] = set()
        changed = set(self.project.previous_paths) | set(self.project.changed_paths or ())
        for path in sorted(changed - {self.path}):
            if not path_matches(path, self.files):
                continue
            now = kinds(path, self.project.read_text(path))
            had = kinds(path, self.project.before_text(path))
            gained |= {kind for kind in now if now[kind] > had[kind]}
        # Every new workflow gains `uses: actions/checkout`: a runner elsewhere excuses nothing.
        return gained - {"runner"}

    # -- GitHub Actions -----------------------------------------------------------------------

    def _check_github(self) -> None:
        after_doc = parsed(self.after, "yaml")
        before_doc = self._before_doc("yaml")
        before_units = (
            {(u.kind, u.job, u.key): u for u in _github_units(before_doc)} if before_doc else {}
        )
        for unit in _github_units(after_doc):
            if not unit.is_check:
                continue
            old = before_units.get((unit.kind, unit.job, unit.key))
            for key, test, label in (
                ("continue-on-error", _truthy, "continue-on-error: true"),
                ("if", _disabled, "if: false"),
            ):
                value = after_doc.get((*unit.path, key))
                if value is MISSING or not test(value):
                    continue
                if old is not None and test(
                    before_doc.get((*old.path, key)) if before_doc else MISSING
                ):
                    continue
                what = (
                    f"job {unit.job}"
                    if unit.kind == "job"
                    else f"step {unit.key!r} of job {unit.job}"
                )
                shown = f" ({show(value)})" if isinstance(value, str) else ""
                self.weaker(after_doc.line((*unit.path, key)), f"CI: {label} on {what}{shown}")
        if before_doc is not None:
            self._check_triggers(before_doc, after_doc)

    def _check_triggers(self, before_doc: Doc, after_doc: Doc) -> None:
        triggers = _doc_triggers
        if not any(u.is_check for u in _github_units(after_doc)):
            return
        old, new = triggers(before_doc), triggers(after_doc)
        for trigger in _TRIGGERS:
            if trigger in old and trigger not in new and new:
                if "workflow_call" in new and self._called_on(trigger):
                    continue  # another workflow runs on it and calls this one
                self.weaker(after_doc.line(("on",)), f"CI: workflow no longer runs on {trigger}")

    def _called_on(self, trigger: str) -> bool:
        """Whether another workflow of the project calls this one (`uses: ./.github/workflows/
        <this file>`) and itself runs on `trigger`."""
        uses = re.compile(
            r"^\s*(?:-\s*)?uses:\s*['\"]?\./" + re.escape(self.path) + r"['\"]?\s*(?:#.*)?$",
            re.MULTILINE,
        )
        for path in self.project.files:
            if path == self.path or not re.match(r"\.github/workflows/[^/]+\.ya?ml$", path):
                continue
            text = self.project.read_text(path)
            if text is None or not uses.search(text):
                continue
            caller = _parse_yaml_text(path, text)
            if caller is not None and trigger in _doc_triggers(caller):
                return True
        return False

    def _before_doc(self, kind: str) -> Doc | None:
        if self.before is None or not self.compared:
            return None
        return parsed(self.before, kind)

    # -- GitLab CI ----------------------------------------------------------------------------

    def _check_gitlab(self) -> None:
        after_doc = parsed(self.after, "yaml")
        before_doc = self._before_doc("yaml")
        before_jobs = gitlab_jobs(before_doc) if before_doc else {}
        commands = commands_of(self.after)
        for job_id, job in gitlab_jobs(after_doc).items():
            checks = {s for c in commands if c.owner == job_id and (s := command_check(c.text))}
            if not checks and not CHECK_NAME.search(job_id):
                continue
            old = before_jobs.get(job_id, {})
            allow = job.get("allow_failure", MISSING)
            was_allowed = old.get("allow_failure")
            if (allow is True or isinstance(allow, dict)) and not (
                was_allowed is True or isinstance(was_allowed, dict)
            ):
                self.weaker(
                    after_doc.line((job_id, "allow_failure")), f"CI: allow_failure on job {job_id}"
                )
            when = job.get("when")
            if when in ("manual", "never") and old.get("when") != when and allow is not False:
                self.weaker(
                    after_doc.line((job_id, "when")), f"CI: job {job_id} set to when: {when}"
                )

    # -- tox and make -------------------------------------------------------------------------

    def _check_tox(self) -> None:
        after_doc = parsed(self.after, "ini")
        before_doc = self._before_doc("ini")
        if not isinstance(after_doc, IniDoc):
            return
        for section, options in after_doc.data.items():
            if not (section == "testenv" or section.startswith("testenv:")):
                continue
            if as_bool(options.get("ignore_outcome")) is not True:
                continue
            old = before_doc.data.get(section, {}) if isinstance(before_doc, IniDoc) else {}
            if as_bool(old.get("ignore_outcome")) is not True:
                line = after_doc.line((section, "ignore_outcome"))
                self.weaker(line, f"CI: tox ignore_outcome = true in [{section}]")

    def _check_make_ignore(self) -> None:
        def ignored(lines: list[str]) -> bool:
            return any(re.match(r"^\.IGNORE\s*:", ln) for ln in lines)

        if not ignored(self.after.lines) or (
            self.before is not None and ignored(self.before.lines)
        ):
            return
        line = next(n for n, ln in enumerate(self.after.lines, 1) if re.match(r"^\.IGNORE\s*:", ln))
        self.weaker(line, "CI: .IGNORE makes make ignore every failing recipe")


def _doc_triggers(doc: Doc) -> set[str]:
    """The events a GitHub workflow runs on (`on:` as a string, a list or a mapping)."""
    on = doc.get(("on",))
    if isinstance(on, str):
        return {on}
    if isinstance(on, list):
        return {t for t in on if isinstance(t, str)}
    return set(on) if isinstance(on, dict) else set()


def _parse_yaml_text(path: str, text: str) -> Doc | None:
    """Another workflow of the project, parsed; None when it does not parse."""
    try:
        return parsed(Source(path, text), "yaml")
    except SourceError:
        return None
