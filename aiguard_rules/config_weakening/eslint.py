"""AIG205: a change that makes ESLint or Biome check less."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from aiguard.findings import Category
from aiguard.lint.rule import Flag, Pass

from ._base import ConfigRule, is_generated_path, show
from ._doc import MISSING, SPREAD_KEY, UNKNOWN, Doc, Path

_LEVELS = {"off": 0, "warn": 1, "error": 2, "0": 0, "1": 1, "2": 2}
_BIOME_LEVELS = {"off": 0, "info": 1, "warn": 1, "on": 2, "error": 2}
_NAMES = {0: "off", 1: "warn", 2: "error"}
GLOBAL = "*"
_FLAT = re.compile(r"^eslint\.config\.[cm]?[jt]s$")
_LEGACY_JS = re.compile(r"^\.eslintrc\.c?js$")
_MAX_WARNINGS = re.compile(r"--max-warnings(?:=|\s+)(-?\d+)")


@dataclass
class _Setting:
    level: int
    line: int


@dataclass
class _Lint:
    """Rule levels by scope (GLOBAL, or the `files` globs of an override), ignores, presets."""

    tool: str
    scopes: dict[str, dict[str, _Setting]] = field(default_factory=dict)
    scope_files: dict[str, frozenset[str]] = field(default_factory=dict)
    scope_lines: dict[str, int] = field(default_factory=dict)
    open_scopes: set[str] = field(default_factory=set)  # rules objects with a spread in them
    ignores: dict[str, int] = field(default_factory=dict)
    presets: dict[str, int] = field(default_factory=dict)
    flags: dict[str, tuple[Any, int]] = field(default_factory=dict)  # biome switches

    def counterpart(self, scope: str, files: frozenset[str]) -> str | None:
        """The scope here that covers the files `scope` covers elsewhere (globs may be reworded)."""
        if scope in self.scopes:
            return scope
        return next((s for s, f in self.scope_files.items() if f & files), None)


def _level(value: Any, table: dict[str, int]) -> int | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("level")
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and value in (0, 1, 2):
        return int(value)
    if isinstance(value, str):
        return table.get(value.strip().lower())
    return None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _scope_key(files: list[str]) -> str:
    return json.dumps(sorted(files)) if files else GLOBAL


def _read_rules(lint: _Lint, doc: Doc, path: Path, scope: str, files: list[str]) -> None:
    rules = doc.get(path)
    if not isinstance(rules, dict):
        if rules is UNKNOWN:
            lint.open_scopes.add(scope)
        return
    table = lint.scopes.setdefault(scope, {})
    lint.scope_files.setdefault(scope, frozenset(files))
    lint.scope_lines.setdefault(scope, doc.line(path))
    for name, value in rules.items():
        if name == SPREAD_KEY:
            lint.open_scopes.add(scope)
            continue
        level = _level(value, _LEVELS)
        if level is not None:
            table[name] = _Setting(level, doc.line((*path, name)))


def _read_legacy(doc: Doc, base: Path) -> _Lint | None:
    config = doc.get(base)
    if not isinstance(config, dict):
        return None
    lint = _Lint("eslint")
    _read_rules(lint, doc, (*base, "rules"), GLOBAL, [])
    for pattern, line in _indexed(doc, (*base, "ignorePatterns")):
        lint.ignores.setdefault(pattern, line)
    for preset, line in _indexed(doc, (*base, "extends")):
        lint.presets.setdefault(preset, line)
    overrides = config.get("overrides")
    for index, override in enumerate(overrides if isinstance(overrides, list) else []):
        if isinstance(override, dict):
            files = _strings(override.get("files"))
            path = (*base, "overrides", index)
            _read_rules(lint, doc, (*path, "rules"), _scope_key(files), files)
            for preset, line in _indexed(doc, (*path, "extends")):
                lint.presets.setdefault(preset, line)
    return lint


def _read_flat(doc: Doc) -> _Lint | None:
    data = doc.data
    items = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    if not items:
        return None
    lint = _Lint("eslint")
    for index, item in enumerate(items):
        if item is UNKNOWN:
            text = doc.opaque.get((index,))
            for preset in _presets_in(text.removeprefix("...").strip() if text else ""):
                lint.presets.setdefault(preset, doc.line((index,)))
            continue
        if not isinstance(item, dict):
            continue
        files = _strings(item.get("files"))
        if "ignores" in item and set(item) <= {"ignores", "name"}:
            for pattern, line in _indexed(doc, (index, "ignores")):
                lint.ignores.setdefault(pattern, line)
        if "files" in item and not files:
            continue  # files given but not as literals: we cannot tell where these rules apply
        _read_rules(lint, doc, (index, "rules"), _scope_key(files), files)
    return lint


def _read_biome(doc: Doc) -> _Lint:
    lint = _Lint("biome")
    for key in ("enabled",):
        value = doc.get(("linter", key))
        lint.flags[f"linter.{key}"] = (value, doc.line(("linter", key)))
    recommended = doc.get(("linter", "rules", "recommended"))
    lint.flags["linter.rules.recommended"] = (
        recommended,
        doc.line(("linter", "rules", "recommended")),
    )
    groups = doc.get(("linter", "rules"))
    table = lint.scopes.setdefault(GLOBAL, {})
    lint.scope_files[GLOBAL] = frozenset()
    for group, rules in groups.items() if isinstance(groups, dict) else []:
        if group == "recommended":
            continue
        if isinstance(rules, str):
            level = _level(rules, _BIOME_LEVELS)
            if level is not None:
                table[f"{group}/*"] = _Setting(level, doc.line(("linter", "rules", group)))
            continue
        for name, value in rules.items() if isinstance(rules, dict) else []:
            level = _level(value, _BIOME_LEVELS)
            if name not in ("recommended", "all") and level is not None:
                table[f"{group}/{name}"] = _Setting(
                    level, doc.line(("linter", "rules", group, name))
                )
    for path in (("files", "ignore"), ("linter", "ignore")):
        for pattern, line in _indexed(doc, path):
            lint.ignores.setdefault(pattern, line)
    for path in (("files", "includes"), ("linter", "includes")):
        for pattern, line in _indexed(doc, path):
            if pattern.startswith("!"):
                lint.ignores.setdefault(pattern[1:].lstrip("!"), line)
    return lint


def _indexed(doc: Doc, path: Path) -> list[tuple[str, int]]:
    value = doc.get(path)
    if isinstance(value, str):
        return [(value, doc.line(path))]
    if isinstance(value, list):
        return [(v, doc.line((*path, i))) for i, v in enumerate(value) if isinstance(v, str)]
    return []


_PRESET_CALL = re.compile(r"^([\w$.]+)\((.*)\)$", re.DOTALL)
_STRING_ARG = re.compile(r"""\s*(?:"([^"]*)"|'([^']*)')\s*(?:,|$)""")


def _presets_in(text: str) -> list[str]:
    """`compat.extends("a", "b")` -> [`compat.extends("a")`, `compat.extends("b")`]; else [text]."""
    call = _PRESET_CALL.match(text)
    if call is None:
        return [text] if text else []
    args, position, found = call.group(2), 0, []
    while position < len(args):
        match = _STRING_ARG.match(args, position)
        if match is None or match.end() == position:
            return [text]
        found.append(f'{call.group(1)}("{match.group(1) or match.group(2) or ""}")')
        position = match.end()
    return found or [text]


def _family(preset: str) -> str:
    """`plugin:x/recommended` -> `plugin:x`, `tseslint.configs.strict` -> `tseslint.configs`."""
    cleaned = preset.removeprefix("...").strip()
    call = _PRESET_CALL.match(cleaned)
    if call is not None:
        return f"{call.group(1)}({_family(call.group(2).strip(chr(34) + chr(39)))})"
    for separator in ("/", "."):
        if separator in cleaned:
            return cleaned.rsplit(separator, 1)[0]
    return cleaned.split(":", 1)[0]


class EslintWeakened(ConfigRule):
    id = "AIG205"
    name = "eslint-config-weakened"
    category = Category.CONFIG_WEAKENING
    files = (
        ".eslintrc", ".eslintrc.json", ".eslintrc.yml", ".eslintrc.yaml", ".eslintrc.js",
        ".eslintrc.cjs", "eslint.config.js", "eslint.config.mjs", "eslint.config.cjs",
        "eslint.config.ts", "eslint.config.mts", "eslint.config.cts", "package.json",
        ".eslintignore", "biome.json", "biome.jsonc",
    )  # fmt: skip
    summary = "ESLint/Biome check less: rules turned off, downgraded or removed, files ignored"
    rationale = (
        'Setting a rule to "off", downgrading it from error to warn, deleting it or a preset, '
        "ignoring more files, or raising `--max-warnings` makes the linter stop failing on what "
        "it found. For an assistant that cannot make lint pass, it is the shortest path to green."
    )
    fix = (
        "Fix the reported code, or silence one line with `// eslint-disable-next-line rule -- "
        "reason`. If a rule really does not fit the project, drop it in a change of its own that "
        "says why."
    )
    interest = None  # an ignored path or a rule line can be any text
    tags = ("eslint", "biome", "javascript", "typescript", "lint")
    examples: ClassVar[tuple[Flag | Pass, ...]] = (
        Flag(
            """
                import js from "@eslint/js";
                export default [
                  js.configs.recommended,
                  {
                    rules: {
                      "no-console": "off",
                      eqeqeq: "warn",
                    },
                  },
                ];
            """,
            line=(6, 7),
            before="""
                import js from "@eslint/js";
                export default [
                  js.configs.recommended,
                  {
                    rules: {
                      "no-console": "error",
                      eqeqeq: "error",
                    },
                  },
                ];
            """,
            path="eslint.config.js",
        ),
        Flag(
            """
                export default [
                  { ignores: ["dist/", "src/payments/**"] },
                  { rules: { "no-unused-vars": "error" } },
                ];
            """,
            line=2,
            before="""
                export default [
                  { ignores: ["dist/"] },
                  { rules: { "no-unused-vars": "error" } },
                ];
            """,
            path="eslint.config.mjs",
            message='eslint ignores: added "src/payments/**"',
        ),
        Flag(
            """
                {
                  "extends": ["eslint:recommended"],
                  "rules": {
                    "no-undef": "error"
                  }
                }
            """,
            line=4,
            before="""
                {
                  "extends": ["eslint:recommended"],
                  "rules": {
                    "no-undef": "error",
                    "@typescript-eslint/no-explicit-any": "error"
                  }
                }
            """,
            path=".eslintrc.json",
            message="@typescript-eslint/no-explicit-any: error -> (removed)",
        ),
        Flag(
            """
                extends: eslint:recommended
                rules:
                  eqeqeq: error
                overrides:
                  - files: ["src/legacy/**"]
                    rules:
                      eqeqeq: 0
            """,
            line=7,
            before="""
                extends: eslint:recommended
                rules:
                  eqeqeq: error
            """,
            path=".eslintrc.yml",
            message='eslint rule eqeqeq for ["src/legacy/**"]: error -> off',
        ),
        Flag(
            """
                module.exports = {
                  extends: ["eslint:recommended"],
                  rules: { "no-debugger": "error" },
                };
            """,
            line=2,
            before="""
                module.exports = {
                  extends: ["eslint:recommended", "plugin:security/recommended"],
                  rules: { "no-debugger": "error" },
                };
            """,
            path=".eslintrc.cjs",
            message='eslint extends: removed "plugin:security/recommended"',
        ),
        Flag(
            """
                {
                  "scripts": {
                    "lint": "eslint . --max-warnings 50"
                  }
                }
            """,
            line=3,
            before="""
                {
                  "scripts": {
                    "lint": "eslint . --max-warnings 0"
                  }
                }
            """,
            path="package.json",
            message="--max-warnings: 0 -> 50",
        ),
        Flag(
            "node_modules/\ndist/\nsrc/api/\n",
            line=3,
            before="node_modules/\ndist/\n",
            path=".eslintignore",
        ),
        Flag(
            """
                {
                  "linter": {
                    "rules": {
                      "recommended": true,
                      "suspicious": { "noExplicitAny": "off" }
                    }
                  }
                }
            """,
            line=5,
            before="""
                {
                  "linter": {
                    "rules": {
                      "recommended": true,
                      "suspicious": { "noExplicitAny": "error" }
                    }
                  }
                }
            """,
            path="biome.json",
            message="biome rule suspicious/noExplicitAny: error -> off",
        ),
        # Stricter, reordered, split into other blocks, new configs, presets upgraded: silent.
        Pass(
            """
                export default [
                  { rules: { eqeqeq: "error" } },
                  { rules: { "no-console": "error", curly: "error" } },
                ];
            """,
            before="""
                export default [
                  { rules: { "no-console": "warn", eqeqeq: "error" } },
                ];
            """,
            path="eslint.config.js",
        ),
        Pass(
            """
                import tseslint from "typescript-eslint";
                export default tseslint.config(
                  ...tseslint.configs.strict,
                  { rules: { "no-console": "off" } },
                );
            """,
            path="eslint.config.mjs",
        ),
        Pass(
            """
                import tseslint from "typescript-eslint";
                export default tseslint.config(...tseslint.configs.strictTypeChecked);
            """,
            before="""
                import tseslint from "typescript-eslint";
                export default tseslint.config(...tseslint.configs.recommended);
            """,
            path="eslint.config.mjs",
        ),
        Pass(
            """
                {
                  "name": "app",
                  "version": "1.3.0",
                  "scripts": { "lint": "eslint . --max-warnings 0" }
                }
            """,
            before="""
                {
                  "name": "app",
                  "version": "1.2.0",
                  "scripts": { "lint": "eslint . --max-warnings 0" }
                }
            """,
            path="package.json",
        ),
        Pass(
            """
                {"rules": {"eqeqeq": ["error", "always"], "no-var": "error"}}
            """,
            before="""
                {
                  "rules": {
                    "no-var": "error",
                    "eqeqeq": ["error", "smart"]
                  }
                }
            """,
            path=".eslintrc.json",
        ),
        Pass(
            """
                export default [
                  { ignores: ["dist/", "coverage/", "**/*.min.js"] },
                ];
            """,
            before="""
                export default [
                  { ignores: ["dist/"] },
                ];
            """,
            path="eslint.config.js",
        ),
    )

    def check(self) -> None:
        name = self.path.rsplit("/", 1)[-1]
        if name == ".eslintignore":
            self._check_ignore_file()
            return
        if name == "package.json":
            before_doc, after_doc = self.versions("json")
            if before_doc is not None:
                self._check_max_warnings(before_doc, after_doc)
            self._compare_docs(before_doc, after_doc, lambda d: _read_legacy(d, ("eslintConfig",)))
        elif _FLAT.match(name) or _LEGACY_JS.match(name):
            before_doc, after_doc = self.versions("js")
            reader = _read_flat if _FLAT.match(name) else lambda d: _read_legacy(d, ())
            self._compare_docs(before_doc, after_doc, reader)
        elif name.startswith("biome."):
            before_doc, after_doc = self.versions("json")
            self._compare_docs(before_doc, after_doc, _read_biome)
        else:
            kinds = ("yaml",) if name.endswith((".yml", ".yaml")) else ("json", "yaml")
            before_doc, after_doc = self.versions(*kinds)
            self._compare_docs(before_doc, after_doc, lambda d: _read_legacy(d, ()))

    def _compare_docs(
        self, before_doc: Doc | None, after_doc: Doc, reader: Callable[[Doc], _Lint | None]
    ) -> None:
        after = reader(after_doc)
        before = reader(before_doc) if before_doc is not None else None
        if after is None or before is None:
            return  # a new linter configuration chooses its rules; that is not weakening
        self._compare_rules(before, after)
        self._compare_removed(before, after)
        for pattern, line in after.ignores.items():
            if pattern.startswith("!"):
                continue  # a negated pattern checks more files, not fewer
            if pattern not in before.ignores and not is_generated_path(pattern):
                label = "ignores" if after.tool == "eslint" else "ignore"
                self.weaker(line, f'{after.tool} {label}: added "{pattern}"')
        self._compare_presets(before, after)
        for key, (value, line) in after.flags.items():
            old = before.flags.get(key, (MISSING, 1))[0]
            if value is False and old is not False:  # both switches default to true
                self.weaker(line, f"{after.tool} {key}: {show(old)} -> false")

    def _compare_rules(self, before: _Lint, after: _Lint) -> None:
        for scope, rules in after.scopes.items():
            counterpart = before.counterpart(scope, after.scope_files.get(scope, frozenset()))
            old_rules = before.scopes.get(counterpart, {}) if counterpart else {}
            old_global = before.scopes.get(GLOBAL, {})
            where = "" if scope == GLOBAL else f" for {scope}"
            for name, setting in rules.items():
                old = old_rules.get(name) or (old_global.get(name) if scope != GLOBAL else None)
                if old is not None and setting.level < old.level:
                    was, now = self._label(old), self._label(setting)
                    self.weaker(setting.line, f"{after.tool} rule {name}{where}: {was} -> {now}")
                elif old is None and setting.level == 0:
                    self.weaker(setting.line, f"{after.tool} rule {name}{where}: (unset) -> off")

    def _compare_removed(self, before: _Lint, after: _Lint) -> None:
        for scope, rules in before.scopes.items():
            counterpart = after.counterpart(scope, before.scope_files.get(scope, frozenset()))
            if counterpart in after.open_scopes or (counterpart is None and after.open_scopes):
                continue  # rules may come from the spread we cannot read
            new_rules = after.scopes.get(counterpart, {}) if counterpart else {}
            new_global = after.scopes.get(GLOBAL, {})
            lost = [
                (name, setting)
                for name, setting in rules.items()
                if setting.level > 0
                and name not in new_rules
                and not (
                    scope != GLOBAL and new_global.get(name, _Setting(0, 0)).level >= setting.level
                )
            ]
            if not lost:
                continue
            if counterpart is None and scope != GLOBAL:
                names = ", ".join(name for name, _ in lost)
                line = before.scope_lines.get(scope, lost[0][1].line)
                self.removed(line, f"{after.tool} override for {scope} removed (it set {names})")
                continue
            for name, setting in lost:
                where = "" if scope == GLOBAL else f" for {scope}"
                message = f"{after.tool} rule {name}{where}: {self._label(setting)} -> (removed)"
                self.removed(setting.line, message)

    def _compare_presets(self, before: _Lint, after: _Lint) -> None:
        added = {_family(p) for p in after.presets if p not in before.presets}
        for preset, line in before.presets.items():
            if preset in after.presets or _family(preset) in added:
                continue
            self.removed(line, f'{after.tool} extends: removed "{preset}"')

    def _label(self, setting: _Setting) -> str:
        return _NAMES.get(setting.level, str(setting.level))

    def _check_max_warnings(self, before_doc: Doc, after_doc: Doc) -> None:
        old_scripts, new_scripts = before_doc.get(("scripts",)), after_doc.get(("scripts",))
        if not isinstance(old_scripts, dict) or not isinstance(new_scripts, dict):
            return
        for name, command in new_scripts.items():
            old = old_scripts.get(name)
            if not isinstance(command, str) or not isinstance(old, str) or "lint" not in command:
                continue
            old_max, new_max = _MAX_WARNINGS.search(old), _MAX_WARNINGS.search(command)
            if old_max is None:
                continue
            was = int(old_max.group(1))
            now = int(new_max.group(1)) if new_max else -1
            if was >= 0 and (now < 0 or now > was):
                shown = str(now) if new_max else "(removed)"
                line = after_doc.line(("scripts", name))
                self.weaker(line, f"eslint --max-warnings: {was} -> {shown} in script {name}")

    def _check_ignore_file(self) -> None:
        def patterns(lines: list[str]) -> set[str]:
            return {ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("#")}

        if self.before is None:
            return  # a new ignore file comes with a new setup
        self.compared = True
        old = patterns(self.before.lines)
        for number, text in enumerate(self.after.lines, start=1):
            pattern = text.strip()
            if (
                pattern
                and not pattern.startswith(("#", "!"))
                and pattern not in old
                and not is_generated_path(pattern)
            ):
                self.weaker(number, f'eslint ignore file: added "{pattern}"')
