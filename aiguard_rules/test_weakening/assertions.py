"""AIG502-AIG506: what the assertions of a test lost (removed, none,
tautological, broadened, looser)."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from aiguard.findings import Severity
from aiguard.lint.rule import Flag, Pass
from aiguard_rules.test_weakening._model import Bound, Tolerance, format_number
from aiguard_rules.test_weakening._moves import moved_body
from aiguard_rules.test_weakening._project import (
    calls_test_helper,
    mentions_removed,
    removed_production_words,
)

if TYPE_CHECKING:
    from aiguard_rules.test_weakening._model import Case, FileFacts
from aiguard_rules.test_weakening._base import WeakeningRule, short_name


class AssertionsRemoved(WeakeningRule):
    id = "AIG502"
    name = "assertions-removed"
    summary = "A test that still exists lost assertions, or was emptied."
    rationale = (
        "Deleting the assertion that fails is the cheapest way to make a test pass: the test "
        "keeps its name and still shows up green, but no longer checks what it used to. A "
        "test whose body was replaced by `pass` checks nothing at all. Not reported: "
        "assertions folded into `pytest.raises(..., match=...)`, and assertions that named "
        "something the same change removed from the production code (a parameter, an "
        "attribute, an error message): those followed a deliberate behaviour change."
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
            "import pytest\n\ndef test_parse_empty():\n"
            "    with pytest.raises(ValueError, match='empty'):\n        parse('')\n",
            before=(
                "import pytest\n\ndef test_parse_empty():\n"
                "    with pytest.raises(ValueError) as info:\n        parse('')\n"
                "    assert 'empty' in str(info.value)\n"
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
            if old is None or new.opaque or old.opaque:
                continue  # new, or its body is a function this file does not show
            label = short_name(name)
            if new.empty and not old.empty:
                message = f"test `{label}` was emptied: its body no longer does anything"
                self.report_at(after, new.anchor, message, removal=True)
                continue
            had, has = before.total_assertions(name), after.total_assertions(name)
            has += _folded_matches(before.body(old), after.body(new))
            if has >= had or _consolidated(old, new, had, has):
                continue
            if _follows_production(
                self, before.render(old.node), after.render(new.node), had - has
            ):
                continue
            if has == 0:
                message = f"test `{label}` no longer asserts anything (it had {_count(had)})"
            else:
                message = f"test `{label}` lost {had - has} of its {_count(had)}"
            self.report_at(after, new.anchor, message, removal=True)


# Test names that say the test checks only that nothing raises (pytest's documented idiom).
_NO_RAISE = re.compile(
    r"(?i)(?:^|_)(?:no|not|never|without|doesnt|does_not|dont|do_not|wont)_"
    r"(?:raise|raises|error|errors|fail|fails|crash|crashes|throw|throws|exception)s?"
    r"(?:_|$)"
)


# Test names that say the test checks that a failure is tolerated (nothing raises).
_TOLERATES = re.compile(
    r"(?i)(?:^|_)(?:handles?|handling|tolerates?|survives?|ignores?|recovers?_from)_"
    r"(?:\w+_)?(?:error|errors|exception|exceptions|failure|failures|interrupt|eof|invalid)"
    r"|(?:^|_)(?:when|if|without)_\w*(?:not_installed|missing|unavailable)(?:_|$)"
)


def _folded_matches(old_body: str, new_body: str) -> int:
    """Message checks folded into `pytest.raises(..., match=...)`: each new `match=` is one."""
    return max(0, new_body.count("match=") - old_body.count("match="))


def _follows_production(rule: AssertionsRemoved, old_text: str, new_text: str, lost: int) -> bool:
    """Whether the assertions the test lost checked something the change removed from the
    production code: the checked behaviour went away on purpose, with its assertions.

    Compared statement by statement (a multi-line `expect(...)` is one): at least `lost` of
    the assertions no longer written name a removed word, and every other one that went has
    a new assertion in its place (an expectation updated to the new behaviour)."""
    removed = removed_production_words(rule.project)
    if not removed:
        return False
    gone = Counter(_assertion_statements(old_text))
    came = Counter(_assertion_statements(new_text))
    lost_statements = list((gone - came).elements())
    gained = sum((came - gone).values())
    named = sum(1 for text in lost_statements if mentions_removed(text, removed))
    return named >= lost and len(lost_statements) - named <= gained


def _assertion_statements(text: str) -> list[str]:
    """The assertion statements of a test's text, each with its continuation lines, squashed."""
    lines = text.splitlines()
    found: list[str] = []
    index = 0
    while index < len(lines):
        if not _ASSERTING.search(lines[index]):
            index += 1
            continue
        depth, parts = 0, []
        while index < len(lines):
            line = lines[index]
            parts.append(line.strip())
            depth += sum(line.count(c) for c in "([{") - sum(line.count(c) for c in ")]}")
            index += 1
            if depth <= 0:
                break
        found.append(" ".join(parts))
    return found


_ASSERTING = re.compile(r"\bassert|\bexpect\s*\(|\braises\b|\bcheck|\bverify")


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


class TestWithoutAssertion(WeakeningRule):
    id = "AIG503"
    name = "test-without-assertion"
    summary = "A new or changed test asserts nothing."
    rationale = (
        "A test without an assertion passes as long as nothing raises: it covers lines without "
        "checking any result, so coverage rises while nothing is verified. Generated tests "
        "often call the code and stop there. A test named for checking that nothing raises "
        "(`test_parse_does_not_raise`, `test_load_without_errors`) says what it checks and is "
        "not reported; pytest fixtures named `test_*` are not tests. A note, not a warning: "
        "under `--all` (no change wrote the tests), for a changed test that asserted nothing "
        "before either (the change did not weaken it), and for a test named for tolerating a "
        "failure (`test_track_handles_errors`, `test_export_when_posthog_not_installed`), a "
        "weak check but a deliberate one. A test whose callback is "
        "passed by name (`it('x', checkTotals)`) is judged by that function's body when this "
        "file defines it, and not at all when it does not (what it asserts cannot be seen). "
        "`expect(x)` with no matcher, or with one never called (`expect(x).toBeDefined;`), is "
        "no assertion. Differences from eslint-plugin-jest's expect-expect, on purpose: any "
        "call named `expect*`/`assert*`/`check*`/`verify*` counts as an assertion without "
        "configuration (`expectSaga(saga).returns()`, supertest's `.expect(200)`)."
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
            """
            import { test as check } from 'vitest';

            check('totals', checkTotals);
            it('counts', () => {
              expect(count([1]));
            });

            function checkTotals() {
              total([1, 2]);
            }
            """,
            line=(3, 4),
            path="cart.test.ts",
        ),
        Pass(
            """
            import { sharedCartBehaviour } from './shared';

            it('totals', checkTotals);
            it('behaves like a cart', sharedCartBehaviour);
            it('is chai-checked', () => {
              expect(total([])).to.be.undefined;
            });

            function checkTotals() {
              expect(total([1, 2])).toBe(3);
            }
            """,
            path="cart.test.ts",
        ),
        Flag(
            "def test_export(tmp_path):\n    export(tmp_path / 'out.csv', rows=[1, 2])\n",
            line=2,
            before="def test_export(tmp_path):\n    export(tmp_path / 'out.csv')\n",
            message="asserts nothing (nor did it before)",
            severity=Severity.NOTE,
        ),
        Flag(
            "def test_track_handles_errors(client):\n    client.fail_next()\n    track(client)\n\n"
            "def test_track_when_posthog_not_installed(monkeypatch):\n    track(None)\n",
            line=(1, 5),
            severity=Severity.NOTE,
        ),
        Pass(
            "import pytest\n\n@pytest.fixture\ndef test_client(app):\n    return app.client()\n\n"
            "def test_parse_does_not_raise():\n    parse('1 + 2')\n\n"
            "def test_load_without_errors(tmp_path):\n    load(tmp_path)\n"
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
            if case.uses_benchmark or case.opaque or after.total_assertions(name) > 0:
                continue
            old = before.tests.get(name) if before is not None else None
            if old is None:
                if before is not None and _renamed(case, before, after):
                    continue
                if moved_body(self.project, self.path, after, name):
                    continue  # moved here from another test file of the change
                line: int | None = after.span(case.anchor).line
                message = (
                    f"new test `{short_name(name)}` asserts nothing: it passes unless it raises"
                )
            elif before is not None and before.total_assertions(name) > 0:
                continue  # it lost its assertions: AIG502
            else:
                line = self._first_changed_line(after, case)
                message = (
                    f"test `{short_name(name)}`, changed here, asserts nothing (nor did it "
                    "before): it passes unless it raises"
                )
            if line is None or calls_test_helper(self.project, case.targets):
                continue
            if _NO_RAISE.search(short_name(name)):
                continue  # named for what it checks: that the call does not raise
            # True but rarely worth acting on: under --all no change wrote the test; a test
            # that asserted nothing before either was not weakened here; a test named for
            # tolerating a failure (`..._handles_errors`, `..._when_x_not_installed`) checks
            # that nothing raises, weakly but on purpose.
            quiet = (
                self.context.change.changed_lines is None
                or old is not None
                or _TOLERATES.search(short_name(name)) is not None
            )
            severity = Severity.NOTE if quiet else None
            if line == after.span(case.anchor).line:
                self.report_at(after, case.anchor, message, severity=severity)
            else:
                self.report_line(line, message, severity=severity)

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
        "always true. `expect(x)` without a matcher, or with one that is never called "
        "(`expect(x).toBeDefined;`, `await expect(p).resolves;`), checks nothing at all; "
        "Chai's property assertions (`expect(x).to.be.true`) do check and are not reported. "
        "Differences from eslint-plugin-jest's valid-expect, on purpose: a wrong number of "
        "arguments to `expect`, an unknown modifier (`expect(x).nope.toBe(1)`) or a doubled "
        "`.not` throws when the test runs, so the test fails loudly and is not reported here."
    )
    fix = (
        "Compare the code's result with an independently known expected value; for "
        "`assert (cond, 'msg')` write `assert cond, 'msg'`; call the matcher "
        "(`expect(x).toBeDefined()`)."
    )
    interest = r"assert|expect"
    examples = (
        # Identity of an attribute read twice: a caching test (a property may compute it anew).
        Pass("def test_cached(source):\n    assert source.tree is source.tree\n"),
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
        Flag(
            """
            test('loads', async () => {
              const cart = await load();
              expect(cart.total);
              expect(cart.items).toHaveLength;
              await expect(save(cart)).resolves;
              expect(cart.count()).not.toBe;
            });
            """,
            line=(3, 4, 5, 6),
            path="cart.test.ts",
        ),
        Pass(
            """
            test('loads', async () => {
              const cart = await load();
              expect(cart.total).to.equal(3);
              expect(cart.items).to.be.empty;
              await expect(save(cart)).resolves.toBeUndefined();
              const check = expect(cart.count());
              check.toBe(1);
              expect.hasAssertions();
            });
            """,
            path="cart.test.ts",
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
        for marker in self.new_markers(facts, self.before_facts, ("tautology",)):
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
        for marker in self.new_markers(after, before, ("broad-raises",)):
            self.report_at(after, marker.anchor, marker.message)
        if before is None:
            return
        for marker in self.new_markers(after, before, ("bare-throw",)):
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
                    f"`{short_name(new.scope)}`)"
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
