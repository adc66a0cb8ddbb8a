"""AIG201: a change that makes mypy check less (pyproject.toml, mypy.ini, setup.cfg)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from aiguard.findings import Category, Severity
from aiguard.lint.rule import Flag, Pass

from ._base import REMOVED, ConfigRule, Verbatim, as_bool, as_list, is_generated_path, show
from ._doc import MISSING, Doc, IniDoc

# Flags `strict = true` turns on (mypy --help, "--strict").
STRICT_IMPLIED = frozenset(
    {
        "warn_unused_configs", "disallow_any_generics", "disallow_subclassing_any",
        "disallow_untyped_calls", "disallow_untyped_defs", "disallow_incomplete_defs",
        "check_untyped_defs", "disallow_untyped_decorators", "warn_redundant_casts",
        "warn_unused_ignores", "warn_return_any", "no_implicit_reexport", "strict_equality",
        "extra_checks", "strict_concatenate",
    }
)  # fmt: skip
# Boolean options whose `true` checks more; everything named disallow_*/warn_*/strict_* too.
_STRONG_TRUE = frozenset(
    {"strict", "check_untyped_defs", "no_implicit_reexport", "no_implicit_optional",
     "extra_checks", "local_partial_types", "strict_optional", "strict_bytes"}
)  # fmt: skip
# Boolean options whose `true` checks less.
_WEAK_TRUE = frozenset(
    {"ignore_errors", "ignore_missing_imports", "implicit_optional", "implicit_reexport",
     "allow_untyped_globals"}
)  # fmt: skip
# mypy's documented defaults that are true (mypy/options.py; `no_x` is the inverse of `x`, and
# implicit_optional has been false since mypy 0.990, so no_implicit_optional is true).
_DEFAULT_TRUE = frozenset(
    {"strict_optional", "warn_no_return", "implicit_reexport", "no_implicit_optional"}
)
# Defaults that turned true in a later mypy: removing `= true` weakens only older mypys.
_TRUE_SINCE = {"strict_bytes": "2.0", "local_partial_types": "2.0"}
_FOLLOW_RANK = {"normal": 2, "error": 2, "silent": 1, "skip": 0}


def _strong_when_true(key: str) -> bool:
    return key in _STRONG_TRUE or key.startswith(("disallow_", "warn_", "strict_"))


@dataclass
class _Section:
    """One mypy section or override block: raw values and where they stand."""

    values: dict[str, Any]
    lines: dict[str, int]
    items: dict[tuple[str, str], int]  # (option, list item) -> line
    header: int
    module_lines: dict[str, int] = field(default_factory=dict)


@dataclass
class _Mypy:
    """A file's mypy configuration: the global section and the override blocks by module."""

    glob: _Section | None
    overrides: dict[str, list[_Section]]

    def value(self, key: str) -> Any:
        return self.glob.values.get(key, MISSING) if self.glob else MISSING

    def effective(self, key: str) -> Any:
        """The global value mypy would use, defaults and `strict` taken into account."""
        explicit = self.value(key)
        if explicit is not MISSING:
            return _normal(key, explicit)
        if as_bool(self.value("strict")) and key in STRICT_IMPLIED:
            return True
        if key == "implicit_reexport" and as_bool(self.value("strict")):
            return False
        if key == "follow_imports":
            return "normal"
        return key in _DEFAULT_TRUE

    def override_value(self, pattern: str, key: str) -> Any:
        found = MISSING
        for block in self.overrides.get(pattern, []):
            if key in block.values:
                found = block.values[key]
        return found

    def override_line(self, pattern: str, key: str) -> int:
        line = 1
        for block in self.overrides.get(pattern, []):
            line = block.lines.get(key, line)
        return line


def _normal(key: str, value: Any) -> Any:
    if key == "follow_imports":
        return str(value).strip().lower()
    if key in ("disable_error_code", "enable_error_code", "exclude"):
        return value
    parsed = as_bool(value)
    return value if parsed is None else parsed


def _key(name: str) -> str:
    return name.strip().lower().replace("-", "_")


def _from_toml(doc: Doc) -> _Mypy | None:
    table = doc.get(("tool", "mypy"))
    if not isinstance(table, dict):
        return None
    base = ("tool", "mypy")
    glob = _Section({}, {}, {}, doc.line(base))
    for name, value in table.items():
        if name == "overrides":
            continue
        glob.values[_key(name)] = value
        glob.lines[_key(name)] = doc.line((*base, name))
        if isinstance(value, list):
            for index, item in enumerate(value):
                glob.items[(_key(name), str(item))] = doc.line((*base, name, index))
    overrides: dict[str, list[_Section]] = {}
    blocks = table.get("overrides", [])
    for index, block in enumerate(blocks if isinstance(blocks, list) else []):
        if not isinstance(block, dict):
            continue
        path = (*base, "overrides", index)
        section = _Section({}, {}, {}, doc.line(path))
        modules = block.get("module", [])
        module_list = (
            [modules] if isinstance(modules, str) else modules if isinstance(modules, list) else []
        )
        for m_index, module in enumerate(module_list):
            if isinstance(module, str):
                line = (
                    doc.line((*path, "module", m_index))
                    if isinstance(modules, list)
                    else doc.line((*path, "module"))
                )
                section.module_lines[module.strip()] = line
        for name, value in block.items():
            if name != "module":
                section.values[_key(name)] = value
                section.lines[_key(name)] = doc.line((*path, name))
                if isinstance(value, list):
                    for i, item in enumerate(value):
                        section.items[(_key(name), str(item))] = doc.line((*path, name, i))
        for module in section.module_lines:
            overrides.setdefault(module, []).append(section)
    return _Mypy(glob, overrides)


def _from_ini(doc: IniDoc) -> _Mypy | None:
    glob: _Section | None = None
    overrides: dict[str, list[_Section]] = {}
    for name, options in doc.data.items():
        if name != "mypy" and not name.startswith("mypy-"):
            continue
        section = _Section({}, {}, {}, doc.line((name,)))
        for option, raw in options.items():
            key = _key(option)
            section.lines[key] = doc.line((name, option))
            if key in ("disable_error_code", "enable_error_code"):
                items = as_list(raw)
                section.values[key] = items
                for item in items:
                    section.items[(key, item)] = doc.token_line((name, option), item)
            else:
                section.values[key] = raw.strip()
        if name == "mypy":
            glob = section
            continue
        for pattern in name[len("mypy-") :].split(","):
            if pattern.strip():
                section.module_lines[pattern.strip()] = section.header
                overrides.setdefault(pattern.strip(), []).append(section)
    if glob is None and not overrides:
        return None
    return _Mypy(glob, overrides)


def _weaker(key: str, before: Any, after: Any) -> bool:
    """Whether going from effective value `before` to `after` checks less."""
    if key == "follow_imports":
        return _FOLLOW_RANK.get(str(after), 2) < _FOLLOW_RANK.get(str(before), 2)
    if not isinstance(before, bool) or not isinstance(after, bool):
        return False
    if key in _WEAK_TRUE:
        return after and not before
    if _strong_when_true(key):
        return before and not after
    return False


def _exclude_entries(value: Any) -> set[str]:
    """mypy's `exclude`: a list of regexes, or one (often verbose, `|`-joined) regex."""
    if value is MISSING:
        return set()
    raw = value if isinstance(value, list) else [str(value)]
    entries: set[str] = set()
    for regex in raw:
        text = re.sub(r"\(\?x\)", "", str(regex))
        for part in re.split(r"\||\n", text):
            cleaned = part.strip().strip("()^$").strip().replace("\\.", ".")
            if cleaned and not cleaned.startswith("#"):
                entries.add(cleaned)
    return entries


class MypyWeakened(ConfigRule):
    id = "AIG201"
    name = "mypy-config-weakened"
    category = Category.CONFIG_WEAKENING
    files = ("pyproject.toml", "mypy.ini", ".mypy.ini", "setup.cfg")
    summary = "mypy checks less: strictness off, errors or imports ignored, error codes disabled"
    rationale = (
        "When an assistant cannot make mypy pass it is tempted to make mypy weaker: "
        "`ignore_errors`, `ignore_missing_imports`, `follow_imports = skip`, `strict` turned off, "
        "`disallow_*`/`warn_*` flags dropped, error codes disabled, or a failing module added to "
        "an override that ignores its errors. The type errors do not go away; they stop being "
        "reported, and the next real bug of that kind ships unnoticed. Settings are compared "
        "by their effect, with mypy's documented defaults: removing an option that restated "
        "the default (`no_implicit_optional = true`, `strict_optional = true`) changes nothing "
        "and is not reported; removing one whose default turned true in a later mypy "
        "(`strict_bytes`) is a note."
    )
    fix = (
        "Fix the type errors, or silence one line with a narrow `# type: ignore[code]` and a "
        "reason. For a third-party package without types, install its stubs or give just that "
        "module an `ignore_missing_imports` override. Keep the global settings as strict as before."
    )
    interest = None  # a module added to an override list can be any word on any line
    tags = ("mypy", "python", "typing")
    examples: ClassVar[tuple[Flag | Pass, ...]] = (
        Flag(
            "[tool.mypy]\nstrict = false\n",
            line=2,
            before="[tool.mypy]\nstrict = true\n",
            path="pyproject.toml",
            message="mypy strict: true -> false",
        ),
        Flag(
            '[tool.mypy]\npython_version = "3.11"\n',
            line=1,
            before='[tool.mypy]\nstrict = true\npython_version = "3.11"\n',
            path="pyproject.toml",
            message="strict: true -> (removed)",
        ),
        Flag(
            "[mypy]\nignore_errors = True\n",
            line=2,
            path="mypy.ini",
            message="ignore_errors: (unset) -> True",
        ),
        Flag(
            '[tool.mypy]\nstrict = true\ndisallow_untyped_defs = false\nfollow_imports = "skip"\n',
            line=(3, 4),
            before="[tool.mypy]\nstrict = true\n",
            path="pyproject.toml",
        ),
        Flag(
            '[tool.mypy]\ndisable_error_code = [\n  "misc",\n  "attr-defined",\n]\n',
            line=4,
            before='[tool.mypy]\ndisable_error_code = [\n  "misc",\n]\n',
            path="pyproject.toml",
            message='disable_error_code: added "attr-defined"',
        ),
        Flag(
            '[tool.mypy]\n\n[[tool.mypy.overrides]]\nmodule = ["legacy.*", "app.billing"]\n'
            "ignore_errors = true\n",
            line=4,
            before='[tool.mypy]\n\n[[tool.mypy.overrides]]\nmodule = ["legacy.*"]\n'
            "ignore_errors = true\n",
            path="pyproject.toml",
            message='module "app.billing" added to an override with ignore_errors = true',
        ),
        Flag(
            "[mypy]\nstrict = True\n\n[mypy-app.payments.*]\ndisallow_untyped_defs = False\n",
            line=5,
            before="[mypy]\nstrict = True\n",
            path="setup.cfg",
        ),
        Flag(
            "[mypy]\nwarn_unused_ignores = True\n",
            line=2,
            before="[mypy]\nwarn_unused_ignores = True\n\n"
            "[mypy-app.core]\ndisallow_untyped_defs = True\n",
            path="mypy.ini",
            message="override for app.core removed",
        ),
        Flag(
            "[tool.mypy]\nignore_missing_imports = true\n",
            line=2,
            before="[tool.mypy]\n",
            path="pyproject.toml",
            severity=Severity.WARNING,
        ),
        Flag(
            '[tool.mypy]\nfollow_imports = "silent"\n',
            line=2,
            path="pyproject.toml",
            severity=Severity.NOTE,
        ),
        Flag(
            '[tool.mypy]\n\n[[tool.mypy.overrides]]\nmodule = "yaml.*"\n'
            "ignore_missing_imports = true\n",
            line=5,
            before="[tool.mypy]\n",
            path="pyproject.toml",
            severity=Severity.NOTE,
        ),
        Flag(
            "[tool.mypy]\nwarn_unreachable = true\n",
            line=2,
            before="[tool.mypy]\nwarn_unreachable = true\nstrict_bytes = true\n",
            path="pyproject.toml",
            severity=Severity.NOTE,
            message="default since mypy 2.0",
        ),
        # Stricter settings, reordering, reformatting and moving keys between tables are silent.
        # So is removing an option that only restated mypy's default.
        Pass(
            "[tool.mypy]\nwarn_unreachable = true\n",
            before=(
                "[tool.mypy]\nwarn_unreachable = true\nno_implicit_optional = true\n"
                "strict_optional = true\nwarn_no_return = true\n"
            ),
            path="pyproject.toml",
        ),
        Pass(
            "[tool.mypy]\nstrict = true\nwarn_unreachable = true\n",
            before="[tool.mypy]\nwarn_unreachable = true\ndisallow_untyped_defs = true\n",
            path="pyproject.toml",
        ),
        Pass(
            '[tool.mypy]\npython_version = "3.12"\nstrict = true\n',
            before='[tool.mypy]\nstrict = true\npython_version = "3.11"\n',
            path="pyproject.toml",
        ),
        Pass(
            "[mypy]\nstrict = true\n\n[mypy-legacy.*]\nignore_errors = True\n",
            before="[mypy]\nstrict = true\n\n[mypy-legacy.*,vendor.*]\nignore_errors = True\n",
            path="mypy.ini",
        ),
        Pass(
            '[tool.mypy]\nstrict = true\n\n[[tool.mypy.overrides]]\nmodule = ["b", "a"]\n'
            "ignore_errors = true\n",
            before='[tool.mypy]\nstrict = true\n\n[[tool.mypy.overrides]]\nmodule = ["a", "b"]\n'
            "ignore_errors = true\n",
            path="pyproject.toml",
        ),
        Pass("[mypy]\nstrict = False\nwarn_return_any = False\n", path="mypy.ini"),
        Pass(
            "[flake8]\nmax-line-length = 100\n\n[mypy]\nstrict = True\n",
            before="[mypy]\nstrict = True\n",
            path="setup.cfg",
        ),
        Pass(
            '[tool.mypy]\nexclude = ["build/", "docs/"]\n',
            before='[tool.mypy]\nexclude = ["build/"]\n',
            path="pyproject.toml",
        ),
        Pass(
            "[tool.ruff]\nline-length = 100\n",
            before="[tool.ruff]\nline-length = 88\n",
            path="pyproject.toml",
        ),
    )

    def check(self) -> None:
        kind = "toml" if self.path.endswith(".toml") else "ini"
        before_doc, after_doc = self.versions(kind)
        after = self._read(after_doc)
        before = (self._read(before_doc) if before_doc is not None else None) or _Mypy(None, {})
        if after is None:
            if (before.glob is None and not before.overrides) or self._configured_elsewhere():
                return  # never configured here, or moved to another mypy config file
            after = _Mypy(None, {})
        self._pending: dict[tuple[int, str, Severity | None], list[str]] = {}
        self._compare_global(before, after)
        self._compare_overrides(before, after)
        self._flush_overrides()

    def _configured_elsewhere(self) -> bool:
        """Whether another file of the project configures mypy (the settings moved there)."""
        for path in ("mypy.ini", ".mypy.ini", "pyproject.toml", "setup.cfg"):
            if path == self.path:
                continue
            text = self.project.read_text(path) or ""
            if re.search(r"^\[(mypy|tool\.mypy)\]", text, re.MULTILINE):
                return True
        return False

    def _read(self, doc: Doc | None) -> _Mypy | None:
        if doc is None:
            return None
        return _from_ini(doc) if isinstance(doc, IniDoc) else _from_toml(doc)

    # -- the global section -----------------------------------------------------------------

    def _compare_global(self, before: _Mypy, after: _Mypy) -> None:
        strict_dropped = bool(before.effective("strict")) and not after.effective("strict")
        keys = set(before.glob.values if before.glob else {}) | set(
            after.glob.values if after.glob else {}
        )
        for key in sorted(keys | STRICT_IMPLIED | {"strict"}):
            if key in ("disable_error_code", "enable_error_code", "exclude"):
                continue
            old, new = before.effective(key), after.effective(key)
            if not _weaker(key, old, new):
                continue
            raw_old, raw_new = before.value(key), after.value(key)
            if (
                key in STRICT_IMPLIED
                and strict_dropped
                and raw_old is MISSING
                and raw_new is MISSING
            ):
                continue  # implied by `strict`, which is reported itself
            if raw_old is MISSING and key in STRICT_IMPLIED and before.effective("strict"):
                raw_old = Verbatim("true (via strict)")
            self._report(after, before, key, raw_old, raw_new)
        self._compare_codes(before, after)
        self._compare_exclude(before, after)

    def _report(self, after: _Mypy, before: _Mypy, key: str, raw_old: Any, raw_new: Any) -> None:
        if raw_new is not MISSING and after.glob is not None:
            message = f"mypy {key}: {show(raw_old)} -> {show(raw_new)}"
            # Common first settings of a new mypy config: worth a note, not a failed run.
            mild = before.glob is None and key in ("ignore_missing_imports", "follow_imports")
            self.weaker(after.glob.lines[key], message, severity=Severity.NOTE if mild else None)
        elif before.glob is not None and key in before.glob.lines:
            message = f"mypy {key}: {show(raw_old)} -> {REMOVED}"
            since = _TRUE_SINCE.get(key)
            if since is None:
                self.removed(before.glob.lines[key], message)
            else:
                message += f" (true is the default since mypy {since}: weaker only on older mypy)"
                self.removed(before.glob.lines[key], message, severity=Severity.NOTE)

    def _compare_codes(self, before: _Mypy, after: _Mypy) -> None:
        if after.glob is None:
            return
        old_disabled = set(as_list(before.value("disable_error_code")))
        for code in as_list(after.value("disable_error_code")):
            if code not in old_disabled:
                line = after.glob.items.get(
                    ("disable_error_code", code), after.glob.lines["disable_error_code"]
                )
                self.weaker(line, f'mypy disable_error_code: added "{code}"')
        new_enabled = set(as_list(after.value("enable_error_code")))
        for code in as_list(before.value("enable_error_code")):
            if code not in new_enabled and before.glob is not None:
                line = before.glob.items.get(
                    ("enable_error_code", code), before.glob.lines["enable_error_code"]
                )
                self.removed(line, f'mypy enable_error_code: removed "{code}"')

    def _compare_exclude(self, before: _Mypy, after: _Mypy) -> None:
        if after.glob is None or "exclude" not in after.glob.values:
            return
        old = _exclude_entries(before.value("exclude"))
        for entry in sorted(_exclude_entries(after.value("exclude")) - old):
            if not is_generated_path(entry):
                self.weaker(after.glob.lines["exclude"], f'mypy exclude: added "{entry}"')

    # -- per-module overrides -----------------------------------------------------------------

    def _compare_overrides(self, before: _Mypy, after: _Mypy) -> None:
        for pattern, blocks in after.overrides.items():
            keys = {k for block in blocks for k in block.values}
            for key in sorted(keys):
                self._compare_override_key(before, after, pattern, key)
        for pattern, blocks in before.overrides.items():
            if pattern in after.overrides:
                continue
            stronger = [
                k
                for block in blocks
                for k, v in block.values.items()
                if _weaker(k, _normal(k, v), after.effective(k))
            ]
            if stronger:
                line = blocks[-1].module_lines.get(pattern, blocks[-1].header)
                settings = ", ".join(sorted(set(stronger)))
                self.removed(line, f"mypy override for {pattern} removed (it set {settings})")

    def _compare_override_key(self, before: _Mypy, after: _Mypy, pattern: str, key: str) -> None:
        raw_new = after.override_value(pattern, key)
        raw_old = before.override_value(pattern, key)
        if key in ("disable_error_code",):
            old_codes = set(as_list(raw_old)) | set(as_list(before.value(key)))
            for code in as_list(raw_new):
                if code not in old_codes:
                    message = f'mypy disable_error_code for {{modules}}: added "{code}"'
                    self._report_override(after, pattern, key, message, code)
            return
        if key not in _WEAK_TRUE and key != "follow_imports" and not _strong_when_true(key):
            return
        old = _normal(key, raw_old) if raw_old is not MISSING else before.effective(key)
        new = _normal(key, raw_new)
        if not _weaker(key, old, new):
            return
        severity = Severity.NOTE if key == "ignore_missing_imports" else None
        message = f"mypy {key} for {{modules}}: {show(raw_old)} -> {show(raw_new)}"
        self._report_override(
            after, pattern, key, message, None, severity=severity, raw_new=raw_new
        )

    def _report_override(
        self,
        after: _Mypy,
        pattern: str,
        key: str,
        message: str,
        item: str | None,
        *,
        severity: Severity | None = None,
        raw_new: Any = MISSING,
    ) -> None:
        block = next(
            (b for b in reversed(after.overrides[pattern]) if key in b.values),
            after.overrides[pattern][-1],
        )
        line = (
            block.items.get((key, item), block.lines.get(key, block.header))
            if item
            else block.lines.get(key, block.header)
        )
        module_line = block.module_lines.get(pattern, block.header)
        if not self.context.change.is_changed(line) and self.context.change.is_changed(module_line):
            # The setting stood there already: what changed is the module joining the block.
            line = module_line
            if item is None:
                setting = f"{key} = {show(raw_new)}"
                message = f"mypy: module{{s}} {{quoted}} added to an override with {setting}"
        self._pending.setdefault((line, message, severity), []).append(pattern)

    def _flush_overrides(self) -> None:
        """One finding per line and message, naming every module pattern it concerns."""
        for (line, template, severity), patterns in self._pending.items():
            message = (
                template.replace("{modules}", ", ".join(patterns))
                .replace("{quoted}", ", ".join(f'"{p}"' for p in patterns))
                .replace("{s}", "s" if len(patterns) > 1 else "")
            )
            self.weaker(line, message, severity=severity)
        self._pending.clear()
