"""AIG501 and AIG507: tests skipped or focused, and tests deleted."""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from aiguard.findings import Severity
from aiguard.lint.rule import Flag, Pass
from aiguard_rules.test_weakening._project import (
    defines,
    mentions_removed,
    removed_production_words,
    resolve,
    test_names_elsewhere,
)

if TYPE_CHECKING:
    from aiguard_rules.test_weakening._model import Case, FileFacts
from aiguard_rules.test_weakening._base import WeakeningRule, short_name

_TODO = re.compile(r"^[\w$]+(?:\.[\w$]+)*\.todo(?![\w$])")


class SkippedOrFocusedTest(WeakeningRule):
    id = "AIG501"
    name = "skipped-or-focused-test"
    summary = "A test is skipped, expected to fail, left as a to-do, or focused with `.only`."
    rationale = (
        "A skipped or xfail test cannot fail, so whatever it protected is now unprotected; when "
        "an assistant cannot make a test pass, skipping it is the quickest way to a green run. "
        "A focused test (`.only`, `fit`, `fdescribe`) is worse: every other test in the file "
        "silently stops running, so it is an error. `test.todo('...')`/`it.todo` declares a "
        "test still to write: nothing that ran before stopped running, so it is a note. "
        "Every spelling counts: `it['skip']`, `xdescribe.each(t)(...)`, `it.only.each``...```, "
        "`.only()`/`.skip()` with any arguments or none, Jasmine's `pending()`, and a test "
        "function imported under another name (`import { xit as later } from '@jest/globals'`). "
        "Differences from eslint-plugin-jest's no-disabled-tests/no-focused-tests, on purpose: "
        "a `test` imported from the project's own module is still a test function (it is "
        "usually Playwright's or Vitest's `test.extend` fixture), so `test('x')` without a "
        "function is reported; a Jest/Jasmine global the file imports from elsewhere or "
        "declares itself (`import { fit } from './curve'`, `const pending = ...`) is that "
        "file's own function and is not; a to-do is reported as a note."
    )
    fix = (
        "Fix the code or the test instead. If the test truly cannot run in some environment, "
        "skip it conditionally and say why (`@pytest.mark.skipif(sys.platform == 'win32', "
        "reason=...)`, `pytest.importorskip('numpy')`, `it.skipIf(!hasGit)`). Remove `.only`."
    )
    interest = (
        r"skip|Skip|xfail|expectedFailure|\.only\b|\.todo\b|\.fixme\b|\.fail(?:s|ing)?\b"
        r"|\[\s*['\"`]only|\b[xf](?:it|test|describe|context|specify)\b|\bpending\s*\(|\.runIf\b"
        r"|\b(?:it|test|specify)\s*\(\s*['\"`]"
        # a test function under an imported alias: `later('adds', ...)`
        r"|^\s*[\w$]+(?:\.[\w$]+)*\s*\(\s*['\"`]"
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
            "describe('cart', () => {\n  it.todo('refunds');\n});\n",
            line=2,
            path="cart.test.js",
            severity=Severity.NOTE,
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
        Flag(
            """
            import { xit as later, fdescribe as solo } from '@jest/globals';

            describe['skip']('cart', () => {
              it('adds', () => expect(add(1, 2)).toBe(3));
            });
            xdescribe.each([[1], [2]])('row %i', (n) => {
              it('counts', () => expect(count(n)).toBe(n));
            });
            later('removes', () => expect(remove(1)).toBe(0));
            solo('totals', () => {});
            it.only.each`a | b`('sum', ({ a, b }) => expect(a + b).toBe(3));
            test.only();
            it('waits for the API', () => {
              pending();
            });
            """,
            line=(3, 6, 9, 10, 11, 12, 14),
            path="cart.test.js",
        ),
        Pass(
            """
            import { describe as fdescribe } from 'vitest';
            import { fit } from './curve';

            fdescribe('curve', () => {
              it('fits', () => {
                const pending = queue.pending();
                expect(fit([1, 2])).toEqual(line);
                expect(pending).toHaveLength(0);
              });
            });
            describe[`${mode}`]('dynamic', () => {});
            test.skip(process.env.CI === undefined, 'needs CI secrets');
            """,
            path="curve.test.ts",
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
        for marker in self.new_markers(facts, self.before_facts, ("skip", "focus")):
            severity = Severity.ERROR if marker.kind == "focus" else None
            if _TODO.search(marker.key):
                severity = Severity.NOTE  # a placeholder for a test to write: nothing was lost
            self.report_at(facts, marker.anchor, marker.message, severity=severity)


class DeletedTest(WeakeningRule):
    id = "AIG507"
    name = "deleted-test"
    summary = "A test was deleted in the same change that edits the function it exercised."
    rationale = (
        "Deleting a failing test is the bluntest way to a green run. When the change also "
        "edits the file of the function the test called, and that function is still there, "
        "its new behaviour has simply lost its check. Deleting a test of code the change "
        "does not touch is left alone (a clean-up, judged in review), and so is a test of "
        "something the same change removed from the production code (a parameter, an "
        "attribute, a method, an error message): the behaviour it checked is gone on purpose."
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
            if mentions_removed(before.render(old.node), removed_production_words(self.project)):
                continue  # it exercised a parameter, attribute or message the change removed
            short = short_name(name).split(" #", 1)[0]
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
