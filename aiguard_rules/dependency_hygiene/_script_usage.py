"""Which npm packages a JavaScript/TypeScript project uses: a cheap "mentioned anywhere?" index.

The unused-dependency rule asks one question per added dependency: does anything under the
package.json's directory use it? Code and stylesheets use a package through string literals
(`import`, `require`, `import()`, `jest.mock("x")`, `target: "pino-pretty"`, `@import "~x"`);
tools use it through package.json `scripts`, other package.json fields (`"prettier":
"@acme/prettier-config"`), config files (`.eslintrc` plugins, `postcss.config.js` keys,
`tsconfig.json` `types`/`extends`), CI workflows and git hooks. This index is deliberately
generous: a mention of any kind counts as use, since a wrong "unused" is the costly mistake.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiguard.facts.node.jsonc import JsonError, parse_jsonc
from aiguard.facts.node.package_json import DEPENDENCY_SECTIONS
from aiguard.memo import MemoKey

if TYPE_CHECKING:
    from aiguard.project import Project

_CODE_SUFFIXES = (
    ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".vue", ".svelte", ".astro",
    ".mdx", ".css", ".scss", ".sass", ".less", ".styl", ".html",
)  # fmt: skip
# Quoted strings that look like module specifiers: "x", '@s/x/sub', `x/y`, "~x/y" (sass/webpack).
_QUOTED_SPECIFIER = re.compile(
    r"""["'`]~?((?:@[a-z0-9][\w.~-]*/)?[a-z0-9][\w.~-]*)(?:/[^"'`\s]*)?["'`]""", re.IGNORECASE
)
# Config, CI and hook files whose every word may name a tool package.
_CONFIG_FILE = re.compile(
    r"""(?:^|/)(?:
        \.[\w-]*rc(?:\.[\w]+)?     # .eslintrc.json, .babelrc, .prettierrc.yaml, .mocharc.js
      | [\w.-]+\.config\.[\w]+     # jest.config.ts, postcss.config.cjs, eslint.config.mjs
      | (?:ts|js)config[\w.-]*\.json
      | nodemon\.json | vercel\.json | netlify\.toml | turbo\.json | nx\.json | lerna\.json
      | angular\.json | project\.json | app\.json | Makefile | Dockerfile[\w.-]* | Procfile
      | \.gitlab-ci\.yml
      | \.github/workflows/[^/]+\.ya?ml
      | \.husky/[^/]+
    )$""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class UsageIndex:
    """What the files under one directory mention.

    `code_names`: package names in quoted specifier-like strings of code and style files.
    `config_text`: the text of config/CI/hook files and of package.json outside its dependency
    lists (scripts included), where tools are named by their package or binary name.
    """

    code_names: frozenset[str]
    config_text: str


_USAGE: MemoKey[UsageIndex] = MemoKey("dependency-hygiene: JS usage, by directory")


def usage_index(project: Project, directory: str) -> UsageIndex:
    """The usage index of the files under `directory` (repo-relative, "" for the root)."""
    return project.memo(_USAGE.at(directory), lambda: _build(project, directory))


def _build(project: Project, directory: str) -> UsageIndex:
    prefix = f"{directory}/" if directory else ""
    names: set[str] = set()
    config_parts: list[str] = []
    for path in project.files:
        if not path.startswith(prefix) or "node_modules/" in path:
            continue
        base = posixpath.basename(path)
        is_config = bool(_CONFIG_FILE.search(path))
        if base == "package.json":
            text = project.read_text(path)
            if text is not None:
                config_parts.append(_without_dependencies(text))
            continue
        if not (is_config or path.endswith(_CODE_SUFFIXES)):
            continue
        text = project.read_text(path)
        if text is None:
            continue
        if path.endswith(_CODE_SUFFIXES):
            names.update(m.group(1) for m in _QUOTED_SPECIFIER.finditer(text))
        if is_config:
            config_parts.append(text)
    return UsageIndex(frozenset(names), "\n".join(config_parts))


def _without_dependencies(text: str) -> str:
    """package.json without its dependency lists: its other fields may name tools."""
    try:
        value = parse_jsonc(text).value
    except JsonError:
        return ""  # a broken package.json names nothing reliably
    if not isinstance(value, dict):
        return ""
    kept = {
        k: v
        for k, v in value.items()
        if k not in DEPENDENCY_SECTIONS
        and k not in ("name", "peerDependenciesMeta", "bundleDependencies", "bundledDependencies")
        and k not in ("overrides", "resolutions", "pnpm", "devEngines", "engines")
    }
    return json.dumps(kept)


def mentions(text: str, word: str) -> bool:
    """Whether `word` (a package or binary name) appears in `text` as a whole name."""
    pattern = r"(?<![\w@.-])" + re.escape(word) + r"(?![\w-]|\.[A-Za-z])"
    return re.search(pattern, text) is not None


def quoted(text: str, word: str) -> bool:
    """Whether `word` appears in `text` as a quoted string (a short plugin or preset name)."""
    return re.search(r"""["'`]""" + re.escape(word) + r"""["'`/]""", text) is not None
