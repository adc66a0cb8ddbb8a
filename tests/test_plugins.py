"""Rule discovery: entry points, plugin files, the cached index of rule references."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import aiguard_rules
from aiguard.errors import AiguardError
from aiguard.lint.registry import load_registry, load_rules, rules_in

PLUGIN = """
from aiguard.findings import Category
from aiguard.lint.rule import FileRule, Flag, Pass


class NoPrint(FileRule):
    id = "AIG491"
    name = "no-print"
    category = Category.STUB
    languages = frozenset({"python"})
    summary = "print() in library code"
    rationale = "Callers cannot silence it."
    fix = "Use logging."
    examples = (Flag("print(1)\\n", line=1), Pass("log(1)\\n"))

    def check(self) -> None:
        for number, line in enumerate(self.after.lines, start=1):
            if line.startswith("print("):
                self.report_line(number, "print() call")
"""

PROBE = (
    "import sys\n"
    "from aiguard.lint.registry import load_registry\n"
    "registry = load_registry()\n"
    "print(len(registry), sorted(m for m in sys.modules if m.startswith('aiguard_rules.')))\n"
)


def probe(cache: Path) -> tuple[int, list[str]]:
    env = {**os.environ, "AIGUARD_CACHE_DIR": str(cache)}
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    count, modules = out.stdout.split(" ", 1)
    return int(count), ast.literal_eval(modules)


def test_warm_index_imports_no_rule_module(tmp_path: Path) -> None:
    cold_count, cold_modules = probe(tmp_path)
    warm_count, warm_modules = probe(tmp_path)
    assert cold_count == warm_count == len(load_rules())
    assert cold_modules  # building the index imports every rule module
    assert warm_modules == []


def test_index_is_rebuilt_when_a_rule_file_changes(tmp_path: Path) -> None:
    probe(tmp_path)
    rule_file = Path(aiguard_rules.__file__).parent / "suppression" / "rules.py"
    stat = rule_file.stat()
    os.utime(rule_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    try:
        _, modules = probe(tmp_path)
    finally:
        os.utime(rule_file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert modules


def test_corrupt_index_is_rebuilt(tmp_path: Path) -> None:
    probe(tmp_path)
    for index in tmp_path.rglob("*.json"):
        index.write_text(json.dumps({"path": [], "files": "nonsense", "rules": 3}))
    count, modules = probe(tmp_path)
    assert count == len(load_rules()) and modules


def test_registry_loads_a_class_on_demand(tmp_path: Path) -> None:
    registry = load_registry(environ={"AIGUARD_CACHE_DIR": str(tmp_path)})
    assert registry["AIG101"].name == "blanket-suppression"
    assert {ref.id for ref in registry.refs} == set(registry)


def test_plugin_file(tmp_path: Path) -> None:
    plugin = tmp_path / "my_rules.py"
    plugin.write_text(PLUGIN)
    rules = load_rules([plugin])
    assert rules["AIG491"].name == "no-print"
    assert "AIG491" in load_registry([plugin])


def test_broken_plugin_file_is_a_clear_error(tmp_path: Path) -> None:
    plugin = tmp_path / "broken.py"
    plugin.write_text("raise RuntimeError('nope')\n")
    with pytest.raises(AiguardError, match=r"broken\.py failed to load: RuntimeError: nope"):
        load_rules([plugin])
    with pytest.raises(AiguardError, match="not found"):
        load_rules([tmp_path / "missing.py"])


def test_duplicate_rule_id_is_an_error(tmp_path: Path) -> None:
    plugin = tmp_path / "dup.py"
    plugin.write_text(PLUGIN.replace("AIG491", "AIG401"))
    with pytest.raises(AiguardError, match="AIG401 is defined twice"):
        load_rules([plugin])


def test_rule_with_incomplete_metadata_is_rejected(tmp_path: Path) -> None:
    plugin = tmp_path / "bad.py"
    plugin.write_text(PLUGIN.replace('    rationale = "Callers cannot silence it."\n', ""))
    with pytest.raises(AiguardError, match="missing rationale"):
        load_rules([plugin])


def test_rules_in_rejects_other_objects() -> None:
    with pytest.raises(AiguardError, match="not a rule module"):
        rules_in(42)


def test_no_installed_rules_is_an_error_not_a_silent_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata

    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **_: [])
    with pytest.raises(AiguardError, match="no rules are installed"):
        load_rules()


def test_a_stale_rule_reference_is_a_clear_error() -> None:
    from dataclasses import replace

    from aiguard.lint.rule import RuleRef

    good = RuleRef.of(load_rules()["AIG101"])
    missing_module = replace(good, module="aiguard_rules.no_such_module", rule=None)
    with pytest.raises(AiguardError, match=r"AIG101 failed to load from aiguard_rules\.no_such_"):
        missing_module.load()
    moved = replace(good, qualname="NoSuchRule", rule=None)
    with pytest.raises(
        AiguardError, match=r"AIG101 is no longer aiguard_rules\.suppression\.rules\.NoSuch"
    ):
        moved.load()
    assert replace(good, rule=None).load() is good.load()
