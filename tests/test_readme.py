"""The README's rule table is `aiguard rules --format markdown`: it cannot drift from the code."""

from __future__ import annotations

from pathlib import Path

from aiguard.lint.registry import load_rules
from aiguard.report.docs import rule_docs, rules_markdown

README = Path(__file__).resolve().parent.parent / "README.md"
START = "<!-- rules-table: the output of `aiguard rules --format markdown` -->\n"
END = "<!-- end rules-table -->"


def test_readme_rule_table_matches_the_rules() -> None:
    text = README.read_text(encoding="utf-8")
    table = text.split(START, 1)[1].split(END, 1)[0]
    expected = rules_markdown(rule_docs(load_rules().values()))
    assert table == expected, (
        "README rule table is stale: regenerate it with `aiguard rules --format markdown`"
    )


def test_readme_names_the_test_command_ci_runs() -> None:
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    command = 'pip install -e ".[test]" && pytest'
    assert command in README.read_text(encoding="utf-8")
    assert command in ci
