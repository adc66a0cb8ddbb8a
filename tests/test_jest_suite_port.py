"""The valid/invalid cases of eslint-plugin-jest's and eslint-plugin-vitest's own rule tests,
run through the AIG5xx rules.

Sources (each case below is quoted from them, options-dependent cases left out):
- jest-community/eslint-plugin-jest at 4ba94543a4f8b009c43da447a278737561f30115,
  src/rules/__tests__/{no-disabled-tests,no-focused-tests,no-test-prefixes,expect-expect,
  valid-expect}.test.ts
- vitest-dev/eslint-plugin-vitest, tests/{no-disabled-tests,no-focused-tests}.test.ts

valid-expect's cases are statements at the top of a file; aiguard reads assertions inside
tests, so its invalid cases are placed inside a `test(...)`.

aiguard is change-based, so every case is checked twice: as a new test file (`before` None),
where the case's own expectation holds, and unchanged (`before` equal to the code), where
nothing is new and nothing may be reported. `BEFORE_AFTER` adds cases written as a change.

Where our policy deliberately differs from the linter the case says `differs:` and the rule's
rationale says why; `PASS` below for an eslint "invalid" case, or a finding for a "valid" one,
is only ever such a documented difference.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from aiguard.lint.registry import load_rules
from aiguard.lint.rule import Pass
from aiguard.lint.testing import run_example

RULES = load_rules()
PASS: tuple[int, ...] = ()


@dataclass(frozen=True)
class Case:
    source: str  # "<plugin> <rule> valid|invalid"
    rule: str  # the aiguard rule the case is checked against
    code: str
    lines: tuple[int, ...]  # where that rule reports; PASS for silence
    note: str = ""


JEST = "eslint-plugin-jest"
VITEST = "eslint-plugin-vitest"


def _cases(source: str, rule: str, lines: tuple[int, ...], *codes: str) -> list[Case]:
    return [Case(source, rule, code, lines) for code in codes]


CASES: list[Case] = [
    # -- no-disabled-tests --------------------------------------------------------------------
    *_cases(
        f"{JEST} no-disabled-tests valid",
        "AIG501",
        PASS,
        'describe("foo", function () {})',
        'it("foo", function () {})',
        'it.each("foo", () => {})',
        'it.concurrent("foo", function () {})',
        'test("foo", function () {})',
        'test.concurrent("foo", function () {})',
        'describe[`${"skip"}`]("foo", function () {})',
        "var appliedSkip = describe.skip; appliedSkip.apply(describe)",
        "var calledSkip = it.skip; calledSkip.call(it)",
        "({ f: function () {} }).f()",
        "(a || b).f()",
        "itHappensToStartWithIt()",
        "testSomething()",
        "xitSomethingElse()",
        "xitiViewMap()",
        'import { pending } from "actions"\n\ntest("foo", () => {\n'
        "  expect(pending()).toEqual({})\n})\n",
        'const { pending } = require("actions")\n\ntest("foo", () => {\n'
        "  expect(pending()).toEqual({})\n})\n",
        'test("foo", () => {\n  const pending = getPending()\n'
        "  expect(pending()).toEqual({})\n})\n",
        'test("foo", () => {\n  expect(pending()).toEqual({})\n})\n\n'
        "function pending() {\n  return {}\n}\n",
    ),
    # Focus is no skip, but AIG501 reports both.
    *_cases(
        f"{JEST} no-disabled-tests valid",
        "AIG501",
        (1,),
        'describe.only("foo", function () {})',
        'it.only("foo", function () {})',
        'test.only("foo", function () {})',
    ),
    Case(
        f"{JEST} no-disabled-tests valid",
        "AIG501",
        'it.todo("fill this later")',
        (1,),
        "differs: a to-do is reported, as a note (nothing that ran stopped running)",
    ),
    Case(
        f"{JEST} no-disabled-tests valid",
        "AIG501",
        "import { test } from './test-utils';\n\ntest('something');\n",
        (3,),
        "differs: a project's own `test` is a fixture-extended test function (test.extend)",
    ),
    *_cases(
        f"{JEST} no-disabled-tests invalid",
        "AIG501",
        (1,),
        'describe.skip("foo", function () {})',
        'describe.skip.each([1, 2, 3])("%s", (a, b) => {});',
        'xdescribe.each([1, 2, 3])("%s", (a, b) => {});',
        'describe[`skip`]("foo", function () {})',
        'describe["skip"]("foo", function () {})',
        'it.skip("foo", function () {})',
        'it["skip"]("foo", function () {})',
        'test.skip("foo", function () {})',
        'it.skip.each``("foo", function () {})',
        'test.skip.each``("foo", function () {})',
        'it.skip.each([])("foo", function () {})',
        'test.skip.each([])("foo", function () {})',
        'test["skip"]("foo", function () {})',
        'xdescribe("foo", function () {})',
        'xit("foo", function () {})',
        'xtest("foo", function () {})',
        'xit.each``("foo", function () {})',
        'xtest.each``("foo", function () {})',
        'xit.each([])("foo", function () {})',
        'xtest.each([])("foo", function () {})',
        'it("has title but no callback")',
        'test("has title but no callback")',
        'it("contains a call to pending", function () { pending() })',
        "pending();",
        'describe("contains a call to pending", function () { pending() })',
    ),
    Case(
        f"{JEST} no-disabled-tests invalid",
        "AIG501",
        "import { test } from '@jest/globals';\n\ntest('something');\n",
        (3,),
    ),
    # -- no-focused-tests ---------------------------------------------------------------------
    *_cases(
        f"{JEST} no-focused-tests valid",
        "AIG501",
        PASS,
        "describe()",
        "it()",
        "test()",
        "var appliedOnly = describe.only; appliedOnly.apply(describe)",
        "var calledOnly = it.only; calledOnly.call(it)",
        "it.each()()",
        "it.each`table`()",
        "test.each()()",
        "test.each`table`()",
        "test.concurrent()",
        "import { describe as fdescribe } from '@jest/globals';\n\nfdescribe()\n",
    ),
    *_cases(
        f"{JEST} no-focused-tests valid",
        "AIG501",
        (1,),
        # Skips are no focus, but AIG501 reports both.
        "describe.skip()",
        "it.skip()",
        "test.skip()",
    ),
    *_cases(
        f"{JEST} no-focused-tests invalid",
        "AIG501",
        (1,),
        "describe.only()",
        "context.only()",
        "describe.only.each()()",
        "describe.only.each`table`()",
        'describe["only"]()',
        "it.only()",
        "it.concurrent.only.each``()",
        "it.only.each()()",
        "it.only.each`table`()",
        'it["only"]()',
        "test.only()",
        "test.concurrent.only.each()()",
        "test.only.each()()",
        "test.only.each`table`()",
        'test["only"]()',
        "fdescribe()",
        "fit()",
        "fit.each()()",
        "fit.each`table`()",
    ),
    *_cases(
        f"{JEST} no-focused-tests invalid",
        "AIG501",
        (3,),
        "const { describe } = require('@jest/globals');\n\ndescribe.only()\n",
        "import { describe as describeThis } from '@jest/globals';\n\ndescribeThis.only()\n",
        "const { fdescribe } = require('@jest/globals');\n\nfdescribe()\n",
        "import { describe as context } from '@jest/globals';\n\ncontext.only.each()()\n",
    ),
    Case(
        f"{JEST} no-focused-tests invalid",
        "AIG501",
        "import { fdescribe as describeJustThis } from '@jest/globals';\n\n"
        "describeJustThis()\ndescribeJustThis.each()()\n",
        (3, 4),
    ),
    *_cases(
        f"{VITEST} no-focused-tests invalid",
        "AIG501",
        (1,),
        'it.only("test", () => {});',
        'describe.only("test", () => {});',
        'test.only("test", () => {});',
        'it.only.each([])("test", () => {});',
        'test.only.each``("test", () => {});',
        'it.only.each``("test", () => {});',
    ),
    *_cases(
        f"{VITEST} no-focused-tests valid",
        "AIG501",
        PASS,
        'it("test", () => {});',
        'describe("test group", () => {});',
    ),
    # -- no-test-prefixes (every prefixed form is a skip or a focus) -------------------------
    *_cases(
        f"{JEST} no-test-prefixes valid",
        "AIG501",
        PASS,
        'describe("foo", function () {})',
        'it("foo", function () {})',
        'it.concurrent("foo", function () {})',
        'test("foo", function () {})',
        'test.concurrent("foo", function () {})',
        'it.each()("foo", function () {})',
        'it.each``("foo", function () {})',
        'test.each()("foo", function () {})',
        'test.each``("foo", function () {})',
        "foo()",
        "[1,2,3].forEach()",
    ),
    *_cases(
        f"{JEST} no-test-prefixes invalid",
        "AIG501",
        (1,),
        'fdescribe("foo", function () {})',
        'xdescribe.each([])("foo", function () {})',
        'fit("foo", function () {})',
        'xdescribe("foo", function () {})',
        'xit("foo", function () {})',
        'xtest("foo", function () {})',
        'xit.each``("foo", function () {})',
        'xtest.each``("foo", function () {})',
        'xit.each([])("foo", function () {})',
        'xtest.each([])("foo", function () {})',
    ),
    *_cases(
        f"{JEST} no-test-prefixes invalid",
        "AIG501",
        (3,),
        "import { xit } from '@jest/globals';\n\nxit(\"foo\", function () {})\n",
        "import { xit as skipThis } from '@jest/globals';\n\nskipThis(\"foo\", function () {})\n",
        "import { fit as onlyThis } from '@jest/globals';\n\nonlyThis(\"foo\", function () {})\n",
    ),
    # -- vitest no-disabled-tests (beyond the cases it shares with Jest's) --------------------
    *_cases(
        f"{VITEST} no-disabled-tests invalid",
        "AIG501",
        (1,),
        'it("has title but no callback")',
        'it("contains a call to pending", function () { pending() })',
    ),
    # -- expect-expect ------------------------------------------------------------------------
    *_cases(
        f"{JEST} expect-expect valid",
        "AIG503",
        PASS,
        'it.todo("will test something eventually")',
        'test.todo("will test something eventually")',
        "['x']();",
        'it("should pass", () => expect(true).toBeDefined())',
        'test("should pass", () => expect(true).toBeDefined())',
        'it("should pass", () => somePromise().then(() => expect(true).toBeDefined()))',
        'it("should pass", myTest); function myTest() { expect(true).toBeDefined() }',
        "import { test } from '@jest/globals';\n\ntest('should pass', () => {\n"
        "  expect(true).toBeDefined();\n  foo(true).toBe(true);\n});\n",
        "import { test as checkThat } from '@jest/globals';\n\n"
        "checkThat('this passes', () => {\n  expect(true).toBeDefined();\n"
        "  foo(true).toBe(true);\n});\n",
    ),
    Case(
        f"{JEST} expect-expect valid (assertFunctionNames: ['expectSaga'])",
        "AIG503",
        'it("should return undefined",() => expectSaga(mySaga).returns());',
        PASS,
    ),
    Case(
        f"{JEST} expect-expect valid (assertFunctionNames: ['tester.foo.bar.expect'])",
        "AIG503",
        "test('verifies chained expect method call', () => {\n"
        "  tester\n    .foo()\n    .bar()\n    .expect(456);\n});\n",
        PASS,
    ),
    Case(
        f"{JEST} expect-expect valid (assertFunctionNames: ['td.verify'])",
        "AIG503",
        'test("verifies the function call", () => {\n  td.verify(someFunctionCall())\n})\n',
        PASS,
    ),
    *_cases(
        f"{JEST} expect-expect invalid",
        "AIG503",
        (1,),
        'it("should fail", () => {});',
        'it("should fail", myTest); function myTest() {}',
        'test("should fail", () => {});',
        'test.skip("should fail", () => {});',
        'it("should fail", () => { somePromise.then(() => {}); });',
        'test("should fail", () => { foo(true).toBe(true); })',
    ),
    Case(
        f"{JEST} expect-expect invalid (assertFunctionNames: ['expect'])",
        "AIG503",
        'it("should also fail",() => expectSaga(mySaga).returns());',
        PASS,
        "differs: a helper named expect*/assert*/check*/verify* counts as an assertion",
    ),
    *_cases(
        f"{JEST} expect-expect invalid",
        "AIG503",
        (3,),
        "import { test as checkThat } from '@jest/globals';\n\n"
        "checkThat('this passes', () => {\n  // ...\n});\n",
        "import { test as checkThat } from '@jest/globals';\n\n"
        "checkThat.skip('this passes', () => {\n  // ...\n});\n",
    ),
    # -- valid-expect: an expect that checks nothing ------------------------------------------
    *_cases(
        f"{JEST} valid-expect valid",
        "AIG504",
        PASS,
        "expect.hasAssertions",
        "expect.hasAssertions()",
        'expect("something").toEqual("else");',
        "expect([1, 2, 3]).toEqual([1, 2, 3]);",
        "expect(undefined).not.toBeDefined();",
        'test("valid-expect", () => { return expect(Promise.resolve(2)).resolves'
        ".toBeDefined(); });",
        'test("valid-expect", () => { return expect(Promise.reject(2)).rejects.toBeDefined(); });',
        'test("valid-expect", async () => { await expect(Promise.reject(2)).rejects'
        ".not.toBeDefined(); });",
        "expect.extend({\n  toResolve(obj) {\n    return this.isNot\n"
        "      ? expect(obj).toBe(true)\n      : expect(obj).resolves.not.toThrow();\n"
        "  }\n});\n",
    ),
    Case(
        f"{JEST} valid-expect valid",
        "AIG504",
        'test("valid", () => {\n  expect(true).toBeDefined();\n});\n',
        (2,),
        "differs: a literal checked for being defined is always true (the tautology AIG504 "
        "reports)",
    ),
    *_cases(
        f"{JEST} valid-expect invalid",
        "AIG504",
        (2,),
        'test("x", () => {\n  expect("something");\n});\n',
        'test("x", () => {\n  expect();\n});\n',
        'test("x", () => {\n  expect(value).toBeDefined;\n});\n',
        'test("x", () => {\n  expect(value).not.toBeDefined;\n});\n',
        'test("x", () => {\n  expect(value).nope.toBeDefined;\n});\n',
        'test("x", () => {\n  expect(value).resolves;\n});\n',
        'test("x", () => {\n  expect(value).rejects;\n});\n',
        'test("x", () => {\n  expect(value).not;\n});\n',
    ),
    *_cases(
        f"{JEST} valid-expect invalid",
        "AIG503",
        (1,),
        'test("x", () => {\n  expect(value);\n});\n',
        'test("x", () => {\n  expect(value).toBeDefined;\n});\n',
    ),
    Case(
        f"{JEST} valid-expect invalid",
        "AIG504",
        'test("x", () => {\n  expect("something", "else").toEqual("something");\n});\n',
        (2,),
        "differs: reported for what it is, a constant compared with itself, not for the count",
    ),
    *_cases(
        f"{JEST} valid-expect invalid",
        "AIG504",
        PASS,
        # differs: a wrong argument count, an unknown modifier or a doubled `.not` throws when
        # the test runs (the test fails loudly); only a check that silently passes is reported.
        'test("x", () => {\n  expect().toBe(true);\n});\n',
        'test("x", () => {\n  expect(value).nope.toBeDefined();\n});\n',
        'test("x", () => {\n  expect(value).not.not.toBeDefined();\n});\n',
    ),
]


# The gaps issue 10 lists beyond those suites, and the look-alikes that must stay silent.
GAPS = "aiguard issue-10"
CASES += [
    *_cases(
        f"{GAPS} vitest-modifiers flag",
        "AIG501",
        (1,),
        "it.skipIf(true)('a', () => { expect(f()).toBe(1) })",
        "it.runIf(false)('a', () => { expect(f()).toBe(1) })",
        "test.fails('a', () => { expect(f()).toBe(1) })",
        "test.concurrent.only('a', async () => { expect(f()).toBe(1) })",
        "describe.todo('later')",
        "it.skip(`a ${name}`, () => { expect(f()).toBe(1) })",
    ),
    *_cases(
        f"{GAPS} look-alikes pass",
        "AIG501",
        PASS,
        "it.skipIf(process.platform === 'win32')('a', () => { expect(f()).toBe(1) })",
        "it.runIf(hasGit)('a', () => { expect(f()).toBe(1) })",
        "import { fit } from './curve';\n\nfit(points);\n",
        "function xit(values) { return values }\n\nxit([1]);\n",
        "test('a', () => {\n  const fit = makeFit();\n  expect(fit(points)).toBe(1);\n});\n",
        "test('a', async ({ browserName }) => {\n"
        "  test.skip(browserName === 'webkit', 'no webkit');\n  expect(f()).toBe(1);\n});\n",
    ),
    *_cases(
        f"{GAPS} chai look-alikes pass",
        "AIG504",
        PASS,
        "test('a', () => {\n  expect(f()).to.be.true;\n  expect(g()).to.not.be.null;\n});\n",
        "it('a', () => {\n  expect(spy.calledOnce).to.be.true;\n});\n",
    ),
    *_cases(
        f"{GAPS} chai look-alikes pass",
        "AIG503",
        PASS,
        "it('a', () => {\n  expect(spy.calledOnce).to.be.true;\n});\n",
        "it('a', () => {\n  result.servers['x'].should.have.property('url');\n});\n",
    ),
]


def _path(code: str) -> str:
    return "case.test.ts" if "import " in code or ": " in code.split("(")[0] else "case.test.js"


def _found(rule_id: str, code: str, before: str | None) -> list[int]:
    rule = RULES[rule_id]
    outcome = run_example(rule, Pass(code, before=before, path=_path(code)))
    assert [n.message for n in outcome.notifications] == []
    return sorted(f.line for f in outcome.findings if f.rule_id == rule_id)


def _id(case: Case) -> str:
    first = case.code.strip().splitlines()[-1] if case.code.strip() else case.code
    return f"{case.rule}-{case.source.split()[1]}-{first[:40]}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_case_as_a_new_file(case: Case) -> None:
    assert _found(case.rule, case.code, None) == list(case.lines), case.source


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.lines], ids=[_id(c) for c in CASES if c.lines]
)
def test_case_unchanged_is_not_new(case: Case) -> None:
    assert _found(case.rule, case.code, case.code) == []


# Cases written as a change: (rule, before, after, lines reported in the after-version).
BEFORE_AFTER = [
    pytest.param(
        "AIG501",
        'it("foo", function () { expect(f()).toBe(1) })\n',
        'it["skip"]("foo", function () { expect(f()).toBe(1) })\n',
        (1,),
        id="it-to-bracket-skip",
    ),
    pytest.param(
        "AIG501",
        "import { it } from 'vitest';\n\nit('foo', () => { expect(f()).toBe(1) })\n",
        "import { it as check, xit as later } from 'vitest';\n\n"
        "later('foo', () => { expect(f()).toBe(1) })\n",
        (3,),
        id="aliased-xit",
    ),
    pytest.param(
        "AIG501",
        "describe.each(rows)('%s', (row) => { it('a', () => { expect(row).toBe(1) }) })\n",
        "xdescribe.each(rows)('%s', (row) => { it('a', () => { expect(row).toBe(1) }) })\n",
        (1,),
        id="describe-each-to-xdescribe-each",
    ),
    pytest.param(
        "AIG501",
        "it.skip('foo', () => { expect(f()).toBe(1) })\n",
        'it["skip"](`foo`, () => { expect(f()).toBe(1) })\n',
        (),
        id="same-skip-rewritten-in-brackets-is-not-new",
    ),
    pytest.param(
        "AIG501",
        "it.skip('foo', () => { expect(f()).toBe(1) })\n",
        "it.skip('foo', () => { expect(f()).toBe(2) })\n",
        (),
        id="old-skip-edited-is-not-new",
    ),
    pytest.param(
        "AIG503",
        'it("x", myTest); function myTest() { expect(f()).toBe(1) }\n',
        'it("x", myTest); function myTest() { f() }\n',
        (),
        id="named-callback-lost-its-assertion-is-AIG502-not-AIG503",
    ),
    pytest.param(
        "AIG502",
        'it("x", myTest); function myTest() { expect(f()).toBe(1) }\n',
        'it("x", myTest); function myTest() { f() }\n',
        (1,),
        id="named-callback-lost-its-assertion-AIG502",
    ),
    pytest.param(
        "AIG503",
        "import { shared } from './shared';\n\nit('x', () => { expect(f()).toBe(1) })\n",
        "import { shared } from './shared';\n\nit('x', shared)\n",
        (),
        id="named-callback-whose-body-is-elsewhere",
    ),
    pytest.param(
        "AIG504",
        "test('x', () => {\n  expect(total()).toBe(3);\n});\n",
        "test('x', () => {\n  expect(total()).toBe;\n});\n",
        (2,),
        id="matcher-no-longer-called",
    ),
]


@pytest.mark.parametrize(("rule_id", "before", "after", "lines"), BEFORE_AFTER)
def test_change(rule_id: str, before: str, after: str, lines: tuple[int, ...]) -> None:
    assert _found(rule_id, after, before) == list(lines)
