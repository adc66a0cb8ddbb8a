"""The engine's contract: change filtering, removal findings, interest, suppressions, severities,
parse errors and crashing rules as notifications, lazy imports."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING, ClassVar

from aiguard.change.model import FileChange
from aiguard.config import Config, parse_table
from aiguard.findings import Category, Severity
from aiguard.lint.engine import Engine
from aiguard.lint.rule import FileRule, Flag, Pass, PythonRule, Scope
from aiguard.lint.testing import example_change
from aiguard.project import Project

if TYPE_CHECKING:
    import libcst


class PassStatement(PythonRule):
    id = "AIG491"
    name = "pass-statement"
    category = Category.STUB
    summary = "a pass statement"
    rationale = "test rule"
    fix = "none"
    interest = r"\bpass\b"
    examples = (Flag("pass\n", line=1), Pass("x = 1\n"))

    def visit_Pass(self, node: libcst.Pass) -> None:
        self.report(node, "pass found")


class TodoComment(FileRule):
    id = "AIG492"
    name = "todo-comment"
    category = Category.STUB
    languages: ClassVar[frozenset[str]] = frozenset({"python", "javascript", "typescript", "yaml"})
    summary = "a TODO comment"
    rationale = "test rule"
    fix = "none"
    examples = (Flag("# TODO\n", line=1), Pass("x = '# TODO'\n"))

    def check(self) -> None:
        for c in self.after.comments:
            if "TODO" in c.text:
                self.report_line(c.line, "todo", column=c.column)


class LineRemoved(FileRule):
    """Reports, as a removal, every before-line the change deleted (on line 1 of the after)."""

    id = "AIG591"
    name = "line-removed"
    category = Category.TEST_WEAKENING
    languages: ClassVar[frozenset[str]] = frozenset({"python"})
    scope = Scope.TEST
    summary = "a line was removed"
    rationale = "test rule"
    fix = "none"
    examples = (Flag("a\n", before="a\nb\n", line=1), Pass("a\n"))

    def check(self) -> None:
        if self.before is not None and len(self.after.lines) < len(self.before.lines):
            self.report_line(1, "lines removed", removal=True)


class Crashes(FileRule):
    id = "AIG493"
    name = "crashes"
    category = Category.STUB
    languages: ClassVar[frozenset[str]] = frozenset({"python"})
    summary = "always crashes"
    rationale = "test rule"
    fix = "none"
    examples = (Flag("x\n", line=1), Pass("y\n"))

    def check(self) -> None:
        raise RuntimeError("boom")


def run(rules: list[type], change: FileChange, config: Config | None = None) -> tuple[list, list]:
    config = config or Config()
    project = Project(None, config, overlay={change.path: change.after}, in_git=False)
    outcome = Engine(rules, config).check_file(change, project)
    return outcome.findings, outcome.notifications


def test_findings_only_on_changed_lines() -> None:
    before = "pass\nx = 1\n"
    after = "pass\nx = 2\npass\n"
    findings, _ = run([PassStatement], example_change("m.py", after, before))
    assert [f.line for f in findings] == [3]


def test_all_mode_keeps_every_line() -> None:
    change = FileChange(path="m.py", after="pass\npass\n", changed_lines=None)
    findings, _ = run([PassStatement], change)
    assert [f.line for f in findings] == [1, 2]


def test_removal_findings_survive_on_unchanged_lines() -> None:
    change = example_change("tests/test_m.py", "a = 1\n", "a = 1\nb = 2\n")
    findings, _ = run([LineRemoved], change)
    assert [(f.rule_id, f.line, f.removal) for f in findings] == [("AIG591", 1, True)]


def test_scope_keeps_test_rules_out_of_production_code() -> None:
    change = example_change("src/m.py", "a = 1\n", "a = 1\nb = 2\n")
    assert run([LineRemoved], change)[0] == []


def test_interest_skips_parsing_when_no_changed_line_matches() -> None:
    # Invalid Python: if the rule were run, the parse error would be reported.
    change = example_change("m.py", "def (:\nx = 2\n", "def (:\nx = 1\n")
    findings, notes = run([PassStatement], change)
    assert findings == [] and notes == []


def test_parse_error_is_a_notification_not_an_exception() -> None:
    change = example_change("m.py", "def f(:\n    pass\n", None)
    findings, notes = run([PassStatement], change)
    assert findings == []
    assert [n.kind for n in notes] == ["parse-error"]
    assert "m.py" in notes[0].message


def test_crashing_rule_is_reported_and_others_still_run() -> None:
    change = example_change("m.py", "# TODO\n", None)
    findings, notes = run([Crashes, TodoComment], change)
    assert [f.rule_id for f in findings] == ["AIG492"]
    assert [n.kind for n in notes] == ["rule-error"]
    assert "AIG493" in notes[0].message and "boom" in notes[0].message


def test_inline_suppression_needs_ids_and_reason() -> None:
    code = (
        "pass  # aiguard: ignore[AIG491] -- kept on purpose\n"
        "pass  # aiguard: ignore[AIG491]\n"
        "pass  # aiguard: ignore -- no ids\n"
        "# aiguard: ignore[AIG491] -- the next line\n"
        "pass\n"
        "pass  # aiguard: ignore[AIG999] -- another rule\n"
    )
    findings, _ = run([PassStatement], example_change("m.py", code, None))
    suppressed = {f.line: f.suppression for f in findings}
    assert suppressed[1] is not None and suppressed[1].justification == "kept on purpose"
    assert suppressed[2] is None
    assert suppressed[3] is None
    assert suppressed[5] is not None and suppressed[5].justification == "the next line"
    assert suppressed[6] is None


def test_suppression_in_a_string_is_not_a_directive() -> None:
    code = 'x = "# aiguard: ignore[AIG492] -- no"  # TODO\n'
    findings, _ = run([TodoComment], example_change("m.py", code, None))
    assert [f.suppression for f in findings] == [None]


def test_js_suppression_directive() -> None:
    code = "// aiguard: ignore[AIG492] -- tracked in #12\n// TODO later\n"
    findings, _ = run([TodoComment], example_change("a.ts", code, None))
    assert findings[0].suppression is not None


def test_config_select_ignore_per_file_and_severity() -> None:
    change = example_change("pkg/m.py", "pass  # TODO\n", None)
    both = [PassStatement, TodoComment]
    assert {f.rule_id for f in run(both, change)[0]} == {"AIG491", "AIG492"}
    config = parse_table({"ignore": ["AIG492"]}, "test")
    assert {f.rule_id for f in run(both, change, config)[0]} == {"AIG491"}
    config = parse_table({"select": ["AIG49"], "per-file-ignores": {"pkg/*.py": ["AIG491"]}}, "t")
    assert {f.rule_id for f in run(both, change, config)[0]} == {"AIG492"}
    config = parse_table({"severity": {"AIG4": "note", "AIG492": "error"}}, "test")
    levels = {f.rule_id: f.severity for f in run(both, change, config)[0]}
    assert levels == {"AIG491": Severity.NOTE, "AIG492": Severity.ERROR}


def test_line_text_is_filled_for_fingerprints() -> None:
    findings, _ = run(
        [PassStatement], example_change("m.py", "if x:\n    pass\n", "if x:\n    y()\n")
    )
    assert findings[0].line_text == "    pass"


def test_importing_every_rule_imports_neither_libcst_nor_tree_sitter() -> None:
    code = (
        "import sys\n"
        "from aiguard.lint.registry import load_rules\n"
        "load_rules()\n"
        "heavy = [m for m in ('libcst', 'tree_sitter') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_parallel_check_equals_serial() -> None:
    from aiguard.change.model import ChangeSet

    files = [
        FileChange(path=f"pkg/m{i:03}.py", after="x = 1\n" * (i % 7) + "pass  # TODO\n")
        for i in range(80)
    ]
    files.append(FileChange(path="pkg/broken.py", after="def f(:\n  pass\n"))
    changes = ChangeSet(root="/nonexistent", files=files, in_git=False)
    project = Project(None, Config(), overlay={f.path: f.after for f in files}, in_git=False)
    engine = Engine([PassStatement, TodoComment], Config())
    serial = engine.check(changes, project, jobs=1)
    parallel = engine.check(changes, project, jobs=2)
    assert parallel.findings == serial.findings
    assert parallel.notifications == serial.notifications
    assert len(serial.findings) == 160 and len(serial.notifications) == 1
