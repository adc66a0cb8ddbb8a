"""Import specifiers: Node's built-in modules, relative paths, package names and `@types/`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


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
