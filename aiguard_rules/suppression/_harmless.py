"""Lint codes whose silencing is true but usually harmless: layout, naming, import bookkeeping.

A coded directive for one of these without a reason is reported as a note, not a warning
(issue 9, measured on `benchmarks/realworld/`: every one of the 26 unexplained `noqa: E501`,
`E402`, `F401`, `F811`, `BLE001` and `eslint-disable no-console` findings was judged noise).
What is not here stays a warning: type-checker codes (`type: ignore[...]`, `pyright: ignore`),
security scanners (bandit, semgrep), coverage pragmas, and any lint code that can hide a bug
(undefined names, unused results, unsafe calls). A directive with several codes is a note only
when every code is listed.
"""

from __future__ import annotations

from collections.abc import Sequence

# ruff / flake8 (pycodestyle, pyflakes, flake8-blind-except, isort, pydocstyle, pep8-naming,
# mccabe, flake8-print, pylint's refactor counts as ruff names them).
_RUFF = frozenset(
    {
        "E501",  # line too long
        "W505",  # doc line too long
        "E402",  # module import not at top of file (after sys.path setup, env checks)
        "E731",  # lambda assigned to a name
        "E741",  # ambiguous variable name
        "F401",  # imported but unused (re-exports, registration and availability probes)
        "F811",  # redefinition of an unused name (alternative imports)
        "BLE001",  # blind except: whether the handler discards the error is AIG403's job
        "I001",  # import block unsorted
        "C901",  # too complex
        "PLR0911",  # too many returns
        "PLR0912",  # too many branches
        "PLR0913",  # too many arguments
        "PLR0915",  # too many statements
        "PLR2004",  # magic value in a comparison
        "T201",  # print
        "N802",  # function name not lowercase
        "N803",  # argument name not lowercase
        "N806",  # variable in function not lowercase
        "N815",  # mixedCase variable in class scope
        "D100",
        "D101",
        "D102",
        "D103",
        "D104",
        "D105",
        "D106",
        "D107",  # missing docstrings
    }
)

# pylint, by message id or symbolic name.
_PYLINT = frozenset(
    {
        "C0103",
        "invalid-name",
        "C0114",
        "missing-module-docstring",
        "C0115",
        "missing-class-docstring",
        "C0116",
        "missing-function-docstring",
        "C0301",
        "line-too-long",
        "C0413",
        "wrong-import-position",
        "C0415",
        "import-outside-toplevel",
        "W0611",
        "unused-import",
        "W0718",
        "broad-exception-caught",
        "broad-except",
        "R0902",
        "too-many-instance-attributes",
        "R0903",
        "too-few-public-methods",
        "R0912",
        "too-many-branches",
        "R0913",
        "too-many-arguments",
        "R0914",
        "too-many-locals",
        "R0915",
        "too-many-statements",
    }
)

# ESLint / oxlint rule names.
_ESLINT = frozenset(
    {
        "no-console",
        "max-len",
        "max-lines",
        "max-lines-per-function",
        "max-params",
        "max-statements",
        "complexity",
        "no-plusplus",
        "no-control-regex",
        "import/order",
        "import/first",
        "import/prefer-default-export",
        "react/display-name",
        "react-refresh/only-export-components",
    }
)

_BY_TOOL = {"ruff/flake8": _RUFF, "pylint": _PYLINT, "ESLint": _ESLINT, "oxlint": _ESLINT}


def harmless(tool: str, codes: Sequence[str]) -> bool:
    """Whether a coded directive of `tool` silences only codes that are usually harmless."""
    known = _BY_TOOL.get(tool)
    return known is not None and bool(codes) and all(code in known for code in codes)
