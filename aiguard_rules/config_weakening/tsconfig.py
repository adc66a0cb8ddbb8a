"""AIG204: a change that makes the TypeScript compiler check less (tsconfig*.json)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any, ClassVar

from aiguard.findings import Category
from aiguard.lint.rule import Flag, Pass
from aiguard.source import Source, SourceError

from ._base import REMOVED, ConfigRule, Verbatim, as_bool, is_generated_path, show
from ._doc import MISSING, UNKNOWN, Doc, parse_json

# Turned on by `"strict": true` (TypeScript's --strict family).
STRICT_FAMILY = (
    "noImplicitAny", "noImplicitThis", "alwaysStrict", "strictBindCallApply",
    "strictFunctionTypes", "strictNullChecks", "strictPropertyInitialization",
    "useUnknownInCatchVariables", "strictBuiltinIteratorReturn",
)  # fmt: skip
# Booleans whose `true` checks more (outside the strict family); all default to false except
# forceConsistentCasingInFileNames (true since TypeScript 5.0).
STRONG_TRUE = (
    "noUncheckedIndexedAccess", "noImplicitReturns", "noFallthroughCasesInSwitch",
    "noUnusedLocals", "noUnusedParameters", "exactOptionalPropertyTypes", "noImplicitOverride",
    "noPropertyAccessFromIndexSignature", "forceConsistentCasingInFileNames", "checkJs",
    "noUncheckedSideEffectImports",
)  # fmt: skip
# Booleans whose `true` checks less.
WEAK_TRUE = (
    "skipLibCheck", "skipDefaultLibCheck", "suppressImplicitAnyIndexErrors",
    "suppressExcessPropertyErrors", "noStrictGenericChecks", "keyofStringsOnly",
    "allowUnreachableCode", "allowUnusedLabels",
)  # fmt: skip
# Weak on their own: reported even in a new tsconfig that extends nothing.
_ALWAYS_WEAK = frozenset(
    {"suppressImplicitAnyIndexErrors", "suppressExcessPropertyErrors", "noStrictGenericChecks"}
)
_DEFAULT_TRUE = frozenset({"forceConsistentCasingInFileNames"})
_CANONICAL = {
    name.lower(): name for name in (*STRICT_FAMILY, *STRONG_TRUE, *WEAK_TRUE, "strict", "allowJs")
}
_MAX_EXTENDS = 8


@dataclass
class _Options:
    """compilerOptions merged along the `extends` chain (`resolved`: every link was read)."""

    own: dict[str, Any] = field(default_factory=dict)
    inherited: dict[str, Any] = field(default_factory=dict)
    resolved: bool = True

    def value(self, key: str) -> Any:
        if key in self.own:
            return self.own[key]
        if key in self.inherited:
            return self.inherited[key]
        return MISSING if self.resolved else UNKNOWN

    def effective(self, key: str) -> Any:
        """The boolean tsc would use, or UNKNOWN when a base config could not be read."""
        value = self.value(key)
        if value is UNKNOWN:
            return UNKNOWN
        if value is not MISSING:
            return as_bool(value)
        if key in STRICT_FAMILY:
            strict = self.value("strict")
            return UNKNOWN if strict is UNKNOWN else bool(as_bool(strict))
        return key in _DEFAULT_TRUE


def _compiler_options(data: Any) -> dict[str, Any]:
    options = data.get("compilerOptions") if isinstance(data, dict) else None
    if not isinstance(options, dict):
        return {}
    return {_canonical(str(k)): v for k, v in options.items()}


def _canonical(key: str) -> str:
    """tsc matches option names case-insensitively; compare them by their documented spelling."""
    return _CANONICAL.get(key.lower(), key)


def _weaker(key: str, old: Any, new: Any) -> bool:
    if not isinstance(old, bool) or not isinstance(new, bool):
        return False
    if key in WEAK_TRUE:
        return new and not old
    return old and not new


class TsconfigWeakened(ConfigRule):
    id = "AIG204"
    name = "tsconfig-weakened"
    category = Category.CONFIG_WEAKENING
    files = ("tsconfig*.json", "jsconfig*.json")
    summary = "TypeScript checks less: strict flags off, skipLibCheck/allowJs added, more excluded"
    rationale = (
        "Turning off `strict`, `noImplicitAny`, `strictNullChecks` or `noUncheckedIndexedAccess`, "
        "adding `skipLibCheck`, letting JavaScript in without `checkJs`, or excluding more files "
        "makes `tsc` stop reporting the errors an assistant could not fix. The errors stay; the "
        "compiler just no longer looks."
    )
    fix = (
        "Fix the type errors, or silence one line with `// @ts-expect-error` and a reason. Keep "
        "the compiler options as strict as they were; exclude only generated code."
    )
    interest = None  # an entry added to `exclude` can stand alone on any line
    tags = ("typescript", "tsc", "typing")
    examples: ClassVar[tuple[Flag | Pass, ...]] = (
        Flag(
            '{\n  "compilerOptions": {\n    "strict": false\n  }\n}\n',
            line=3,
            before='{\n  "compilerOptions": {\n    "strict": true\n  }\n}\n',
            path="tsconfig.json",
            message="tsconfig strict: true -> false",
        ),
        Flag(
            '{\n  // relaxed for the migration\n  "compilerOptions": {\n    "strict": true,\n'
            '    "noImplicitAny": false,\n    "skipLibCheck": true,\n  },\n}\n',
            line=(5, 6),
            before='{\n  "compilerOptions": {\n    "strict": true\n  }\n}\n',
            path="tsconfig.json",
        ),
        Flag(
            '{\n  "compilerOptions": {\n    "target": "es2022"\n  }\n}\n',
            line=3,
            before='{\n  "compilerOptions": {\n    "target": "es2022",\n'
            '    "noUncheckedIndexedAccess": true\n  }\n}\n',
            path="tsconfig.json",
            message="noUncheckedIndexedAccess: true -> (removed)",
        ),
        Flag(
            '{\n  "compilerOptions": {"strict": true, "allowJs": true},\n  "include": ["src"]\n}\n',
            line=2,
            before='{\n  "compilerOptions": {"strict": true},\n  "include": ["src"]\n}\n',
            path="tsconfig.json",
            message="allowJs: (unset) -> true without checkJs",
        ),
        Flag(
            '{\n  "compilerOptions": {"strict": true},\n  "exclude": [\n    "node_modules",\n'
            '    "src/legacy/**"\n  ]\n}\n',
            line=5,
            before='{\n  "compilerOptions": {"strict": true},\n  "exclude": [\n    "node_modules"\n'
            "  ]\n}\n",
            path="tsconfig.json",
            message='tsconfig exclude: added "src/legacy/**"',
        ),
        Flag(
            '{\n  "extends": "./tsconfig.base.json",\n  "compilerOptions": {\n'
            '    "strictNullChecks": false\n  }\n}\n',
            line=4,
            path="tsconfig.test.json",
            files={"tsconfig.base.json": '{"compilerOptions": {"strict": true}}\n'},
        ),
        Pass(
            '{\n  "compilerOptions": {\n    "strict": true,\n    "noUncheckedIndexedAccess": true\n'
            "  }\n}\n",
            before='{\n  "compilerOptions": {\n    "noImplicitAny": true,\n'
            '    "strictNullChecks": true\n  }\n}\n',
            path="tsconfig.json",
        ),
        Pass(
            '{\n  "compilerOptions": {\n    "skipLibCheck": true,\n    "strict": true,\n'
            '    "target": "es2023",\n  },\n}\n',
            before='{"compilerOptions": {"strict": true, "target": "es2022",\n'
            '"skipLibCheck": true}}\n',
            path="tsconfig.json",
        ),
        Pass(
            '{\n  "compilerOptions": {\n    "strict": true,\n    "skipLibCheck": true,\n'
            '    "allowJs": true\n  }\n}\n',
            path="tsconfig.json",
        ),
        Pass(
            '{\n  "extends": "./tsconfig.base.json",\n  "compilerOptions": {"outDir": "dist"}\n}\n',
            before='{\n  "compilerOptions": {"strict": true, "outDir": "dist"}\n}\n',
            path="tsconfig.json",
            files={"tsconfig.base.json": '{"compilerOptions": {"strict": true}}\n'},
        ),
        Pass(
            '{\n  "extends": "@tsconfig/strictest/tsconfig.json",\n  "compilerOptions": {}\n}\n',
            before='{\n  "extends": "@tsconfig/strictest/tsconfig.json",\n'
            '  "compilerOptions": {"strict": true}\n}\n',
            path="tsconfig.json",
        ),
        Pass(
            '{\n  "compilerOptions": {"strict": true, "allowJs": true, "checkJs": true}\n}\n',
            before='{\n  "compilerOptions": {"strict": true}\n}\n',
            path="tsconfig.json",
        ),
        Pass(
            '{\n  "exclude": ["node_modules", "dist", "coverage", "**/*.d.ts"]\n}\n',
            before='{\n  "exclude": ["node_modules"]\n}\n',
            path="tsconfig.json",
        ),
    )

    def check(self) -> None:
        before_doc, after_doc = self.versions("json")
        after = self._options(after_doc)
        if before_doc is None:
            self._check_new(after_doc, after)
            return
        before = self._options(before_doc)
        strict_dropped = _weaker("strict", before.effective("strict"), after.effective("strict"))
        for key in ("strict", *STRICT_FAMILY, *STRONG_TRUE, *WEAK_TRUE):
            old, new = before.effective(key), after.effective(key)
            if not _weaker(key, old, new):
                continue
            if (
                key in STRICT_FAMILY
                and strict_dropped
                and key not in before.own
                and key not in after.own
            ):
                continue  # follows `strict`, which is reported itself
            self._report(before_doc, after_doc, before, after, key)
        self._check_allow_js(before, after, after_doc)
        self._check_exclude(before_doc, after_doc)

    def _check_new(self, after_doc: Doc, after: _Options) -> None:
        """A new tsconfig: weaker than what it extends, or weak on its own."""
        extends = after_doc.get(("extends",)) not in (MISSING, None)
        for key, value in after.own.items():
            if key not in _CANONICAL.values():
                continue
            baseline = _Options(inherited=after.inherited, resolved=after.resolved)
            if extends and after.resolved:
                weak = _weaker(key, baseline.effective(key), after.effective(key))
            else:
                carve_out = key in STRICT_FAMILY and after.effective("strict") is True
                weak = (key in _ALWAYS_WEAK and as_bool(value) is True) or (
                    carve_out and as_bool(value) is False
                )
            if weak:
                line = after_doc.line(("compilerOptions", self._raw_key(after_doc, key)))
                self.weaker(line, f"tsconfig {key}: {show(baseline.value(key))} -> {show(value)}")

    def _report(
        self, before_doc: Doc, after_doc: Doc, before: _Options, after: _Options, key: str
    ) -> None:
        old_raw = before.value(key)
        if old_raw is MISSING and key in STRICT_FAMILY and before.effective("strict") is True:
            old_raw = Verbatim("true (via strict)")
        if key in after.own:
            line = after_doc.line(("compilerOptions", self._raw_key(after_doc, key)))
            self.weaker(line, f"tsconfig {key}: {show(old_raw)} -> {show(after.own[key])}")
        elif key in before.own:
            line = before_doc.line(("compilerOptions", self._raw_key(before_doc, key)))
            self.removed(line, f"tsconfig {key}: {show(old_raw)} -> {REMOVED}")
        elif after_doc.get(("extends",)) is not MISSING:
            new = after.value(key)
            self.weaker(
                after_doc.line(("extends",)),
                f"tsconfig {key}: {show(old_raw)} -> {show(new)} (through extends)",
            )

    def _check_allow_js(self, before: _Options, after: _Options, after_doc: Doc) -> None:
        if as_bool(after.value("allowJs")) is not True or after.effective("checkJs") is True:
            return
        if as_bool(before.value("allowJs")) is True:
            return
        line = after_doc.line(("compilerOptions", self._raw_key(after_doc, "allowJs")))
        self.weaker(
            line, f"tsconfig allowJs: {show(before.value('allowJs'))} -> true without checkJs"
        )

    def _check_exclude(self, before_doc: Doc, after_doc: Doc) -> None:
        new = after_doc.get(("exclude",))
        if not isinstance(new, list):
            return
        old = before_doc.get(("exclude",))
        old_entries = (
            set(old)
            if isinstance(old, list)
            else {"node_modules", "bower_components", "jspm_packages"}
        )
        for index, entry in enumerate(new):
            if isinstance(entry, str) and entry not in old_entries and not is_generated_path(entry):
                self.weaker(
                    after_doc.line(("exclude", index)), f'tsconfig exclude: added "{entry}"'
                )

    @staticmethod
    def _raw_key(doc: Doc, key: str) -> str:
        options = doc.get(("compilerOptions",))
        if isinstance(options, dict):
            return next((k for k in options if k.lower() == key.lower()), key)
        return key

    # -- extends ---------------------------------------------------------------------------

    def _options(self, doc: Doc) -> _Options:
        options = _Options(own=_compiler_options(doc.data))
        self._inherit(options, doc.data, posixpath.dirname(self.path), 0)
        return options

    def _inherit(self, options: _Options, data: Any, directory: str, depth: int) -> None:
        extends = data.get("extends") if isinstance(data, dict) else None
        if extends is None:
            return
        targets = extends if isinstance(extends, list) else [extends]
        for target in reversed(targets):  # later entries win, and own options win over all
            base = self._read_base(target, directory) if isinstance(target, str) else None
            if base is None or depth >= _MAX_EXTENDS:
                options.resolved = False
                continue
            base_data, base_dir = base
            for key, value in _compiler_options(base_data).items():
                options.inherited.setdefault(key, value)
            self._inherit(options, base_data, base_dir, depth + 1)

    def _read_base(self, target: str, directory: str) -> tuple[Any, str] | None:
        """A base config's data and directory, read from the project (never executed)."""
        if target.startswith("/"):
            return None  # an absolute path outside the repository
        if target.startswith("."):
            candidates = [posixpath.normpath(posixpath.join(directory, target))]
        else:
            root = (
                posixpath.join(directory, "node_modules", target)
                if directory
                else posixpath.join("node_modules", target)
            )
            candidates = [
                posixpath.normpath(root),
                posixpath.join(posixpath.normpath(root), "tsconfig.json"),
            ]
        for candidate in candidates:
            for path in (
                (candidate, candidate + ".json")
                if not candidate.endswith(".json")
                else (candidate,)
            ):
                text = self.project.read_text(path)
                if text is None:
                    continue
                try:
                    return parse_json(Source(path, text)).data, posixpath.dirname(path)
                except SourceError:
                    return None
        return None
