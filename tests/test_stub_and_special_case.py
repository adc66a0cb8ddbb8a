"""End to end on a real git repository: the stub (AIG4xx) and test-special-case (AIG3xx) rules.

A small project - a Python package with pytest tests, a JavaScript module with Jest tests -
is committed clean (with a few old hazards nobody touches). A second commit introduces one
hazard of each kind, checked with `aiguard check --base HEAD~1`: each is found with its
category at its line, and the old hazards give nothing. A third commit adds only legitimate
look-alikes (interfaces, overloads, stubs files, narrow handlers, settings modules, tool
configs, in-source tests) and gives no finding at all.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest

from aiguard.cli import main
from tests.gitrepo import GitRepo

CATEGORIES = {"test-special-case", "stub"}


def code(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


CLEAN = {
    "pyproject.toml": code("""
        [project]
        name = "shop"
        version = "1.0"
        dependencies = []
        """),
    "shop/__init__.py": "",
    "shop/mathlib.py": code("""
        def factorial(n):
            result = 1
            for i in range(2, n + 1):
                result *= i
            return result
        """),
    "shop/mailer.py": code("""
        import smtplib


        def send(msg):
            with smtplib.SMTP("localhost") as server:
                server.send_message(msg)
        """),
    "shop/parser.py": code("""
        def parse(text):
            return [line.split("=", 1) for line in text.splitlines() if "=" in line]
        """),
    "shop/store.py": code("""
        import json


        def legacy_hook():
            pass


        def save(path, data):
            with open(path, "w") as out:
                json.dump(data, out)
        """),
    "shop/legacy.py": code("""
        import os
        import sys


        def cleanup(path):
            try:
                os.remove(path)
            except Exception:
                pass


        def now():
            if "pytest" in sys.modules:
                return 0
            return 1
        """),
    "tests/__init__.py": "",
    "tests/test_mathlib.py": code("""
        from shop.mathlib import factorial


        def test_factorial():
            assert factorial(7) == 5040
            assert factorial(0) == 1
        """),
    "tests/test_parser.py": code("""
        from shop.parser import parse


        def test_parse():
            assert parse("a=1") == [["a", "1"]]
        """),
    "web/package.json": json.dumps({"name": "web", "private": True}, indent=2) + "\n",
    "web/src/validate.js": code("""
        const EMAIL = /^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$/;

        function validate(email) {
          return EMAIL.test(email);
        }

        module.exports = { validate };
        """),
    "web/src/validate.test.js": code("""
        const { validate } = require("./validate");

        test("accepts a plain address", () => {
          expect(validate("test@example.com")).toBe(true);
        });
        """),
    "web/src/clock.js": code("""
        function now() {
          return Date.now();
        }

        module.exports = { now };
        """),
    "web/src/api.js": code("""
        async function legacyLoad(url) {
          try {
            return await fetch(url);
          } catch (e) {}
        }

        async function load(url) {
          const res = await fetch(url);
          return res.json();
        }

        module.exports = { legacyLoad, load };
        """),
}

HAZARDS = {
    "shop/mathlib.py": code("""
        def factorial(n):
            if n == 7:
                return 5040
            result = 1
            for i in range(2, n + 1):
                result *= i
            return result
        """),
    "shop/mailer.py": code("""
        import os
        import smtplib


        def send(msg):
            if os.environ.get("PYTEST_CURRENT_TEST"):
                return
            with smtplib.SMTP("localhost") as server:
                server.send_message(msg)
        """),
    "shop/parser.py": code("""
        def parse(text):
            pass
        """),
    "shop/store.py": code("""
        import json


        def legacy_hook():
            pass


        def save(path, data):
            # In a real implementation we would write to a temporary file and rename it.
            try:
                with open(path, "w") as out:
                    json.dump(data, out)
            except Exception:
                pass
        """),
    "web/src/clock.js": code("""
        function now() {
          if (process.env.NODE_ENV === "test") return 0;
          return Date.now();
        }

        module.exports = { now };
        """),
    "web/src/validate.js": code("""
        const EMAIL = /^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$/;

        function validate(email) {
          if (email === "test@example.com") return true;
          return EMAIL.test(email);
        }

        module.exports = { validate };
        """),
    "web/src/api.js": code("""
        async function legacyLoad(url) {
          try {
            return await fetch(url);
          } catch (e) {}
        }

        async function load(url) {
          try {
            const res = await fetch(url);
            return res.json();
          } catch (e) {}
        }

        function remove(url) {
          throw new Error("Not implemented");
        }

        module.exports = { legacyLoad, load, remove };
        """),
}

# (path, text on the line, rule, category): one per hazard the issue lists.
EXPECTED = [
    ("shop/mailer.py", 'os.environ.get("PYTEST_CURRENT_TEST")', "AIG301", "test-special-case"),
    ("web/src/clock.js", 'process.env.NODE_ENV === "test"', "AIG302", "test-special-case"),
    ("shop/mathlib.py", "if n == 7:", "AIG303", "test-special-case"),
    ("web/src/validate.js", 'if (email === "test@example.com")', "AIG304", "test-special-case"),
    ("shop/parser.py", "    pass", "AIG401", "stub"),
    ("shop/store.py", "# In a real implementation", "AIG402", "stub"),
    ("shop/store.py", "except Exception:", "AIG403", "stub"),
    ("web/src/api.js", 'throw new Error("Not implemented")', "AIG404", "stub"),
    ("web/src/api.js", "  } catch (e) {}\n}\n\nfunction remove", "AIG405", "stub"),
]

LOOK_ALIKES = {
    "shop/interfaces.py": code("""
        from abc import ABC, abstractmethod
        from typing import Protocol, overload


        class Repository(ABC):
            @abstractmethod
            def get(self, key):
                ...

            @abstractmethod
            def put(self, key, value):
                raise NotImplementedError


        class Reader(Protocol):
            def read(self, size: int) -> bytes: ...


        @overload
        def first(items: list[int]) -> int: ...
        @overload
        def first(items: list[str]) -> str: ...
        def first(items):
            return items[0]
        """),
    "shop/interfaces.pyi": code("""
        def first(items: list[int]) -> int: ...
        class Reader:
            def read(self, size: int) -> bytes: ...
        """),
    "shop/exporters/__init__.py": "",
    "shop/exporters/base.py": code("""
        class Exporter:
            def export(self, rows):
                raise NotImplementedError

            def on_start(self):
                pass
        """),
    "shop/exporters/csv.py": code("""
        from shop.exporters.base import Exporter


        class CsvExporter(Exporter):
            def export(self, rows):
                return "\\n".join(",".join(map(str, row)) for row in rows)

            def on_start(self):
                self.started = True
        """),
    "shop/cli.py": code("""
        import os
        import sys


        def main():
            try:
                run(sys.argv[1:])
            except (KeyboardInterrupt, BrokenPipeError):
                # Interrupted or the reader closed the pipe: exit quietly like other CLI tools.
                pass
            try:
                os.remove(".lock")
            except FileNotFoundError:
                pass


        def run(args):
            return len(args)
        """),
    "shop/settings.py": code("""
        import os

        TESTING = os.environ.get("TESTING") == "1"
        DATABASE_URL = "sqlite://" if TESTING else os.environ.get("DATABASE_URL", "")
        """),
    "shop/mathlib.py": HAZARDS["shop/mathlib.py"]
    + code("""


        def fact(n):
            if n == 0:
                return 1
            return n * fact(n - 1)
        """),
    "web/jest.config.js": code("""
        module.exports = {
          testEnvironment: process.env.NODE_ENV === "test" ? "node" : "jsdom",
        };
        """),
    "web/src/types.ts": code("""
        declare function track(event: string): void;

        export interface Store {
          get(key: string): string | undefined;
        }

        export abstract class Shape {
          abstract area(): number;
          describe(): string {
            throw new Error("Not implemented");
          }
        }

        export function pick(a: string): string;
        export function pick(a: number): number;
        export function pick(a: any): any {
          return a;
        }
        """),
    "web/src/sum.ts": code("""
        export function sum(a: number, b: number): number {
          return a + b;
        }

        if (import.meta.vitest) {
          const { it, expect } = import.meta.vitest;
          it("adds", () => {
            expect(sum(1, 2)).toBe(3);
          });
        }
        """),
    "web/src/storage.js": code("""
        function remember(key, value) {
          try {
            localStorage.setItem(key, value);
          } catch {
            // Safari private mode throws here; remembering is optional.
          }
        }

        module.exports = { remember };
        """),
    "web/src/shapes.js": code("""
        class Figure {
          area() {
            throw new Error("not implemented");
          }
        }

        class Square extends Figure {
          constructor(side) {
            super();
            this.side = side;
          }

          area() {
            return this.side * this.side;
          }
        }

        module.exports = { Figure, Square };
        """),
}


def line_of(text: str, needle: str) -> int:
    """The 1-based line where `needle` starts in `text` (it must occur exactly once)."""
    assert text.count(needle) == 1, f"{needle!r} must occur once"
    return text[: text.index(needle)].count("\n") + 1 + (1 if needle.startswith("\n") else 0)


def check_json(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> dict[str, Any]:
    monkeypatch.chdir(repo.root)
    main(["check", "--base", "HEAD~1", "--format", "json"])
    out, _ = capsys.readouterr()
    report: dict[str, Any] = json.loads(out)
    return report


def ours(report: dict[str, Any]) -> Iterator[tuple[str, int, str, str]]:
    for f in report["findings"]:
        if f["category"] in CATEGORIES:
            yield f["path"], f["line"], f["rule_id"], f["category"]


@pytest.fixture
def hazards(repo: GitRepo) -> GitRepo:
    repo.commit(CLEAN, "clean state")
    repo.commit(HAZARDS, "one hazard of each kind")
    return repo


def test_each_hazard_is_found_at_its_line_and_old_code_is_silent(
    hazards: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    report = check_json(hazards, monkeypatch, capsys)
    expected = sorted(
        (path, line_of(HAZARDS[path], needle), rule, category)
        for path, needle, rule, category in EXPECTED
    )
    assert sorted(ours(report)) == expected, json.dumps(report["findings"], indent=1)
    assert not [n for n in report["notifications"] if n["kind"] in {"parse-error", "rule-error"}]


def test_legitimate_look_alikes_give_nothing(
    hazards: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hazards.commit(LOOK_ALIKES, "legitimate look-alikes only")
    report = check_json(hazards, monkeypatch, capsys)
    # No rule of any category may mistake these for hazards (the "zero findings").
    assert report["findings"] == [], json.dumps(report["findings"], indent=1)
    checked = {f for f in LOOK_ALIKES if not f.endswith("__init__.py")}
    assert report["summary"]["files_checked"] >= len(checked)
    assert not [n for n in report["notifications"] if n["kind"] in {"parse-error", "rule-error"}]


def test_all_mode_sees_the_old_hazards_too(
    hazards: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The old hazards are real: they are silent above only because the change left them be."""
    monkeypatch.chdir(hazards.root)
    main(
        ["check", "--all", "--format", "json", "shop/legacy.py", "shop/store.py", "web/src/api.js"]
    )
    report = json.loads(capsys.readouterr()[0])
    found = {(path, rule) for path, _, rule, _ in ours(report)}
    assert {
        ("shop/legacy.py", "AIG403"),
        ("shop/legacy.py", "AIG301"),
        ("shop/store.py", "AIG401"),
        ("web/src/api.js", "AIG405"),
    } <= found
