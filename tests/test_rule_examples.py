"""Every registered rule's own examples, run as tests: the Flag cases must be reported exactly
where they say, the Pass cases (legitimate look-alikes) must stay silent."""

from __future__ import annotations

import pytest

from aiguard.lint.registry import load_rules
from aiguard.lint.rule import Example, Flag, Pass, Rule
from aiguard.lint.testing import check_example, example_cases

RULES = load_rules()


@pytest.mark.parametrize(("rule", "example"), example_cases(RULES.values()))
def test_rule_example(rule: type[Rule], example: Example) -> None:
    check_example(rule, example)


@pytest.mark.parametrize("rule", list(RULES.values()), ids=list(RULES))
def test_rule_metadata_is_complete(rule: type[Rule]) -> None:
    assert rule.metadata_problems() == []
    assert rule.name == rule.name.lower() and " " not in rule.name
    assert len(rule.summary) <= 200


def test_examples_are_dedented_with_one_leading_newline_dropped() -> None:
    flag = Flag(
        """
        def f():
            pass
        """,
        line=2,
        before="""
            x = 1
        """,
        files={"tests/test_f.py": "\n    assert f() is None\n"},
    )
    assert flag.code == "def f():\n    pass\n"
    assert flag.before == "x = 1\n"
    assert flag.files == {"tests/test_f.py": "assert f() is None\n"}
    # Only one newline is dropped: a blank first line the example means to keep stays.
    assert Pass("\n\nx = 1\n").code == "\nx = 1\n"
