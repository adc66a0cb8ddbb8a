"""AIG100-AIG105: the suppression rules, split by weight rather than by tool."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import ClassVar

from aiguard.findings import Category, Finding, Severity
from aiguard.lint import suppressions
from aiguard.lint.rule import AfterRule, FileRule, Flag, Pass
from aiguard.memo import MemoKey
from aiguard.source import Comment
from aiguard_rules.suppression._harmless import harmless
from aiguard_rules.suppression._model import Silencer, Weight
from aiguard_rules.suppression._moves import not_moved
from aiguard_rules.suppression._parse import DIRECTIVE_LANGUAGES, INTEREST, introduced

_REASON_LIMIT = 80


_INTRODUCED: MemoKey[tuple[Silencer, ...]] = MemoKey(
    "suppression: the silencers the change introduced"
)


class _DirectiveRule(FileRule):
    """Reports the directives of one weight that the change introduced."""

    category = Category.SUPPRESSION
    languages = DIRECTIVE_LANGUAGES
    interest = INTEREST
    weight: ClassVar[Weight]

    def check(self) -> None:
        found = self.after.memo(
            _INTRODUCED,
            lambda: not_moved(
                self.project,
                self.after,
                introduced(self.after, self.before, self.context.change),
            ),
        )
        for silencer in found:
            if silencer.weight is self.weight:
                self.report_line(
                    silencer.line,
                    self.message(silencer),
                    severity=self.severity_of(silencer),
                    column=silencer.column,
                    end_line=silencer.end_line,
                    end_column=silencer.end_column,
                )

    @abc.abstractmethod
    def message(self, s: Silencer) -> str:
        """The finding's message: each weight words it differently."""

    def severity_of(self, s: Silencer) -> Severity:
        """The finding's severity: the rule's own unless a weight says otherwise."""
        return self.severity


class BlanketSuppression(_DirectiveRule):
    id = "AIG101"
    name = "blanket-suppression"
    severity = Severity.ERROR
    weight = Weight.BLANKET
    summary = "A suppression directive with no rule code silences every check on its line."
    rationale = (
        "A blanket `# type: ignore`, `# noqa`, `# pyright: ignore`, `# nosec`, "
        "`// eslint-disable-next-line`, `@ts-ignore` or `# pylint: disable=all` hides every "
        "error on the line, today's and all future ones: the type error you meant to accept "
        "and the wrong-argument bug introduced next month alike. It is the usual way a change "
        "makes a failing check pass without fixing anything. A reason beside it does not help: "
        "the reason explains one error, the directive silences all of them. `@ts-ignore` can "
        "never name a code, so it is always blanket. The same holds for `# pyre-fixme` and "
        "`# pyre-ignore` without codes, `// tslint:disable-next-line`, `// deno-lint-ignore` "
        "and `nosemgrep`/`nosem` without a rule id, and for `# noqa : E501` with a space before "
        "the colon, which flake8 reads as a blanket `# noqa`. "
        "Each directive is read as the tool that honours it reads it, and only then: "
        "TypeScript reads `@ts-ignore` in a block comment from the comment's last line only "
        "(after any line break it knows: LF, CR, CRLF, U+2028, U+2029), and in a line comment "
        "only right after `//` or `///`; so `/////@ts-ignore` and a `@ts-ignore` on an earlier "
        "line of a block comment silence nothing and are not reported (typescript-eslint's "
        "ban-ts-comment reports the first; that is a deliberate difference). Prose that merely "
        "mentions a directive (`// see the tslint:disable docs`) is never one."
    )
    fix = (
        "Fix the error. If it must stay, name exactly what is silenced and why: "
        "`# type: ignore[attr-defined]  # stub lacks it`, `# noqa: E501  # URL`, "
        "`// eslint-disable-next-line no-console -- CLI output`, "
        "`// @ts-expect-error untyped library`."
    )
    tags = ("suppression", "type-checking", "linting")
    examples = (
        Flag("import os\nx = os.fdopen(3)  # type: ignore\n", line=2, severity=Severity.ERROR,
             message='blanket "# type: ignore" silences every mypy and pyright error on this line'),
        Flag("def f():\n    return g()  # type: ignore  # g is untyped\n", line=2),
        Flag("import os  # noqa\nimport sys  # NOQA\n", line=(1, 2), message="ruff/flake8"),
        Flag("import os  # noqa F401\n", line=1, message="a code without a colon"),
        Flag("x = 2  # noqa : X300\nx = 2  # noqa  :X400\n", line=(1, 2),
             message="colon right after"),
        Flag("x = 2  # noqa X100, X200\n", line=1, message="a code without a colon"),
        Flag("# NOQA\nx = 1\n", line=1, message="ruff/flake8"),
        Flag("value = cfg.get('x')  # pyright: ignore\n", line=1, message="pyright"),
        Flag("subprocess.call(cmd, shell=True)  # nosec\n", line=1, message="bandit"),
        Flag("def f(a, b):  # pylint: disable=all\n    return a\n", line=1, message="pylint"),
        Flag("x = 1  # type: ignore  # noqa\n", line=(1, 1)),  # two blanket directives on one line
        Flag("console.log(x); // eslint-disable-line\n", line=1, path="example.js",
             message="silences every ESLint rule on this line"),
        Flag("// eslint-disable-next-line -- legacy code\nfoo();\n", line=1, path="example.js"),
        Flag("/* eslint-disable */\nfoo();\n/* eslint-enable */\n", line=1, path="example.js",
             message="until it is re-enabled"),
        Flag("// @ts-ignore\nconst x: number = y;\n", line=1, path="example.ts",
             message="@ts-expect-error"),
        Flag("/* @ts-ignore because the types lag */\nconst x: number = y;\n", line=1,
             path="example.ts"),
        Flag("const el = (\n  <div>\n    {/* @ts-ignore */}\n    <Foo bar={1} />\n  </div>\n);\n",
             line=3, path="example.tsx"),
        Flag("// oxlint-disable-next-line\nfoo();\n", line=1, path="example.js", message="oxlint"),
        Flag("// biome-ignore lint: legacy\nfoo();\n", line=1, path="example.js", message="Biome"),
        Flag("key: value  # yamllint disable-line\n", line=1, path="config.yml",
             message="yamllint"),
        Flag("#!/bin/sh\necho hi\n# shellcheck disable=all\nrm -rf $dir\n", line=3,
             path="script.sh", message="ShellCheck"),
        # TypeScript reads a block comment's directive from its last line, after any line break.
        Flag("/** on the last line\n * @ts-ignore */\nconst x: number = y;\n", line=2,
             path="example.ts", message="TypeScript"),
        Flag("/*\n @ts-ignore */\nconst x: number = y;\n", line=2, path="example.ts"),
        Flag("/* legacy\r * @ts-ignore */\nconst x: number = y;\n", line=1, path="example.ts"),
        Flag("/* legacy\u2028 * @ts-ignore */\nconst x: number = y;\n", line=1,
             path="example.ts"),
        Flag("// tslint:disable-next-line\nfoo();\n", line=1, path="example.ts", message="TSLint"),
        Flag("foo(); /* tslint:disable-line */\n", line=1, path="example.ts", message="TSLint"),
        Flag("// deno-lint-ignore\nfoo();\n", line=1, path="example.ts", message="deno lint"),
        Flag("cursor.execute(sql)  # nosemgrep\n", line=1, message="semgrep"),
        Flag("eval(input); // NOSEM\n", line=1, path="example.js", message="semgrep"),
        Flag("x = untyped()  # pyre-fixme\n", line=1, message="Pyre"),
        Flag("# pyre-ignore\nx = untyped()\n", line=1, message="on the next line"),

        Pass("x = os.fdopen(3)  # type: ignore[attr-defined]\n"),
        Pass("import os  # noqa: F401\n"),
        Pass("x = 2  # noqa:X100\nx = 1  # NOQA:F401,W203  # re-exports\n"),
        Pass("# see the noqa docs and type: ignore semantics\nx = 1\n"),
        Pass('HELP = "add # type: ignore or # noqa to silence"\n'),
        Pass('def f():\n    """Never write `# type: ignore` here."""\n    return 1\n'),
        Pass("x = 1  # aiguard: ignore[AIG101] -- reviewed: generated code\n"),
        Pass("x = 1  # type: ignored by design\n"),
        Pass("// eslint-disable-next-line no-console -- CLI output\nconsole.log(x);\n",
             path="example.js"),
        Pass("const s = `// eslint-disable-line and @ts-ignore`;\n", path="example.js"),
        Pass("// see eslint-disable docs for @ts-ignore\nfoo();\n", path="example.ts"),
        Pass("// @ts-expect-error library types are wrong\nconst x: number = y;\n",
             path="example.ts"),
        Pass("# shellcheck disable=SC2086 # word splitting wanted\nrm $files\n", path="script.sh"),
        Pass("x = 1\ny = 2  # type: ignore\n", before="x = 0\ny = 2  # type: ignore\n"),
        # Not on a block comment's last line: TypeScript does not read it.
        Pass("/**\n * @ts-ignore not on the last line\n */\nconst x: number = y;\n",
             path="example.ts"),
        Pass("/* @ts-ignore\n * not on the last line */\nconst x: number = y;\n",
             path="example.ts"),
        Pass("// just a comment containing @ts-ignore somewhere\nfoo();\n", path="example.ts"),
        # TypeScript's own pattern wants `//` or `///` right before `@` (typescript-eslint's
        # ban-ts-comment also reports this form; it silences nothing, so aiguard does not).
        Pass("/////@ts-ignore: Suppress next line\nconst x: number = y;\n", path="example.ts"),
        Pass("// tslint:enable\nfoo();\n", path="example.ts"),
        Pass("// we moved from tslint:disable comments to ESLint\nfoo();\n", path="example.ts"),
        Pass("# see the nosemgrep docs before adding one\nx = 1\n"),
        Pass("# pyre-strict\nx = 1\n"),
        Pass("// deno-lint-ignore no-explicit-any -- the JSON is untyped\nlet x: any;\n",
             path="example.ts"),
    )  # fmt: skip

    def message(self, s: Silencer) -> str:
        return f'blanket "{s.shown}" {s.effect}; {s.hint}'


class FileLevelSuppression(_DirectiveRule):
    id = "AIG102"
    name = "file-level-suppression"
    severity = Severity.ERROR
    weight = Weight.FILE
    summary = "A directive switches a checker off for a whole file or an open-ended region."
    rationale = (
        "`# mypy: ignore-errors`, `# ruff: noqa`, `# flake8: noqa`, `# pylint: skip-file`, "
        "`# pyright: basic`, `// @ts-nocheck`, a bare `/* eslint-disable */`, "
        "`/* istanbul ignore file */`, `biome-ignore-all`, `# yamllint disable`, "
        "`// tslint:disable`, `// deno-lint-ignore-file`, `# pyre-ignore-all-errors` or "
        "`# pytype: skip-file` turn a "
        "safeguard off for everything below them, including code written long after. A bare "
        "`# type: ignore` before any code does the same for mypy and pyright (PEP 484). These "
        "are configuration changes disguised as comments: they bypass the review a config "
        "change gets, and they silence far more than the one problem that prompted them, "
        "whether or not they name codes. A blanket `/* eslint-disable */` closed by "
        "`eslint-enable` is reported as blanket (AIG101); one that names rules is judged by "
        "its reason (AIG103/AIG104) like any coded directive. `@ts-nocheck` is a "
        "single-line pragma: TypeScript ignores `/* @ts-nocheck */`, so it is not reported."
    )
    fix = (
        "Fix the problems, or narrow the exception in the tool's configuration where it is "
        "reviewed (mypy `[[tool.mypy.overrides]]`, ruff `per-file-ignores`, tsconfig "
        "`exclude`, coverage `omit`), with a comment saying why."
    )
    tags = ("suppression", "type-checking", "linting", "coverage")
    examples = (
        Flag("# mypy: ignore-errors\nimport os\n", line=1, severity=Severity.ERROR,
             message='"# mypy: ignore-errors" switches mypy checks off for the whole file'),
        Flag('# mypy: disable-error-code="attr-defined, union-attr"\nimport os\n', line=1),
        Flag("# mypy: allow-untyped-defs\nimport os\n", line=1, message="allow-untyped-defs"),
        Flag("# ruff: noqa\nimport os\n", line=1, message="ruff"),
        Flag("# ruff: noqa: F401\nimport os\n", line=1, message="ruff F401"),
        Flag("# flake8: noqa\nimport os\n", line=1),
        Flag("# pylint: skip-file\nimport os\n", line=1, message="pylint"),
        Flag("# pyright: basic\nimport os\n", line=1, message="pyright"),
        Flag("# pyright: strict, reportPrivateUsage=false\nimport os\n", line=1,
             message="reportPrivateUsage=false"),
        Flag("#!/usr/bin/env python\n# type: ignore\nimport os\n", line=2,
             message="for the whole file"),
        Flag("// @ts-nocheck\nconst x: number = 'a';\n", path="example.ts", line=1,
             message="TypeScript"),
        Flag("#!/usr/bin/env node\n// @ts-nocheck\nfoo();\n", path="example.js", line=2),
        Flag("/// @ts-nocheck\nfoo();\n", path="example.ts", line=1, message="TypeScript"),
        Flag("// tslint:disable\nfoo();\n", path="example.ts", line=1, message="TSLint"),
        Flag("/* tslint:disable */\nfoo();\n", path="example.ts", line=1, message="TSLint"),
        Flag("// deno-lint-ignore-file\nfoo();\n", path="example.ts", line=1,
             message="deno lint"),
        Flag("# pyre-ignore-all-errors\nimport os\n", line=1, message="Pyre"),
        Flag("# pytype: skip-file\nimport os\n", line=1, message="pytype"),
        Flag("/* eslint-disable */\nfoo();\n", path="example.js", line=1,
             message="for the rest of the file"),
        Flag("// eslint-disable\nfoo();\n", path="example.js", line=1),
        Flag("/* oxlint-disable */\nfoo();\n", path="example.js", line=1, message="oxlint"),
        Flag("/* istanbul ignore file */\nfoo();\n", path="example.js", line=1),
        Flag("/* v8 ignore file */\nfoo();\n", path="example.js", line=1),
        Flag("// biome-ignore-all lint/style/useConst: generated\nlet x = 1;\n",
             path="example.js", line=1, message="Biome"),
        Flag("# yamllint disable\nkey:   value\n", path="config.yml", line=1),
        Flag("# yamllint disable-file\nkey:   value\n", path="config.yml", line=1),
        Flag("#!/bin/bash\n# shellcheck disable=all\nrm -rf $dir\n", path="script.sh", line=2),
        Flag("# hadolint global ignore=DL3008\nFROM debian\n", path="Dockerfile", line=1),

        Pass('"""Module doc."""\nimport os\n# type: ignore[attr-defined]\n'),
        Pass("# mypy: warn-unreachable, strict-optional\nimport os\n"),
        Pass("# pyright: strict\nimport os\n"),
        Pass("x = 1  # ruff: noqa\n"),
        Pass('DOC = """\n# mypy: ignore-errors\n"""\n'),
        Pass("import os\n    # mypy: ignore-errors\n"),
        Pass("foo();\n// @ts-nocheck\n", path="example.ts"),
        # `@ts-nocheck` is a single-line pragma: in a block comment TypeScript ignores it.
        Pass("#!/usr/bin/env node\n/* @ts-nocheck */\nfoo();\n", path="example.js"),
        Pass("/** @ts-nocheck */\nfoo();\n", path="example.ts"),
        Pass("// tslint:disable:no-any\nlet x: any;\n// tslint:enable:no-any\n",
             path="example.ts"),
        Pass("/* eslint-disable no-console -- CLI tool */\nconsole.log(1);\n", path="example.js"),
        Pass("const doc = `/* eslint-disable */ @ts-nocheck`;\n", path="example.js"),
        Pass("// biome-ignore format: generated table\nconst t = [1,2];\n", path="example.js"),
        Pass("key: value\n# yamllint disable-file\n", path="config.yml"),
        Pass("#!/bin/bash\n# shellcheck disable=SC1091 # sourced at runtime\n. ./env.sh\n",
             path="script.sh"),
        Pass("# mypy: ignore-errors\nimport os\nimport sys\n",
             before="# mypy: ignore-errors\nimport os\n"),
    )  # fmt: skip

    def message(self, s: Silencer) -> str:
        return f'"{s.shown}" {s.effect}; {s.hint}'


class UnexplainedSuppression(_DirectiveRule):
    id = "AIG103"
    name = "unexplained-suppression"
    severity = Severity.WARNING
    weight = Weight.UNEXPLAINED
    summary = "A suppression names what it silences but gives no reason on the same line."
    rationale = (
        "A coded directive (`# type: ignore[attr-defined]`, `# noqa: E501`, "
        "`// eslint-disable-next-line no-console`, `# pylint: disable=C0114`, `# nosec B101`) "
        "is narrow, but without a reason a reviewer cannot tell an accepted exception from a "
        "check silenced to make the build pass, and nobody later knows when it may go. "
        "Directives that cannot carry codes - `@ts-expect-error`, `# pragma: no cover`, "
        "`istanbul ignore next`, `c8 ignore next` - are judged by their reason alone. A reason "
        "is real words on the same line (`  # why`, ESLint's ` -- why`, Biome's `: why`); a "
        "rule code, TODO or `<explanation>` is not one. A comment of its own on the line "
        "directly above also counts as the reason (yamllint forbids text after its directive, "
        "so there it is the only place). Coverage pragmas on lines that "
        'explain themselves (`if TYPE_CHECKING:`, `if __name__ == "__main__":`, '
        "`raise NotImplementedError`) count as explained. A reason at the end of a comment "
        "explains every directive before it (`# type: ignore[x]  # pyright: ignore[y]  # why`). "
        "A directive the change only carried along - the same directive was on a line the "
        "change edited, moved or re-indented, or another file of the change lost it on the "
        "same code (a module split) - is not new and is not reported; nor is one narrowed "
        "(`type: ignore[a, b]` -> `type: ignore[a]` silences less than before). "
        "Severity: a warning, except for codes that are true but usually harmless to silence - "
        "layout, naming, docstrings, complexity counts and import bookkeeping (`noqa: E501`, "
        "`E402`, `F401`, `F811`, `BLE001`, pylint `C0114`/`line-too-long`, ESLint `no-console`, "
        "`max-len`) - which are notes: on the real-world corpus every one of them was judged "
        "noise. Type-checker codes, security scanners, coverage pragmas and lint codes that can "
        "hide a bug (`F821` undefined name, `no-eval`) stay warnings, and so does a directive "
        "naming any such code beside harmless ones."
    )
    fix = (
        "Say why on the same line: `# type: ignore[attr-defined]  # stub lacks it, see #123`, "
        "`// eslint-disable-next-line no-console -- CLI output`, "
        "`// biome-ignore lint/suspicious/noExplicitAny: JSON from the wire`, "
        "`# pragma: no cover -- platform-specific`. Or fix the problem and drop the directive."
    )
    tags = ("suppression", "documentation")
    examples = (
        Flag("x = os.fdopen(3)  # type: ignore[attr-defined]\n", line=1,
             severity=Severity.WARNING, message="silences mypy attr-defined on this line"),
        Flag("import os  # noqa: E501\n", line=1, severity=Severity.NOTE,
             message='"# noqa: E501" silences ruff/flake8 E501 on this line without a reason'),
        Flag("import os  # noqa:F401,E402\n", line=1, message="F401, E402",
             severity=Severity.NOTE),
        Flag("x = undefined_name  # noqa: F821\n", line=1, severity=Severity.WARNING),
        Flag("import os  # noqa: F401, S108\n", line=1, severity=Severity.WARNING),
        Flag("x = 1  # type: ignore[assignment]  # noqa: E501\n", line=(1, 1)),
        Flag("class A:  # pylint: disable=C0114\n    pass\n", line=1, message="pylint C0114"),
        Flag("# pylint: disable-next=invalid-name\nX = 1\n", line=1, message="next line"),
        Flag("v = cfg.get('x')  # pyright: ignore[reportOptionalMemberAccess]\n", line=1),
        Flag("v = cfg.get('x').y  # type: ignore[reportOptionalMemberAccess]\n", line=1,
             message="silences pyright reportOptionalMemberAccess"),
        Flag("assert x  # nosec B101\n", line=1, message="bandit B101"),
        Flag("def f():  # pragma: no cover\n    return 1\n", line=1, message="coverage.py"),
        Flag("x = 1  # type: ignore[misc]  # TODO\n", line=1),
        Flag("// eslint-disable-next-line no-console\nconsole.log(x);\n", path="example.js",
             line=1, message='silences ESLint rule no-console on the next line without a reason',
             severity=Severity.NOTE),
        Flag("// eslint-disable-next-line no-eval\neval(x);\n", path="example.js", line=1,
             severity=Severity.WARNING),
        Flag("console.log(x); /* eslint-disable-line no-console */\n", path="example.js", line=1),
        Flag("/* eslint-disable no-console */\nconsole.log(x);\n", path="example.js", line=1),
        Flag("/* eslint no-console: \"off\" */\nconsole.log(x);\n", path="example.js", line=1),
        Flag("// @ts-expect-error\nconst x: number = y;\n", path="example.ts", line=1),
        Flag("/* istanbul ignore next */\nfunction f() {}\n", path="example.js", line=1),
        Flag("/* c8 ignore next 3 */\nif (win) {\n  x();\n}\n", path="example.js", line=1),
        Flag("/* v8 ignore next -- @preserve */\nif (win) x();\n", path="example.js", line=1),
        Flag("// biome-ignore lint/suspicious/noDebugger: <explanation>\ndebugger;\n",
             path="example.js", line=1),
        Flag("// oxlint-disable-next-line no-alert\nalert(1);\n", path="example.js", line=1),
        Flag("# shellcheck disable=SC2086\nrm $files\n", path="script.sh", line=1),
        Flag("key: value  # yamllint disable-line rule:line-length\n", path="config.yml", line=1),
        Flag("# hadolint ignore=DL3008\nRUN apt-get install -y curl\n", path="Dockerfile", line=1),
        Flag("Resources:  # checkov:skip=CKV_AWS_20\n  B: {}\n", path="template.yml", line=1),
        Flag("// tslint:disable-next-line:no-any\nlet x: any;\n", path="example.ts", line=1,
             message="TSLint rule no-any"),
        Flag("// deno-lint-ignore no-explicit-any\nlet x: any;\n", path="example.ts", line=1,
             message="deno lint no-explicit-any"),
        Flag("h = hashlib.md5(data)  # nosemgrep: python.lang.security.insecure-hash\n", line=1,
             message="semgrep"),
        Flag("x = f()  # pyre-fixme[6]\n", line=1, message="Pyre error 6"),
        Flag("x = f()  # pytype: disable=attribute-error\n", line=1, message="pytype"),
        Flag("x = 1  # type: ignore[misc]\n", before="x = 1  # type: ignore[misc]  # why not\n",
             line=1),

        Pass("x = os.fdopen(3)  # type: ignore[attr-defined]  # stub lacks it, see #123\n"),
        Pass("import os  # noqa: E501 -- long URL in a docstring\n"),
        Pass("import os  # noqa: F401  # re-exported for users\n"),
        Pass("if TYPE_CHECKING:  # pragma: no cover\n    import os\n"),
        Pass("import typing as t\n\nif t.TYPE_CHECKING:  # pragma: no cover\n    import os\n"),
        Pass("x = compute()\ny = 2  # noqa: E501\n", before="x = 1\ny = 2  # noqa: E501\n"),
        Pass("def f(a):\n    return (a +\n        1)  # noqa: E501\n",
             before="def f(a):\n    return (a + 1)  # noqa: E501\n"),
        Pass("s = '# noqa: E501'\n"),
        Pass('"""\n# type: ignore[attr-defined]\n"""\n'),
        Pass("x = 1  # aiguard: ignore[AIG103] -- reviewed\n"),
        Pass("// eslint-disable-next-line no-console -- CLI output\nconsole.log(x);\n",
             path="example.js"),
        Pass("const tpl = `// eslint-disable-next-line no-console`;\n", path="example.js"),
        Pass("// @ts-expect-error: the d.ts is missing this overload\nf(1);\n", path="example.ts"),
        Pass("/* istanbul ignore next: only reached on Windows */\nfunction f() {}\n",
             path="example.js"),
        Pass("// biome-ignore lint/suspicious/noDebugger: needed for the demo\ndebugger;\n",
             path="example.js"),
        Pass("# yamllint cannot see that the URL is unsplittable\n"
             "url: http://x  # yamllint disable-line rule:line-length\n", path="config.yml"),
        Pass("# hadolint ignore=DL3008 # pinned by the base image\nRUN apt-get install -y curl\n",
             path="Dockerfile"),
        Pass("Resources:  # checkov:skip=CKV_AWS_20:public static website\n  B: {}\n",
             path="template.yml"),
        Pass("x = f()  # type: ignore[attr-defined]\n",
             before="x = f()  # type: ignore[attr-defined, arg-type]\n"),
        Pass("// eslint-disable-next-line no-console\nconsole.log(x);\n", path="example.js",
             before="// eslint-disable-next-line no-console, no-undef\nconsole.log(x);\n"),
        Pass("# the stub lacks the fd overload of fdopen\n"
             "x = os.fdopen(3)  # type: ignore[call-overload]\n"),
        Pass("echo '# shellcheck disable=SC2086'\n", path="script.sh"),
        Pass("x = f()  # pyre-fixme[6]: the stub says str, the API returns bytes\n"),
        Pass("// deno-lint-ignore no-explicit-any -- the JSON is untyped\nlet x: any;\n",
             path="example.ts"),
        Pass('title: "# yamllint disable-line rule:line-length"\n', path="config.yml"),
        Pass('RUN echo "# hadolint ignore=DL3008" > /notes\n', path="Dockerfile"),
    )  # fmt: skip

    def message(self, s: Silencer) -> str:
        return f'"{s.shown}" {s.effect} without a reason; say why {s.hint}'

    def severity_of(self, s: Silencer) -> Severity:
        return Severity.NOTE if harmless(s.tool, s.codes) else self.severity


class ExplainedSuppression(_DirectiveRule):
    id = "AIG104"
    name = "explained-suppression"
    severity = Severity.NOTE
    weight = Weight.EXPLAINED
    summary = "A suppression names what it silences and says why: reported for the record."
    rationale = (
        "An explained, coded suppression is the acceptable way to make an exception, but it "
        "is still an exception a reviewer should see: the reason may be wrong, or the problem "
        "may be easy to fix now. It is reported as a note, below the default fail-on level, so "
        'it shows in the report without failing the run; `ignore = ["AIG104"]` hides it.'
    )
    fix = "Nothing to do if the reason holds; otherwise fix the problem and drop the directive."
    tags = ("suppression",)
    examples = (
        Flag("x = os.fdopen(3)  # type: ignore[attr-defined]  # stub lacks it, see #123\n",
             line=1, severity=Severity.NOTE, message='reason given: "stub lacks it, see #123"'),
        Flag("import os  # noqa: E501 -- long URL\n", line=1),
        Flag("import os  # noqa: F401  # re-exported\n", line=1),
        Flag("def f():  # pragma: no cover -- Windows only\n    pass\n", line=1),
        Flag("def f():  # pragma: no cover  # Windows only\n    pass\n", line=1),
        Flag("if TYPE_CHECKING:  # pragma: no cover\n    import os\n", line=1,
             message="explains itself"),
        Flag("// eslint-disable-next-line no-console -- CLI output\nconsole.log(x);\n",
             path="example.js", line=1, message="CLI output"),
        Flag("// @ts-expect-error the d.ts lacks this overload\nf(1);\n", path="example.ts",
             line=1),
        Flag("// biome-ignore lint/suspicious/noDebugger: demo page\ndebugger;\n",
             path="example.js", line=1),
        Flag("/* c8 ignore next -- unreachable on Linux */\nwin();\n", path="example.js", line=1),
        Flag("# shellcheck disable=SC2086 # word splitting wanted\nrm $files\n",
             path="script.sh", line=1),
        Flag("Resources:  # checkov:skip=CKV_AWS_20:public static website\n  B: {}\n",
             path="template.yml", line=1),

        Pass("x = 1  # type: ignore[misc]\n"),
        Pass("x = 1  # type: ignore  # stub lacks it\n"),
        Pass("# a comment that explains nothing in particular\nx = 1\n"),
        Pass("x = 1  # aiguard: ignore[AIG104] -- reviewed\n"),
        Pass("const s = '// eslint-disable-next-line no-console -- why';\n", path="example.js"),
        Pass("x = 2  # noqa: E501 -- long URL\n", before="x = 1  # noqa: E501 -- long URL\n"),
    )  # fmt: skip

    def message(self, s: Silencer) -> str:
        reason = s.reason if len(s.reason) <= _REASON_LIMIT else s.reason[: _REASON_LIMIT - 1] + "…"
        return f'"{s.shown}" {s.effect}; reason given: "{reason}"'


class UnexplainedAiguardIgnore(FileRule):
    id = "AIG100"
    name = "unexplained-aiguard-ignore"
    category = Category.SUPPRESSION
    severity = Severity.WARNING
    languages = DIRECTIVE_LANGUAGES | {"toml", "ini", "make"}
    summary = "An `aiguard: ignore` directive lacks rule ids or a reason, so it silences nothing."
    rationale = (
        "aiguard's own directive is the audited way to accept a finding: "
        "`# aiguard: ignore[AIG101] -- reason` (or `// aiguard: ignore[...] -- reason`). "
        "Without the rule ids, or without a written reason, it silences nothing - the finding "
        "it was meant for still appears, and the directive only looks like an exception was "
        "accepted. A valid directive is never reported by any AIG1xx rule."
    )
    fix = "Name the rule ids and say why: `# aiguard: ignore[AIG103] -- generated file`."
    interest = r"(?i)aiguard"
    tags = ("suppression",)
    examples = (
        Flag("x = 1  # aiguard: ignore\n", line=1, message="names no rule id"),
        Flag("x = 1  # aiguard: ignore[AIG101]\n", line=1, message="gives no reason"),
        Flag("x = 1  # aiguard: ignore -- generated\n", line=1, severity=Severity.WARNING),
        Flag("foo(); // aiguard: ignore[AIG101]\n", path="example.js", line=1),
        Flag("key: 1  # aiguard: ignore[]\n", path="config.yml", line=1),
        Flag("[tool.x]\nkey = 1  # aiguard: ignore[AIG201]\n", path="pyproject.toml", line=2),

        Pass("x = 1  # aiguard: ignore[AIG101] -- reviewed: generated code\n"),
        Pass("foo(); // aiguard: ignore[AIG101, AIG103] -- vendored file\n", path="example.js"),
        Pass("HELP = 'write # aiguard: ignore to silence'\n"),
        Pass("# aiguard checks this module\nx = 1\n"),
    )  # fmt: skip

    def check(self) -> None:
        comments = {(c.line, c.column): c for c in self.after.comments}
        for directive in suppressions.parse_directives(self.after):
            if directive.valid:
                continue
            comment = comments.get((directive.line, directive.column))
            line, column, end_column = self._span(comment, directive.line, directive.column)
            missing = "names no rule id" if not directive.ids else "gives no reason"
            self.report_line(
                line,
                f"this aiguard directive {missing}, so it silences nothing; write "
                "`aiguard: ignore[AIG1xx] -- why`",
                column=column,
                end_column=end_column,
            )

    @staticmethod
    def _span(comment: Comment | None, line: int, column: int) -> tuple[int, int, int | None]:
        """Where the directive text itself stands inside its comment."""
        if comment is None:
            return line, column, None
        match = suppressions.DIRECTIVE.search(comment.text)
        offset = match.start() if match else 0
        before = comment.text[:offset]
        rows = before.count("\n")
        start_col = comment.column + offset if not rows else offset - before.rfind("\n")
        end_text = comment.text[offset:].split("\n", 1)[0].removesuffix("*/").rstrip()
        return line + rows, start_col, start_col + len(end_text)


class UnusedAiguardIgnore(AfterRule):
    id = "AIG105"
    name = "unused-aiguard-ignore"
    category = Category.SUPPRESSION
    severity = Severity.WARNING
    languages = DIRECTIVE_LANGUAGES | {"toml", "ini", "make"}
    summary = (
        "An `aiguard: ignore[...]` directive suppresses nothing: no finding it names is there."
    )
    rationale = (
        "A directive that suppresses nothing is a standing exception nobody needs: it outlives "
        "the code it was written for and silences whatever the next edit introduces on that "
        "line (ruff reports its own as RUF100, ESLint with --report-unused-disable-directives). "
        "Precision: a rule id is judged only when that rule ran on the file to the end (it is "
        "selected, in scope, it did not crash) and found nothing on the lines the directive "
        "covers, or when the change gave it nothing to look at and those lines are all changed "
        "ones; ids of rules that did not run, and ids no installed rule has, are left alone. "
        "Other tools' directives (`# type: ignore`, `# noqa`, `eslint-disable`) are not "
        "judged: whether they suppress anything depends on the checker's version, its "
        "configuration and the whole program, which only running that checker can tell."
    )
    fix = "Delete the directive, or the ids in it that no longer suppress anything."
    interest = r"(?i)aiguard:\s*ignore"
    tags = ("suppression",)
    examples = (
        Flag("x = 1  # type: ignore[assignment]  # aiguard: ignore[AIG104] -- kept on purpose\n",
             line=1, message="AIG104"),
        Flag("# aiguard: ignore[AIG101] -- generated code\nx = 1\n", line=1),
        Flag("foo(); // aiguard: ignore[AIG101] -- vendored file\n", path="example.js", line=1),
        Pass("x = f()  # type: ignore  # aiguard: ignore[AIG101] -- generated code\n"),
        Pass("# aiguard: ignore[AIG101] -- generated code\nx = f()  # type: ignore\n"),
        Pass("x = 1  # aiguard: ignore[AIG999] -- a plugin rule not installed here\n"),
        Pass("x = 1  # aiguard: ignore[AIG101]\n"),  # no reason: AIG100's to report
    )  # fmt: skip

    def check_after(
        self, findings: Sequence[Finding], ran: frozenset[str], quiet: frozenset[str]
    ) -> None:
        found: set[tuple[str, int]] = {(f.rule_id, f.line) for f in findings}
        change = self.context.change
        for directive in suppressions.parse_directives(self.after):
            if not directive.valid:
                continue
            # A rule skipped for want of interest found nothing on the changed lines only.
            changed = all(change.is_changed(line) for line in directive.covers)
            unused = [
                rule_id
                for rule_id in directive.ids
                if (rule_id in ran or (changed and rule_id in quiet))
                and not any((rule_id, line) in found for line in directive.covers)
            ]
            if unused:
                self.report_line(
                    directive.line,
                    f"this aiguard directive suppresses nothing for {', '.join(unused)}: "
                    "no such finding on the line it covers; remove it",
                    column=directive.column,
                )
