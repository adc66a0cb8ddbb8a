"""The table of Node.js built-in module exports that the JS/TS API rule reads."""

from __future__ import annotations

from aiguard.facts.node.builtins import builtin_exports


def test_node_prefix_and_bare_name_are_the_same_module() -> None:
    assert builtin_exports("node:fs") == builtin_exports("fs")
    exports = builtin_exports("fs")
    assert exports is not None
    assert {"readFileSync", "promises", "default"} <= exports
    assert "readFileAsync" not in exports


def test_inherited_and_declared_names_count() -> None:
    process = builtin_exports("node:process")
    assert process is not None and {"on", "once", "cwd"} <= process  # EventEmitter's methods
    fs_types = builtin_exports("fs")
    assert fs_types is not None and "PathLike" in fs_types  # declared by @types/node only


def test_packages_and_unknown_modules_have_no_table() -> None:
    assert builtin_exports("lodash") is None
    assert builtin_exports("./fs") is None
    assert builtin_exports("punycode/") is None
