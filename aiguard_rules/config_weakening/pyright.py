"""AIG202: a change that makes pyright or basedpyright check less."""

from __future__ import annotations

from typing import Any, ClassVar

from aiguard.findings import Category
from aiguard.lint.rule import Flag, Pass

from ._base import REMOVED, ConfigRule, as_list, is_generated_path, show
from ._doc import MISSING, Doc, Path

_MODES = ("off", "basic", "standard", "strict")
_MODE_RANK = {"off": 0, "basic": 1, "standard": 2, "strict": 3, "recommended": 4, "all": 5}
_LEVEL_RANK = {"none": 0, "hint": 1, "information": 1, "warning": 2, "error": 3}
_CODES = {"n": "none", "w": "warning", "e": "error", "t": True, "f": False}

# Defaults per type-checking mode (off, basic, standard, strict), from pyright's
# docs/configuration.md "Diagnostic Settings Defaults": n none, w warning, e error, t/f booleans.
_DEFAULTS = {
    "analyzeUnannotatedFunctions": "tttt",
    "strictParameterNoneValue": "tttt",
    "disableBytesTypePromotions": "ffft",
    "strictListInference": "ffft",
    "strictDictionaryInference": "ffft",
    "strictSetInference": "ffft",
    "reportMissingTypeStubs": "nnne",
    "reportMissingModuleSource": "wwww",
    "reportInvalidTypeForm": "weee",
    "reportMissingImports": "weee",
    "reportUndefinedVariable": "weee",
    **dict.fromkeys(
        ["reportAssertAlwaysTrue", "reportInvalidStringEscapeSequence", "reportInvalidTypeVarUse",
         "reportSelfClsParameterName", "reportUnsupportedDunderAll", "reportUnusedExpression",
         "reportWildcardImportFromLibrary"],
        "nwwe",
    ),
    **dict.fromkeys(
        ["reportAbstractUsage", "reportArgumentType", "reportAssertTypeFailure",
         "reportAssignmentType", "reportAttributeAccessIssue", "reportCallIssue",
         "reportGeneralTypeIssues", "reportInconsistentOverload", "reportIndexIssue",
         "reportInvalidTypeArguments", "reportNoOverloadImplementation", "reportOperatorIssue",
         "reportOptionalSubscript", "reportOptionalMemberAccess", "reportOptionalCall",
         "reportOptionalIterable", "reportOptionalContextManager", "reportOptionalOperand",
         "reportRedeclaration", "reportReturnType", "reportTypedDictNotRequiredAccess",
         "reportPrivateImportUsage", "reportUnboundVariable", "reportUnhashable",
         "reportUnusedCoroutine", "reportUnusedExcept"],
        "neee",
    ),
    **dict.fromkeys(
        ["reportFunctionMemberAccess", "reportIncompatibleMethodOverride",
         "reportIncompatibleVariableOverride", "reportOverlappingOverload",
         "reportPossiblyUnbound"],
        "nnee",
    ),
    **dict.fromkeys(
        ["reportConstantRedefinition", "reportDeprecated", "reportDuplicateImport",
         "reportIncompleteStub", "reportInconsistentConstructor", "reportInvalidStubStatement",
         "reportMatchNotExhaustive", "reportMissingParameterType", "reportMissingTypeArgument",
         "reportPrivateUsage", "reportTypeCommentUsage", "reportUnknownArgumentType",
         "reportUnknownLambdaType", "reportUnknownMemberType", "reportUnknownParameterType",
         "reportUnknownVariableType", "reportUnnecessaryCast", "reportUnnecessaryComparison",
         "reportUnnecessaryContains", "reportUnnecessaryIsInstance", "reportUnusedClass",
         "reportUnusedImport", "reportUnusedFunction", "reportUnusedVariable",
         "reportUntypedBaseClass", "reportUntypedClassDecorator",
         "reportUntypedFunctionDecorator", "reportUntypedNamedTuple"],
        "nnne",
    ),
}  # fmt: skip
# Booleans whose `true` checks less.
_WEAK_TRUE = frozenset({"enableTypeIgnoreComments"})
_TABLES = (("tool", "pyright"), ("tool", "basedpyright"))


def _rank(key: str, value: Any) -> int | None:
    """How strict a setting's value is (higher: stricter); None when it is not comparable."""
    if key == "typeCheckingMode":
        return _MODE_RANK.get(str(value).lower()) if isinstance(value, str) else None
    if isinstance(value, bool):
        if key.startswith("report"):
            return 3 if value else 0
        return int(not value) if key in _WEAK_TRUE else int(value)
    if isinstance(value, str) and key.startswith("report"):
        return _LEVEL_RANK.get(value.lower())
    return None


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


class _Pyright:
    """One pyright configuration: its settings, where they stand, and its defaults."""

    def __init__(self, doc: Doc, base: tuple[str, ...], based: bool) -> None:
        table = doc.get(base)
        self.doc = doc
        self.base = base
        self.settings: dict[str, Any] = table if isinstance(table, dict) else {}
        self.based = based

    @property
    def mode(self) -> str:
        mode = self.settings.get("typeCheckingMode")
        if isinstance(mode, str) and mode.lower() in _MODE_RANK:
            return mode.lower()
        return "recommended" if self.based else "standard"

    def effective(self, key: str) -> Any:
        if key in self.settings:
            return self.settings[key]
        if key == "typeCheckingMode":
            return self.mode
        if self.mode in ("recommended", "all"):
            return MISSING  # basedpyright's own tables: no default we can be sure of
        codes = _DEFAULTS.get(key)
        return _CODES[codes[_MODES.index(self.mode)]] if codes else MISSING

    def line(self, key: str, index: int | None = None) -> int:
        path: Path = (*self.base, key) if index is None else (*self.base, key, index)
        return self.doc.line(path)


class PyrightWeakened(ConfigRule):
    id = "AIG202"
    name = "pyright-config-weakened"
    category = Category.CONFIG_WEAKENING
    files = ("pyrightconfig.json", "pyproject.toml")
    summary = (
        "pyright checks less: typeCheckingMode lowered, report* rules turned off, paths ignored"
    )
    rationale = (
        'Lowering `typeCheckingMode`, setting a `report*` rule to "none" or false, or adding '
        "paths to `ignore` makes pyright stop reporting errors rather than fixing them: the "
        "errors stay in the code and the next real bug of that kind ships."
    )
    fix = (
        "Fix the reported errors, or silence one line with `# pyright: ignore[rule]` and a "
        "reason. Keep the mode and the rule levels as strict as they were."
    )
    interest = None  # a path added to `ignore` can stand alone on any line
    tags = ("pyright", "python", "typing")
    examples: ClassVar[tuple[Flag | Pass, ...]] = (
        Flag(
            '{\n  "typeCheckingMode": "basic"\n}\n',
            line=2,
            before='{\n  "typeCheckingMode": "strict"\n}\n',
            path="pyrightconfig.json",
            message="pyright typeCheckingMode: strict -> basic",
        ),
        Flag(
            '{\n  // too noisy\n  "reportOptionalMemberAccess": "none",\n'
            '  "reportMissingImports": false,\n}\n',
            line=(3, 4),
            before="{}\n",
            path="pyrightconfig.json",
        ),
        Flag(
            '[tool.pyright]\nignore = [\n  "src/legacy",\n  "src/payments",\n]\n',
            line=4,
            before='[tool.pyright]\nignore = [\n  "src/legacy",\n]\n',
            path="pyproject.toml",
            message='pyright ignore: added "src/payments"',
        ),
        Flag(
            '[tool.pyright]\npythonVersion = "3.12"\n',
            line=2,
            before='[tool.pyright]\npythonVersion = "3.12"\ntypeCheckingMode = "strict"\n',
            path="pyproject.toml",
            message="typeCheckingMode: strict -> (removed)",
        ),
        Flag(
            '{\n  "typeCheckingMode": "strict",\n  "reportUnknownMemberType": "warning"\n}\n',
            line=3,
            before='{\n  "typeCheckingMode": "strict"\n}\n',
            path="pyrightconfig.json",
        ),
        Flag(
            '{\n  "strict": ["src/core"]\n}\n',
            line=2,
            before='{\n  "strict": ["src/core", "src/api"]\n}\n',
            path="pyrightconfig.json",
            message='pyright strict: removed "src/api"',
        ),
        Flag(
            '[tool.basedpyright]\ntypeCheckingMode = "standard"\n',
            line=2,
            before='[tool.basedpyright]\ntypeCheckingMode = "all"\n',
            path="pyproject.toml",
        ),
        Pass(
            '{\n  "typeCheckingMode": "strict",\n  "reportMissingImports": "error"\n}\n',
            before='{\n  "typeCheckingMode": "basic"\n}\n',
            path="pyrightconfig.json",
        ),
        Pass(
            '{\n  "reportImportCycles": "none",\n  "reportUnusedImport": false\n}\n',
            before="{}\n",
            path="pyrightconfig.json",
        ),
        Pass(
            '{\n  "reportMissingImports": "error",\n  "typeCheckingMode": "strict",\n}\n',
            before='{"typeCheckingMode": "strict", "reportMissingImports": "error"}\n',
            path="pyrightconfig.json",
        ),
        Pass(
            '{\n  "ignore": ["build", "**/node_modules", "src/gen/*_pb2.py"]\n}\n',
            before="{}\n",
            path="pyrightconfig.json",
        ),
        Pass('{\n  "typeCheckingMode": "basic"\n}\n', path="pyrightconfig.json"),
        Flag('{\n  "typeCheckingMode": "off"\n}\n', line=2, path="pyrightconfig.json"),
        Pass(
            '[tool.pyright]\ntypeCheckingMode = "strict"\npythonVersion = "3.13"\n',
            before='[tool.pyright]\ntypeCheckingMode = "strict"\npythonVersion = "3.12"\n',
            path="pyproject.toml",
        ),
    )

    def check(self) -> None:
        if self.path.endswith(".toml"):
            before_doc, after_doc = self.versions("toml")
            for base in _TABLES:
                if isinstance(after_doc.get(base), dict) or (
                    before_doc is not None and isinstance(before_doc.get(base), dict)
                ):
                    self._compare(before_doc, after_doc, base)
        else:
            before_doc, after_doc = self.versions("json")
            self._compare(before_doc, after_doc, ())

    def _compare(self, before_doc: Doc | None, after_doc: Doc, base: tuple[str, ...]) -> None:
        based = base == ("tool", "basedpyright")
        after = _Pyright(after_doc, base, based)
        before = _Pyright(before_doc if before_doc is not None else Doc({}), base, based)
        if base and not isinstance(after_doc.get(base), dict):
            return  # the whole table moved away (or was dropped): nothing stands to compare
        tool = "basedpyright" if based else "pyright"
        is_new = before_doc is None or (bool(base) and not isinstance(before_doc.get(base), dict))
        mode_lowered = (_rank("typeCheckingMode", before.mode) or 0) > (
            _rank("typeCheckingMode", after.mode) or 0
        )
        for key in sorted(set(before.settings) | set(after.settings) | set(_DEFAULTS)):
            if key != "typeCheckingMode" and not (key.startswith("report") or key in _DEFAULTS):
                continue
            if key not in _DEFAULTS and key not in after.settings and key not in before.settings:
                continue
            old, new = before.effective(key), after.effective(key)
            old_rank, new_rank = _rank(key, old), _rank(key, new)
            if old_rank is None or new_rank is None or new_rank >= old_rank:
                continue
            if key == "typeCheckingMode" and is_new and new != "off":
                continue  # a new configuration may pick a milder mode; only "off" starts weak
            explicit = key in before.settings or key in after.settings
            if key != "typeCheckingMode" and mode_lowered and not explicit:
                continue  # follows the mode, which is reported itself
            if key in after.settings:
                was = show(old) if key in before.settings else f"{show(old)} (default)"
                message = f"{tool} {key}: {was} -> {show(new)}"
                self.weaker(after.line(key), message)
            elif key in before.settings:
                self.removed(before.line(key), f"{tool} {key}: {show(old)} -> {REMOVED}")
        self._compare_paths(before, after, tool)

    def _compare_paths(self, before: _Pyright, after: _Pyright, tool: str) -> None:
        old_ignore = set(as_list(before.settings.get("ignore", MISSING)))
        for index, entry in enumerate(_items(after.settings.get("ignore"))):
            if isinstance(entry, str) and entry not in old_ignore and not is_generated_path(entry):
                self.weaker(after.line("ignore", index), f'{tool} ignore: added "{entry}"')
        new_strict = set(as_list(after.settings.get("strict", MISSING)))
        for index, entry in enumerate(_items(before.settings.get("strict"))):
            if isinstance(entry, str) and entry not in new_strict:
                self.removed(before.line("strict", index), f'{tool} strict: removed "{entry}"')
