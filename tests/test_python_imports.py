"""AIG6xx/AIG7xx/AIG8xx against real virtualenvs in temporary directories, through `aiguard check`.

Most tests build a venv with `python -m venv --without-pip` (fast) and write dist-info files by
hand; one builds a venv with pip and installs a tiny local package normally and in editable
mode. The environment is reached through each discovery route. A security test makes sure
nothing of the scanned repository or its environment is ever executed; a pre-commit test shows
that the hook's own $VIRTUAL_ENV is never taken for the project's environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.gitrepo import GIT_ENV, GitRepo

ROOT = Path(__file__).resolve().parent.parent

PYPROJECT = """\
[project]
name = "shop"
requires-python = ">=3.10"
dependencies = [
    "realpkg>=1",
]
"""
PYPROJECT_WITH_UNUSED = PYPROJECT.replace(
    '    "realpkg>=1",\n', '    "realpkg>=1",\n    "unusedpkg>=2",\n'
)
APP = """\
from typing import TYPE_CHECKING

import realpkg
import fastjsonschema_validator
from realpkg import greet, missing_helper
import undeclaredpkg

try:
    import optional_speedups
except ImportError:
    optional_speedups = None

if TYPE_CHECKING:
    from realpkg import Greeting
    import typeonlypkg

realpkg.greet()
realpkg.no_such_function()
"""
EXPECTED = {
    ("AIG601", 4),  # fastjsonschema_validator: exists nowhere
    ("AIG603", 5),  # from realpkg import missing_helper
    ("AIG802", 6),  # undeclaredpkg: installed, not declared
    ("AIG701", 18),  # realpkg.no_such_function
    ("AIG801", 6),  # pyproject.toml: unusedpkg declared, never imported
}


def make_venv(path: Path, packages: dict[str, dict[str, str]]) -> Path:
    """A real virtualenv (no pip, for speed) with hand-written installed distributions."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    sites = list(path.glob("lib/python3*/site-packages")) + list(path.glob("Lib/site-packages"))
    site = sites[0]
    for dist, files in packages.items():
        info = site / f"{dist}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n\n")
        for rel, text in files.items():
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            (site / rel).write_text(text)
        (info / "RECORD").write_text("".join(f"{r},,\n" for r in [*files, f"{info.name}/METADATA"]))
    return path


PACKAGES = {
    "realpkg": {
        "realpkg/__init__.py": "class Greeting: ...\n\ndef greet():\n    return Greeting()\n"
    },
    "undeclaredpkg": {"undeclaredpkg/__init__.py": "X = 1\n"},
    "typeonlypkg": {"typeonlypkg/__init__.py": "X = 1\n"},
    "unusedpkg": {"unusedpkg/__init__.py": "X = 1\n"},
}


def interpreter(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run_check(
    repo: Path, *args: str, env_extra: dict[str, str] | None = None, cache: Path
) -> tuple[int, dict[str, Any], str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PRE_COMMIT")}
    env.update({"AIGUARD_CACHE_DIR": str(cache), **(env_extra or {})})
    proc = subprocess.run(
        [sys.executable, "-m", "aiguard", "check", "--format", "json", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stderr


def ours(report: dict[str, Any]) -> set[tuple[str, int]]:
    return {
        (f["rule_id"], f["line"])
        for f in report["findings"]
        if f["rule_id"][:4] in ("AIG6", "AIG7", "AIG8")
    }


def project_with_change(repo: GitRepo) -> None:
    repo.commit({"pyproject.toml": PYPROJECT, "app.py": "import realpkg\n"})
    repo.write({"pyproject.toml": PYPROJECT_WITH_UNUSED, "app.py": APP})
    repo.git("add", "-A")


@pytest.mark.parametrize("route", ["--python", "config", "VIRTUAL_ENV", ".venv"])
def test_each_discovery_route_finds_the_environment(
    repo: GitRepo, tmp_path: Path, route: str
) -> None:
    venv_path = repo.root / ".venv" if route == ".venv" else tmp_path / "envs" / "shop"
    venv = make_venv(venv_path, PACKAGES)
    project_with_change(repo)
    args: list[str] = ["--staged"]
    extra: dict[str, str] = {}
    if route == "--python":
        args += ["--python", str(interpreter(venv))]
    elif route == "config":
        config = PYPROJECT_WITH_UNUSED + f'\n[tool.aiguard]\npython = "{venv.as_posix()}"\n'
        repo.write({"pyproject.toml": config})
        repo.git("add", "-A")
    elif route == "VIRTUAL_ENV":
        extra["VIRTUAL_ENV"] = str(venv)
    status, report, _ = run_check(repo.root, *args, env_extra=extra, cache=tmp_path / "cache")
    found = ours(report)
    pyproject_findings = {
        (f["rule_id"], f["line"]) for f in report["findings"] if f["path"] == "pyproject.toml"
    }
    app_findings = {(f["rule_id"], f["line"]) for f in report["findings"] if f["path"] == "app.py"}
    assert status == 1
    assert pyproject_findings == {("AIG801", 6)}, report["findings"]
    assert app_findings == EXPECTED - {("AIG801", 6)}, report["findings"]
    assert found == EXPECTED
    assert not [n for n in report["notifications"] if "environment" in n["message"]]


def test_without_an_environment_it_judges_against_what_is_declared(
    repo: GitRepo, tmp_path: Path
) -> None:
    project_with_change(repo)
    _, report, stderr = run_check(repo.root, "--staged", cache=tmp_path / "cache")
    found = ours(report)
    # Not installed anywhere aiguard can see and not declared: now a missing module.
    assert ("AIG601", 6) in found and ("AIG601", 4) in found
    # Names and attributes of a package that is declared but not visible cannot be judged.
    assert ("AIG603", 5) not in found and ("AIG701", 18) not in found
    notes = " ".join(n["message"] for n in report["notifications"])
    assert "no Python environment found" in notes and "--python" in notes
    assert "no Python environment found" in stderr


def test_second_run_reads_the_index_from_the_cache(repo: GitRepo, tmp_path: Path) -> None:
    make_venv(repo.root / ".venv", PACKAGES)
    project_with_change(repo)
    cache = tmp_path / "cache"
    _, first, _ = run_check(repo.root, "--staged", cache=cache)
    index_files = list((cache / "index").rglob("*.json"))
    assert len(index_files) == 1
    stamp = index_files[0].stat().st_mtime_ns
    _, second, _ = run_check(repo.root, "--staged", cache=cache)
    assert ours(first) == ours(second) == EXPECTED
    assert index_files[0].stat().st_mtime_ns == stamp  # read, not rewritten


def test_a_change_without_imports_never_builds_the_index(repo: GitRepo, tmp_path: Path) -> None:
    make_venv(repo.root / ".venv", PACKAGES)
    repo.commit({"pyproject.toml": PYPROJECT, "app.py": "import realpkg\n\nX = 1\n"})
    repo.write({"app.py": "import realpkg\n\nX = 2\n"})
    repo.git("add", "-A")
    cache = tmp_path / "cache"
    status, report, _ = run_check(repo.root, "--staged", cache=cache)
    assert status == 0 and not ours(report)
    assert not (cache / "index").exists()


def test_first_party_modules_and_relative_imports(repo: GitRepo, tmp_path: Path) -> None:
    make_venv(repo.root / ".venv", PACKAGES)
    repo.commit(
        {
            "pyproject.toml": PYPROJECT,
            "src/shop/__init__.py": "",
            "src/shop/models.py": "class Order: ...\n",
            "tests/helpers.py": "def make(): ...\n",
            "tests/test_shop.py": "import realpkg\n",
        }
    )
    repo.write(
        {
            "src/shop/views.py": "from shop.models import Order, Invoice\nfrom .utils import fmt\n"
            "from . import models\n",
            "tests/test_shop.py": (
                "import realpkg\nfrom helpers import make\nfrom shop import models\n"
            ),
        }
    )
    repo.git("add", "-A")
    _, report, _ = run_check(repo.root, "--staged", cache=tmp_path / "cache")
    found = {(f["path"], f["rule_id"], f["line"]) for f in report["findings"]}
    assert found == {("src/shop/views.py", "AIG603", 1), ("src/shop/views.py", "AIG604", 2)}


@pytest.mark.slow
def test_real_pip_installs_normal_and_editable(tmp_path: Path) -> None:
    """A venv with pip; a tiny package installed normally and another in editable mode."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    for name, editable in (("tinypkg", False), ("tinyedit", True)):
        source = tmp_path / f"{name}-src"
        (source / "src" / name).mkdir(parents=True)
        (source / "pyproject.toml").write_text(
            '[build-system]\nrequires = ["setuptools>=64"]\n'
            'build-backend = "setuptools.build_meta"\n'
            f'[project]\nname = "{name}-dist"\nversion = "1.0"\n'
        )
        (source / "src" / name / "__init__.py").write_text("def greet():\n    return 'hi'\n")
        (source / "src" / name / "core.py").write_text("VALUE = 1\n")
        install = [
            str(interpreter(venv)),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
        ]
        subprocess.run(
            [*install, *(["-e"] if editable else []), str(source)], check=True, timeout=300
        )
    repo = GitRepo(tmp_path / "repo")
    repo.commit({"pyproject.toml": PYPROJECT.replace("realpkg>=1", "tinypkg-dist"), "app.py": ""})
    repo.write(
        {
            "app.py": "import tinypkg\nfrom tinypkg import greet, nope\nimport tinyedit.core\n"
            "from tinyedit import greet as g2, missing\ntinyedit.core.VALUE\ntinyedit.core.absent\n"
        }
    )
    repo.git("add", "-A")
    _, report, _ = run_check(
        repo.root, "--staged", "--python", str(interpreter(venv)), cache=tmp_path / "cache"
    )
    messages = [(f["rule_id"], f["line"], f["message"]) for f in report["findings"]]
    assert ours(report) == {("AIG603", 2), ("AIG802", 3), ("AIG603", 4), ("AIG701", 6)}, messages


def test_nothing_of_the_repository_or_its_environment_is_ever_executed(tmp_path: Path) -> None:
    marker = tmp_path / "EXECUTED"
    payload = f"open({str(marker)!r}, 'a').write(__file__ + '\\n')\n"
    repo = GitRepo(tmp_path / "repo")
    venv = make_venv(repo.root / ".venv", PACKAGES)
    python = interpreter(venv)
    python.unlink()
    python.write_text(f'#!/bin/sh\necho "$0" >> {marker}\n')
    python.chmod(0o755)
    site = next(venv.glob("lib/python3*/site-packages"))
    (site / "evil.pth").write_text(f"import os; {payload}")
    (site / "__editable___evil_finder.py").write_text(payload + "MAPPING = {'evil': '/nowhere'}\n")
    (site / "__editable__.evil.pth").write_text("import __editable___evil_finder\n")
    files = {
        "pyproject.toml": PYPROJECT,
        "shop/__init__.py": payload,
        "conftest.py": payload,
        "setup.py": payload + "from setuptools import setup\nsetup(install_requires=['realpkg'])\n",
        "shop/app.py": "import realpkg\n",
    }
    repo.commit(files)
    changed = {
        "shop/__init__.py": payload + "import realpkg\nimport nothere\n",
        "conftest.py": payload + "from shop import app\n",
        "setup.py": payload
        + "from setuptools import setup\nsetup(install_requires=['realpkg', 'reqeusts'])\n",
        "shop/app.py": "import realpkg\nimport evil\nfrom shop import missing\nrealpkg.nothing()\n",
    }
    repo.write(changed)
    modes: list[list[str]] = [
        [],
        ["--staged"],
        ["--base", "HEAD"],
        ["--all"],
        ["--python", str(python)],
    ]
    for mode in modes:
        if mode == ["--staged"]:
            repo.git("add", "-A")
        status, report, _ = run_check(repo.root, *mode, cache=tmp_path / "cache")
        assert status == 1 and ours(report), (mode, report)
    # As the pre-commit hook runs it (PRE_COMMIT set: $VIRTUAL_ENV is skipped, .venv is read).
    status, report, _ = run_check(
        repo.root, "--staged", env_extra={"PRE_COMMIT": "1"}, cache=tmp_path / "cache"
    )
    assert status == 1 and ours(report)
    assert not marker.exists(), marker.read_text()


@pytest.mark.slow
def test_pre_commit_hook_ignores_its_own_virtualenv(tmp_path: Path) -> None:
    """Under `pre-commit try-repo`, $VIRTUAL_ENV is the hook's env (which lacks `onlyinvenv`);
    aiguard must skip it and use the project's .venv, where `onlyinvenv` is installed."""
    project = GitRepo(tmp_path / "project")
    make_venv(
        project.root / ".venv", {"onlyinvenv": {"onlyinvenv/__init__.py": "def run(): ...\n"}}
    )
    (project.root / ".gitignore").write_text(".venv/\n")
    pyproject = '[project]\nname = "p"\ndependencies = ["onlyinvenv"]\n'
    project.commit({"pyproject.toml": pyproject, "app.py": "X = 1\n"})
    project.write(
        {"app.py": "import onlyinvenv\nfrom onlyinvenv import walk\nimport notinstalledanywhere\n"}
    )
    project.git("add", "app.py")
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    env["AIGUARD_CACHE_DIR"] = str(tmp_path / "cache")
    env.pop("VIRTUAL_ENV", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "aiguard", "--color", "never"],
        cwd=project.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    # Found in the project's .venv: its namespace is read, so the missing name is reported...
    assert "app.py:2:" in out and "AIG603" in out and "walk" in out
    # ...and the module itself is not called hallucinated, while a truly missing one is.
    assert "app.py:1:" not in out
    assert "app.py:3:" in out and "notinstalledanywhere" in out
