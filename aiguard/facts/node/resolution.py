"""`NodeFacts.resolve(file, spec)`: whether an import specifier resolves, and if not, how."""

from __future__ import annotations

import enum
import json
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiguard.memo import MemoKey

if TYPE_CHECKING:
    from aiguard.project import Project
from aiguard.facts.node.files import FileView, join, parent_dirs
from aiguard.facts.node.jsonc import JsonError, JsonValue, parse_jsonc
from aiguard.facts.node.package_json import (
    DEPENDENCY_SECTIONS,
    PackageJson,
    exports_allow,
    match_subpath_map,
    parse_package_json,
    target_strings,
)
from aiguard.facts.node.specifiers import (
    BUILTIN_MODULES,
    is_builtin,
    is_relative,
    split_package,
    types_package,
)
from aiguard.facts.node.tsconfig import AmbientModules, TsConfig

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


# ---------------------------------------------------------------------------------------------
# Resolution outcomes
# ---------------------------------------------------------------------------------------------


class Outcome(enum.Enum):
    """How a specifier fared."""

    RESOLVED = "resolved"  # a file, built-in, package, alias or ambient module provides it
    UNKNOWN = "unknown"  # not decidable from files (bundler alias, no Node project, outside repo)
    MISSING_FILE = "missing-file"  # a relative path, path alias or `#import` that names no file
    UNKNOWN_BUILTIN = "unknown-builtin"  # `node:x` where Node has no module x
    MISSING_PACKAGE = "missing-package"  # not installed, not declared, nothing else provides it
    MISSING_SUBPATH = "missing-subpath"  # the installed package neither exports nor has the subpath
    UNDECLARED = "undeclared"  # installed (or in the lockfile) but no package.json declares it


@dataclass(frozen=True)
class Resolution:
    outcome: Outcome
    detail: str = ""  # where it was found, or what was tried
    package: str | None = None  # the package name, for bare specifiers
    installed: str | None = None  # the package's directory when installed


_CONFIG_NAME = re.compile(r"^(?:tsconfig|jsconfig)(?:\.[\w.-]+)?\.json$")
_MAX_EXTENDS = 16

# ---------------------------------------------------------------------------------------------
# Ambient module declarations
# ---------------------------------------------------------------------------------------------

_DECLARE_MODULE = re.compile(r"""\bdeclare\s+module\s+(["'])([^"'\n]+)\1""")
_DECLARATION_SUFFIXES = (".d.ts", ".d.mts", ".d.cts")


# ---------------------------------------------------------------------------------------------
# The facts
# ---------------------------------------------------------------------------------------------

# What Node and TypeScript try after a path without its extension, in their order (TypeScript
# first, then Node, then the bundler extensions React Native, Vue and Svelte projects configure).
RESOLVE_EXTENSIONS = (
    ".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".d.mts", ".d.cts",
    ".json", ".node", ".vue", ".svelte",
)  # fmt: skip
_PLATFORM_EXTENSIONS = tuple(
    f".{platform}{ext}"
    for platform in ("ios", "android", "native", "web")
    for ext in (".ts", ".tsx", ".js", ".jsx")
)
# TypeScript lets `./x.js` name `x.ts` (ESM-style specifiers in TypeScript sources).
_TS_FOR_JS = {
    ".js": (".ts", ".tsx", ".d.ts"),
    ".jsx": (".tsx",),
    ".mjs": (".mts", ".d.mts"),
    ".cjs": (".cts", ".d.cts"),
}
# How each lockfile spells an entry for package NAME (every version layout these tools have used).
_LOCKFILE_ENTRY = {
    "package-lock.json": r'"(?:[^"\n]*node_modules/)?NAME"\s*:\s*\{',
    "npm-shrinkwrap.json": r'"(?:[^"\n]*node_modules/)?NAME"\s*:\s*\{',
    "yarn.lock": r'(?:^|,\s)"?NAME@',
    "pnpm-lock.yaml": r"^\s+['\"]?/?NAME[@/]\d",
    "bun.lock": r'\["NAME@',
}
_YAML_LOCKFILES = frozenset({"yarn.lock", "pnpm-lock.yaml"})
# Modules a JavaScript runtime provides, known to TypeScript through these type packages.
_RUNTIME_TYPES = {"bun": ("bun-types",)}
# Bundler and test-runner configs whose aliases (`resolve.alias`, `moduleNameMapper`, babel
# module-resolver) can give a bare-looking specifier a meaning aiguard cannot compute.
_ALIAS_CONFIG = re.compile(
    r"^(?:(?:vite|vitest|webpack|rollup|rspack|babel|jest|next|nuxt|svelte|astro|craco|metro|"
    r"tsup|vue|quasar|remix|esbuild|parcel|snowpack|electron\.vite)(?:\.[\w-]+)*\.[cm]?[jt]s|"
    r"\.babelrc(?:\.json|\.js|\.cjs)?|\.parcelrc|\.swcrc|deno\.jsonc?|import_map\.json)$"
)
# Aliases a framework provides without any config naming them: (prefix, the dependency that
# brings the framework). Docusaurus swizzling (@theme/*), SvelteKit ($app, $lib, $env), Nuxt (#app).
_FRAMEWORK_ALIASES = (
    ("@theme/", "@docusaurus/core"),
    ("@theme-original/", "@docusaurus/core"),
    ("@theme-init/", "@docusaurus/core"),
    ("@site/", "@docusaurus/core"),
    ("@generated/", "@docusaurus/core"),
    ("$app/", "@sveltejs/kit"),
    ("$lib", "@sveltejs/kit"),
    ("$env/", "@sveltejs/kit"),
    ("$service-worker", "@sveltejs/kit"),
    ("#app", "nuxt"),
    ("#imports", "nuxt"),
    ("#components", "nuxt"),
)


def _framework_alias(chain: Sequence[PackageJson], spec: str) -> str | None:
    """The framework dependency whose built-in alias `spec` uses, or None."""
    for prefix, framework in _FRAMEWORK_ALIASES:
        matches = spec == prefix.rstrip("/") or spec.startswith(prefix)
        if matches and any(framework in p.dependencies for p in chain):
            return framework
    return None


# Where projects keep those configs besides their root (CRA's config/, vue-cli 2's build/).
_ALIAS_CONFIG_DIRS = ("", "config", "configs", "build", "tools", ".storybook")


_NODE_FACTS: MemoKey[NodeFacts] = MemoKey("Node/TypeScript resolution facts")


def node_facts(project: Project) -> NodeFacts:
    """The run's NodeFacts (one per project, built lazily)."""
    return project.memo(_NODE_FACTS, lambda: NodeFacts(project))


class NodeFacts:
    """Resolution facts for every JS/TS file of one project, computed on demand and cached."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.view = FileView(project)
        self._packages: dict[str, PackageJson | None] = {}
        self._tsconfigs: dict[str, TsConfig] = {}
        self._workspace_names: frozenset[str] | None = None
        self._ambient: AmbientModules | None = None
        self._texts: dict[str, str | None] = {}

    # -- package.json ---------------------------------------------------------------------

    def package_json(self, directory: str) -> PackageJson | None:
        """The package.json in `directory`, parsed once; None when there is none."""
        if directory not in self._packages:
            path = posixpath.join(directory, "package.json") if directory else "package.json"
            self._packages[directory] = self._load_package(path)
        return self._packages[directory]

    def _load_package(self, path: str) -> PackageJson | None:
        if not self.view.is_file(path):
            return None
        text = self.view.read_text(path)
        if text is None:
            return PackageJson(path, posixpath.dirname(path), broken=True)
        try:
            return parse_package_json(path, text, key_lines=False)
        except JsonError:
            return PackageJson(path, posixpath.dirname(path), broken=True)

    def package_chain(self, file: str) -> list[PackageJson]:
        """The package.json files from the file's directory up to the root, nearest first."""
        return [p for d in parent_dirs(file) if (p := self.package_json(d)) is not None]

    def repository_packages(self) -> list[PackageJson]:
        """Every package.json of the repository itself (node_modules left out)."""
        found = []
        for path in self.project.files:
            if posixpath.basename(path) == "package.json" and "node_modules/" not in path:
                package = self.package_json(posixpath.dirname(path))
                if package is not None:
                    found.append(package)
        return found

    def workspace_names(self) -> frozenset[str]:
        """Names of the repository's own packages (monorepo workspaces import each other)."""
        if self._workspace_names is None:
            packages = self.repository_packages()
            self._workspace_names = frozenset(p.name for p in packages if p.name)
        return self._workspace_names

    def declared_elsewhere(self, name: str) -> str | None:
        """A package.json of the repository that declares `name`, whichever file asks."""
        return next((p.path for p in self.repository_packages() if name in p.dependencies), None)

    # -- node_modules ---------------------------------------------------------------------

    def node_modules_dirs(self, file: str) -> list[str]:
        """The node_modules directories Node searches from `file`, nearest first."""
        return [
            posixpath.join(d, "node_modules") if d else "node_modules"
            for d in parent_dirs(file)
            if self.view.listing(d).get("node_modules") is True
        ]

    def installed(self, file: str, name: str) -> str | None:
        """The directory of package `name` as Node finds it from `file`, or None."""
        for modules in self.node_modules_dirs(file):
            candidate = f"{modules}/{name}"
            if self.view.exists(candidate):
                return candidate
        return None

    def installed_names(self, file: str) -> frozenset[str]:
        """Every package name installed in the node_modules directories above `file`."""
        names: set[str] = set()
        for modules in self.node_modules_dirs(file):
            for entry, is_dir in self.view.listing(modules).items():
                if entry.startswith("."):
                    continue
                if entry.startswith("@") and is_dir:
                    names.update(
                        f"{entry}/{sub}" for sub in self.view.listing(f"{modules}/{entry}")
                    )
                else:
                    names.add(entry)
        return frozenset(names)

    def installed_package(self, package_dir: str) -> PackageJson | None:
        """The package.json of an installed package (None outside the repo or unreadable)."""
        return self.package_json(package_dir)

    def has_node_context(self, file: str) -> bool:
        """Whether Node-style resolution applies: a package.json or node_modules above the file."""
        return bool(self.package_chain(file)) or bool(self.node_modules_dirs(file))

    def locked_in(self, file: str, name: str) -> str | None:
        """The lockfile above `file` that lists package `name`, or None."""
        for directory in parent_dirs(file):
            for lockfile, template in _LOCKFILE_ENTRY.items():
                path = posixpath.join(directory, lockfile) if directory else lockfile
                text = self._lockfile_text(path)
                pattern = template.replace("NAME", re.escape(name))
                if text and re.search(pattern, text, re.MULTILINE):
                    return path
        return None

    def peer_in_lockfile(self, file: str, name: str) -> str | None:
        """A lockfile above `file` in which some package asks for `name` as a peer, or None.

        Without node_modules, this is how to see that `@emotion/react` is there for
        `@mui/material`: npm, pnpm, Yarn Berry and Bun lockfiles record peer requirements.
        """
        quoted = "[\"']?" + re.escape(name) + "[\"']?"
        json_block = r'"peerDependencies"\s*:\s*\{[^{}]*"' + re.escape(name) + r'"\s*:'
        yaml_block = r"^([ \t]+)peerDependencies:\n(?:\1[ \t]+.*\n)*?\1[ \t]+" + quoted + ":"
        for directory in parent_dirs(file):
            for lockfile in _LOCKFILE_ENTRY:
                path = posixpath.join(directory, lockfile) if directory else lockfile
                text = self._lockfile_text(path)
                if not text or "peerDependencies" not in text:
                    continue
                pattern = yaml_block if lockfile in _YAML_LOCKFILES else json_block
                if re.search(pattern, text, re.MULTILINE):
                    return path
        return None

    def _lockfile_text(self, path: str) -> str | None:
        if path not in self._texts:
            self._texts[path] = self.view.read_large(path) if self.view.is_file(path) else None
        return self._texts[path]

    # -- files ----------------------------------------------------------------------------

    def resolve_path(self, path: str) -> str | None:
        """The file a module path names, trying what Node, TypeScript and bundlers try.

        `path` is repo-relative without normalization concerns; returns the file found or None.
        """
        view = self.view
        if view.is_file(path):
            return path
        stem, ext = posixpath.splitext(path)
        for ts_ext in _TS_FOR_JS.get(ext, ()):
            if view.is_file(stem + ts_ext):
                return stem + ts_ext
        for suffix in RESOLVE_EXTENSIONS + _PLATFORM_EXTENSIONS:
            if view.is_file(path + suffix):
                return path + suffix
        if view.is_dir(path):
            if view.is_file(f"{path}/package.json"):
                return f"{path}/package.json"
            for suffix in RESOLVE_EXTENSIONS + _PLATFORM_EXTENSIONS:
                index = f"{path}/index{suffix}"
                if view.is_file(index):
                    return index
        return None

    # -- tsconfig -------------------------------------------------------------------------

    def tsconfigs(self, file: str) -> list[TsConfig]:
        """The tsconfig/jsconfig files in the directories above `file`, nearest first."""
        found = []
        for directory in parent_dirs(file):
            for name in sorted(self.view.listing(directory)):
                if _CONFIG_NAME.match(name):
                    path = posixpath.join(directory, name) if directory else name
                    if self.view.is_file(path):
                        found.append(self.tsconfig(path))
        return found

    def tsconfig(self, path: str) -> TsConfig:
        if path not in self._tsconfigs:
            self._tsconfigs[path] = self._load_tsconfig(path)
        return self._tsconfigs[path]

    def _load_tsconfig(self, path: str) -> TsConfig:
        options: dict[str, tuple[JsonValue, str]] = {}
        complete = self._collect_options(path, options, 0)
        leaf_dir = posixpath.dirname(path)
        base_url: str | None = None
        if "baseUrl" in options and isinstance(options["baseUrl"][0], str):
            value, defined_in = options["baseUrl"]
            assert isinstance(value, str)
            if "${configDir}" in value:
                defined_in, value = leaf_dir, value.replace("${configDir}", ".")
            base_url = join(defined_in, value)
            complete = complete and base_url is not None
        paths: list[tuple[str, tuple[str, ...]]] = []
        paths_base = base_url if base_url is not None else leaf_dir
        if "paths" in options and isinstance(options["paths"][0], dict):
            raw, defined_in = options["paths"]
            assert isinstance(raw, dict)
            if base_url is None:
                paths_base = defined_in
            for pattern, targets in raw.items():
                if isinstance(targets, list):
                    strings = tuple(
                        t.replace("${configDir}", _relative(paths_base, leaf_dir))
                        for t in targets
                        if isinstance(t, str)
                    )
                    paths.append((pattern, strings))
        return TsConfig(path, base_url, tuple(paths), paths_base, complete)

    def _collect_options(
        self, path: str, options: dict[str, tuple[JsonValue, str]], depth: int
    ) -> bool:
        """Fill `options` with baseUrl/paths from `path` and its `extends`; False if incomplete."""
        text = self.view.read_text(path)
        if text is None or depth > _MAX_EXTENDS:
            return False
        try:
            value = parse_jsonc(text).value
        except JsonError:
            return False
        if not isinstance(value, dict):
            return True
        directory = posixpath.dirname(path)
        complete = True
        extends = value.get("extends")
        for parent in (
            [extends] if isinstance(extends, str) else extends if isinstance(extends, list) else []
        ):
            target = self._extends_target(directory, parent) if isinstance(parent, str) else None
            if target is None:
                complete = False
            else:
                complete = self._collect_options(target, options, depth + 1) and complete
        compiler = value.get("compilerOptions")
        if isinstance(compiler, dict):
            for key in ("baseUrl", "paths"):
                if key in compiler:
                    options[key] = (compiler[key], directory)
        return complete

    def _extends_target(self, directory: str, spec: str) -> str | None:
        spec = spec.replace("${configDir}", ".")
        if is_relative(spec) or spec.startswith("/"):
            base = join(directory, spec) if not spec.startswith("/") else None
            candidates = [] if base is None else [base, base + ".json"]
        else:
            candidates = []
            for modules in self.node_modules_dirs(posixpath.join(directory, "x")):
                base = f"{modules}/{spec}"
                candidates += [base, base + ".json", f"{base}/tsconfig.json"]
        return next((c for c in candidates if self.view.is_file(c) and self.view.inside(c)), None)

    # -- ambient modules, aliases ---------------------------------------------------------

    def ambient_modules(self) -> AmbientModules:
        """`declare module "x"` names from every declaration file of the repository."""
        if self._ambient is None:
            exact: set[str] = set()
            patterns: set[tuple[str, str]] = set()
            for path in self.project.files:
                if not path.endswith(_DECLARATION_SUFFIXES) or "node_modules/" in path:
                    continue
                text = self.view.read_text(path) or ""
                if "declare" not in text:
                    continue
                for match in _DECLARE_MODULE.finditer(text):
                    name = match.group(2)
                    if name.count("*") == 1:
                        prefix, suffix = name.split("*")
                        patterns.add((prefix, suffix))
                    else:
                        exact.add(name)
            self._ambient = AmbientModules(frozenset(exact), tuple(sorted(patterns)))
        return self._ambient

    def alias_configured(self, file: str, name: str) -> str | None:
        """A bundler/test config above `file` that names `name` (a likely alias), or None.

        A heuristic for precision: aliases in vite/webpack/jest/babel configs are code aiguard
        does not evaluate, so a config that merely mentions the name silences the finding.
        """
        words = [name, name.split("/")[0]] if name.startswith("@") else [name]
        alternatives = "|".join(re.escape(w) for w in words)
        quoted = re.compile(r"""["'`]\^?(?:""" + alternatives + r""")(?:["'`/$(\\])""")
        key = re.compile(r"(?<![\w$.-])" + re.escape(name) + r"\s*:(?!:)")
        for directory in parent_dirs(file):
            for config in self._alias_configs(directory):
                text = self._config_text(config)
                if text is None:
                    continue
                if posixpath.basename(config) == "package.json":
                    package = self.package_json(directory)
                    if quoted.search(text) and not _only_as_dependency(package, words):
                        return config
                elif quoted.search(text) or key.search(text):
                    return config
        return None

    def _alias_configs(self, directory: str) -> list[str]:
        found = []
        for sub in _ALIAS_CONFIG_DIRS:
            where = join(directory, sub) if sub else directory
            if where is None:
                continue
            for name in sorted(self.view.listing(where)):
                if _ALIAS_CONFIG.match(name):
                    found.append(posixpath.join(where, name) if where else name)
        if self.package_json(directory) is not None:
            found.append(posixpath.join(directory, "package.json") if directory else "package.json")
        return found

    def _config_text(self, path: str) -> str | None:
        if path not in self._texts:
            self._texts[path] = self.view.read_text(path)
        return self._texts[path]

    def import_map_keys(self, file: str) -> list[str]:
        """Keys of deno.json(c) `imports` maps above `file` (exact names, or prefixes with "/")."""
        keys: list[str] = []
        for directory in parent_dirs(file):
            for config in ("deno.json", "deno.jsonc"):
                path = posixpath.join(directory, config) if directory else config
                text = self._config_text(path) if self.view.is_file(path) else None
                if not text:
                    continue
                try:
                    value = parse_jsonc(text).value
                except JsonError:
                    continue
                imports = value.get("imports") if isinstance(value, dict) else None
                if isinstance(imports, dict):
                    keys.extend(imports)
        return keys

    # -- resolution -----------------------------------------------------------------------

    def resolve(self, file: str, spec: str) -> Resolution:
        """How `spec`, imported from the repo-relative `file`, resolves."""
        if not spec or spec.strip() != spec:
            return Resolution(Outcome.UNKNOWN, "empty or padded specifier")
        if spec.startswith("node:"):
            if is_builtin(spec):
                return Resolution(Outcome.RESOLVED, "Node built-in")
            return Resolution(Outcome.UNKNOWN_BUILTIN, f"Node has no built-in module {spec[5:]!r}")
        if _SCHEME.match(spec) or "!" in spec or "\\" in spec:
            return Resolution(Outcome.UNKNOWN, "URL, loader or bundler-specific specifier")
        # A bundler resource query (`./logo.svg?react`, `?raw`, `?url`, `?worker`, `?inline`:
        # Vite, webpack) picks a loader; the module is the path without it, however it is named.
        spec = spec.split("?", 1)[0]
        if not spec:
            return Resolution(Outcome.UNKNOWN, "a bare resource query")
        if is_relative(spec):
            return self._resolve_relative(file, spec)
        if spec.startswith("/"):
            return Resolution(Outcome.UNKNOWN, "absolute path (a server or bundler root)")
        if spec.startswith("#"):
            return self._resolve_hash(file, spec)
        return self._resolve_bare(file, spec)

    def _resolve_relative(self, file: str, spec: str) -> Resolution:
        target = join(posixpath.dirname(file), spec)
        if target is None:
            return Resolution(Outcome.UNKNOWN, "outside the repository")
        found = self.resolve_path(target)
        if found is not None:
            return Resolution(Outcome.RESOLVED, found)
        return Resolution(
            Outcome.MISSING_FILE, f"no file {target}(.ts/.tsx/.js/...) or {target}/index.*"
        )

    def _resolve_hash(self, file: str, spec: str) -> Resolution:
        """`#x`: the package's own `imports` map (Node subpath imports), or a tsconfig alias."""
        aliased = self._resolve_alias(file, spec)
        if aliased is not None and aliased.outcome is Outcome.RESOLVED:
            return aliased
        scope = next(iter(self.package_chain(file)), None)
        if scope is None or scope.broken or not isinstance(scope.imports, dict):
            return aliased or Resolution(Outcome.UNKNOWN, "no package.json `imports` map")
        entry = match_subpath_map(scope.imports, spec)
        if entry is None:
            return aliased or Resolution(
                Outcome.MISSING_FILE, f"no entry for {spec} in {scope.path} `imports`"
            )
        targets = [t.replace("*", entry[1]) for t in target_strings(entry[0])]
        for target in targets:
            if not target.startswith("./"):
                return Resolution(Outcome.RESOLVED, f"{scope.path} `imports` maps it to {target}")
            path = join(scope.directory, target)
            if path is not None and self.resolve_path(path) is not None:
                return Resolution(Outcome.RESOLVED, path)
        if not targets:
            return Resolution(Outcome.MISSING_FILE, f"{scope.path} `imports` blocks {spec}")
        return Resolution(
            Outcome.MISSING_FILE, f"{scope.path} `imports` maps it to {targets[0]}: no such file"
        )

    def _resolve_alias(self, file: str, spec: str) -> Resolution | None:
        """tsconfig `paths`, then `baseUrl`: RESOLVED, MISSING_FILE (an alias that names no file,
        under complete configs), or None when no config speaks of the specifier."""
        missed: str | None = None
        trusted = True
        for config in self.tsconfigs(file):
            for pattern, targets in _matching_patterns(config.paths, spec):
                star = _star_text(pattern, spec)
                for target in targets:
                    path = join(config.paths_base, target.replace("*", star))
                    if path is not None and self.resolve_path(path) is not None:
                        return Resolution(Outcome.RESOLVED, f"{config.path} paths {pattern!r}")
                if pattern != "*" and targets:
                    missed = (
                        missed or f"{config.path} maps {pattern!r} to {targets[0]!r}: no such file"
                    )
                    trusted = trusted and config.complete
            if config.base_url is not None:
                path = join(config.base_url, spec)
                if path is not None and self.resolve_path(path) is not None:
                    return Resolution(Outcome.RESOLVED, f"{config.path} baseUrl")
            trusted = trusted and config.complete
        if missed is not None:
            return Resolution(Outcome.MISSING_FILE if trusted else Outcome.UNKNOWN, missed)
        return None

    def _resolve_bare(self, file: str, spec: str) -> Resolution:
        aliased = self._resolve_alias(file, spec)
        if aliased is not None and aliased.outcome is Outcome.RESOLVED:
            return aliased
        parts = split_package(spec)
        if parts is None:
            return aliased or Resolution(
                Outcome.UNKNOWN, "not an npm package name (a bundler alias?)"
            )
        name, subpath = parts
        if spec in BUILTIN_MODULES:
            return Resolution(Outcome.RESOLVED, "Node built-in", name)
        installed = self.installed(file, name)
        if installed is not None:
            return self._installed(file, spec, name, subpath, installed)
        if any(
            spec == key or (key.endswith("/") and spec.startswith(key))
            for key in self.import_map_keys(file)
        ):
            return Resolution(Outcome.RESOLVED, "deno.json import map", name)
        return self._not_installed(file, spec, name, aliased)

    def _installed(
        self, file: str, spec: str, name: str, subpath: str, installed: str
    ) -> Resolution:
        chain = self.package_chain(file)
        known = (
            any(name in p.dependencies or p.name == name or p.broken for p in chain)
            or name in self.workspace_names()
            or not chain
        )
        if not known:
            return Resolution(Outcome.UNDECLARED, installed, name, installed)
        if subpath and not self._subpath_exists(installed, name, subpath, file):
            return Resolution(
                Outcome.MISSING_SUBPATH,
                f"{installed} has no {subpath!r} and does not export it",
                name,
                installed,
            )
        return Resolution(Outcome.RESOLVED, installed, name, installed)

    def _subpath_exists(self, installed: str, name: str, subpath: str, file: str) -> bool:
        if not self.view.inside(installed):
            return True  # a link out of the repository: nothing to read, nothing to claim
        package = self.installed_package(installed)
        if package is not None and (package.broken or package.has_types_versions):
            return True  # cannot read the map, or TypeScript redirects subpaths: assume it
        if (
            package is not None
            and package.exports is not None
            and exports_allow(package.exports, f"./{subpath}")
        ):
            return True
        if self.resolve_path(f"{installed}/{subpath}") is not None:
            return True
        types = self.installed(file, types_package(name))
        return types is not None and self.resolve_path(f"{types}/{subpath}") is not None

    def _not_installed(
        self, file: str, spec: str, name: str, aliased: Resolution | None
    ) -> Resolution:
        chain = self.package_chain(file)
        if any(p.broken for p in chain):
            return Resolution(
                Outcome.UNKNOWN, "a package.json above the file is not valid JSON", name
            )
        declared = next((p for p in chain if name in p.dependencies), None)
        if declared is not None:
            return Resolution(
                Outcome.RESOLVED, f"declared in {declared.path} (not installed)", name
            )
        if any(p.name == name for p in chain) or name in self.workspace_names():
            return Resolution(Outcome.RESOLVED, "a package of this repository", name)
        for types in (types_package(name), *_RUNTIME_TYPES.get(name, ())):
            if self.installed(file, types) is not None or any(
                types in p.dependencies for p in chain
            ):
                return Resolution(Outcome.RESOLVED, f"typed by {types}", name)
        if self.ambient_modules().declares(spec):
            return Resolution(Outcome.RESOLVED, "an ambient `declare module`", name)
        if aliased is not None:
            return aliased
        if not self.has_node_context(file):
            return Resolution(
                Outcome.UNKNOWN, "no package.json or node_modules above the file", name
            )
        under_base = self._under_base_url(file, spec)
        if under_base is not None:
            return Resolution(Outcome.MISSING_FILE, under_base, name)
        local = self._local_entry(file, name)
        if local is not None:
            return Resolution(
                Outcome.UNKNOWN, f"{local} exists: a bundler alias or module root?", name
            )
        framework = _framework_alias(chain, spec)
        if framework is not None:
            return Resolution(Outcome.RESOLVED, f"an alias {framework} provides", name)
        config = self.alias_configured(file, name)
        if config is not None:
            return Resolution(Outcome.UNKNOWN, f"{config} names it (an alias?)", name)
        locked = self.locked_in(file, name)
        if locked is not None:
            return Resolution(Outcome.UNDECLARED, locked, name)
        installed_somewhere = bool(self.node_modules_dirs(file))
        where = "not in node_modules" if installed_somewhere else "not installed (no node_modules)"
        return Resolution(Outcome.MISSING_PACKAGE, f"{where}, not declared in package.json", name)

    def _under_base_url(self, file: str, spec: str) -> str | None:
        """`dir/x` where `dir` is a directory under a tsconfig `baseUrl`: a local file missing."""
        first, _, rest = spec.partition("/")
        if not rest or first.startswith("@"):
            return None
        for config in self.tsconfigs(file):
            if config.base_url is None or not config.complete:
                continue
            directory = join(config.base_url, first)
            if directory is not None and self.view.is_dir(directory):
                return f"{directory}/ exists under {config.path} baseUrl, but has no {rest}"
        return None

    def _local_entry(self, file: str, name: str) -> str | None:
        """A directory or module named `name` at a package root or its src/ (webpack `modules`,
        babel module-resolver `root`, vite aliases all make such names importable)."""
        if name.startswith("@"):
            return None
        for package in self.package_chain(file):
            for directory in (package.directory, join(package.directory, "src")):
                if directory is None:
                    continue
                listing = self.view.listing(directory)
                for entry in listing:
                    if entry == name or (
                        not listing[entry] and posixpath.splitext(entry)[0] == name
                    ):
                        return posixpath.join(directory, entry) if directory else entry
        return None


def _only_as_dependency(package: PackageJson | None, words: list[str]) -> bool:
    """Whether package.json mentions these names only as dependency keys (not as an alias)."""
    if package is None or package.document is None or not isinstance(package.document.value, dict):
        return True
    rest = {k: v for k, v in package.document.value.items() if k not in DEPENDENCY_SECTIONS}
    alternatives = "|".join(re.escape(w) for w in words)
    quoted = r"""["'`]\^?(?:""" + alternatives + r""")(?:["'`/$(\\])"""
    return re.search(quoted, json.dumps(rest)) is None


def _matching_patterns(
    paths: Iterable[tuple[str, tuple[str, ...]]], spec: str
) -> list[tuple[str, tuple[str, ...]]]:
    """tsconfig `paths` entries that match `spec`: exact ones first, then by longest prefix."""
    exact = [(p, t) for p, t in paths if "*" not in p and p == spec]
    starred = []
    for pattern, targets in paths:
        if pattern.count("*") == 1:
            prefix, suffix = pattern.split("*")
            if (
                spec.startswith(prefix)
                and spec.endswith(suffix)
                and len(spec) >= len(prefix) + len(suffix)
            ):
                starred.append((pattern, targets))
    starred.sort(key=lambda item: -len(item[0].split("*")[0]))
    return exact + starred


def _star_text(pattern: str, spec: str) -> str:
    if "*" not in pattern:
        return ""
    prefix, suffix = pattern.split("*")
    return spec[len(prefix) : len(spec) - len(suffix)]


def _relative(start: str, target: str) -> str:
    return posixpath.relpath(target or ".", start or ".")
