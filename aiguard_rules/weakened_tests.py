"""AIG5xx test-weakening: changes to test code after which the tests can no longer fail.

Every rule reads the test file's before- and after-versions into the same language-neutral
facts (`_test_weakening_model.FileFacts`, shared by all rules through `Source.memo`) and compares
them by meaning: a test by its qualified name (`Class.test_x`, `suite > case`), a skip or a
tautology by its normalized text, a tolerance by its function and the values it compares.
Something the before-version already had is never reported again, wherever it moved.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, ClassVar

from aiguard.findings import Category, Severity
from aiguard.rule import FileRule, Flag, Pass, Scope
from aiguard.source import SourceError

from ._test_weakening_model import Bound, Tolerance, format_number, new_markers
from ._test_weakening_project import calls_test_helper, defines, resolve, test_names_elsewhere

if TYPE_CHECKING:
    from aiguard.source import Source

    from ._test_weakening_model import Case, FileFacts

LANGUAGES = frozenset({"python", "javascript", "typescript"})
FACTS_KEY = "aiguard_rules.weakened_tests.facts"


def read_facts(source: Source) -> FileFacts:
    """The tests of one version of a file, read once and shared by every AIG5xx rule."""
    if source.language == "python":
        from ._test_weakening_python import read_python

        return source.memo(FACTS_KEY, lambda: read_python(source))
    from ._test_weakening_script import read_script

    return source.memo(FACTS_KEY, lambda: read_script(source))


class WeakeningRule(FileRule):
    """What the AIG5xx rules share: the scope, the facts of both versions, reporting at a node."""

    category: ClassVar[Category] = Category.TEST_WEAKENING
    scope: ClassVar[Scope] = Scope.TEST
    languages: ClassVar[frozenset[str]] = LANGUAGES

    @property
    def facts(self) -> FileFacts:
        return read_facts(self.after)

    @property
    def before_facts(self) -> FileFacts | None:
        """The before-version's facts; None for a new file, and for a before-version that does
        not parse (there is nothing reliable to compare with, so the file counts as new)."""
        before = self.before
        if before is None or before.language != self.after.language:
            return None
        try:
            return read_facts(before)
        except SourceError:
            return None

    def report_at(
        self,
        facts: FileFacts,
        anchor: object,
        message: str,
        *,
        severity: Severity | None = None,
        removal: bool = False,
    ) -> None:
        span = facts.span(anchor)
        self.report_line(
            span.line,
            message,
            column=span.column,
            end_line=span.end_line,
            end_column=span.end_column,
            severity=severity,
            removal=removal,
        )


class SkippedOrFocusedTest(WeakeningRule):
    id = "AIG501"
    name = "skipped-or-focused-test"
    summary = "A test is skipped, expected to fail, left as a to-do, or focused with `.only`."
    rationale = (
        "A skipped or xfail test cannot fail, so whatever it protected is now unprotected; when "
        "an assistant cannot make a test pass, skipping it is the quickest way to a green run. "
        "A focused test (`.only`, `fit`, `fdescribe`) is worse: every other test in the file "
        "silently stops running."
    )
    fix = (
        "Fix the code or the test instead. If the test truly cannot run in some environment, "
        "skip it conditionally and say why (`@pytest.mark.skipif(sys.platform == 'win32', "
        "reason=...)`, `pytest.importorskip('numpy')`, `it.skipIf(!hasGit)`). Remove `.only`."
    )
    interest = (
        r"skip|Skip|xfail|expectedFailure|\.only\b|\.todo\b|\.fixme\b|\.failing\b"
        r"|\b[xf](?:it|test|describe|context|specify)\s*\(|\b(?:it|test|specify)\s*\(\s*['\"`]"
    )
    examples = (
        Flag(
            "import pytest\n\n@pytest.mark.skip(reason='flaky')\ndef test_total():\n"
            "    assert total([1, 2]) == 3\n",
            line=3,
            before="import pytest\n\ndef test_total():\n    assert total([1, 2]) == 3\n",
        ),
        Flag(
            "import pytest\n\n@pytest.mark.xfail\ndef test_total():\n    assert total([1]) == 1\n",
            line=3,
        ),
        Flag(
            "import pytest\n\n@pytest.mark.skipif(True, reason='flaky')\ndef test_a():\n"
            "    assert a()\n\n@pytest.mark.skipif(sys.platform == 'win32')\ndef test_b():\n"
            "    assert b()\n",
            line=(3, 7),
        ),
        Flag(
            "import pytest\n\ndef test_parse():\n    pytest.skip('broken since the refactor')\n"
            "    assert parse('1') == 1\n",
            line=4,
        ),
        Flag(
            "import unittest\n\nclass TestParse(unittest.TestCase):\n"
            "    @unittest.expectedFailure\n    def test_parse(self):\n"
            "        self.assertEqual(parse('1'), 1)\n\n    def test_other(self):\n"
            "        self.skipTest('later')\n",
            line=(4, 9),
        ),
        Flag(
            "import pytest\n\n"
            "@pytest.mark.parametrize('n', [1, pytest.param(2, marks=pytest.mark.skip)])\n"
            "def test_n(n):\n    assert n > 0\n",
            line=3,
        ),
        Flag(
            "import pytest\n\npytestmark = pytest.mark.skip(reason='slow')\n\ndef test_a():\n"
            "    assert a()\n",
            line=3,
        ),
        Flag(
            "describe('cart', () => {\n  it.skip('adds', () => {\n    expect(add(1, 2)).toBe(3);\n"
            "  });\n  xit('removes', () => {\n    expect(remove(1)).toBe(0);\n  });\n"
            "  test.todo('empties');\n});\n",
            line=(2, 5, 8),
            path="cart.test.js",
        ),
        Flag(
            "describe('cart', () => {\n  it.only('adds', () => {\n    expect(add(1, 2)).toBe(3);\n"
            "  });\n});\nfdescribe('totals', () => {\n  fit('sums', () => {\n"
            "    expect(sum([1])).toBe(1);\n  });\n});\n",
            line=(2, 6, 7),
            path="cart.test.ts",
            severity=Severity.ERROR,
        ),
        Pass(
            "import sys\nimport pytest\n\n"
            "@pytest.mark.skipif(sys.platform == 'win32', reason='no fork on Windows')\n"
            "def test_fork():\n    assert fork() > 0\n\n"
            "@pytest.mark.skipif(sys.version_info < (3, 11), reason='needs tomllib')\n"
            "def test_toml():\n    assert load() == {}\n\n"
            "def test_numpy():\n    np = pytest.importorskip('numpy')\n"
            "    assert np.zeros(1)[0] == 0\n",
        ),
        Pass(
            "import shutil\nimport unittest\nimport pytest\n\nHAS_GIT = shutil.which('git')\n\n"
            "class TestGit(unittest.TestCase):\n"
            "    @unittest.skipIf(not HAS_GIT, 'needs git')\n    def test_log(self):\n"
            "        self.assertTrue(log())\n\n"
            "def test_db():\n    if not DB_URL:\n        pytest.skip('no database configured')\n"
            "    assert query() == []\n",
        ),
        Pass(
            "import pytest\n\n@pytest.mark.skip(reason='flaky')\ndef test_total():\n"
            "    assert total([1, 2, 3]) == 6\n",
            before="import pytest\n\n@pytest.mark.skip(reason='flaky')\ndef test_total():\n"
            "    assert total([1, 2]) == 3\n",
        ),
        Pass(
            "const itIfGit = hasGit ? it : it.skip;\n"
            "describe('repo', () => {\n  itIfGit('logs', () => {\n"
            "    expect(log()).toEqual([]);\n  });\n"
            "  it.skipIf(process.platform === 'win32')('forks', () => {\n"
            "    expect(fork()).toBeGreaterThan(0);\n  });\n"
            "  test('only one', () => {\n    expect(only([1])).toBe(1);\n  });\n});\n",
            path="repo.test.ts",
        ),
        Pass(
            "test('firefox only', async ({ page, browserName }) => {\n"
            "  test.skip(browserName !== 'firefox', 'Firefox-specific');\n"
            "  await expect(page).toHaveTitle('x');\n});\n",
            path="e2e/title.spec.ts",
        ),
    )

    def check(self) -> None:
        facts = self.facts
        for marker in new_markers(facts, self.before_facts, ("skip", "focus")):
            severity = Severity.ERROR if marker.kind == "focus" else None
            self.report_at(facts, marker.anchor, marker.message, severity=severity)


class AssertionsRemoved(WeakeningRule):
    id = "AIG502"
    name = "assertions-removed"
    summary = "A test that still exists lost assertions, or was emptied."
    rationale = (
        "Deleting the assertion that fails is the cheapest way to make a test pass: the test "
        "keeps its name and still shows up green, but no longer checks what it used to. A "
        "test whose body was replaced by `pass` checks nothing at all."
    )
    fix = (
        "Keep the assertions and fix the code, or change them to the new correct expectation. "
        "If an assertion is truly obsolete, say why in the change's description."
    )
    interest = r"assert|expect|raises|warns|check|verify|should|fail|\bpass\b|\.\.\.|\{\s*\}"
    examples = (
        Flag(
            "def test_total():\n    cart = Cart([1, 2])\n    assert cart.total() == 3\n",
            line=1,
            before=(
                "def test_total():\n    cart = Cart([1, 2])\n    assert cart.total() == 3\n"
                "    assert cart.count() == 2\n    assert not cart.empty\n"
            ),
            message="lost 2 of its 3 assertions",
        ),
        Flag(
            "import unittest\n\nclass TestCart(unittest.TestCase):\n"
            "    def test_total(self):\n        pass\n",
            line=4,
            before=(
                "import unittest\n\nclass TestCart(unittest.TestCase):\n"
                "    def test_total(self):\n        self.assertEqual(Cart([1]).total(), 1)\n"
            ),
            message="emptied",
        ),
        Flag(
            "def test_parse():\n    result = parse('1 + 2')\n",
            line=1,
            before="def test_parse():\n    result = parse('1 + 2')\n    assert result == 3\n",
            message="no longer asserts anything",
        ),
        Flag(
            "describe('cart', () => {\n  it('totals', () => {\n    const cart = new Cart([1, 2]);\n"
            "    expect(cart.total()).toBe(3);\n  });\n  it('counts', () => {});\n});\n",
            line=(2, 6),
            before=(
                "describe('cart', () => {\n  it('totals', () => {\n"
                "    const cart = new Cart([1, 2]);\n"
                "    expect(cart.total()).toBe(3);\n    expect(cart.count()).toBe(2);\n  });\n"
                "  it('counts', () => {\n    expect(new Cart([]).count()).toBe(0);\n  });\n});\n"
            ),
            path="cart.test.ts",
        ),
        Pass(
            "def test_total():\n    assert Cart([1, 2]).total() == 3\n"
            "    assert Cart([]).total() == 0\n",
            before=(
                "def test_total():\n    assert Cart([1, 2]).total() == 3\n"
                "    assert Cart([1]).total() == 1\n"
            ),
        ),
        Pass(
            "import pytest\n\n@pytest.mark.parametrize(('items', 'total'), [([1], 1), ([1, 2], 3), "
            "([], 0)])\ndef test_total(items, total):\n    assert Cart(items).total() == total\n",
            before=(
                "import pytest\n\ndef test_total():\n    assert Cart([1]).total() == 1\n"
                "    assert Cart([1, 2]).total() == 3\n    assert Cart([]).total() == 0\n"
            ),
        ),
        Pass(
            "CASES = [([1], 1), ([1, 2], 3)]\n\ndef _totals(items, total):\n"
            "    assert Cart(items).total() == total\n"
            "    assert Cart(items).count() == len(items)\n\n"
            "def test_total():\n    for items, total in CASES:\n        _totals(items, total)\n",
            before=(
                "CASES = [([1], 1), ([1, 2], 3)]\n\ndef test_total():\n"
                "    assert Cart([1]).total() == 1\n    assert Cart([1]).count() == 1\n"
            ),
        ),
        Pass(
            "describe('cart', () => {\n  it('totals', () => {\n"
            "    [[[1], 1], [[1, 2], 3]].forEach(([items, total]) => {\n"
            "      expect(new Cart(items).total()).toBe(total);\n    });\n  });\n});\n",
            path="cart.test.js",
            before=(
                "describe('cart', () => {\n  it('totals', () => {\n"
                "    expect(new Cart([1]).total()).toBe(1);\n"
                "    expect(new Cart([1, 2]).total()).toBe(3);\n  });\n});\n"
            ),
        ),
    )

    def check(self) -> None:
        before = self.before_facts
        if before is None:
            return
        after = self.facts
        for name, new in after.tests.items():
            old = before.tests.get(name)
            if old is None:
                continue
            label = _short(name)
            if new.empty and not old.empty:
                message = f"test `{label}` was emptied: its body no longer does anything"
                self.report_at(after, new.anchor, message, removal=True)
                continue
            had, has = before.total_assertions(name), after.total_assertions(name)
            if has >= had or _consolidated(old, new, had, has):
                continue
            if has == 0:
                message = f"test `{label}` no longer asserts anything (it had {_count(had)})"
            else:
                message = f"test `{label}` lost {had - has} of its {_count(had)}"
            self.report_at(after, new.anchor, message, removal=True)


def _consolidated(old: Case, new: Case, had: int, has: int) -> bool:
    """Assertions folded into a loop or a parametrization: fewer written, as many run."""
    if new.looped and not old.looped:
        return True
    if new.cases is None:
        return old.cases is not None
    if old.cases is None or new.cases <= old.cases:
        return False
    return has * new.cases >= had * old.cases


def _count(assertions: int) -> str:
    return f"{assertions} assertion" + ("" if assertions == 1 else "s")


def _short(name: str) -> str:
    """A test's own name without its class or suite path."""
    return (
        name.rsplit(" > ", 1)[-1].rsplit(".", 1)[-1] if " > " in name else name.rsplit(".", 1)[-1]
    )


class TestWithoutAssertion(WeakeningRule):
    id = "AIG503"
    name = "test-without-assertion"
    summary = "A new or changed test asserts nothing."
    rationale = (
        "A test without an assertion passes as long as nothing raises: it covers lines without "
        "checking any result, so coverage rises while nothing is verified. Generated tests "
        "often call the code and stop there."
    )
    fix = (
        "Assert on the result (`assert`, `self.assert*`, `pytest.raises`, `expect(...)`, "
        "`assert.*`), or call a helper that does (a function named `assert*`/`check*`/"
        "`verify*`/`expect*`, a mock's `assert_called*`, a snapshot matcher)."
    )
    # Any edit inside a test can leave it without assertions, whatever the edited line says;
    # the rule only runs on test files, and the facts it reads are shared with AIG501-AIG507.
    interest = None
    precision = "medium"
    examples = (
        Flag(
            "from shop.cart import Cart\n\ndef test_total():\n    cart = Cart([1, 2])\n"
            "    cart.total()\n",
            line=3,
        ),
        Flag(
            "import { total } from '../src/cart';\n\ntest('totals the cart', () => {\n"
            "  total([1, 2]);\n});\n",
            line=3,
            path="test/cart.test.ts",
        ),
        Flag(
            "def test_export(tmp_path):\n    export(tmp_path / 'out.csv', rows=[1, 2])\n",
            line=2,
            before="def test_export(tmp_path):\n    export(tmp_path / 'out.csv')\n",
            message="asserts nothing",
        ),
        Pass(
            "import pytest\nfrom unittest import mock\n\n"
            "def test_raises():\n    with pytest.raises(ValueError):\n        parse('')\n\n"
            "def test_calls():\n    sink = mock.Mock()\n    emit(sink)\n"
            "    sink.write.assert_called_once_with('x')\n\n"
            "def test_roundtrip():\n    verify_roundtrip({'a': 1})\n\n"
            "def test_speed(benchmark):\n    benchmark(parse, '1 + 2')\n",
        ),
        Pass(
            "from tests.helpers import roundtrip\n\ndef _same(a, b):\n    assert a == b\n\n"
            "def test_local():\n    _same(parse('1'), 1)\n\n"
            "def test_shared():\n    roundtrip({'a': 1})\n",
            files={
                "tests/helpers.py": "def roundtrip(value):\n    assert load(dump(value)) == value\n"
            },
        ),
        Pass(
            "describe('cart', () => {\n  it('renders', () => {\n"
            "    expect(render(<Cart />)).toMatchSnapshot();\n  });\n"
            "  it('checks', () => {\n    expectValid(total([1]));\n  });\n"
            "  test('ava style', (t) => {\n    t.is(total([1]), 1);\n  });\n"
            "  it('shows the total', () => {\n    render(<Cart items={[1]} />);\n"
            "    screen.getByText('Total: 1');\n  });\n});\n",
            path="cart.test.tsx",
        ),
        Pass(
            "def test_smoke():\n    main(['--help'])\n\ndef test_total():\n"
            "    assert total([1, 2]) == 3\n",
            before="def test_smoke():\n    main(['--help'])\n\ndef test_total():\n"
            "    assert total([1]) == 1\n",
        ),
    )

    def check(self) -> None:
        after, before = self.facts, self.before_facts
        for name, case in after.tests.items():
            if case.uses_benchmark or after.total_assertions(name) > 0:
                continue
            old = before.tests.get(name) if before is not None else None
            if old is None:
                if before is not None and _renamed(case, before, after):
                    continue
                line: int | None = after.span(case.anchor).line
                message = f"new test `{_short(name)}` asserts nothing: it passes unless it raises"
            elif before is not None and before.total_assertions(name) > 0:
                continue  # it lost its assertions: AIG502
            else:
                line = self._first_changed_line(after, case)
                message = (
                    f"test `{_short(name)}`, changed here, asserts nothing: it passes unless it "
                    "raises"
                )
            if line is None or calls_test_helper(self.project, case.targets):
                continue
            if line == after.span(case.anchor).line:
                self.report_at(after, case.anchor, message)
            else:
                self.report_line(line, message)

    def _first_changed_line(self, facts: FileFacts, case: Case) -> int | None:
        """The test's def line if the change touched it, else the first line it touched."""
        changed = self.context.change.changed_lines
        anchor_line = facts.span(case.anchor).line
        if changed is None or anchor_line in changed:
            return anchor_line
        first = facts.span(case.first_anchor).line
        last = facts.span(case.node).end_line
        return next((n for n in range(first, last + 1) if n in changed), None)


def _renamed(case: Case, before: FileFacts, after: FileFacts) -> bool:
    """A test whose body the before-version had under a name the after-version dropped."""
    return any(
        old.name not in after.tests and before.body(old) == after.body(case)
        for old in before.tests.values()
    )


class TautologicalAssertion(WeakeningRule):
    id = "AIG504"
    name = "tautological-assertion"
    summary = "An always-true assertion: `assert True`, `assert x == x`, `expect(true).toBe(true)`."
    rationale = (
        "An assertion that cannot fail makes a test look like it checks something while it "
        "checks nothing; it is what a test becomes when the real expectation was replaced to "
        "make it pass. `assert (x, 'message')` is the classic accident: a non-empty tuple is "
        "always true."
    )
    fix = (
        "Compare the code's result with an independently known expected value; for "
        "`assert (cond, 'msg')` write `assert cond, 'msg'`."
    )
    interest = r"assert|expect"
    examples = (
        Flag(
            "def test_total():\n    total([1, 2])\n    assert True\n\n"
            "def test_count():\n    n = count([1])\n    assert n == n\n\n"
            "def test_ok():\n    assert ok() or True\n\n"
            "def test_msg():\n    assert (ok(), 'should be ok')\n",
            line=(3, 7, 10, 13),
        ),
        Flag(
            "import unittest\n\nclass TestCart(unittest.TestCase):\n    def test_total(self):\n"
            "        self.assertTrue(True)\n        value = 3\n"
            "        self.assertIsNotNone(value)\n",
            line=(5, 7),
        ),
        Flag(
            "test('totals', () => {\n  expect(true).toBe(true);\n  const cart = makeCart();\n"
            "  expect(cart).toEqual(cart);\n  const total = 3;\n  expect(total).toBeDefined();\n"
            "  assert.strictEqual(1, 1);\n});\n",
            line=(2, 4, 6, 7),
            path="cart.test.js",
        ),
        Pass(
            "def test_point_equality():\n    p = Point(1, 2)\n    assert p == p\n\n"
            "def test_deterministic():\n    assert digest(b'x') == digest(b'x')\n\n"
            "def test_fails():\n    assert False, 'unreachable'\n\n"
            "def test_total():\n    total = compute([1, 2])\n    assert total is not None\n"
            "    assert total == 3\n",
        ),
        Pass(
            "test('equals itself', () => {\n  const p = new Point(1, 2);\n"
            "  expect(p).toEqual(p);\n});\n"
            "test('totals', () => {\n  const total = sum([1, 2]);\n  expect(total).toBeDefined();\n"
            "  expect(total).not.toBe(total + 1);\n  expect(sum([1])).toBe(sum([1]));\n});\n",
            path="cart.test.ts",
        ),
        Pass(
            "def test_total():\n    assert True\n    assert total([1]) == 1\n",
            before="def test_total():\n    assert True\n",
        ),
    )

    def check(self) -> None:
        facts = self.facts
        for marker in new_markers(facts, self.before_facts, ("tautology",)):
            self.report_at(facts, marker.anchor, marker.message)


class BroadenedExpectation(WeakeningRule):
    id = "AIG505"
    name = "broadened-expectation"
    summary = (
        "An expected error broadened to any error: `pytest.raises(Exception)`, bare `toThrow()`."
    )
    rationale = (
        "`pytest.raises(Exception)` and `assertRaises(Exception)` pass on any error, including "
        "a TypeError from a typo in the test or an AttributeError from a broken refactor, so the "
        "test keeps passing while the behaviour it specified is gone. Replacing "
        "`toThrow(ValidationError)` with `toThrow()` does the same in Jest."
    )
    fix = (
        "Expect the specific exception class, or add `match=` (`assertRaisesRegex`, "
        "`toThrow(/message/)`) so that only the intended failure passes."
    )
    interest = r"raises|Raises|toThrow|Exception|rejects"
    examples = (
        Flag(
            "import pytest\n\ndef test_parse():\n    with pytest.raises(Exception):\n"
            "        parse('')\n",
            line=4,
            before=(
                "import pytest\n\ndef test_parse():\n    with pytest.raises(ParseError):\n"
                "        parse('')\n"
            ),
        ),
        Flag(
            "import unittest\n\nclass TestParse(unittest.TestCase):\n    def test_empty(self):\n"
            "        self.assertRaises(BaseException, parse, '')\n",
            line=5,
        ),
        Flag(
            "test('rejects empty input', () => {\n  expect(() => parse('')).toThrow();\n});\n",
            line=2,
            before=(
                "test('rejects empty input', () => {\n"
                "  expect(() => parse('')).toThrow(ParseError);\n});\n"
            ),
            path="parse.test.ts",
        ),
        Pass(
            "import pytest\n\ndef test_parse():\n"
            "    with pytest.raises(Exception, match='empty input'):\n        parse('')\n\n"
            "def test_wrapped():\n    with pytest.raises(Exception) as info:\n        load('x')\n"
            "    assert isinstance(info.value.__cause__, KeyError)\n\n"
            "def test_specific():\n    with pytest.raises((ParseError, ValueError)):\n"
            "        parse('?')\n",
        ),
        Pass(
            "test('rejects empty input', () => {\n  expect(() => parse('')).toThrow();\n});\n"
            "test('rejects junk', () => {\n  expect(() => parse('?')).toThrow(/junk/);\n});\n",
            path="parse.test.ts",
            before=(
                "test('rejects empty input', () => {\n  expect(() => parse('')).toThrow();\n});\n"
            ),
        ),
        Pass(
            "import pytest\n\ndef test_parse():\n    with pytest.raises(Exception):\n"
            "        parse('', strict=True)\n",
            before=(
                "import pytest\n\ndef test_parse():\n    with pytest.raises(Exception):\n"
                "        parse('')\n"
            ),
        ),
    )

    def check(self) -> None:
        after, before = self.facts, self.before_facts
        for marker in new_markers(after, before, ("broad-raises",)):
            self.report_at(after, marker.anchor, marker.message)
        if before is None:
            return
        for marker in new_markers(after, before, ("bare-throw",)):
            old, new = before.functions.get(marker.scope), after.functions.get(marker.scope)
            if old is not None and new is not None and old.specific_throws > new.specific_throws:
                self.report_at(after, marker.anchor, marker.message)


class LoosenedTolerance(WeakeningRule):
    id = "AIG506"
    name = "loosened-tolerance"
    summary = "A numeric tolerance got looser: approx rel/abs, isclose tolerances, places, digits."
    rationale = (
        "Widening a tolerance until the test passes hides a numeric regression: "
        "`pytest.approx(x, rel=0.1)` accepts a result 10% off, `assertAlmostEqual(..., "
        "places=1)` one that is 0.05 away. The test still reads like a precise check."
    )
    fix = (
        "Find out why the result moved. If the new precision is genuinely what the code can "
        "promise, say so next to the tolerance and in the change's description."
    )
    interest = (
        r"approx|isclose|allclose|lmost|assert_close|CloseTo|rel|abs|(?i:tol|eps|places|digits"
        r"|precision|decimal|delta)|\de-?\d|\d\.\d"
    )
    examples = (
        Flag(
            "from pytest import approx\n\ndef test_mean():\n"
            "    assert mean([1.0, 2.0]) == approx(1.5, rel=1e-1)\n",
            line=4,
            before=(
                "from pytest import approx\n\ndef test_mean():\n"
                "    assert mean([1.0, 2.0]) == approx(1.5)\n"
            ),
            message="from the default rel=1e-6 to rel=1e-1",
        ),
        Flag(
            "import math\nimport unittest\n\nclass TestMean(unittest.TestCase):\n"
            "    def test_mean(self):\n"
            "        self.assertAlmostEqual(mean([1, 2]), 1.5, places=2)\n"
            "        assert math.isclose(median([1, 2]), 1.5, abs_tol=0.5)\n",
            line=(6, 7),
            before=(
                "import math\nimport unittest\n\nclass TestMean(unittest.TestCase):\n"
                "    def test_mean(self):\n        self.assertAlmostEqual(mean([1, 2]), 1.5)\n"
                "        assert math.isclose(median([1, 2]), 1.5, abs_tol=1e-9)\n"
            ),
        ),
        Flag(
            "import pytest\n\nTOLERANCE = 1e-2\n\ndef test_mean():\n"
            "    assert mean([1.0, 2.0]) == pytest.approx(1.5, abs=TOLERANCE)\n",
            line=3,
            before=(
                "import pytest\n\nTOLERANCE = 1e-9\n\ndef test_mean():\n"
                "    assert mean([1.0, 2.0]) == pytest.approx(1.5, abs=TOLERANCE)\n"
            ),
            message="TOLERANCE",
        ),
        Flag(
            "test('mean', () => {\n  expect(mean([1, 2])).toBeCloseTo(1.5, 1);\n});\n",
            line=2,
            before="test('mean', () => {\n  expect(mean([1, 2])).toBeCloseTo(1.5, 5);\n});\n",
            path="stats.test.js",
        ),
        Pass(
            "import pytest\n\ndef test_mean():\n"
            "    assert mean([1.0, 2.0]) == pytest.approx(1.5, rel=1e-9)\n"
            "    assert mean([2.0, 4.0]) == pytest.approx(3.0, rel=0.1)\n",
            before=(
                "import pytest\n\ndef test_mean():\n"
                "    assert mean([1.0, 2.0]) == pytest.approx(1.5, rel=1e-3)\n"
            ),
        ),
        Pass(
            "import numpy as np\n\ndef test_fit():\n"
            "    np.testing.assert_allclose(fit(x), y, rtol=1e-2)\n",
        ),
        Pass(
            "import pytest\n\ndef test_mean(tolerance):\n"
            "    assert mean([1.0, 2.0, 3.0]) == pytest.approx(2.0, rel=tolerance)\n",
            before=(
                "import pytest\n\ndef test_mean(tolerance):\n"
                "    assert mean([1.0, 2.0]) == pytest.approx(1.5, rel=tolerance)\n"
            ),
        ),
        Pass(
            "test('mean', () => {\n  expect(mean([1, 2])).toBeCloseTo(1.5, 6);\n});\n",
            before="test('mean', () => {\n  expect(mean([1, 2])).toBeCloseTo(1.5);\n});\n",
            path="stats.test.ts",
        ),
    )

    def check(self) -> None:
        before = self.before_facts
        if before is None:
            return
        after = self.facts
        constants_reported: set[str] = set()
        for old, new in _pair_tolerances(before.tolerances, after.tolerances):
            looser = _loosened(old, new)
            if not looser:
                continue
            constant = _changed_constant(looser)
            if constant is None:
                changes = "; ".join(f"from {was.text} to {now.text}" for _, was, now in looser)
                message = f"`{new.function}` tolerance loosened: {changes}"
                self.report_at(after, new.anchor, message)
            elif constant.constant not in constants_reported:
                constants_reported.add(constant.constant or "")
                was = next(w for _, w, n in looser if n is constant)
                message = (
                    f"tolerance `{constant.constant}` loosened from {format_number(was.value or 0)}"
                    f" to {format_number(constant.value or 0)} (used by `{new.function}` in "
                    f"`{_short(new.scope)}`)"
                )
                self.report_at(after, constant.constant_anchor, message)


def _pair_tolerances(
    before: list[Tolerance], after: list[Tolerance]
) -> list[tuple[Tolerance, Tolerance]]:
    """Each after-version tolerance with its before-version: the same function in the same
    test comparing the same values; failing that, the same position when the count of such
    calls did not change (the compared values were edited too)."""
    groups: dict[tuple[str, str], tuple[list[Tolerance], list[Tolerance]]] = {}
    for tolerance in before:
        groups.setdefault((tolerance.scope, tolerance.function), ([], []))[0].append(tolerance)
    for tolerance in after:
        groups.setdefault((tolerance.scope, tolerance.function), ([], []))[1].append(tolerance)
    pairs: list[tuple[Tolerance, Tolerance]] = []
    for olds, news in groups.values():
        unmatched_old, unmatched_new = list(olds), []
        for new in news:
            old = next((o for o in unmatched_old if o.subject == new.subject), None)
            if old is None:
                unmatched_new.append(new)
            else:
                unmatched_old.remove(old)
                pairs.append((old, new))
        if len(olds) == len(news):
            pairs.extend(zip(unmatched_old, unmatched_new, strict=True))
    return pairs


def _loosened(old: Tolerance, new: Tolerance) -> list[tuple[str, Bound, Bound]]:
    """The bounds that grew, when none shrank and all can be compared; else nothing."""
    looser: list[tuple[str, Bound, Bound]] = []
    for component in sorted(set(old.bounds) & set(new.bounds)):
        was, now = old.bounds[component], new.bounds[component]
        if was.value is None or now.value is None:
            if was.text == now.text:
                continue  # the same expression (a parameter, a fixture): unchanged
            return []
        if now.value > was.value * (1 + 1e-9):
            looser.append((component, was, now))
        elif now.value < was.value * (1 - 1e-9):
            return []  # a trade-off between bounds (rel for abs), not a loosening
    return looser


def _changed_constant(looser: list[tuple[str, Bound, Bound]]) -> Bound | None:
    """The module constant behind the loosening, when the call itself is unchanged."""
    for _, was, now in looser:
        if now.constant is not None and was.text == now.text and now.constant_anchor is not None:
            return now
    return None


class DeletedTest(WeakeningRule):
    id = "AIG507"
    name = "deleted-test"
    summary = "A test was deleted in the same change that edits the function it exercised."
    rationale = (
        "Deleting a failing test is the bluntest way to a green run. When the change also "
        "edits the file of the function the test called, and that function is still there, "
        "its new behaviour has simply lost its check. Deleting a test of code the change "
        "does not touch is left alone (a clean-up, judged in review)."
    )
    fix = (
        "Keep the test and update it to the function's intended behaviour. If the behaviour "
        "is covered elsewhere, say where in the change's description."
    )
    interest = r"def\s+test|\b(?:it|test|specify)\b"
    precision = "medium"
    examples = (
        Flag(
            "from shop.cart import total\n\n\ndef test_total_of_nothing():\n"
            "    assert total([]) == 0\n",
            line=4,
            before=(
                "from shop.cart import total\n\n\ndef test_total():\n"
                "    assert total([1, 2]) == 3\n"
                "\n\ndef test_total_of_nothing():\n    assert total([]) == 0\n"
            ),
            files={"shop/cart.py": "def total(items):\n    return sum(items) + 1\n"},
            message="`total` (shop/cart.py)",
        ),
        Flag(
            "import { total } from '../src/cart';\n\ndescribe('cart', () => {\n"
            "  it('is empty', () => {\n    expect(total([])).toBe(0);\n  });\n});\n",
            line=7,
            before=(
                "import { total } from '../src/cart';\n\ndescribe('cart', () => {\n"
                "  it('is empty', () => {\n    expect(total([])).toBe(0);\n  });\n"
                "  it('totals', () => {\n    expect(total([1, 2])).toBe(3);\n  });\n});\n"
            ),
            path="test/cart.test.js",
            files={"src/cart.js": "export function total(items) {\n  return 0;\n}\n"},
        ),
        Pass(
            "def test_total_of_nothing():\n    assert total([]) == 0\n",
            before=(
                "from shop.legacy import old_total\n\ndef test_old_total():\n"
                "    assert old_total([1]) == 1\n\ndef test_total_of_nothing():\n"
                "    assert total([]) == 0\n"
            ),
            files={"shop/legacy.py": "def other():\n    return 1\n"},
        ),
        Pass(
            "from shop.cart import total\n\ndef test_sum():\n    assert total([1, 2]) == 3\n",
            before=(
                "from shop.cart import total\n\ndef test_total():\n    assert total([1, 2]) == 3\n"
            ),
            files={"shop/cart.py": "def total(items):\n    return sum(items)\n"},
        ),
        Pass(
            "from shop.cart import total\n\ndef test_other():\n    assert True is not False\n",
            before=(
                "from shop.cart import total\n\ndef test_total():\n"
                "    assert total([1, 2]) == 3\n\ndef test_other():\n    assert True is not False\n"
            ),
            files={
                "shop/cart.py": "def total(items):\n    return sum(items)\n",
                "tests/test_cart.py": (
                    "from shop.cart import total\n\ndef test_total():\n"
                    "    assert total([1, 2]) == 3\n"
                ),
            },
        ),
        Pass(
            "import pytest\nfrom shop.cart import total\n\n"
            "@pytest.mark.parametrize(('items', 'expected'), [([1, 2], 3), ([], 0)])\n"
            "def test_totals(items, expected):\n    assert total(items) == expected\n",
            before=(
                "import pytest\nfrom shop.cart import total\n\ndef test_total():\n"
                "    assert total([1, 2]) == 3\n\ndef test_empty():\n    assert total([]) == 0\n"
            ),
            files={"shop/cart.py": "def total(items):\n    return sum(items)\n"},
        ),
    )

    def check(self) -> None:
        before = self.before_facts
        if before is None:
            return
        after = self.facts
        added = [case for name, case in after.tests.items() if name not in before.tests]
        for name, old in before.tests.items():
            if name in after.tests or any(after.body(case) == before.body(old) for case in added):
                continue  # kept, or renamed
            kept = self._production_functions(old, added)
            if not kept:
                continue
            short = _short(name).split(" #", 1)[0]
            if test_names_elsewhere(self.project, short, self.after.language, self.path):
                continue  # moved to another test file
            called = ", ".join(f"`{function}` ({path})" for function, path in kept)
            message = (
                f"test `{short}` was deleted while this change edits {called} that it "
                "exercised: that behaviour is no longer tested"
            )
            line = _surviving_line(before, after, before.span(old.first_anchor).line)
            self.report_line(line, message, removal=True)

    def _production_functions(self, old: Case, added: list[Case]) -> list[tuple[str, str]]:
        """The production functions the deleted test called that still exist and that no test
        added by this change calls instead."""
        replaced = {target for case in added for target in case.targets}
        kept: list[tuple[str, str]] = []
        for target in dict.fromkeys(old.targets):
            if target in replaced:
                continue
            path = resolve(self.project, target)
            if path is None or self.project.is_test(path) or not self.project.in_change(path):
                continue
            text = self.project.read_text(path)
            if text is not None and defines(text, target.name, path):
                kept.append((target.name, path))
        return kept


def _surviving_line(before: FileFacts, after: FileFacts, line: int) -> int:
    """Where a before-version line went: its own after-line, or the first code line that now
    follows the removed block (the last one when the block ended the file)."""
    old_lines, new_lines = before.source.lines, after.source.lines
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        if i1 <= line - 1 < i2:
            if tag == "equal":
                return j1 + (line - 1 - i1) + 1
            return _next_code_line(new_lines, j1 + 1)
    return _next_code_line(new_lines, len(new_lines))


def _next_code_line(lines: list[str], line: int) -> int:
    """`line`, or the first non-blank line from it on (else the last non-blank one)."""
    for number in range(max(line, 1), len(lines) + 1):
        if lines[number - 1].strip():
            return number
    for number in range(min(line, len(lines)), 0, -1):
        if lines[number - 1].strip():
            return number
    return 1
