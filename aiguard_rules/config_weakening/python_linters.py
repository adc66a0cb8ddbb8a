"""AIG203: a change that makes ruff, flake8 or pylint check less."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from aiguard.findings import Category
from aiguard.lint.rule import Flag, Pass

from ._base import ConfigRule, as_list, as_number, is_generated_path, show
from ._doc import Doc, IniDoc, Path

_RUFF_DEFAULT_SELECT = ("E4", "E7", "E9", "F")
_FLAKE8_DEFAULT_IGNORE = ("E121", "E123", "E126", "E226", "E24", "E704", "W503", "W504")
_FLAKE8_DEFAULT_SELECT = ("E", "F", "W", "C90")
_CODE = re.compile(r"^[A-Z]+[0-9]*$")


@dataclass
class _Lint:
    """One linter's configuration in one file: each list setting's entries and their lines."""

    tool: str
    lists: dict[str, dict[str, int]] = field(default_factory=dict)  # setting -> entry -> line
    per_file: dict[str, dict[str, int]] = field(default_factory=dict)  # glob -> code -> line
    keys: dict[str, int] = field(default_factory=dict)  # setting -> line of its key
    fail_under: tuple[float, int] | None = None

    def add(self, setting: str, entries: dict[str, int], key_line: int) -> None:
        self.lists.setdefault(setting, {}).update(entries)
        self.keys.setdefault(setting, key_line)

    def entries(self, setting: str) -> dict[str, int]:
        return self.lists.get(setting, {})


def _toml_entries(doc: Doc, path: Path) -> dict[str, int]:
    """A TOML list (or comma-separated string) setting: entry -> line."""
    value = doc.get(path)
    if isinstance(value, list):
        found: dict[str, int] = {}
        for index, item in enumerate(value):
            if isinstance(item, str):
                for entry in as_list(item):
                    found.setdefault(entry, doc.line((*path, index)))
        return found
    return dict.fromkeys(as_list(value), doc.line(path))


def _ini_entries(doc: IniDoc, section: str, key: str) -> dict[str, int]:
    raw = doc.data.get(section, {}).get(key)
    if raw is None:
        return {}
    return {entry: doc.token_line((section, key), entry) for entry in as_list(raw)}


def _ini_per_file(doc: IniDoc, section: str, key: str) -> dict[str, dict[str, int]]:
    """flake8's per-file-ignores: `glob: CODE, CODE` pairs, one or several per line."""
    mapping: dict[str, dict[str, int]] = {}
    globs: list[str] = []
    seen_codes = False
    tokens = [
        (number, token)
        for number, text in doc.value_lines.get((section, key), [])
        for token in re.findall(r"[^\s:,]+|:", re.sub(r"\s[#;].*$", "", text))
    ]
    for index, (number, token) in enumerate(tokens):
        if token == ":":
            continue
        followed_by_colon = index + 1 < len(tokens) and tokens[index + 1][1] == ":"
        if followed_by_colon:
            if seen_codes:
                globs, seen_codes = [], False
            globs.append(token)
        elif _CODE.match(token):
            seen_codes = True
            for glob in globs:
                mapping.setdefault(glob, {}).setdefault(token, number)
    return mapping


def _norm(key: str) -> str:
    return key.strip().lower().replace("_", "-")


# -- reading each tool ---------------------------------------------------------------------------


def _ruff(doc: Doc, bases: tuple[Path, ...]) -> _Lint | None:
    found = [b for b in bases if isinstance(doc.get(b), dict)]
    if not found:
        return None
    lint = _Lint("ruff")
    select_set = False
    for base in sorted(found, key=len, reverse=True):  # [lint] wins over the top level
        table = doc.get(base)
        for name in table:
            key, path = _norm(name), (*base, name)
            if key in ("ignore", "extend-ignore"):
                lint.add("ignore", _toml_entries(doc, path), doc.line(path))
            elif key == "select" and not select_set:
                lint.add("select", _toml_entries(doc, path), doc.line(path))
                select_set = True
            elif key == "extend-select":
                lint.add("select", _toml_entries(doc, path), doc.line(path))
            elif key in ("exclude", "extend-exclude"):
                lint.add("exclude", _toml_entries(doc, path), doc.line(path))
            elif key in ("per-file-ignores", "extend-per-file-ignores") and isinstance(
                table[name], dict
            ):
                for glob in table[name]:
                    codes = _toml_entries(doc, (*path, glob))
                    lint.per_file.setdefault(glob, {}).update(codes)
    if not select_set:
        lint.lists["select"] = {**dict.fromkeys(_RUFF_DEFAULT_SELECT, 0), **lint.entries("select")}
    return lint


def _flake8_toml(doc: Doc) -> _Lint | None:
    table = doc.get(("tool", "flake8"))
    if not isinstance(table, dict):
        return None
    lint = _Lint("flake8")
    for name, value in table.items():
        key, path = _norm(name), ("tool", "flake8", name)
        if key == "per-file-ignores" and isinstance(value, (str, list)):
            text = value if isinstance(value, str) else "\n".join(str(v) for v in value)
            pseudo = IniDoc({"f": {"p": text}}, value_lines={("f", "p"): [(doc.line(path), text)]})
            lint.per_file.update(_ini_per_file(pseudo, "f", "p"))
        elif key in (
            "ignore",
            "extend-ignore",
            "select",
            "extend-select",
            "exclude",
            "extend-exclude",
        ):
            lint.add(key, _toml_entries(doc, path), doc.line(path))
    return _flake8_effective(lint)


def _flake8_ini(doc: IniDoc) -> _Lint | None:
    section = doc.section_name("flake8")
    if section is None:
        return None
    lint = _Lint("flake8")
    for option in doc.data[section]:
        key = _norm(option)
        if key == "per-file-ignores":
            lint.per_file.update(_ini_per_file(doc, section, option))
        elif key in (
            "ignore",
            "extend-ignore",
            "select",
            "extend-select",
            "exclude",
            "extend-exclude",
        ):
            lint.add(key, _ini_entries(doc, section, option), doc.line((section, option)))
    return _flake8_effective(lint)


def _flake8_effective(lint: _Lint) -> _Lint:
    """Fold flake8's replace-or-extend pairs into the effective ignore/select/exclude lists."""
    ignore = lint.lists.pop("ignore", None)
    extend = lint.lists.pop("extend-ignore", {})
    base = ignore if ignore is not None else dict.fromkeys(_FLAKE8_DEFAULT_IGNORE, 0)
    lint.lists["ignore"] = {**base, **extend}
    select = lint.lists.pop("select", None)
    extend_select = lint.lists.pop("extend-select", {})
    lint.lists["select"] = {
        **(select if select is not None else dict.fromkeys(_FLAKE8_DEFAULT_SELECT, 0)),
        **extend_select,
    }
    lint.lists["exclude"] = {
        **lint.lists.pop("exclude", {}),
        **lint.lists.pop("extend-exclude", {}),
    }
    for key in ("ignore", "extend-ignore"):
        if key in lint.keys:
            lint.keys.setdefault("ignore", lint.keys[key])
    return lint


# pylint's list options, by the setting they feed (its `ignore*` options name files).
_PYLINT_LISTS = {
    "disable": "disable",
    "enable": "enable",
    "ignore": "exclude",
    "ignore-paths": "exclude",
    "ignore-patterns": "exclude",
}


def _pylint_toml(doc: Doc) -> _Lint | None:
    table = doc.get(("tool", "pylint"))
    if not isinstance(table, dict):
        return None
    lint = _Lint("pylint")
    tables: list[Path] = [("tool", "pylint")]
    tables += [("tool", "pylint", name) for name, value in table.items() if isinstance(value, dict)]
    for base in tables:
        for name in doc.get(base):
            _pylint_option(lint, _norm(name), doc.get((*base, name)), doc, (*base, name))
    return lint


def _pylint_option(lint: _Lint, key: str, value: Any, doc: Doc, path: Path) -> None:
    if key in _PYLINT_LISTS:
        entries = {
            e.lower() if key in ("disable", "enable") else e: line
            for e, line in _toml_entries(doc, path).items()
        }
        lint.add(_PYLINT_LISTS[key], entries, doc.line(path))
    elif key == "fail-under":
        number = as_number(value)
        if number is not None:
            lint.fail_under = (number, doc.line(path))


def _pylint_ini(doc: IniDoc, *, whole_file: bool) -> _Lint | None:
    sections = [s for s in doc.data if whole_file or s.lower().startswith("pylint")]
    if not sections:
        return None
    lint = _Lint("pylint")
    for section in sections:
        for option, raw in doc.data[section].items():
            key = _norm(option)
            if key in _PYLINT_LISTS:
                entries = _ini_entries(doc, section, option)
                if key in ("disable", "enable"):
                    entries = {e.lower(): line for e, line in entries.items()}
                lint.add(_PYLINT_LISTS[key], entries, doc.line((section, option)))
            elif key == "fail-under":
                number = as_number(raw)
                if number is not None:
                    lint.fail_under = (number, doc.line((section, option)))
    return lint


# -- comparing -----------------------------------------------------------------------------------


def _same_root(a: str, b: str) -> bool:
    """Whether two globs start from the same literal directory or file (`tests/*`, `tests/**`)."""

    def root(glob: str) -> str:
        literal = re.split(r"[*?\[{]", glob.lstrip("./"), maxsplit=1)[0]
        return literal.rstrip("/")

    first, second = root(a), root(b)
    return bool(first and second) and (
        first == second or first.startswith(second + "/") or second.startswith(first + "/")
    )


def _overlaps(a: str, b: str) -> bool:
    """Whether two rule selectors (codes or code prefixes) share a rule."""
    return a == "ALL" or b == "ALL" or a.startswith(b) or b.startswith(a)


def _covered(selector: str, selectors: dict[str, int]) -> bool:
    return any(s == "ALL" or selector.startswith(s) for s in selectors)


class PythonLinterWeakened(ConfigRule):
    id = "AIG203"
    name = "python-linter-config-weakened"
    category = Category.CONFIG_WEAKENING
    files = (
        "pyproject.toml", "ruff.toml", ".ruff.toml", ".flake8", "setup.cfg", "tox.ini",
        ".pylintrc", "pylintrc",
    )  # fmt: skip
    summary = "ruff/flake8/pylint check less: codes ignored, selection narrowed, files excluded"
    rationale = (
        "Adding a code to `ignore`, `extend-ignore`, `per-file-ignores` or pylint's `disable`, "
        "narrowing `select`, or excluding files makes the linter stop reporting what it found "
        "instead of getting it fixed - the quickest way for an assistant to turn a red lint job "
        "green."
    )
    fix = (
        "Fix the reported code, or silence one line with `# noqa: CODE` and a reason. If a rule "
        "really does not fit the project, drop it in a change of its own that says why."
    )
    interest = None  # a code added to a multi-line list stands alone on its line
    tags = ("ruff", "flake8", "pylint", "python", "lint")
    examples: ClassVar[tuple[Flag | Pass, ...]] = (
        Flag(
            '[tool.ruff.lint]\nselect = ["E", "F", "B"]\nignore = ["E501", "B008"]\n',
            line=3,
            before='[tool.ruff.lint]\nselect = ["E", "F", "B"]\nignore = ["E501"]\n',
            path="pyproject.toml",
            message='ruff ignore: added "B008"',
        ),
        Flag(
            '[lint]\nselect = ["E", "F"]\n',
            line=2,
            before='[lint]\nselect = ["E", "F", "B", "UP"]\n',
            path="ruff.toml",
            message='ruff select: "B", "UP" no longer selected',
        ),
        Flag(
            '[tool.ruff.lint.per-file-ignores]\n"tests/*" = ["S101"]\n'
            '"src/app/api.py" = ["E501", "F401"]\n',
            line=3,
            before='[tool.ruff.lint.per-file-ignores]\n"tests/*" = ["S101"]\n'
            '"src/app/api.py" = ["E501"]\n',
            path="pyproject.toml",
            message='ruff per-file-ignores for src/app/api.py: added "F401"',
        ),
        Flag(
            '[tool.ruff]\nextend-exclude = ["src/legacy"]\n',
            line=2,
            before="[tool.ruff]\nline-length = 100\n",
            path="pyproject.toml",
            message='ruff exclude: added "src/legacy"',
        ),
        Flag(
            "[flake8]\nmax-line-length = 100\nextend-ignore =\n    E203,\n    E722\n",
            line=5,
            before="[flake8]\nmax-line-length = 100\nextend-ignore =\n    E203\n",
            path=".flake8",
            message='flake8 ignore: added "E722"',
        ),
        Flag(
            "[flake8]\nper-file-ignores =\n    tests/*: S101\n    src/app.py: F401\n",
            line=4,
            before="[flake8]\nper-file-ignores =\n    tests/*: S101\n",
            path="setup.cfg",
        ),
        Flag(
            "[MESSAGES CONTROL]\ndisable=\n    missing-docstring,\n    broad-except,\n",
            line=4,
            before="[MESSAGES CONTROL]\ndisable=\n    missing-docstring,\n",
            path=".pylintrc",
            message='pylint disable: added "broad-except"',
        ),
        Flag(
            "[tool.pylint.main]\nfail-under = 8.0\n",
            line=2,
            before="[tool.pylint.main]\nfail-under = 9.5\n",
            path="pyproject.toml",
            message="pylint fail-under: 9.5 -> 8",
        ),
        Flag(
            '[tool.pylint."messages control"]\ndisable = ["C0114"]\nenable = []\n',
            line=3,
            before='[tool.pylint."messages control"]\ndisable = ["C0114"]\n'
            'enable = ["useless-suppression"]\n',
            path="pyproject.toml",
            message='pylint enable: removed "useless-suppression"',
        ),
        # Stricter, reordered, reformatted, moved-between-keys, new tools: silent.
        Pass(
            '[tool.ruff.lint]\nignore = ["E501"]\nselect = ["ALL"]\n',
            before='[tool.ruff.lint]\nselect = ["E", "F"]\nignore = ["E501", "F401"]\n',
            path="pyproject.toml",
        ),
        Pass(
            '[tool.ruff]\nline-length = 100\n\n[tool.ruff.lint]\nignore = ["E501"]\n',
            before='[tool.ruff]\nline-length = 100\nignore = ["E501"]\n',
            path="pyproject.toml",
        ),
        Pass(
            '[lint]\nselect = ["E", "F"]\nignore = ["D100"]\n',
            before='[lint]\nselect = ["E", "F"]\n',
            path="ruff.toml",
        ),
        Pass(
            '[tool.ruff]\nextend-exclude = ["build", "**/migrations/*", "src/gen/*_pb2.py"]\n',
            before="[tool.ruff]\n",
            path="pyproject.toml",
        ),
        Pass(
            '[tool.ruff.lint]\nselect = ["E", "F", "S", "D"]\n\n'
            '[tool.ruff.lint.per-file-ignores]\n"tests/**/*.py" = ["S101", "D"]\n',
            before='[tool.ruff.lint]\nselect = ["E", "F", "S", "D"]\n\n'
            '[tool.ruff.lint.per-file-ignores]\n"tests/*" = ["S101", "D"]\n',
            path="pyproject.toml",
        ),
        Pass(
            "[flake8]\nextend-ignore = E203, W503\n",
            before="[flake8]\nextend-ignore = W503,E203\n",
            path="tox.ini",
        ),
        Pass(
            '[tool.ruff.lint]\nselect = ["E", "F"]\nignore = ["E501"]\n',
            before="[tool.black]\nline-length = 100\n",
            path="pyproject.toml",
        ),
        Pass(
            "[MESSAGES CONTROL]\ndisable=missing-docstring\n",
            before="[MESSAGES CONTROL]\ndisable=missing-docstring,\n    broad-except\n",
            path="pylintrc",
        ),
        Pass(
            '[tool.ruff.lint]\nselect = ["E", "F", "B"]\n',
            before='[tool.ruff.lint]\nselect = ["E", "F", "B008"]\n',
            path="pyproject.toml",
        ),
    )

    def check(self) -> None:
        name = self.path.rsplit("/", 1)[-1]
        if name.endswith(".toml"):
            before_doc, after_doc = self.versions("toml")
            readers = self._toml_readers(name)
        else:
            before_doc, after_doc = self.versions("ini")
            readers = self._ini_readers(name)
        for reader in readers:
            after = reader(after_doc)
            before = reader(before_doc) if before_doc is not None else None
            if after is None or before is None:
                continue  # a linter newly configured chooses its rules; one dropped is not ours
            self._compare(before, after)

    def _toml_readers(self, name: str) -> list[Callable[[Doc], _Lint | None]]:
        if name == "pyproject.toml":
            ruff_bases: tuple[Path, ...] = (("tool", "ruff"), ("tool", "ruff", "lint"))
            return [lambda d: _ruff(d, ruff_bases), _flake8_toml, _pylint_toml]
        return [lambda d: _ruff(d, ((), ("lint",)))]

    def _ini_readers(self, name: str) -> list[Callable[[Doc], _Lint | None]]:
        if name in (".pylintrc", "pylintrc"):
            return [lambda d: _pylint_ini(d, whole_file=True)]
        return [
            lambda d: _flake8_ini(d) if isinstance(d, IniDoc) else None,
            lambda d: _pylint_ini(d, whole_file=False) if isinstance(d, IniDoc) else None,
        ]

    def _compare(self, before: _Lint, after: _Lint) -> None:
        tool = after.tool
        self._compare_codes(before, after)
        self._compare_select(before, after)
        self._compare_per_file(before, after)
        label = "ignore" if tool == "pylint" else "exclude"
        old_exclude = before.entries("exclude")
        for entry, line in after.entries("exclude").items():
            if entry not in old_exclude and not is_generated_path(entry):
                self.weaker(line, f'{tool} {label}: added "{entry}"')
        new_enabled = after.entries("enable")
        for message, line in before.entries("enable").items():
            if message not in new_enabled and message not in before.entries("disable"):
                self.removed(line, f'{tool} enable: removed "{message}"')
        if before.fail_under and after.fail_under and after.fail_under[0] < before.fail_under[0]:
            old, new = show(before.fail_under[0]), show(after.fail_under[0])
            self.weaker(after.fail_under[1], f"{tool} fail-under: {old} -> {new}")

    def _compare_codes(self, before: _Lint, after: _Lint) -> None:
        """Codes newly ignored (ruff, flake8) or messages newly disabled (pylint)."""
        setting = "disable" if after.tool == "pylint" else "ignore"
        if setting == "disable" and "all" in before.entries("disable"):
            return  # everything was disabled already; what counts is `enable`
        old = before.entries(setting)
        selected = after.entries("select")
        for code, line in after.entries(setting).items():
            if code in old or line == 0:
                continue
            if setting == "ignore" and not any(_overlaps(code, s) for s in selected):
                continue  # ignoring a rule that is not selected changes nothing
            self.weaker(line, f'{after.tool} {setting}: added "{code}"')

    def _compare_select(self, before: _Lint, after: _Lint) -> None:
        if after.tool == "pylint":
            return
        new = after.entries("select")
        dropped = {s: line for s, line in before.entries("select").items() if not _covered(s, new)}
        if not dropped:
            return
        names = ", ".join(f'"{s}"' for s in dropped)
        message = f"{after.tool} select: {names} no longer selected"
        if after.keys.get("select"):
            self.weaker(after.keys["select"], message)
        elif any(dropped.values()):
            self.removed(max(dropped.values()), message)

    def _compare_per_file(self, before: _Lint, after: _Lint) -> None:
        globally = before.entries("ignore")
        selected = after.entries("select")
        by_line: dict[tuple[int, str], list[str]] = {}
        for glob, codes in after.per_file.items():
            old = before.per_file.get(glob, {})
            related = [c for g, cs in before.per_file.items() if _same_root(g, glob) for c in cs]
            for code, line in codes.items():
                if code in old or any(code.startswith(g) for g in globally):
                    continue  # ignored here before, or everywhere
                if any(code.startswith(c) for c in related):
                    continue  # the same files under a reworded glob (tests/* -> tests/**/*.py)
                if after.tool != "pylint" and not any(_overlaps(code, s) for s in selected):
                    continue  # not selected: ignoring it changes nothing
                by_line.setdefault((line, glob), []).append(code)
        for (line, glob), new_codes in by_line.items():
            names = ", ".join(f'"{c}"' for c in new_codes)
            self.weaker(line, f"{after.tool} per-file-ignores for {glob}: added {names}")
