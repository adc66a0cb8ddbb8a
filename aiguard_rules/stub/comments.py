"""AIG402: a comment that admits the code is a placeholder ("in a real implementation")."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from aiguard.findings import Category, Severity
from aiguard.lint.rule import Example, FileRule, Flag, Pass, Scope
from aiguard_rules.stub._text import (
    PLACEHOLDER,
    comment_body,
)

if TYPE_CHECKING:
    pass

# -- AIG402 ------------------------------------------------------------------------------------


class PlaceholderComment(FileRule):
    id = "AIG402"
    name = "placeholder-comment"
    category = Category.STUB
    severity = Severity.WARNING
    languages = frozenset({"python", "javascript", "typescript"})
    scope = Scope.PRODUCTION
    summary = (
        "A comment admits the code is a placeholder: 'in a real implementation', "
        "'simplified version', 'for now, just', 'TODO: implement'."
    )
    rationale = (
        "Generated code often marks what it did not do with a comment instead of doing it: "
        "'in a real implementation you would validate the token', 'for now, just return the "
        "first item', 'placeholder logic'. The code beside such a comment is not the behaviour "
        "the change claims. The phrases are a curated list matched case-insensitively in "
        "comments only (never in strings or docstrings); a bare TODO is not flagged, and "
        "'placeholder' counts only as a statement about the code ('placeholder value', 'this "
        "is a placeholder'), not SQL or UI placeholders."
    )
    fix = "Write the real implementation, or open an issue and say precisely what is missing."
    interest = (
        r"(?i)real|production|simplified|for now|placeholder|implementation|todo|fixme|xxx|"
        r"goes here|go here|replace"
    )
    tags = ("stub", "comments")
    examples: ClassVar[tuple[Example, ...]] = (
        Flag(
            """
            def verify(token):
                # In a real implementation we would check the signature.
                return True
            """,
            line=2,
            message="In a real implementation",
        ),
        Flag("def rank(items):\n    return items  # for now, just return them unsorted\n", line=2),
        Flag("# Simplified version of the pricing rules\nPRICE = 10\n", line=1),
        Flag(
            "export function pay(order) {\n  // TODO: implement payments\n  return true;\n}\n",
            line=2,
            path="src/pay.js",
        ),
        Flag(
            "const rate = 0.2; /* placeholder value until finance confirms */\n",
            line=1,
            path="src/tax.ts",
        ),
        Flag(
            """
            /**
             * Sends the email.
             * In production, you would queue it.
             */
            function send() {}
            """,
            line=3,
            path="src/mail.js",
        ),
        Pass("# TODO: cache the parsed result once profiling says it matters\nX = 1\n"),
        Pass('SQL = "SELECT * FROM t WHERE id = ?"  # use ? placeholders, never f-strings\n'),
        Pass('MESSAGE = "in a real implementation"\n'),
        Pass('def f():\n    """For now, just a simplified version."""\n    return compute()\n'),
        Pass(
            '// show placeholder text until the user types\n<input placeholder="Name" />;\n',
            path="src/form.jsx",
        ),
        Pass(
            "# mock implementation of the payment API for the tests\nclass FakeApi: ...\n",
            path="tests/fakes.py",
        ),
    )

    def check(self) -> None:
        for comment in self.after.comments:
            for offset, line in enumerate(comment.text.splitlines()):
                match = PLACEHOLDER.search(comment_body(line))
                if match:
                    column = comment.column if offset == 0 else 1
                    self.report_line(
                        comment.line + offset,
                        f"placeholder comment ('{match.group(0)}'): the code beside it is not "
                        "the real implementation",
                        column=column,
                    )
                    break
