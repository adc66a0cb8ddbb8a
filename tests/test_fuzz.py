"""Fuzzing: no input makes a rule crash or hang (issue 14).

Every rule runs on mutated versions of a valid file of every kind aiguard reads, on generated
Python programs (hypothesmith), deep nesting and odd characters. A crash is any exception but
the "file not checked" SourceError the engine reports; a hang is an example over the deadline.
`benchmarks/fuzz.py` runs the same checks for longer.
"""

from __future__ import annotations

import random
from datetime import timedelta

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiguard.change.model import FileChange
from aiguard.config import Config
from aiguard.lint.engine import Engine, FileOutcome
from aiguard.lint.registry import load_rules
from aiguard.project import Project

# One small, valid file of every kind a rule reads, and the path that gives it its kind.
SEEDS: dict[str, str] = {
    "app.py": (
        "import os\nimport json  # noqa: F401\n\n\ndef f(n):\n    try:\n        return n\n"
        "    except Exception:\n        pass\n    if n == 7:\n        return 5040\n"
    ),
    "stubs.pyi": "def f(x: int) -> int: ...\n",
    "tests/test_app.py": (
        "import pytest\n\n\n@pytest.mark.skip\ndef test_f():\n    assert f(7) == 5040\n"
    ),
    "web/a.js": (
        "import x from 'left-pad';\n// eslint-disable-next-line\ntry { f(); } catch (e) {}\n"
        "if (process.env.NODE_ENV === 'test') { module.exports = 1; }\n"
    ),
    "web/b.ts": "// @ts-ignore\nconst n: number = 'x';\nexport function g(): void {}\n",
    "web/c.tsx": "export const A = () => <div>{/* istanbul ignore next */}</div>;\n",
    "web/a.test.js": "describe('a', () => { it.only('b', () => { expect(1).toBe(1); }); });\n",
    "scripts/run.sh": "#!/bin/sh\npytest --deselect tests/test_a.py || true\n",
    ".github/workflows/ci.yml": (
        "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    continue-on-error: true\n"
        "    steps:\n      - run: pytest -p no:randomly || true\n"
    ),
    ".pre-commit-config.yaml": (
        "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.4.0\n"
        "    hooks:\n      - id: ruff\n"
    ),
    "pyproject.toml": (
        '[project]\nname = "app"\ndependencies = ["requests>=2"]\n\n[tool.mypy]\nstrict = true\n'
        '\n[tool.ruff.lint]\nignore = ["E501"]\n\n[tool.coverage.report]\nfail_under = 90\n'
    ),
    "package.json": '{"name": "a", "dependencies": {"left-pad": "1.0.0"}, "scripts": {}}\n',
    "tsconfig.json": (
        '{\n  // comment\n  "compilerOptions": {"strict": true, "skipLibCheck": false}\n}\n'
    ),
    ".eslintrc.json": '{"rules": {"no-eval": "error"}, "ignorePatterns": []}\n',
    "setup.cfg": "[flake8]\nmax-line-length = 100\n\n[mypy]\nstrict = True\n",
    "mypy.ini": "[mypy]\nstrict = True\nignore_errors = False\n",
    ".flake8": "[flake8]\nextend-ignore = E203\n",
    ".coveragerc": "[report]\nfail_under = 90\n",
    "requirements.txt": "requests>=2\n-r other.txt\nmock\n",
    "Makefile": "test:\n\tpytest -x || true\n",
    "Dockerfile": "FROM python:3.12\nRUN pip install requests\n",
    "setup.py": "from setuptools import setup\nsetup(name='a', install_requires=['requests'])\n",
}
ODD_TEXT = [
    "\0",
    "\r",
    "\r\n",
    "\x0c",
    "\u2028",
    "\ufeff",
    "é",
    "\U0001d4b3",
    "\t",
    "\\",
    "'",
    '"',
]


def engine_and_rules() -> Engine:
    return Engine(list(load_rules().values()), Config())


def check_text(engine: Engine, path: str, after: str, before: str | None = None) -> FileOutcome:
    """Every rule on one file (as new, or changed from `before`): raises on a crash."""
    change = FileChange(
        path=path,
        after=after,
        before=before,
        old_path=path if before is not None else None,
        changed_lines=None,
        removed_lines=frozenset(range(1, before.count("\n") + 2)) if before else frozenset(),
    )
    project = Project(None, Config(), overlay={path: after}, in_git=False)
    return engine.check_file(change, project)


def mutate(text: str, rng: random.Random, rounds: int = 4) -> str:
    """A few byte-level edits: flip, insert, delete, duplicate a slice, splice odd text."""
    data = bytearray(text.encode("utf-8", "surrogatepass"))
    for _ in range(rounds):
        pos = rng.randrange(len(data) + 1)
        kind = rng.randrange(5)
        if kind == 0 and data:
            data[min(pos, len(data) - 1)] = rng.randrange(256)
        elif kind == 1:
            data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 8)))
        elif kind == 2:
            del data[pos : pos + rng.randrange(1, 16)]
        elif kind == 3 and data:
            start = rng.randrange(len(data))
            data[pos:pos] = data[start : start + rng.randrange(1, 64)] * rng.randrange(1, 20)
        else:
            odd = rng.choice(ODD_TEXT).encode("utf-8", "surrogatepass")
            data[pos:pos] = odd
    return data.decode("utf-8", "replace")


def deep(path: str, depth: int) -> str:
    """Nesting of the kind the file's parser recurses into."""
    if path.endswith((".py", ".pyi")):
        return "x = " + "(" * depth + "1" + ")" * depth + "\n"
    if path.endswith((".json", ".js", ".ts", ".tsx")):
        return "[" * depth + "]" * depth + "\n"
    if path.endswith(".toml"):
        return "a = " + "[" * depth + "]" * depth + "\n"
    if path.endswith((".yml", ".yaml")):
        return "a: " + "[" * depth + "]" * depth + "\n"
    return "(" * depth + "\n" + "  " * depth + "x\n"


FUZZ_SETTINGS = settings(
    max_examples=60,
    deadline=timedelta(seconds=5),  # a hang (or a super-linear pattern) fails the example
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return engine_and_rules()


@FUZZ_SETTINGS
@given(data=st.data())
def test_mutated_files_of_every_kind_never_crash(engine: Engine, data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(sorted(SEEDS)))
    seed = data.draw(st.integers(0, 2**32))
    rng = random.Random(seed)
    after = mutate(SEEDS[path], rng)
    before = SEEDS[path] if rng.random() < 0.5 else None
    outcome = check_text(engine, path, after, before)
    assert all(f.path == path for f in outcome.findings)


@FUZZ_SETTINGS
@given(program=hypothesmith.from_grammar())
def test_generated_python_programs_never_crash(engine: Engine, program: str) -> None:
    for path in ("app.py", "tests/test_app.py"):
        check_text(engine, path, program, SEEDS["app.py"])


@pytest.mark.parametrize("path", sorted(SEEDS))
@pytest.mark.parametrize("depth", [150, 3000])
def test_deep_nesting_never_crashes(engine: Engine, path: str, depth: int) -> None:
    outcome = check_text(engine, path, deep(path, depth), SEEDS[path])
    assert all(f.path == path for f in outcome.findings)


@pytest.mark.parametrize("path", sorted(SEEDS))
def test_odd_characters_and_long_lines_never_crash(engine: Engine, path: str) -> None:
    odd = "".join(ODD_TEXT) * 50 + "\n" + "a" * 100_000 + "\n" + "\n" * 5000
    check_text(engine, path, SEEDS[path] + odd, SEEDS[path])
    check_text(engine, path, "", SEEDS[path])
