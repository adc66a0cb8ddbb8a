"""AIG8xx against real virtualenvs: the cases of deptry's DEP001-DEP004 that need an environment.

The rules' own examples run without one (see each rule's Flag/Pass examples); these run
`aiguard check --staged` in a git repository whose `.venv/` holds hand-written distributions
(METADATA with Requires-Dist, RECORD), so what is installed, what provides which module and what
requires what is read from the environment as it would be in a real project.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.gitrepo import GitRepo
from tests.test_python_imports import run_check


def make_env(path: Path, packages: dict[str, tuple[dict[str, str], tuple[str, ...]]]) -> None:
    """A virtualenv without pip whose distributions are {name: (files, requires-dist)}."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    site = [*path.glob("lib/python3*/site-packages"), *path.glob("Lib/site-packages")][0]
    for dist, (files, requires) in packages.items():
        info = site / f"{dist}-1.0.dist-info"
        info.mkdir()
        metadata = f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n"
        metadata += "".join(f"Requires-Dist: {r}\n" for r in requires)
        (info / "METADATA").write_text(metadata + "\n")
        for rel, text in files.items():
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            (site / rel).write_text(text)
        (info / "RECORD").write_text("".join(f"{r},,\n" for r in [*files, f"{info.name}/METADATA"]))


def findings(report: dict[str, Any], prefix: str = "AIG") -> list[tuple[str, str, int, str]]:
    return sorted(
        (f["rule_id"], f["path"], f["line"], f["severity"])
        for f in report["findings"]
        if f["rule_id"].startswith(prefix)
    )


def message(report: dict[str, Any], rule: str, path: str, line: int) -> str:
    return next(
        f["message"]
        for f in report["findings"]
        if (f["rule_id"], f["path"], f["line"]) == (rule, path, line)
    )


PYPROJECT = """\
[project]
name = "shop"
requires-python = ">=3.10"
dependencies = [
    "httpx>=0.27",
]
"""
HTTPX = ({"httpx/__init__.py": "def get(url): ...\n"}, ("certifi",))
CERTIFI = ({"certifi/__init__.py": "def where(): ...\n"}, ())


def check(repo: GitRepo, tmp_path: Path, before: dict[str, str], after: dict[str, str]) -> Any:
    repo.commit(before)
    repo.write(after)
    repo.git("add", "-A")
    _, report, _ = run_check(repo.root, "--staged", cache=tmp_path / "cache")
    return report


def test_an_undeclared_well_known_package_the_environment_lacks(
    repo: GitRepo, tmp_path: Path
) -> None:
    """DEP001 whatever the environment: `yaml` is installed nowhere and declared nowhere."""
    make_env(repo.root / ".venv", {"httpx": HTTPX, "certifi": CERTIFI})
    app = "import httpx\nimport yaml\nimport white as w\n"
    report = check(
        repo,
        tmp_path,
        {"pyproject.toml": PYPROJECT, "app.py": "import httpx\n"},
        {"app.py": app},
    )
    # yaml is PyYAML's: a missing declaration (AIG802); `white` is no package aiguard knows of,
    # so it is AIG601's alone. One finding per import.
    assert findings(report, "AIG6") + findings(report, "AIG8") == [
        ("AIG601", "app.py", 3, "error"),
        ("AIG802", "app.py", 2, "warning"),
    ]
    text = message(report, "AIG802", "app.py", 2)
    assert "PyYAML" in text and "not installed in the environment" in text


def test_a_transitive_dependency_imported_directly_is_a_note(repo: GitRepo, tmp_path: Path) -> None:
    """deptry's DEP003 documentation: `certifi` arrives with `httpx`."""
    make_env(repo.root / ".venv", {"httpx": HTTPX, "certifi": CERTIFI})
    app = "import certifi\nimport httpx\n\ndef where():\n    return certifi.where()\n"
    report = check(
        repo,
        tmp_path,
        {"pyproject.toml": PYPROJECT, "app.py": "import httpx\n"},
        {"app.py": app},
    )
    assert findings(report, "AIG8") == [("AIG802", "app.py", 1, "note")]
    assert "`httpx` requires it" in message(report, "AIG802", "app.py", 1)


def test_a_distribution_is_used_through_any_module_it_installs(
    repo: GitRepo, tmp_path: Path
) -> None:
    """deptry's DEP002 top-level case: `black` also installs `blackd`; importing it is a use."""
    make_env(
        repo.root / ".venv",
        {
            "httpx": HTTPX,
            "certifi": CERTIFI,
            "serverkit": ({"serverkit/__init__.py": "", "serverkitd/__init__.py": ""}, ()),
            "unusedkit": ({"unusedkit/__init__.py": ""}, ()),
        },
    )
    after = PYPROJECT.replace(
        '    "httpx>=0.27",\n', '    "httpx>=0.27",\n    "serverkit",\n    "unusedkit",\n'
    )
    report = check(
        repo,
        tmp_path,
        {"pyproject.toml": PYPROJECT, "app.py": "import httpx\n"},
        {"pyproject.toml": after, "app.py": "import httpx\nimport serverkitd\n"},
    )
    assert findings(report, "AIG8") == [("AIG801", "pyproject.toml", 7, "warning")]


def test_a_dev_dependency_imported_by_production_code(repo: GitRepo, tmp_path: Path) -> None:
    """deptry's DEP004, with the import name read from the installed distribution (PyYAML
    provides `yaml`), and the note when a runtime dependency requires the package anyway."""
    make_env(
        repo.root / ".venv",
        {
            "httpx": HTTPX,
            "certifi": CERTIFI,
            "PyYAML": ({"yaml/__init__.py": "def safe_load(s): ...\n"}, ()),
        },
    )
    pyproject = PYPROJECT + '\n[dependency-groups]\ntest = ["pytest", "PyYAML", "certifi"]\n'
    app = "import httpx\nimport yaml\nimport certifi\n"
    report = check(
        repo,
        tmp_path,
        {"pyproject.toml": pyproject, "shop/__init__.py": "", "shop/app.py": "import httpx\n"},
        {"shop/app.py": app, "tests/test_app.py": "import yaml\nimport certifi\n"},
    )
    assert findings(report, "AIG8") == [
        ("AIG805", "shop/app.py", 2, "warning"),
        ("AIG805", "shop/app.py", 3, "note"),
    ]
    assert "group `test` in `pyproject.toml`" in message(report, "AIG805", "shop/app.py", 2)
    assert "`httpx`, a runtime dependency, requires it" in message(
        report, "AIG805", "shop/app.py", 3
    )
