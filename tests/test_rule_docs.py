"""The rule-doc model and its renderings: `aiguard rule`, `aiguard rules`, the SARIF help."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aiguard.cli import main
from aiguard.findings import Category
from aiguard.lint.registry import load_rules
from aiguard.lint.rule import FileRule, Flag, Pass
from aiguard.report.docs import RuleDoc, rule_docs, rules_json

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = """
from aiguard.findings import Category
from aiguard.lint.rule import FileRule, Flag, Pass


class NoPrint(FileRule):
    id = "AIG491"
    name = "no-print"
    category = Category.STUB
    languages = frozenset({"python"})
    summary = "print() in library code"
    rationale = "Callers cannot silence it."
    fix = "Use logging."
    examples = (Flag("print(1)\\n", line=1), Pass("log(1)\\n"))

    def check(self) -> None:
        pass
"""


def _class_line(file: str, line: int | None) -> str:
    assert line is not None
    return (ROOT / file).read_text(encoding="utf-8").splitlines()[line - 1]


def test_rule_names_the_file_and_line_it_is_defined_in(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rule", "AIG404"]) == 0
    out = capsys.readouterr().out
    where = out.splitlines()[1]
    assert where.startswith("defined in aiguard_rules/stub/script.py:")
    file, line = where.removeprefix("defined in ").split(":")
    assert _class_line(file, int(line)).startswith(f"class {load_rules()['AIG404'].__name__}(")


def test_every_rule_exports_its_full_documentation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    rules = load_rules()
    assert [r["id"] for r in exported] == list(rules)
    for entry in exported:
        rule = rules[entry["id"]]
        assert entry["rationale"] == rule.rationale.strip()
        assert entry["fix"] == rule.fix.strip()
        assert entry["languages"] == sorted(rule.languages)
        assert entry["files"] == list(rule.files)
        assert len(entry["examples"]) == len(rule.examples)
        kinds = {e["kind"] for e in entry["examples"]}
        assert kinds == {"flag", "pass"}
        assert all(e["lines"] for e in entry["examples"] if e["kind"] == "flag")
        source = entry["source"]
        assert source["file"].startswith("aiguard_rules/") and source["file"].endswith(".py")
        assert _class_line(source["file"], source["line"]).startswith(f"class {rule.__name__}(")


def test_plugin_rules_are_listed_and_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plugin = tmp_path / "no_print.py"
    plugin.write_text(PLUGIN, encoding="utf-8")
    assert main(["rules", "--plugin", str(plugin)]) == 0
    assert "AIG491  no-print" in capsys.readouterr().out
    assert main(["rules", "--format", "markdown", "--plugin", str(plugin)]) == 0
    assert "| AIG491 | no-print | stub | warning | print() in library code |" in (
        capsys.readouterr().out
    )
    assert main(["rule", "aig491", "--plugin", str(plugin)]) == 0
    text = capsys.readouterr().out
    assert "defined in no_print.py:6\n" in text
    assert "Callers cannot silence it." in text and "print(1)" in text
    # Without the plugin the rule does not exist: a one-line error, exit 2.
    assert main(["rule", "AIG491"]) == 2
    assert "unknown rule 'AIG491'" in capsys.readouterr().err
    assert main(["rules", "--plugin", str(tmp_path / "missing.py")]) == 2
    assert "plugin file not found" in capsys.readouterr().err


class _ChangeRule(FileRule):
    id = "AIG492"
    name = "change-rule"
    category = Category.STUB
    languages = frozenset({"typescript"})
    summary = "something | with a pipe"
    rationale = "Because."
    fix = "Do not."
    examples = (
        Flag("let x = 2;\n", line=1, before="let x = 1;\n", message="x"),
        Pass("let y = 1;\n", path="src/y.ts"),
    )

    def check(self) -> None:
        pass


def test_one_model_renders_the_sarif_help_and_tables() -> None:
    doc = RuleDoc.of(_ChangeRule)
    assert doc.source is not None and doc.source.file == "tests/test_rule_docs.py"
    assert RuleDoc.of(_ChangeRule, locate=False).source is None
    assert doc.full_description() == "something | with a pipe. Because."
    assert doc.help_markdown().split("\n\n") == [
        "something | with a pipe.",
        "## Why is this a hazard?",
        "Because.",
        "## Example",
        "```diff\n-let x = 1;\n+let x = 2;\n```",
        "## How to fix",
        "Do not.",
        "## Not flagged",
        "```typescript\nlet y = 1;\n```",
    ]
    assert "Example:\n    -let x = 1;\n    +let x = 2;" in doc.help_text()
    exported = json.loads(rules_json([doc]))[0]
    assert exported["examples"][0] == {
        "kind": "flag",
        "path": "example.ts",
        "lines": [1],
        "message": "x",
        "code": "let x = 2;\n",
        "before": "let x = 1;\n",
        "deleted": False,
        "files": {},
    }
    assert exported["examples"][1]["path"] == "src/y.ts"


def test_an_example_without_a_path_is_a_metadata_problem() -> None:
    class Pathless(_ChangeRule):
        languages = frozenset()
        files = ("conf/*/settings",)

    assert "an example names no path and none follows from its files" in (
        Pathless.metadata_problems()
    )
    assert _ChangeRule.metadata_problems() == []
    assert all(d.examples for d in rule_docs([_ChangeRule]))
