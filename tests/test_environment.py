"""The static environment index (aiguard.facts.python) and manifest reading
(aiguard.facts.manifests):
discovery order, pre-commit's $VIRTUAL_ENV, dist-info/.pth/editable reading without executing,
namespaces from source, the standard library of another Python version, and the cache."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from aiguard.facts.manifests import declared_dependencies, python_floor, read_manifest
from aiguard.facts.python.discovery import discover
from aiguard.facts.python.environment import find_environment
from aiguard.facts.python.index import read_editable_mapping
from aiguard.facts.python.namespace import read_namespace
from aiguard.facts.python.stdlib import Stdlib

MARKER_CODE = "open({marker!r}, 'w').write('executed')\n"


def make_venv(
    root: Path,
    *,
    version: str = "3.11",
    dists: dict[str, dict[str, str]] | None = None,
    marker: Path | None = None,
) -> Path:
    """A virtualenv's layout, written by hand: pyvenv.cfg, site-packages, and `bin/python`, a
    script that leaves `marker` behind if anyone ever runs it. `dists` maps a distribution name
    to {relative path in site-packages: text} for its files; dist-info files are derived."""
    site = root / "lib" / f"python{version}" / "site-packages"
    site.mkdir(parents=True)
    (root / "pyvenv.cfg").write_text(
        f"home = /nonexistent/bin\ninclude-system-site-packages = false\nversion = {version}.1\n"
    )
    (root / "bin").mkdir()
    python = root / "bin" / "python"
    python.write_text("#!/bin/sh\n" + (f"echo ran > {marker}\n" if marker else ""))
    python.chmod(0o755)
    for name, files in (dists or {}).items():
        add_distribution(site, name, files)
    return root


def add_distribution(
    site: Path, name: str, files: dict[str, str], *, top_level: str | None = None
) -> None:
    info = site / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n\nBody\n")
    for rel, text in files.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    record = [*files, f"{info.name}/METADATA", f"{info.name}/RECORD"]
    (info / "RECORD").write_text("".join(f"{r},,\n" for r in record))
    if top_level is not None:
        (info / "top_level.txt").write_text(top_level)


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("AIGUARD_CACHE_DIR", str(cache))
    return cache


def env_vars(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"AIGUARD_CACHE_DIR": str(tmp_path / "cache"), "HOME": str(tmp_path), **extra}


# -- discovery -------------------------------------------------------------------------------------


def test_discovery_order(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    dot_venv = make_venv(repo / ".venv")
    active = make_venv(tmp_path / "active")
    named = make_venv(tmp_path / "named")

    found = discover(repo, str(named / "bin" / "python"), {"VIRTUAL_ENV": str(active)})
    assert found.prefix == named and "--python" in found.route
    found = discover(repo, str(named), {"VIRTUAL_ENV": str(active)})
    assert found.prefix == named
    found = discover(repo, None, {"VIRTUAL_ENV": str(active)})
    assert found.prefix == active and "$VIRTUAL_ENV" in found.route
    found = discover(repo, None, {})
    assert found.prefix == dot_venv and ".venv" in found.route
    assert discover(tmp_path / "nothing-here", None, {}).prefix is None


def test_relative_configured_path_is_relative_to_the_repository(tmp_path: Path) -> None:
    make_venv(tmp_path / "envs" / "py")
    found = discover(tmp_path, "envs/py/bin/python", {})
    assert found.prefix == tmp_path / "envs" / "py"


def test_pre_commit_virtual_env_is_never_the_project_environment(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    dot_venv = make_venv(repo / ".venv")
    hook_env = make_venv(tmp_path / "store" / "repoabc" / "py_env-python3.11")
    found = discover(repo, None, {"VIRTUAL_ENV": str(hook_env), "PRE_COMMIT": "1"})
    assert found.prefix == dot_venv
    assert any("pre-commit" in s for s in found.skipped)
    # Recognised by where pre-commit keeps its environments, even without PRE_COMMIT set.
    found = discover(
        repo, None, {"VIRTUAL_ENV": str(hook_env), "PRE_COMMIT_HOME": str(tmp_path / "store")}
    )
    assert found.prefix == dot_venv


def test_a_configured_path_that_is_no_environment_is_a_notice_not_a_crash(tmp_path: Path) -> None:
    env = find_environment(tmp_path, str(tmp_path / "missing" / "python"), env_vars(tmp_path))
    assert env.python is None
    assert any("neither an interpreter" in n for n in env.notices)
    assert any("--python" in n for n in env.notices)


def test_no_environment_found_says_how_to_point_at_one(tmp_path: Path) -> None:
    env = find_environment(
        tmp_path, None, env_vars(tmp_path, PRE_COMMIT="1", VIRTUAL_ENV=str(tmp_path))
    )
    assert env.python is None
    note = " ".join(env.notices)
    assert "no Python environment found" in note and "--python" in note and "pre-commit" in note


def test_in_memory_projects_look_for_no_environment(tmp_path: Path) -> None:
    make_venv(tmp_path / ".venv")
    env = find_environment(None, None, env_vars(tmp_path, VIRTUAL_ENV=str(tmp_path / ".venv")))
    assert env.python is None and env.notices == []


# -- the index -------------------------------------------------------------------------------------


def test_distributions_modules_and_editable_installs_are_read_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    venv = make_venv(tmp_path / "venv", marker=marker)
    site = venv / "lib" / "python3.11" / "site-packages"
    add_distribution(
        site,
        "PyYAML",
        {
            "yaml/__init__.py": "def safe_load(s): ...\n",
            "_yaml.cpython-311-x86_64-linux-gnu.so": "",
        },
        top_level="_yaml\nyaml\n",
    )
    add_distribution(
        site,
        "protobuf",
        {"google/protobuf/__init__.py": "", "google/protobuf/message.py": "class Message: ...\n"},
    )
    add_distribution(site, "googleapis-common-protos", {"google/api/__init__.py": ""})
    # An editable install the setuptools way: a .pth that imports a finder holding a MAPPING.
    source = tmp_path / "work" / "editpkg"
    source.mkdir(parents=True)
    (source / "__init__.py").write_text("def edited(): ...\n")
    mapping = f"MAPPING: dict[str, str] = {{'editpkg': {str(source)!r}}}\n"
    finder = MARKER_CODE.format(marker=str(marker)) + mapping
    add_distribution(
        site,
        "editpkg",
        {
            "__editable___editpkg_1_0_finder.py": finder,
            "__editable__.editpkg-1.0.pth": (
                "import __editable___editpkg_1_0_finder; "
                "__editable___editpkg_1_0_finder.install()\n"
            ),
        },
    )
    # A plain .pth naming a source directory (pdm, setuptools src-layout editables).
    src = tmp_path / "work" / "src"
    (src / "srcpkg").mkdir(parents=True)
    (src / "srcpkg" / "__init__.py").write_text("X = 1\n")
    add_distribution(site, "srcpkg", {"srcpkg.pth": f"{src}\n"})
    (site / "evil.pth").write_text(f"import os; {MARKER_CODE.format(marker=str(marker)).strip()}\n")

    env = find_environment(None, str(venv), env_vars(tmp_path))
    python = env.python
    assert python is not None and python.version == (3, 11)
    assert {d.name for d in python.distributions} >= {"PyYAML", "protobuf", "editpkg", "srcpkg"}
    assert python.distribution("pyyaml") is not None
    pyyaml, editpkg, srcpkg = (python.distribution(n) for n in ("PyYAML", "editpkg", "srcpkg"))
    assert pyyaml is not None and pyyaml.import_names == ("_yaml", "yaml")
    assert [d.name for d in python.distributions_providing("google.protobuf.message")] == [
        "protobuf"
    ]
    assert python.has_top_level("editpkg") and python.has_top_level("srcpkg")
    assert editpkg is not None and "editpkg" in editpkg.import_names
    assert srcpkg is not None and "srcpkg" in srcpkg.import_names
    ns = env.namespace("editpkg")
    assert ns is not None and ns.complete and "edited" in ns.names
    assert env.namespace("srcpkg") is not None
    extension = env.namespace("_yaml")
    assert extension is not None and not extension.complete
    assert not marker.exists()


def test_read_editable_mapping_handles_setuptools_and_editables() -> None:
    setuptools_style = (
        "MAPPING: dict[str, str] = {'pkg': '/src/pkg'}\nNAMESPACES = {'ns': ['/src/ns']}\n"
    )
    assert read_editable_mapping(setuptools_style) == {"pkg": ["/src/pkg"], "ns": ["/src/ns"]}
    editables_style = (
        "F = RedirectingFinder\nF.map_module('pkg', '/src/pkg/__init__.py')\nF.install()\n"
    )
    assert read_editable_mapping(editables_style) == {"pkg": ["/src/pkg/__init__.py"]}
    assert read_editable_mapping("this is not python (") == {}


def test_index_is_cached_by_site_packages_state(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / "venv", dists={"alpha": {"alpha/__init__.py": ""}})
    first = find_environment(None, str(venv), env_vars(tmp_path))
    assert first.python is not None and not first.python.from_cache
    second = find_environment(None, str(venv), env_vars(tmp_path))
    assert second.python is not None and second.python.from_cache
    add_distribution(
        venv / "lib" / "python3.11" / "site-packages", "beta", {"beta/__init__.py": ""}
    )
    third = find_environment(None, str(venv), env_vars(tmp_path))
    assert third.python is not None and not third.python.from_cache
    assert third.python.has_top_level("beta")


def test_corrupt_cache_is_rebuilt_and_unwritable_cache_is_skipped(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / "venv", dists={"alpha": {"alpha/__init__.py": ""}})
    find_environment(None, str(venv), env_vars(tmp_path))
    for cached in (tmp_path / "cache").rglob("*.json"):
        cached.write_text("{not json")
    again = find_environment(None, str(venv), env_vars(tmp_path))
    assert again.python is not None and again.python.has_top_level("alpha")
    assert any("unreadable cache" in n for n in again.notices)

    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the cache directory should be")
    env = find_environment(
        None, str(venv), {"AIGUARD_CACHE_DIR": str(blocker / "sub"), "HOME": str(tmp_path)}
    )
    assert env.python is not None and env.python.has_top_level("alpha")
    assert any("cannot write the cache" in n for n in env.notices)


def test_cache_never_goes_inside_the_scanned_repository(tmp_path: Path) -> None:
    make_venv(tmp_path / ".venv", dists={"alpha": {"alpha/__init__.py": ""}})
    find_environment(
        tmp_path, None, {"AIGUARD_CACHE_DIR": str(tmp_path / ".cache"), "HOME": str(tmp_path)}
    )
    assert not (tmp_path / ".cache").exists()


def test_index_of_150_distributions_builds_fast_and_is_then_read_from_cache(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / "venv")
    site = venv / "lib" / "python3.11" / "site-packages"
    for i in range(150):
        files = {f"pkg{i}/__init__.py": f"VALUE = {i}\n"}
        files.update({f"pkg{i}/mod{j}.py": "def f(): ...\n" for j in range(20)})
        add_distribution(site, f"dist-{i}", files, top_level=f"pkg{i}\n")
    started = time.perf_counter()
    built = find_environment(None, str(venv), env_vars(tmp_path))
    build_seconds = time.perf_counter() - started
    started = time.perf_counter()
    cached = find_environment(None, str(venv), env_vars(tmp_path))
    cached_seconds = time.perf_counter() - started
    assert built.python is not None and cached.python is not None
    assert len(built.python.distributions) == 150 and not built.python.from_cache
    assert cached.python.from_cache and len(cached.python.distributions) == 150
    print(
        f"\nindex of 150 distributions: built in {build_seconds * 1000:.1f} ms, "
        f"cached {cached_seconds * 1000:.1f} ms"
    )
    assert build_seconds < 1.0
    assert cached_seconds < build_seconds


# -- namespaces ------------------------------------------------------------------------------------


def test_namespace_of_source_takes_every_branch_and_knows_when_it_cannot_know() -> None:
    raw = read_namespace(
        "import os\nfrom a import b as c\nX = 1\nif os.name == 'nt':\n    def f(): ...\nelse:\n"
        "    def g(): ...\ntry:\n    import fast as impl\nexcept ImportError:\n    impl = None\n"
        "def setup():\n    global LATE\n    LATE = 2\n(W := 3)\nfor i in range(2): pass\n"
        "with open('x') as handle: pass\n__all__ = ['X', 'extra']\n"
    )
    assert not raw.dynamic
    assert {"os", "c", "X", "f", "g", "impl", "setup", "LATE", "W", "i", "handle"} <= raw.names
    assert raw.exports == {"X", "extra"}
    assert read_namespace("def __getattr__(name): ...\n").dynamic
    assert read_namespace("globals()['x'] = 1\n").dynamic
    assert read_namespace("globals().update(d)\n").dynamic
    # The standard library's own ways of exporting enum members (re, ssl, socket, signal).
    assert read_namespace(
        "import enum\n@enum.global_enum\nclass F(enum.IntFlag):\n    A = 1\n"
    ).dynamic
    assert read_namespace("_IntEnum._convert_('Options', __name__, lambda n: True)\n").dynamic
    assert not read_namespace("import enum\nclass F(enum.IntFlag):\n    A = 1\n").dynamic
    assert not read_namespace("if 'x' in globals(): pass\ny = globals().get('x')\n").dynamic
    assert read_namespace("import sys\nsys.modules[__name__] = Wrapper()\n").dynamic
    assert read_namespace("import sys\nsys.modules['pkg.fake'] = m\n").plants_modules
    assert read_namespace("def broken(:\n").dynamic
    assert read_namespace("from .impl import *\n").stars == (("impl", 1),)


def test_stdlib_namespaces_come_from_typeshed_for_the_target_version() -> None:
    pytest.importorskip("typeshed_client")
    env = find_environment(None, None, {})
    os_path = env.namespace("os.path")
    assert os_path is not None and os_path.complete
    assert "join" in os_path.names and "joinpath" not in os_path.names
    json_ns = env.namespace("json")
    assert json_ns is not None and "loads" in json_ns.names and "parse" not in json_ns.names


def test_stdlib_module_names_follow_the_target_version() -> None:
    pytest.importorskip("typeshed_client")
    py310, py311, py312 = Stdlib((3, 10), None), Stdlib((3, 11), None), Stdlib((3, 12), None)
    assert not py310.is_top_level("tomllib") and py311.is_top_level("tomllib")
    assert py311.is_top_level("distutils") and not py312.is_top_level("distutils")
    assert not py311.is_top_level("typing_extensions")  # typeshed ships it; Python does not
    assert py311.stub_only("_typeshed") and not py311.is_top_level("_typeshed")
    unknown = Stdlib(None, None)
    assert unknown.is_top_level("tomllib") and unknown.is_top_level("distutils")


# -- declared dependencies -------------------------------------------------------------------------


def test_pyproject_pep621_pep735_poetry_and_build_requirements() -> None:
    text = (
        "[build-system]\nrequires = ['setuptools>=64']\n\n"
        "[project]\nname = 'app'\nrequires-python = '>=3.10'\ndependencies = [\n"
        "    'requests>=2',\n    \"PyYAML[extra] ; python_version < '4'\",\n]\n"
        "[project.optional-dependencies]\ntest = ['pytest']\n\n"
        "[dependency-groups]\ndev = ['ruff', {include-group = 'test'}]\n\n"
        "[tool.poetry.dependencies]\npython = '^3.10'\n"
        "httpx = {version = '*', extras = ['http2']}\n"
        "[tool.poetry.group.docs.dependencies]\nmkdocs = '*'\n"
    )
    manifest = read_manifest("pyproject.toml", text)
    found = {(r.normalized, r.group, r.line) for r in manifest.requirements}
    assert found == {
        ("setuptools", "build", 2),
        ("requests", "project", 8),
        ("pyyaml", "project", 9),
        ("pytest", "optional:test", 12),
        ("ruff", "group:dev", 15),
        ("httpx", "poetry", 19),
        ("mkdocs", "poetry:docs", 21),
    }
    assert manifest.requires_python == ">=3.10" and manifest.project_name == "app"
    yaml = next(r for r in manifest.requirements if r.normalized == "pyyaml")
    assert yaml.extras == ("extra",) and "python_version" in yaml.marker


def test_requirements_files_follow_includes_and_skip_options() -> None:
    files = {
        "requirements.txt": "-r requirements/base.txt\n--index-url https://x\n"
        "flask==3.0 \\\n    --hash=sha256:abc\n"
        "-e git+https://example.invalid/x.git#egg=gitdep\n-e .\n./local/path\n"
        "# comment\nclick  # inline\n",
        "requirements/base.txt": "requests\n-c constraints.txt\n",
    }
    declared = declared_dependencies(files, files.get)
    found = {(r.normalized, r.path, r.line) for r in declared.requirements}
    assert found == {
        ("requests", "requirements/base.txt", 1),
        ("flask", "requirements.txt", 3),
        ("gitdep", "requirements.txt", 5),
        ("click", "requirements.txt", 9),
    }


def test_setup_cfg_and_a_literal_setup_py_are_read_without_running_them(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    cfg = (
        "[metadata]\nname = app\n[options]\npython_requires = >=3.9\ninstall_requires =\n"
        "    requests\n    attrs>=22\n[options.extras_require]\ntest = pytest\n"
    )
    manifest = read_manifest("setup.cfg", cfg)
    assert {(r.normalized, r.group, r.line) for r in manifest.requirements} == {
        ("requests", "project", 6),
        ("attrs", "project", 7),
        ("pytest", "optional:test", 9),
    }
    assert manifest.requires_python == ">=3.9"
    setup_py = MARKER_CODE.format(marker=str(marker)) + (
        "from setuptools import setup\nsetup(name='app', install_requires=['numpy>=1', 'scipy'])\n"
    )
    manifest = read_manifest("setup.py", setup_py)
    assert [r.normalized for r in manifest.requirements] == ["numpy", "scipy"]
    assert not marker.exists()


def test_bad_manifests_are_problems_not_crashes() -> None:
    assert read_manifest("pyproject.toml", "[project\n").problems
    assert read_manifest("setup.py", "setup(\n").problems
    assert read_manifest("requirements.txt", "\x00garbage ===\n").requirements == []


@pytest.mark.parametrize(
    ("spec", "floor"),
    [
        (">=3.9", (3, 9)),
        (">=3.8,<4", (3, 8)),
        ("~=3.10", (3, 10)),
        ("^3.11", (3, 11)),
        (">3.9", (3, 10)),
        ("<3.12", None),
        (None, None),
        (">=2.7, !=3.0.*", (2, 7)),
    ],
)
def test_python_floor(spec: str | None, floor: tuple[int, int] | None) -> None:
    assert python_floor(spec) == floor


def test_cache_dir_defaults(tmp_path: Path) -> None:
    from aiguard.cache import cache_dir

    assert cache_dir({"AIGUARD_CACHE_DIR": str(tmp_path)}) == tmp_path
    assert cache_dir({"AIGUARD_CACHE_DIR": ""}) is None
    assert cache_dir({"XDG_CACHE_HOME": "/x"}) == Path("/x/aiguard")
    if os.name != "nt":
        assert cache_dir({"HOME": "/home/u"}) == Path("/home/u/.cache/aiguard")
