"""AIG206: a change that lowers a coverage gate or lets the test runner skip or pass more."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from aiguard.findings import Category
from aiguard.lint.rule import Flag, Pass
from aiguard.source import SourceError

from ._base import ConfigRule, as_number, is_generated_path, show
from ._commands import Command, check_signature, commands_of, segments, words_of
from ._doc import MISSING, Doc, IniDoc, Path

# `-p no:NAME` that only turns off conveniences, never tests or gates.
_HARMLESS_PLUGINS = frozenset({"cacheprovider", "randomly", "sugar", "pretty", "hypothesispytest"})
_TEST_PATH = re.compile(
    r"(?i)(^|[/*])(tests?|testing|__tests__|conftest\.py|spec)([/*]|$)|test_\*|_test\.py"
)
_METRICS = ("lines", "branches", "functions", "statements")
_JS_CONFIG = re.compile(r"^(jest|vitest|vite)\.config\.[cm]?[jt]s$|^jest\.config\.json$")
_PYTEST_SECTIONS = {"pytest.ini": "pytest", "tox.ini": "pytest", "setup.cfg": "tool:pytest"}
_COVERAGE_SECTIONS = {
    ".coveragerc": ("run", "report"),
    "setup.cfg": ("coverage:run", "coverage:report"),
    "tox.ini": ("coverage:run", "coverage:report"),
}
_COMMAND_FILES = re.compile(
    r"(^|/)\.github/workflows/[^/]+\.ya?ml$|(^|/)\.gitlab-ci\.ya?ml$|(^|/)(GNU)?[Mm]akefile$|"
    r"\.mk$|(^|/)noxfile\.py$|(^|/)tox\.ini$|(^|/)package\.json$"
)


def runner_weakeners(words: list[str]) -> dict[str, int]:
    """Test-runner options that deselect, ignore or pass without tests: description -> index of
    the option among `words`."""
    found: dict[str, int] = {}
    index = 0
    while index < len(words):
        word = words[index]
        name, _, inline = word.partition("=") if word.startswith("--") else (word, "", "")
        value = inline or (words[index + 1] if index + 1 < len(words) else "")
        takes_next = not inline
        if name in (
            "--deselect",
            "--ignore",
            "--ignore-glob",
            "--testPathIgnorePatterns",
            "--exclude",
        ):
            if name == "--deselect" or not is_generated_path(value):
                found[f"{name} {value}"] = index
            index += 2 if takes_next else 1
            continue
        if word.startswith("-p") and not word.startswith("--"):
            spec = value if word == "-p" else word[2:].lstrip("=")
            plugin = spec[3:] if spec.startswith("no:") else ""
            if plugin and plugin not in _HARMLESS_PLUGINS:
                found[f"-p no:{plugin}"] = index
            index += 2 if word == "-p" else 1
            continue
        if word == "-k" or word.startswith("-k="):
            expression = value if word == "-k" else word[3:]
            if re.search(r"\bnot\b", expression):
                found[f'-k "{expression}"'] = index
            index += 2 if word == "-k" else 1
            continue
        if name in (
            "--continue-on-collection-errors",
            "--no-cov",
            "--passWithNoTests",
            "--pass-with-no-tests",
        ):
            found[name] = index
        index += 1
    return found


def cov_fail_under(words: list[str]) -> float | None:
    for index, word in enumerate(words):
        if word.startswith("--cov-fail-under="):
            return as_number(word.split("=", 1)[1])
        if word == "--cov-fail-under" and index + 1 < len(words):
            return as_number(words[index + 1])
    return None


@dataclass
class _Gates:
    """The gates one file sets: numeric thresholds, list entries, runner options - with lines."""

    thresholds: dict[str, tuple[float, int]] = field(default_factory=dict)
    omitted: dict[str, dict[str, int]] = field(default_factory=dict)  # setting -> entry -> line
    options: dict[str, tuple[str, int]] = field(default_factory=dict)  # weakener -> (owner, line)
    switches: dict[str, tuple[Any, int]] = field(default_factory=dict)
    present: bool = False


def _list_entries(doc: Doc, path: Path) -> dict[str, int]:
    value = doc.get(path)
    if isinstance(value, str):
        if isinstance(doc, IniDoc) and len(path) == 2:
            entries = [e.strip() for e in re.split(r"[,\n]", value)]
            return {e: doc.token_line(path, e) for e in entries if e}
        return {value: doc.line(path)}
    if isinstance(value, list):
        return {v: doc.line((*path, i)) for i, v in enumerate(value) if isinstance(v, str)}
    return {}


def _addopts_words(doc: Doc, path: Path) -> list[tuple[str, int]]:
    """Every word of `addopts` (a string, a multi-line INI value or a TOML list) with its line."""
    value = doc.get(path)
    found: list[tuple[str, int]] = []
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str):
                found.extend((w, doc.line((*path, index))) for w in words_of(item))
    elif isinstance(value, str) and isinstance(doc, IniDoc):
        for number, text in doc.value_lines.get(path, []):
            found.extend((w, number) for w in words_of(text))
    elif isinstance(value, str):
        found.extend((w, doc.line(path)) for w in words_of(value))
    return found


def _read_addopts(gates: _Gates, doc: Doc, path: Path) -> None:
    located = _addopts_words(doc, path)
    words = [w for w, _ in located]
    for description, index in runner_weakeners(words).items():
        gates.options.setdefault(description, ("addopts", located[index][1]))
    threshold = cov_fail_under(words)
    if threshold is not None:
        line = next((ln for w, ln in located if w.startswith("--cov-fail-under")), doc.line(path))
        gates.thresholds["--cov-fail-under"] = (threshold, line)


def _python_gates(doc: Doc, name: str) -> _Gates:
    gates = _Gates()
    if isinstance(doc, IniDoc):
        run, report = _COVERAGE_SECTIONS.get(name, ("coverage:run", "coverage:report"))
        pytest_section = _PYTEST_SECTIONS.get(name)
        coverage: dict[str, Path] = {"run": (run,), "report": (report,)}
        if pytest_section and pytest_section in doc.data:
            gates.present = True
            _read_addopts(gates, doc, (pytest_section, "addopts"))
    else:
        coverage = {"run": ("tool", "coverage", "run"), "report": ("tool", "coverage", "report")}
        for table in (("tool", "pytest", "ini_options"), ("tool", "pytest")):
            if isinstance(doc.get(table), dict):
                gates.present = True
                _read_addopts(gates, doc, (*table, "addopts"))
    for part, base in coverage.items():
        if not isinstance(doc.get(base), dict):
            continue
        gates.present = True
        if part == "report":
            value = as_number(doc.get((*base, "fail_under")))
            if value is not None:
                gates.thresholds["coverage fail_under"] = (value, doc.line((*base, "fail_under")))
        entries = _list_entries(doc, (*base, "omit"))
        if entries:
            gates.omitted[f"coverage {part} omit"] = entries
    return gates


def _js_gates(doc: Doc, base: Path, *, vitest: bool) -> _Gates:
    gates = _Gates()
    config = doc.get(base)
    if not isinstance(config, dict):
        return gates
    gates.present = True
    if vitest:
        coverage: Path = (*base, "coverage")
        _numeric_leaves(gates, doc, (*coverage, "thresholds"), "vitest coverage thresholds")
        for metric in _METRICS:  # the form before vitest 1: test.coverage.lines
            value = doc.get((*coverage, metric))
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                gates.thresholds[f"vitest coverage.{metric}"] = (
                    float(value),
                    doc.line((*coverage, metric)),
                )
        hundred = doc.get((*coverage, "thresholds", "100"))
        if hundred is not MISSING:
            gates.switches["vitest coverage thresholds.100"] = (
                hundred,
                doc.line((*coverage, "thresholds", "100")),
            )
        lists = {"test.exclude": (*base, "exclude"), "coverage.exclude": (*coverage, "exclude")}
        tool = "vitest"
    else:
        _numeric_leaves(gates, doc, (*base, "coverageThreshold"), "jest coverageThreshold")
        lists = {
            "testPathIgnorePatterns": (*base, "testPathIgnorePatterns"),
            "coveragePathIgnorePatterns": (*base, "coveragePathIgnorePatterns"),
        }
        tool = "jest"
    for label, path in lists.items():
        entries = _list_entries(doc, path)
        if entries:
            gates.omitted[f"{tool} {label}"] = entries
    pass_with_no_tests = doc.get((*base, "passWithNoTests"))
    if pass_with_no_tests is not MISSING:
        gates.switches[f"{tool} passWithNoTests"] = (
            pass_with_no_tests,
            doc.line((*base, "passWithNoTests")),
        )
    return gates


def _numeric_leaves(gates: _Gates, doc: Doc, path: Path, label: str) -> None:
    value = doc.get(path)
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        if isinstance(item, dict):
            _numeric_leaves(gates, doc, (*path, key), f"{label}.{key}")
        elif key in _METRICS and isinstance(item, (int, float)) and not isinstance(item, bool):
            gates.thresholds[f"{label}.{key}"] = (float(item), doc.line((*path, key)))


def _lower(old: float, new: float) -> bool:
    """Whether a threshold got laxer (a negative jest threshold counts uncovered items)."""
    if old < 0 and new < 0:
        return new < old
    if old < 0 or new < 0:
        return False
    return new < old


class CoverageOrTestGateWeakened(ConfigRule):
    id = "AIG206"
    name = "coverage-or-test-gate-weakened"
    category = Category.CONFIG_WEAKENING
    files = (
        "pyproject.toml", ".coveragerc", "setup.cfg", "tox.ini", "pytest.ini", "package.json",
        "jest.config.js", "jest.config.ts", "jest.config.mjs", "jest.config.cjs",
        "jest.config.json", "vitest.config.*", "vite.config.*", ".github/workflows/*.yml",
        ".github/workflows/*.yaml", ".gitlab-ci.yml", ".gitlab-ci.yaml", "Makefile", "makefile",
        "GNUmakefile", "*.mk", "noxfile.py",
    )  # fmt: skip
    summary = "Coverage threshold lowered, files omitted, tests deselected or allowed to be absent"
    rationale = (
        "Lowering `fail_under`, `--cov-fail-under` or `coverageThreshold`, omitting files from "
        'coverage, or adding `--deselect`, `-k "not ..."`, `-p no:...`, `--ignore`, '
        "`--continue-on-collection-errors` or `--passWithNoTests` lets a change that breaks or "
        "drops tests pass the gate that was meant to catch it."
    )
    fix = (
        "Keep the gate and bring the tests and coverage back up. If a test is genuinely broken, "
        "mark that one test `xfail`/`skip` with a reason and a tracking issue, in plain sight."
    )
    interest = None  # an entry added to a multi-line list can be any text
    tags = ("coverage", "pytest", "jest", "vitest", "tests")
    examples: ClassVar[tuple[Flag | Pass, ...]] = (
        Flag(
            "[tool.coverage.report]\nfail_under = 80\nshow_missing = true\n",
            line=2,
            before="[tool.coverage.report]\nfail_under = 95\nshow_missing = true\n",
            path="pyproject.toml",
            message="coverage fail_under: 95 -> 80",
        ),
        Flag(
            "[run]\nbranch = True\nomit =\n    */migrations/*\n    src/app/payments.py\n",
            line=5,
            before="[run]\nbranch = True\nomit =\n    */migrations/*\n",
            path=".coveragerc",
            message='coverage run omit: added "src/app/payments.py"',
        ),
        Flag(
            """
                [tool.pytest.ini_options]
                addopts = [
                  "-ra",
                  "--deselect=tests/test_api.py::test_refund",
                  "-p", "no:warnings",
                ]
            """,
            line=(4, 5),
            before='[tool.pytest.ini_options]\naddopts = [\n  "-ra",\n]\n',
            path="pyproject.toml",
        ),
        Flag(
            '[pytest]\naddopts = -q -k "not slow_payment" --continue-on-collection-errors\n',
            line=2,
            before="[pytest]\naddopts = -q\n",
            path="pytest.ini",
        ),
        Flag(
            "[tool:pytest]\naddopts = --cov=app --cov-fail-under=70\n",
            line=2,
            before="[tool:pytest]\naddopts = --cov=app --cov-fail-under=90\n",
            path="setup.cfg",
            message="--cov-fail-under: 90 -> 70",
        ),
        Flag(
            """
                module.exports = {
                  coverageThreshold: {
                    global: { branches: 60, lines: 90 },
                  },
                  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/src/billing/"],
                };
            """,
            line=(3, 5),
            before="""
                module.exports = {
                  coverageThreshold: {
                    global: { branches: 80, lines: 90 },
                  },
                  testPathIgnorePatterns: ["/node_modules/"],
                };
            """,
            path="jest.config.js",
        ),
        Flag(
            """
                import { defineConfig } from "vitest/config";
                export default defineConfig({
                  test: {
                    passWithNoTests: true,
                    coverage: { thresholds: { lines: 70 } },
                  },
                });
            """,
            line=(4, 5),
            before="""
                import { defineConfig } from "vitest/config";
                export default defineConfig({
                  test: {
                    coverage: { thresholds: { lines: 85 } },
                  },
                });
            """,
            path="vitest.config.ts",
        ),
        Flag(
            """
                jobs:
                  test:
                    runs-on: ubuntu-latest
                    steps:
                      - run: pytest --cov=app --cov-fail-under=50 --deselect tests/test_tax.py
            """,
            line=5,
            before="""
                jobs:
                  test:
                    runs-on: ubuntu-latest
                    steps:
                      - run: pytest --cov=app --cov-fail-under=85
            """,
            path=".github/workflows/ci.yml",
        ),
        Flag(
            '{\n  "scripts": {\n    "test": "jest --passWithNoTests"\n  }\n}\n',
            line=3,
            before='{\n  "scripts": {\n    "test": "jest"\n  }\n}\n',
            path="package.json",
            message="--passWithNoTests",
        ),
        # Raised gates, reordering, harmless plugins, generated paths, new configs: silent.
        Pass(
            "[tool.coverage.report]\nshow_missing = true\nfail_under = 97\n",
            before="[tool.coverage.report]\nfail_under = 95\nshow_missing = true\n",
            path="pyproject.toml",
        ),
        Flag(
            "[coverage:run]\nbranch = True\n\n[coverage:report]\nshow_missing = True\n",
            line=5,
            before="[coverage:run]\nbranch = True\n\n[coverage:report]\nshow_missing = True\n"
            "fail_under = 90\n",
            path="setup.cfg",
            message="coverage fail_under: 90 -> (removed)",
        ),
        Pass(
            "[run]\nbranch = True\n",
            before="[run]\nbranch = True\n\n[report]\nfail_under = 90\n",
            path=".coveragerc",
            files={"pyproject.toml": "[tool.coverage.report]\nfail_under = 90\n"},
        ),
        Pass(
            "[pytest]\naddopts = -ra -p no:cacheprovider --strict-markers\n",
            before="[pytest]\naddopts = -ra\n",
            path="pytest.ini",
        ),
        Pass(
            "[run]\nomit =\n    */tests/*\n    */migrations/*\n    build/*\n",
            before="[run]\nomit =\n    build/*\n",
            path=".coveragerc",
        ),
        Pass(
            "[pytest]\naddopts = --deselect tests/test_x.py::test_y -p no:randomly\n",
            before="[pytest]\naddopts = -p no:randomly --deselect tests/test_x.py::test_y\n",
            path="pytest.ini",
        ),
        Pass(
            """
                jobs:
                  test:
                    runs-on: ubuntu-latest
                    steps:
                      - run: pytest -m "not slow" --cov-fail-under=90
            """,
            before="""
                jobs:
                  test:
                    runs-on: ubuntu-latest
                    steps:
                      - run: pytest --cov-fail-under=85
            """,
            path=".github/workflows/ci.yml",
        ),
        Pass(
            '{\n  "version": "2.0.0",\n  "jest": {"coverageThreshold": {"global": {"lines": 90}}}\n'
            "}\n",
            before='{"version": "1.0.0",\n'
            '"jest": {"coverageThreshold": {"global": {"lines": 90}}}}\n',
            path="package.json",
        ),
    )

    def check(self) -> None:
        name = posixpath.basename(self.path)
        before, after = self._gates(name)
        if after is not None:
            self._compare(before, after)
        if _COMMAND_FILES.search(self.path):
            self._check_commands()

    def _gates(self, name: str) -> tuple[_Gates | None, _Gates | None]:
        if name == "pyproject.toml" or name in _PYTEST_SECTIONS or name in _COVERAGE_SECTIONS:
            before_doc, after_doc = self.versions("toml" if name.endswith(".toml") else "ini")
            return (
                _python_gates(before_doc, name) if before_doc is not None else None,
                _python_gates(after_doc, name),
            )
        if name == "package.json":
            before_doc, after_doc = self.versions("json")
            base: Path = ("jest",)
            vitest = False
        elif _JS_CONFIG.match(name):
            before_doc, after_doc = self.versions("json" if name.endswith(".json") else "js")
            vitest = not name.startswith("jest")
            base = ("test",) if vitest else ()
        else:
            return None, None
        before = _js_gates(before_doc, base, vitest=vitest) if before_doc is not None else None
        return before, _js_gates(after_doc, base, vitest=vitest)

    def _compare(self, before: _Gates | None, after: _Gates) -> None:
        old = before if before is not None and before.present else _Gates()
        is_new = before is None or not before.present
        for label, (value, line) in after.thresholds.items():
            if label in old.thresholds and _lower(old.thresholds[label][0], value):
                self.weaker(line, f"{label}: {show(old.thresholds[label][0])} -> {show(value)}")
        for label, (value, line) in old.thresholds.items():
            if label not in after.thresholds and value > 0 and after.present:
                if label == "coverage fail_under" and self._fail_under_elsewhere(value):
                    continue  # moved to another coverage config file
                self.removed(line, f"{label}: {show(value)} -> (removed)")
        added: dict[int, list[str]] = {}
        for description, (_, line) in after.options.items():
            if description not in old.options:
                added.setdefault(line, []).append(description)
        for line, descriptions in added.items():
            self.weaker(line, f"pytest addopts: added {', '.join(descriptions)}")
        if not is_new:
            for label, entries in after.omitted.items():
                previous = old.omitted.get(label, {})
                for entry, line in entries.items():
                    if entry in previous or is_generated_path(entry) or _TEST_PATH.search(entry):
                        continue
                    if label.startswith("jest") and entry.strip("/") in (
                        "node_modules",
                        "<rootDir>/node_modules",
                    ):
                        continue
                    self.weaker(line, f'{label}: added "{entry}"')
        for label, (value, line) in after.switches.items():
            was = old.switches.get(label, (MISSING, 0))[0]
            if label.endswith("passWithNoTests") and value is True and was is not True:
                self.weaker(line, f"{label}: {show(was)} -> true")
            if label.endswith("thresholds.100") and value is False and was is True:
                self.weaker(line, f"{label}: true -> false")

    def _fail_under_elsewhere(self, value: float) -> bool:
        """Whether another coverage config of the project keeps a gate at least this high."""
        for path in ("pyproject.toml", ".coveragerc", "setup.cfg", "tox.ini"):
            if path == self.path:
                continue
            text = self.project.read_text(path) or ""
            for match in re.finditer(r"^\s*fail_under\s*[=:]\s*([0-9.]+)", text, re.MULTILINE):
                if (as_number(match.group(1)) or 0) >= value:
                    return True
        return False

    # -- commands in CI, scripts and task files -----------------------------------------------

    def _check_commands(self) -> None:
        after = commands_of(self.after)
        before: list[Command] = []
        if self.before is not None:
            try:
                before = commands_of(self.before)
                self.compared = True
            except SourceError:
                before = []
        old_options: dict[str, set[str]] = {}
        old_thresholds: dict[str, float] = {}
        for command in before:
            for signature, words in _test_runs(command.text):
                old_options.setdefault(signature, set()).update(runner_weakeners(words))
                threshold = cov_fail_under(words)
                if threshold is not None:
                    old_thresholds[signature] = min(
                        threshold, old_thresholds.get(signature, threshold)
                    )
        for command in after:
            problems: list[str] = []
            for signature, words in _test_runs(command.text):
                new = [
                    d for d in runner_weakeners(words) if d not in old_options.get(signature, set())
                ]
                if new:
                    problems.append(f'"{signature}" now runs with {", ".join(new)}')
                threshold = cov_fail_under(words)
                old = old_thresholds.get(signature)
                if threshold is not None and old is not None and threshold < old:
                    problems.append(f"--cov-fail-under: {show(old)} -> {show(threshold)}")
            if problems:
                self.weaker(command.line, "; ".join(problems))


def _test_runs(command: str) -> Iterator[tuple[str, list[str]]]:
    """(signature, words) of each check a command line runs."""
    for _, words in segments(command):
        signature = check_signature(words)
        if signature is not None:
            yield signature, words
