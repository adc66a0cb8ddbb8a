"""Static facts for resolving JavaScript and TypeScript imports, read without ever running Node.

What an import specifier can resolve to depends on the project around the importing file: Node's
built-in modules (a static table), `node_modules` directories walking up from the file, the
`package.json` files above it (declared dependencies, `exports`, `imports`), `tsconfig.json` /
`jsconfig.json` (`paths`, `baseUrl`, followed through `extends`), and ambient
`declare module "x"` declarations in the repository's `.d.ts` files.

`node_facts(project)` returns one `NodeFacts` per run (cached on the project); it reads nothing
until asked, and caches every directory listing and parsed file. `NodeFacts.resolve(file, spec)`
says whether a specifier resolves, and if not, how it fails. Everything is read from files:
nothing is imported, executed or installed, and no symlink is followed out of the repository.

The module also carries a small JSON reader (`parse_jsonc`) that accepts comments and trailing
commas (tsconfig.json allows both) and remembers the line of every object key, so that rules can
report on the line of a dependency in package.json.
"""

from __future__ import annotations

import enum
import json
import os
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiguard.project import Project

# ---------------------------------------------------------------------------------------------
# JSON with comments, with the line of every key
# ---------------------------------------------------------------------------------------------

JsonValue = object
KeyPath = tuple[str, ...]

_MAX_DEPTH = 256
_JSON_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\r\n\ufeff]+)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<word>true|false|null)
  | (?P<punct>[{}\[\]:,])
    """,
    re.VERBOSE | re.DOTALL,
)
_JSON_WORDS: dict[str, JsonValue] = {"true": True, "false": False, "null": None}


class JsonError(ValueError):
    """The text is not JSON, even allowing comments and trailing commas."""


@dataclass(frozen=True)
class JsonDocument:
    """A parsed document: its value, and the 1-based line of each object key by key path.

    Key paths name object keys from the top (array positions as decimal strings), e.g.
    `("dependencies", "lodash")`. With duplicate keys the last one wins, as in `JSON.parse`.
    """

    value: JsonValue
    key_lines: Mapping[KeyPath, int] = field(default_factory=dict)

    def line_of(self, *path: str) -> int | None:
        return self.key_lines.get(path)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    line: int


def parse_jsonc(text: str) -> JsonDocument:
    """Parse JSON that may carry `//` and `/* */` comments and trailing commas."""
    tokens = _json_tokens(text)
    parser = _JsonParser(tokens)
    value = parser.value((), 0)
    if parser.pos != len(tokens):
        token = tokens[parser.pos]
        raise JsonError(f"unexpected {token.text!r} at line {token.line}")
    return JsonDocument(value, parser.key_lines)


def _json_tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    line = 1
    while pos < len(text):
        match = _JSON_TOKEN.match(text, pos)
        if match is None:
            raise JsonError(f"unexpected character {text[pos]!r} at line {line}")
        kind = match.lastgroup or ""
        chunk = match.group()
        if kind not in ("space", "comment"):
            tokens.append(_Token(kind, chunk, line))
        line += chunk.count("\n")
        pos = match.end()
    return tokens


class _JsonParser:
    """Recursive descent over the significant tokens."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.key_lines: dict[KeyPath, int] = {}

    def _next(self) -> _Token:
        if self.pos >= len(self.tokens):
            raise JsonError("unexpected end of document")
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def value(self, path: KeyPath, depth: int) -> JsonValue:
        if depth > _MAX_DEPTH:
            raise JsonError("document nested too deeply")
        token = self._next()
        if token.kind == "string":
            return _json_string(token)
        if token.kind == "number":
            number: JsonValue = json.loads(token.text)
            return number
        if token.kind == "word":
            return _JSON_WORDS[token.text]
        if token.text == "{":
            return self._object(path, depth)
        if token.text == "[":
            return self._array(path, depth)
        raise JsonError(f"unexpected {token.text!r} at line {token.line}")

    def _object(self, path: KeyPath, depth: int) -> dict[str, JsonValue]:
        result: dict[str, JsonValue] = {}
        while True:
            token = self._next()
            if token.text == "}":
                return result
            if token.kind != "string":
                raise JsonError(f"expected a key at line {token.line}, found {token.text!r}")
            key = _json_string(token)
            colon = self._next()
            if colon.text != ":":
                raise JsonError(f"expected ':' at line {colon.line}")
            key_path = (*path, key)
            self.key_lines[key_path] = token.line
            result[key] = self.value(key_path, depth + 1)
            after = self._next()
            if after.text == "}":
                return result
            if after.text != ",":
                raise JsonError(f"expected ',' or '}}' at line {after.line}")

    def _array(self, path: KeyPath, depth: int) -> list[JsonValue]:
        result: list[JsonValue] = []
        while True:
            if self.pos < len(self.tokens) and self.tokens[self.pos].text == "]":
                self.pos += 1
                return result
            result.append(self.value((*path, str(len(result))), depth + 1))
            after = self._next()
            if after.text == "]":
                return result
            if after.text != ",":
                raise JsonError(f"expected ',' or ']' at line {after.line}")


def _json_string(token: _Token) -> str:
    try:
        decoded = json.loads(token.text, strict=False)
    except json.JSONDecodeError as exc:
        raise JsonError(f"bad string at line {token.line}: {exc.msg}") from None
    return str(decoded)


# ---------------------------------------------------------------------------------------------
# Node built-ins and the shape of specifiers
# ---------------------------------------------------------------------------------------------

# Every module `require("x")` / `import "x"` finds in Node 18-23 without the `node:` prefix.
BUILTIN_MODULES = frozenset(
    {
        "_http_agent", "_http_client", "_http_common", "_http_incoming", "_http_outgoing",
        "_http_server", "_stream_duplex", "_stream_passthrough", "_stream_readable",
        "_stream_transform", "_stream_wrap", "_stream_writable", "_tls_common", "_tls_wrap",
        "assert", "assert/strict", "async_hooks", "buffer", "child_process", "cluster",
        "console", "constants", "crypto", "dgram", "diagnostics_channel", "dns", "dns/promises",
        "domain", "events", "fs", "fs/promises", "http", "http2", "https", "inspector",
        "inspector/promises", "module", "net", "os", "path", "path/posix", "path/win32",
        "perf_hooks", "process", "punycode", "querystring", "readline", "readline/promises",
        "repl", "stream", "stream/consumers", "stream/promises", "stream/web", "string_decoder",
        "sys", "timers", "timers/promises", "tls", "trace_events", "tty", "url", "util",
        "util/types", "v8", "vm", "wasi", "worker_threads", "zlib",
    }
)  # fmt: skip
# Built-ins that exist only with the prefix: `node:test` is Node's, plain `test` is an npm package.
PREFIX_ONLY_BUILTINS = frozenset({"sea", "sqlite", "test", "test/reporters", "quic"})

_PACKAGE_NAME = re.compile(r"(?:@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def is_builtin(spec: str) -> bool:
    """Whether Node provides `spec` itself (`fs`, `node:fs`, `node:test`)."""
    if spec.startswith("node:"):
        bare = spec[5:]
        return bare in BUILTIN_MODULES or bare in PREFIX_ONLY_BUILTINS
    return spec in BUILTIN_MODULES


def is_relative(spec: str) -> bool:
    return spec in (".", "..") or spec.startswith(("./", "../"))


def split_package(spec: str) -> tuple[str, str] | None:
    """(package name, subpath) of a bare specifier: `@s/p/a/b` -> ("@s/p", "a/b"); None if not one.

    Only names npm could publish count: aliases such as `@/x`, `~/x`, `$lib` and `#x` are None.
    """
    if spec.startswith("@"):
        parts = spec.split("/", 2)
        if len(parts) < 2:
            return None
        name, sub = f"{parts[0]}/{parts[1]}", parts[2] if len(parts) > 2 else ""
    else:
        name, _, sub = spec.partition("/")
    if not _PACKAGE_NAME.fullmatch(name):
        return None
    return name, sub


def types_package(name: str) -> str:
    """The DefinitelyTyped package for `name`: `@types/x`, or `@types/scope__x` for `@scope/x`."""
    if name.startswith("@"):
        return "@types/" + name[1:].replace("/", "__")
    return f"@types/{name}"


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


# ---------------------------------------------------------------------------------------------
# A read-only view of the repository's files (disk, or the project's overlay in examples)
# ---------------------------------------------------------------------------------------------

MAX_LOCKFILE_BYTES = 64 * 1024 * 1024


def join(directory: str, *parts: str) -> str | None:
    """A repo-relative normalized path ("" is the root); None when it leaves the repository."""
    joined = posixpath.normpath(posixpath.join(directory or ".", *parts))
    if joined == ".":
        return ""
    if joined == ".." or joined.startswith(("../", "/")):
        return None
    return joined


def parent_dirs(path: str) -> Iterator[str]:
    """The directories above a file, nearest first, ending with the root ("")."""
    directory = posixpath.dirname(path)
    while True:
        yield directory
        if not directory:
            return
        directory = posixpath.dirname(directory)


class FileView:
    """Directory listings and file texts of the repository, cached; never outside it.

    With a root, the disk (node_modules is usually git-ignored, so git's file list is not
    enough); without one (rule examples), the project's in-memory files.
    """

    def __init__(self, project: Project) -> None:
        self.project = project
        self.root = str(project.root) if project.root is not None else None
        self._real_root = os.path.realpath(self.root) if self.root is not None else None
        self._listings: dict[str, dict[str, bool]] = {}
        self._index: dict[str, dict[str, bool]] | None = None

    def listing(self, directory: str) -> Mapping[str, bool]:
        """Entry name -> is a directory; empty when the directory does not exist."""
        if directory not in self._listings:
            self._listings[directory] = self._list(directory)
        return self._listings[directory]

    def _list(self, directory: str) -> dict[str, bool]:
        if self.root is None:
            return dict(self._memory_index().get(directory, {}))
        if directory and not self.inside(directory):
            return {}  # a symlink out of the repository (`npm link`): not ours to read
        full = os.path.join(self.root, directory) if directory else self.root
        entries: dict[str, bool] = {}
        try:
            with os.scandir(full) as it:
                for entry in it:
                    try:
                        entries[entry.name] = entry.is_dir()
                    except OSError:
                        entries[entry.name] = False
        except OSError:
            return {}
        return entries

    def _memory_index(self) -> dict[str, dict[str, bool]]:
        if self._index is None:
            index: dict[str, dict[str, bool]] = {}
            for path in self.project.files:
                is_dir = False
                while True:
                    directory, name = posixpath.split(path)
                    index.setdefault(directory, {})[name] = is_dir
                    if not directory:
                        break
                    path, is_dir = directory, True
            self._index = index
        return self._index

    def exists(self, path: str) -> bool:
        directory, name = posixpath.split(path)
        return bool(name) and name in self.listing(directory)

    def is_file(self, path: str) -> bool:
        directory, name = posixpath.split(path)
        return self.listing(directory).get(name) is False

    def is_dir(self, path: str) -> bool:
        if not path:
            return True
        directory, name = posixpath.split(path)
        return self.listing(directory).get(name) is True

    def inside(self, path: str) -> bool:
        """Whether reading `path` stays inside the repository once symlinks are followed."""
        if self.root is None or self._real_root is None:
            return True
        real = os.path.realpath(os.path.join(self.root, path))
        return real == self._real_root or real.startswith(self._real_root + os.sep)

    def read_text(self, path: str) -> str | None:
        if not self.inside(path):
            return None
        return self.project.read_text(path)

    def read_large(self, path: str) -> str | None:
        """A lockfile's text: often over the project's 1 MiB limit for source files."""
        if self.root is None:
            return self.project.read_text(path)
        if not self.inside(path) or not self.is_file(path):
            return None
        full = os.path.join(self.root, path)
        try:
            if os.path.getsize(full) > MAX_LOCKFILE_BYTES:
                return None
            with open(full, "rb") as handle:
                return handle.read().decode("utf-8", "replace")
        except OSError:
            return None


# ---------------------------------------------------------------------------------------------
# package.json
# ---------------------------------------------------------------------------------------------

DEPENDENCY_SECTIONS = (
    "dependencies",
    "devDependencies",
    "peerDependencies",
    "optionalDependencies",
)


@dataclass(frozen=True)
class Dependency:
    name: str
    section: str
    spec: str  # the version range, or a protocol such as `workspace:*`, `file:..`, `npm:x@1`
    line: int | None


@dataclass(frozen=True)
class PackageJson:
    """The parts of one package.json that resolution and dependency rules read.

    `broken` marks a file that exists but is not JSON: what it declares is unknown, so the
    rules must not call anything undeclared next to it.
    """

    path: str
    directory: str
    name: str | None = None
    dependencies: Mapping[str, Dependency] = field(default_factory=dict)
    exports: JsonValue = None
    imports: JsonValue = None
    scripts: Mapping[str, str] = field(default_factory=dict)
    bin_names: frozenset[str] = frozenset()
    has_types_versions: bool = False
    document: JsonDocument | None = None
    broken: bool = False


def parse_package_json(path: str, text: str, *, key_lines: bool = True) -> PackageJson:
    """Read a package.json's text; raises JsonError when it is not JSON.

    Without `key_lines` (facts about other packages, never reported on) the C parser reads
    it, which matters when a rule looks through dozens of installed packages.
    """
    document = parse_jsonc(text) if key_lines else _parse_fast(text)
    value = document.value
    directory = posixpath.dirname(path)
    if not isinstance(value, dict):
        return PackageJson(path, directory, document=document)
    dependencies: dict[str, Dependency] = {}
    for section in DEPENDENCY_SECTIONS:
        entries = value.get(section)
        if not isinstance(entries, dict):
            continue
        for dep, spec in entries.items():
            if dep and dep not in dependencies:
                line = document.line_of(section, dep)
                dependencies[dep] = Dependency(
                    dep, section, spec if isinstance(spec, str) else "", line
                )
    scripts = value.get("scripts")
    name = value.get("name")
    return PackageJson(
        path=path,
        directory=directory,
        name=name if isinstance(name, str) else None,
        dependencies=dependencies,
        exports=value.get("exports"),
        imports=value.get("imports"),
        scripts={k: v for k, v in scripts.items() if isinstance(v, str)}
        if isinstance(scripts, dict)
        else {},
        bin_names=_bin_names(name if isinstance(name, str) else None, value.get("bin")),
        has_types_versions="typesVersions" in value,
        document=document,
    )


def _parse_fast(text: str) -> JsonDocument:
    try:
        return JsonDocument(json.loads(text.lstrip("\ufeff")))
    except (json.JSONDecodeError, RecursionError):
        return parse_jsonc(text)  # comments, trailing commas - or a real error, raised here


def _bin_names(name: str | None, bin_field: JsonValue) -> frozenset[str]:
    if isinstance(bin_field, dict):
        return frozenset(k for k in bin_field if isinstance(k, str))
    if isinstance(bin_field, str) and name:
        return frozenset({name.rsplit("/", 1)[-1]})
    return frozenset()


def match_subpath_map(mapping: Mapping[str, JsonValue], key: str) -> tuple[JsonValue, str] | None:
    """The entry of an `exports`/`imports` map for `key` and the text `*` stood for, or None.

    Exact keys win; then the `*` pattern with the longest prefix (Node's order); then legacy
    folder keys ending in "/".
    """
    if key in mapping:
        return mapping[key], ""
    best: tuple[int, JsonValue, str] | None = None
    for pattern, target in mapping.items():
        if pattern.count("*") != 1:
            continue
        prefix, suffix = pattern.split("*")
        fits = key.startswith(prefix) and key.endswith(suffix) and len(key) >= len(pattern) - 1
        if fits and (best is None or len(prefix) > best[0]):
            best = (len(prefix), target, key[len(prefix) : len(key) - len(suffix)])
    if best is not None:
        return best[1], best[2]
    for pattern, target in mapping.items():
        if pattern.endswith("/") and key.startswith(pattern):
            return target, key[len(pattern) :]
    return None


def exports_allow(exports: JsonValue, subpath: str) -> bool:
    """Whether a package's `exports` field lets importers reach `subpath` ("." or "./x")."""
    if not isinstance(exports, dict) or not any(k.startswith(".") for k in exports):
        return subpath == "."  # a string, an array or a conditions object: the root only
    found = match_subpath_map(exports, subpath)
    return found is not None and _has_target(found[0])


def _has_target(value: JsonValue) -> bool:
    """A mapping target is live unless it is null (or only nulls): `"./internal/*": null` blocks."""
    return bool(target_strings(value))


def target_strings(value: JsonValue) -> list[str]:
    """Every path string in an exports/imports target, through arrays and condition objects."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in target_strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in target_strings(item)]
    return []


# ---------------------------------------------------------------------------------------------
# tsconfig.json / jsconfig.json
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TsConfig:
    """The module-resolution options of one config, after its `extends` chain.

    `complete` is False when an `extends` could not be found or read: then options may be
    missing, and a failed alias must not be called a missing file.
    """

    path: str
    base_url: str | None = None  # repo-relative directory
    paths: tuple[tuple[str, tuple[str, ...]], ...] = ()
    paths_base: str = ""  # the directory relative `paths` targets start from
    complete: bool = True


_CONFIG_NAME = re.compile(r"^(?:tsconfig|jsconfig)(?:\.[\w.-]+)?\.json$")
_MAX_EXTENDS = 16

# ---------------------------------------------------------------------------------------------
# Ambient module declarations
# ---------------------------------------------------------------------------------------------

_DECLARE_MODULE = re.compile(r"""\bdeclare\s+module\s+(["'])([^"'\n]+)\1""")
_DECLARATION_SUFFIXES = (".d.ts", ".d.mts", ".d.cts")


@dataclass(frozen=True)
class AmbientModules:
    """The module names `declare module "x"` provides; `*` patterns (`"*.svg"`) included."""

    exact: frozenset[str] = frozenset()
    patterns: tuple[tuple[str, str], ...] = ()  # (prefix, suffix) of "prefix*suffix"

    def declares(self, spec: str) -> bool:
        if spec in self.exact:
            return True
        return any(
            spec.startswith(p) and spec.endswith(s) and len(spec) >= len(p) + len(s)
            for p, s in self.patterns
        )


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
# Where projects keep those configs besides their root (CRA's config/, vue-cli 2's build/).
_ALIAS_CONFIG_DIRS = ("", "config", "configs", "build", "tools", ".storybook")


def node_facts(project: Project) -> NodeFacts:
    """The run's NodeFacts (one per project, built lazily)."""
    return project.memo("node.facts", lambda: NodeFacts(project))


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
        if is_relative(spec):
            return self._resolve_relative(file, spec)
        if spec.startswith("/"):
            return Resolution(Outcome.UNKNOWN, "absolute path (a server or bundler root)")
        if spec.startswith("#"):
            return self._resolve_hash(file, spec)
        return self._resolve_bare(file, spec)

    def _resolve_relative(self, file: str, spec: str) -> Resolution:
        clean = spec.split("?", 1)[0]
        target = join(posixpath.dirname(file), clean)
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
