"""The distribution ships every package: a forgotten subpackage works in an editable install
and vanishes from a real one, so the list in pyproject.toml is checked against the tree."""

from __future__ import annotations

from pathlib import Path

from aiguard import tomlcompat as tomllib

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_directory_is_listed() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]
    listed = set(config["packages"])
    found = set()
    for init in [*ROOT.glob("aiguard/**/__init__.py"), *ROOT.glob("aiguard_rules/**/__init__.py")]:
        found.add(".".join(init.parent.relative_to(ROOT).parts))
    assert found == listed


def test_built_in_rules_use_the_public_entry_point() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["project"]["entry-points"]["aiguard.rules"] == {"builtin": "aiguard_rules"}
