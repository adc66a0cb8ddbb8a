"""End to end on a real git repository: the test-weakening rules (AIG5xx).

A small project - a Python package with pytest tests, a JavaScript module with Jest tests -
is committed clean (with two old hazards nobody touches: a skipped test, a test without an
assertion). A second commit weakens the tests once per kind of hazard, checked with
`aiguard check --base HEAD~1`: each is found with its category at its line, and the old
hazards give nothing. A third commit makes only legitimate look-alikes (conditional skips with
a reason, consolidated assertions, tightened tolerances, renamed and moved tests, the test of
a deleted function deleted with it) and gives no finding at all.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest

from aiguard.cli import main
from aiguard.lint.registry import load_rules
from aiguard.lint.rule import Pass, Rule
from aiguard.lint.testing import run_example
from tests.gitrepo import GitRepo

CATEGORY = "test-weakening"


def code(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


CLEAN = {
    "pyproject.toml": code("""
        [project]
        name = "shop"
        version = "1.0"
        dependencies = []

        [project.optional-dependencies]
        test = ["pytest"]
        """),
    "package.json": code("""
        {"name": "shop-web", "version": "1.0.0", "devDependencies": {"jest": "^29.0.0"}}
        """),
    "shop/__init__.py": "",
    "shop/cart.py": code("""
        def total(items):
            return sum(items)


        def count(items):
            return len(items)


        def mean(values):
            return sum(values) / len(values)


        def parse(text):
            if not text:
                raise ValueError("empty input")
            return int(text)


        def discount(amount, rate):
            return amount * (1 - rate)
        """),
    "tests/__init__.py": "",
    "tests/test_cart.py": code("""
        import pytest

        from shop.cart import count, discount, mean, parse, total


        def test_total():
            assert total([1, 2]) == 3
            assert total([]) == 0


        def test_count():
            assert count([1, 2]) == 2


        def test_mean():
            assert mean([1.0, 2.0]) == pytest.approx(1.5)


        def test_parse_rejects_empty():
            with pytest.raises(ValueError):
                parse("")


        def test_parse():
            assert parse("7") == 7


        def test_discount():
            assert discount(100, 0.1) == pytest.approx(90)


        @pytest.mark.skip(reason="old and untouched")
        def test_legacy():
            assert total([1]) == 1


        def test_old_smoke():
            count([])
        """),
    "src/cart.js": code("""
        export class ParseError extends Error {}

        export function total(items) {
          return items.reduce((a, b) => a + b, 0);
        }

        export function count(items) {
          return items.length;
        }

        export function mean(values) {
          return total(values) / values.length;
        }

        export function parse(text) {
          if (!text) {
            throw new ParseError('empty input');
          }
          return Number(text);
        }
        """),
    "test/cart.test.js": code("""
        import { ParseError, count, mean, parse, total } from '../src/cart';

        describe('cart', () => {
          it('totals', () => {
            expect(total([1, 2])).toBe(3);
            expect(total([])).toBe(0);
          });

          it('parses', () => {
            expect(parse('7')).toBe(7);
          });

          it('rejects empty input', () => {
            expect(() => parse('')).toThrow(ParseError);
          });

          it('means', () => {
            expect(mean([1, 2])).toBeCloseTo(1.5, 5);
          });

          it('counts', () => {
            expect(count([1, 2])).toBe(2);
          });

          it.skip('legacy', () => {
            expect(total([1])).toBe(1);
          });
        });
        """),
}

HAZARDS = {
    # The function whose test is deleted below changes in the same commit.
    "shop/cart.py": CLEAN["shop/cart.py"].replace("return int(text)", "return int(text.strip())"),
    "tests/test_cart.py": code("""
        import pytest

        from shop.cart import count, discount, mean, parse, total


        @pytest.mark.skip(reason="flaky")
        def test_total():
            assert total([1, 2]) == 3
            assert total([]) == 0


        def test_count():
            count([1, 2])


        def test_mean():
            assert mean([1.0, 2.0]) == pytest.approx(1.5, rel=0.1)


        def test_parse_rejects_empty():
            with pytest.raises(Exception):
                parse("")


        def test_discount():
            assert discount(100, 0.1) == pytest.approx(90)
            assert True


        def test_export():
            total([1, 2, 3])


        @pytest.mark.skip(reason="old and untouched")
        def test_legacy():
            assert total([1]) == 1


        def test_old_smoke():
            count([])
        """),
    "src/cart.js": CLEAN["src/cart.js"].replace(
        "return Number(text);", "return Number(text.trim());"
    ),
    "test/cart.test.js": code("""
        import { ParseError, count, mean, parse, total } from '../src/cart';

        describe('cart', () => {
          it.only('totals', () => {
            expect(total([1, 2])).toBe(3);
            expect(total([])).toBe(0);
          });

          it('rejects empty input', () => {
            expect(() => parse('')).toThrow();
          });

          it('means', () => {
            expect(mean([1, 2])).toBeCloseTo(1.5, 1);
          });

          it('counts', () => {
            count([1, 2]);
          });

          it('is consistent', () => {
            expect(true).toBe(true);
          });

          it('exports', () => {
            total([1, 2, 3]);
          });

          it.skip('legacy', () => {
            expect(total([1])).toBe(1);
          });
        });
        """),
}

# (path, a text that starts the reported line, rule). The deleted tests are reported on the
# first line that follows where they stood.
EXPECTED = [
    ("tests/test_cart.py", '@pytest.mark.skip(reason="flaky")', "AIG501"),
    ("tests/test_cart.py", "def test_count", "AIG502"),
    ("tests/test_cart.py", "def test_export", "AIG503"),
    ("tests/test_cart.py", "    assert True", "AIG504"),
    ("tests/test_cart.py", "pytest.raises(Exception)", "AIG505"),
    ("tests/test_cart.py", "pytest.approx(1.5, rel=0.1)", "AIG506"),
    ("tests/test_cart.py", "def test_discount", "AIG507"),
    ("test/cart.test.js", "it.only('totals'", "AIG501"),
    ("test/cart.test.js", "it('counts'", "AIG502"),
    ("test/cart.test.js", "it('exports'", "AIG503"),
    ("test/cart.test.js", "expect(true).toBe(true)", "AIG504"),
    ("test/cart.test.js", "toThrow()", "AIG505"),
    ("test/cart.test.js", "toBeCloseTo(1.5, 1)", "AIG506"),
    ("test/cart.test.js", "it('rejects empty input'", "AIG507"),
]

LOOK_ALIKES = {
    # `discount` is gone, and its test with it; `test_mean` moved to its own file; `test_count`
    # was renamed; a tolerance was tightened; the focus was removed and the totals folded into
    # a parametrization.
    "shop/cart.py": HAZARDS["shop/cart.py"].split("\n\n\ndef discount")[0] + "\n",
    "tests/test_cart.py": code("""
        import pytest

        from shop.cart import count, parse, total


        @pytest.mark.parametrize(("items", "expected"), [([1, 2], 3), ([], 0), ([5], 5)])
        def test_total(items, expected):
            assert total(items) == expected


        def test_count_items():
            count([1, 2])


        def test_parse_rejects_empty():
            with pytest.raises(Exception):
                parse("")


        def test_export():
            total([1, 2, 3])


        @pytest.mark.skip(reason="old and untouched")
        def test_legacy():
            assert total([1]) == 1


        def test_old_smoke():
            count([])
        """),
    "tests/helpers.py": code("""
        from shop.cart import total


        def roundtrip(items):
            assert total(items) == sum(items)
        """),
    "tests/test_stats.py": code("""
        import sys

        import pytest

        from shop.cart import mean, parse, total
        from tests.helpers import roundtrip


        def test_mean():
            assert mean([1.0, 2.0]) == pytest.approx(1.5, rel=1e-9)


        @pytest.mark.skipif(sys.platform == "win32", reason="POSIX line endings only")
        def test_posix_only():
            assert total([1]) == 1


        def test_numpy_interop():
            np = pytest.importorskip("numpy")
            assert total(np.ones(2)) == 2


        def test_parse_message():
            with pytest.raises(Exception, match="empty input"):
                parse("")


        def test_list_equality():
            items = [1, 2]
            assert items == items


        def test_shared_helper():
            roundtrip([1, 2])


        def test_speed(benchmark):
            benchmark(total, [1, 2, 3])
        """),
    "test/cart.test.js": code("""
        import { ParseError, count, mean, parse, total } from '../src/cart';

        const itPosix = process.platform === 'win32' ? it.skip : it;

        function expectTotal(items, expected) {
          expect(total(items)).toBe(expected);
        }

        describe('cart', () => {
          it('totals', () => {
            [[[1, 2], 3], [[], 0]].forEach(([items, expected]) => {
              expect(total(items)).toBe(expected);
            });
          });

          it('rejects empty input', () => {
            expect(() => parse('')).toThrow();
          });

          it('rejects junk', () => {
            expect(() => parse('x?')).toThrow();
          });

          it('means', () => {
            expect(mean([1, 2])).toBeCloseTo(1.5, 6);
          });

          it('counts', () => {
            count([1, 2]);
          });

          it('is consistent', () => {
            expect(true).toBe(true);
          });

          it('exports', () => {
            total([1, 2, 3]);
          });

          it('totals through a helper', () => {
            expectTotal([4], 4);
          });

          it('equals itself', () => {
            const cart = [1, 2];
            expect(cart).toEqual(cart);
          });

          itPosix('uses POSIX paths', () => {
            expect(count(['a/b'])).toBe(1);
          });

          it.skip('legacy', () => {
            expect(total([1])).toBe(1);
          });
        });
        """),
}


def line_of(text: str, needle: str) -> int:
    """The 1-based line where `needle` occurs in `text` (it must occur exactly once)."""
    assert text.count(needle) == 1, f"{needle!r} must occur once"
    return text[: text.index(needle)].count("\n") + 1


def check_json(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> dict[str, Any]:
    monkeypatch.chdir(repo.root)
    main(["check", "--base", "HEAD~1", "--format", "json"])
    out, _ = capsys.readouterr()
    report: dict[str, Any] = json.loads(out)
    return report


def ours(report: dict[str, Any]) -> Iterator[tuple[str, int, str]]:
    for f in report["findings"]:
        if f["category"] == CATEGORY:
            yield f["path"], f["line"], f["rule_id"]


def problems(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in report["notifications"] if n["kind"] in {"parse-error", "rule-error"}]


@pytest.fixture
def hazards(repo: GitRepo) -> GitRepo:
    repo.commit(CLEAN, "clean state")
    repo.commit(HAZARDS, "one test-weakening hazard of each kind")
    return repo


def test_each_hazard_is_found_at_its_line_and_old_code_is_silent(
    hazards: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    report = check_json(hazards, monkeypatch, capsys)
    expected = sorted(
        (path, line_of(HAZARDS[path], needle), rule) for path, needle, rule in EXPECTED
    )
    assert sorted(ours(report)) == expected, json.dumps(report["findings"], indent=1)
    assert {f["rule_id"] for f in report["findings"] if f["category"] == CATEGORY} == {
        f"AIG50{n}" for n in range(1, 8)
    }
    focus = [f for f in report["findings"] if f["message"].startswith("`it.only`")]
    assert [f["severity"] for f in focus] == ["error"]
    assert not problems(report)


def test_legitimate_look_alikes_give_nothing(
    hazards: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hazards.commit(LOOK_ALIKES, "legitimate look-alikes only")
    report = check_json(hazards, monkeypatch, capsys)
    # No rule of any category may mistake these for hazards (the "zero findings").
    assert report["findings"] == [], json.dumps(report["findings"], indent=1)
    assert report["summary"]["files_checked"] >= len(LOOK_ALIKES)
    assert not problems(report)


def test_all_mode_sees_the_old_hazards_too(
    hazards: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The old hazards are real: they are silent above only because the change left them be."""
    monkeypatch.chdir(hazards.root)
    main(["check", "--all", "--format", "json", "tests/test_cart.py", "test/cart.test.js"])
    report = json.loads(capsys.readouterr()[0])
    found = {(path, line, rule) for path, line, rule in ours(report)}
    text = HAZARDS["tests/test_cart.py"]
    assert {
        ("tests/test_cart.py", line_of(text, '@pytest.mark.skip(reason="old'), "AIG501"),
        ("tests/test_cart.py", line_of(text, "def test_old_smoke"), "AIG503"),
        ("test/cart.test.js", line_of(HAZARDS["test/cart.test.js"], "it.skip('legacy'"), "AIG501"),
    } <= found


# -- robustness: odd or broken input never crashes a rule -------------------------------------

RULES = [rule for rule in load_rules().values() if rule.category.value == CATEGORY]

ODD_SCRIPT = code("""
    it();
    describe();
    it(123, () => {});
    test(`${name}`, function () { expect().toBe(); });
    expect(x).toBeCloseTo();
    expect(x).toBeCloseTo(1, 'two');
    it.each(rows)('row %s', () => {});
    it.skipIf()('x', () => {});
    (cond ? it : it.skip)('y', () => { expect(1).toBe(1); });
    const { a, ...rest } = require('./a');
    import * as m from '../m';
    m.f();
    this.skip;
    """)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_a_before_version_that_does_not_parse_counts_as_new(rule: type[Rule]) -> None:
    after = "import pytest\n\n@pytest.mark.skip\ndef test_a():\n    assert True\n"
    outcome = run_example(rule, Pass(after, before="def test_a(:\n    assert x\n"))
    assert outcome.notifications == []
    new_file = run_example(rule, Pass(after))
    assert [f.line for f in outcome.findings] == [f.line for f in new_file.findings]


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_odd_scripts_give_no_rule_error(rule: type[Rule]) -> None:
    before = ODD_SCRIPT.replace("m.f();", "it('z', () => { expect(m.f()).toBeCloseTo(1, 5); });")
    for path in ("odd.test.js", "odd.test.ts"):
        outcome = run_example(rule, Pass(ODD_SCRIPT, before=before, path=path))
        assert [n for n in outcome.notifications if n.kind == "rule-error"] == []


def test_deleted_test_of_a_function_the_change_does_not_touch_is_left_alone() -> None:
    from aiguard.config import Config
    from aiguard.lint.engine import Engine
    from aiguard.lint.testing import example_change
    from aiguard.project import Project
    from aiguard_rules.test_weakening.cases import DeletedTest

    before = (
        "from shop.cart import total\n\n\ndef test_total():\n    assert total([1, 2]) == 3\n"
        "\n\ndef test_empty():\n    assert total([]) == 0\n"
    )
    after = "from shop.cart import total\n\n\ndef test_empty():\n    assert total([]) == 0\n"
    files = {"tests/test_cart.py": after, "shop/cart.py": "def total(items):\n    return 1\n"}
    change = example_change("tests/test_cart.py", after, before)

    def findings(changed: frozenset[str]) -> list[str]:
        project = Project(None, Config(), overlay=files, in_git=False, changed_paths=changed)
        outcome = Engine([DeletedTest], Config()).check_file(change, project)
        return [f.rule_id for f in outcome.findings]

    assert findings(frozenset({"tests/test_cart.py"})) == []
    assert findings(frozenset({"tests/test_cart.py", "shop/cart.py"})) == ["AIG507"]
