"""The Python dependencies a project declares, read from its manifests (never executed).

Sources: PEP 621 `[project] dependencies` and `optional-dependencies`, PEP 735
`[dependency-groups]`, Poetry's `[tool.poetry.*dependencies]` tables and `[tool.poetry.extras]`,
PDM's `[tool.pdm.dev-dependencies]`, uv's `[tool.uv] dev-dependencies`, `requirements*.txt`
files (following `-r` includes), `setup.cfg` `install_requires`/`extras_require`, and the
literal `install_requires=[...]` of a `setup.py` (read with `ast`: a setup script is never run).
Each requirement keeps the line it was written on, so a rule can report a dependency where the
change added it.

Groups: "project", "poetry" (the main table), "optional:<extra>" (PEP 621 extras, Poetry
`optional = true` dependencies under the extra that lists them, setup.cfg/setup.py extras),
"group:<name>" (PEP 735), "poetry:<group>", "dev:pdm:<group>" and "dev:uv" (development-only by
definition), "requirements", "build".
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiguard import tomlcompat as tomllib

_NAME = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?")
_SEPARATORS = re.compile(r"[-_.]+")
_EGG = re.compile(r"#egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
# Manifest files by base name; requirement files also by their directory.
_REQUIREMENTS_NAME = re.compile(r"(?i)^(.*requirements.*|.*reqs?)\.(txt|in)$")


def normalize(name: str) -> str:
    """PEP 503's normalized form: `Foo.Bar_baz` and `foo-bar-baz` are the same project."""
    return _SEPARATORS.sub("-", name).lower()


@dataclass(frozen=True)
class Requirement:
    """One declared dependency. `line` is 1-based in `path` (0 when it cannot be placed)."""

    name: str
    extras: tuple[str, ...]
    marker: str
    # "project", "optional:test", "group:dev", "poetry", "poetry:dev", "dev:pdm:test", "dev:uv",
    # "requirements", "build" (see the module docstring)
    group: str
    path: str
    line: int
    text: str

    @property
    def normalized(self) -> str:
        return normalize(self.name)


@dataclass
class Manifest:
    """What one manifest file declares."""

    path: str
    requirements: list[Requirement] = field(default_factory=list)
    requires_python: str | None = None
    project_name: str | None = None
    problems: list[str] = field(default_factory=list)
    # Lines that only name declared packages again (`[tool.poetry.extras]`): declarations, not uses.
    declaration_lines: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Declared:
    """Every dependency the project declares, over all its manifests."""

    manifests: tuple[Manifest, ...]

    @property
    def requirements(self) -> list[Requirement]:
        return [r for m in self.manifests for r in m.requirements]

    @property
    def names(self) -> frozenset[str]:
        """Normalized names of every declared distribution."""
        return frozenset(r.normalized for r in self.requirements)

    @property
    def project_names(self) -> frozenset[str]:
        """The project's own distribution names (a project may depend on its own extras)."""
        return frozenset(normalize(m.project_name) for m in self.manifests if m.project_name)

    @property
    def has_declarations(self) -> bool:
        """Whether the project declares its dependencies anywhere (even an empty list counts)."""
        return any(
            any(r.group != "build" for r in m.requirements) or _declares_something(m)
            for m in self.manifests
        )

    @property
    def requires_python(self) -> str | None:
        """The first `requires-python` found, the root pyproject's first."""
        for m in self.manifests:
            if m.requires_python:
                return m.requires_python
        return None


def _declares_something(manifest: Manifest) -> bool:
    return manifest.project_name is not None or manifest.path.endswith((".txt", ".in"))


def parse_requirement(text: str) -> tuple[str, tuple[str, ...], str] | None:
    """(name, extras, marker) of a PEP 508 string; None when it names no project."""
    text = text.strip()
    if not text or text.startswith(("-", ".", "/", "#")) or "://" in text.split("@")[0]:
        return None
    match = _NAME.match(text)
    if match is None:
        return None
    rest = text[match.end() :].lstrip()
    if rest and rest[0] not in "<>=!~;@(,":
        return None  # not a requirement: a path, a URL, or prose
    extras = tuple(e.strip() for e in (match.group(2) or "").strip("[]").split(",") if e.strip())
    marker = text.split(";", 1)[1].strip() if ";" in text else ""
    return match.group(1), extras, marker


def is_manifest(path: str) -> bool:
    """Whether `path` is a file this module reads dependencies from."""
    name = posixpath.basename(path)
    if name in ("pyproject.toml", "setup.cfg", "setup.py"):
        return True
    return is_requirements_file(path)


def is_requirements_file(path: str) -> bool:
    name = posixpath.basename(path)
    if _REQUIREMENTS_NAME.match(name):
        return True
    parent = posixpath.basename(posixpath.dirname(path)).lower()
    return parent in ("requirements", "reqs") and name.endswith((".txt", ".in"))


def read_manifest(
    path: str, text: str, read: Callable[[str], str | None] | None = None
) -> Manifest:
    """Parse one manifest; `read` fetches other files (for `-r` includes). Never raises."""
    name = posixpath.basename(path)
    manifest = Manifest(path)
    try:
        if name == "pyproject.toml":
            _read_pyproject(manifest, text)
        elif name == "setup.cfg":
            _read_setup_cfg(manifest, text)
        elif name == "setup.py":
            _read_setup_py(manifest, text)
        else:
            _read_requirements(manifest, path, text, read, seen={path}, group="requirements")
    except (tomllib.TOMLDecodeError, SyntaxError, ValueError, RecursionError) as exc:
        manifest.problems.append(f"{path}: {type(exc).__name__}: {exc}")
    return manifest


def declared_dependencies(paths: Iterable[str], read: Callable[[str], str | None]) -> Declared:
    """Every manifest among `paths` (the project's files), the root pyproject.toml first."""
    chosen = sorted((p for p in paths if is_manifest(p)), key=lambda p: (p.count("/"), p))
    manifests = []
    for path in chosen:
        text = read(path)
        if text is not None:
            manifests.append(read_manifest(path, text, read))
    return Declared(tuple(manifests))


# -- pyproject.toml ----------------------------------------------------------------------------


def _read_pyproject(manifest: Manifest, text: str) -> None:
    data = tomllib.loads(text)
    lines = text.splitlines()
    project = data.get("project")
    if isinstance(project, dict):
        if isinstance(project.get("name"), str):
            manifest.project_name = project["name"]
        if isinstance(project.get("requires-python"), str):
            manifest.requires_python = project["requires-python"]
        _add_strings(manifest, project.get("dependencies"), "project", lines, "project")
        optional = project.get("optional-dependencies")
        if isinstance(optional, dict):
            for extra, reqs in optional.items():
                _add_strings(
                    manifest, reqs, f"optional:{extra}", lines, "project.optional-dependencies"
                )
    build = data.get("build-system")
    if isinstance(build, dict):
        _add_strings(manifest, build.get("requires"), "build", lines, "build-system")
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        for group, reqs in groups.items():
            _add_strings(manifest, reqs, f"group:{group}", lines, "dependency-groups")
    raw_tool = data.get("tool")
    tool: dict[str, Any] = raw_tool if isinstance(raw_tool, dict) else {}
    poetry = tool.get("poetry")
    if isinstance(poetry, dict):
        _read_poetry(manifest, poetry, lines)
    pdm = tool.get("pdm")
    if isinstance(pdm, dict) and isinstance(pdm.get("dev-dependencies"), dict):
        for group, reqs in pdm["dev-dependencies"].items():
            _add_strings(manifest, reqs, f"dev:pdm:{group}", lines, "tool.pdm.dev-dependencies")
    uv = tool.get("uv")
    if isinstance(uv, dict):
        _add_strings(manifest, uv.get("dev-dependencies"), "dev:uv", lines, "tool.uv")


def _add_strings(manifest: Manifest, value: Any, group: str, lines: list[str], table: str) -> None:
    if not isinstance(value, list):
        return
    start = _table_line(lines, table)
    for item in value:
        if not isinstance(item, str):
            continue  # PEP 735 {include-group = "..."} entries name no project
        parsed = parse_requirement(item)
        if parsed is None:
            continue
        name, extras, marker = parsed
        line = _quoted_line(lines, item, start)
        manifest.requirements.append(
            Requirement(name, extras, marker, group, manifest.path, line, item)
        )


def _read_poetry(manifest: Manifest, poetry: Mapping[str, Any], lines: list[str]) -> None:
    if isinstance(poetry.get("name"), str) and manifest.project_name is None:
        manifest.project_name = poetry["name"]
    tables: list[tuple[str, str, Any]] = [
        ("poetry", "tool.poetry.dependencies", poetry.get("dependencies")),
        ("poetry:dev", "tool.poetry.dev-dependencies", poetry.get("dev-dependencies")),
    ]
    groups = poetry.get("group")
    if isinstance(groups, dict):
        for group, body in groups.items():
            if isinstance(body, dict):
                tables.append(
                    (
                        f"poetry:{group}",
                        f"tool.poetry.group.{group}.dependencies",
                        body.get("dependencies"),
                    )
                )
    listed = _poetry_extras(manifest, poetry.get("extras"), lines)
    declared: set[str] = set()
    for table_group, table, deps in tables:
        if not isinstance(deps, dict):
            continue
        start = _table_line(lines, table)
        for name, spec in deps.items():
            if name.lower() == "python":
                if isinstance(spec, str) and manifest.requires_python is None:
                    manifest.requires_python = spec
                continue
            if parse_requirement(name) is None:
                continue
            group = table_group
            extras: tuple[str, ...] = ()
            marker = ""
            if isinstance(spec, dict):
                raw_extras = spec.get("extras")
                if isinstance(raw_extras, list):
                    extras = tuple(str(e) for e in raw_extras)
                if isinstance(spec.get("markers"), str):
                    marker = spec["markers"]
                elif isinstance(spec.get("python"), str):
                    marker = f"python_version {spec['python']}"
                if group == "poetry" and spec.get("optional") is True:
                    # Installed only through the extra that lists it: an extra, as in PEP 621.
                    extra = listed.get(normalize(name))
                    group = f"optional:{extra[0] if extra else 'extra'}"
            line = _key_line(lines, name, start)
            declared.add(normalize(name))
            manifest.requirements.append(
                Requirement(name, extras, marker, group, manifest.path, line, name)
            )
    # A name only an extra lists (Poetry wants it in the main table too): still a declaration.
    for name, (extra_name, line) in sorted(listed.items()):
        if name not in declared:
            manifest.requirements.append(
                Requirement(name, (), "", f"optional:{extra_name}", manifest.path, line, name)
            )


def _poetry_extras(manifest: Manifest, extras: Any, lines: list[str]) -> dict[str, tuple[str, int]]:
    """`[tool.poetry.extras]`: normalized package name -> (first extra listing it, its line).

    The table's lines are marked as declarations: naming a package there is no use of it.
    """
    found: dict[str, tuple[str, int]] = {}
    if not isinstance(extras, dict):
        return found
    start = _table_line(lines, "tool.poetry.extras")
    if start or (lines and lines[0].strip().replace(" ", "") == "[tool.poetry.extras]"):
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")),
            len(lines),
        )
        manifest.declaration_lines.update(range(start + 1, end + 1))
    for extra, names in extras.items():
        if not isinstance(names, list):
            continue
        for item in names:
            parsed = parse_requirement(item) if isinstance(item, str) else None
            if parsed is not None:
                line = _quoted_line(lines, str(item), start)
                found.setdefault(normalize(parsed[0]), (str(extra), line))
    return found


def _table_line(lines: list[str], table: str) -> int:
    """The 0-based index of `[table]`'s header (or of the top of the file)."""
    wanted = table.replace(" ", "")
    for i, line in enumerate(lines):
        stripped = line.strip().replace(" ", "").replace('"', "")
        if stripped.startswith("[") and stripped.strip("[]") == wanted:
            return i
    return 0


def _quoted_line(lines: list[str], item: str, start: int) -> int:
    quoted = (f'"{item}"', f"'{item}'")
    for i in range(start, len(lines)):
        if any(q in lines[i] for q in quoted):
            return i + 1
    for i in range(len(lines)):
        if item in lines[i]:
            return i + 1
    return 0


def _key_line(lines: list[str], key: str, start: int) -> int:
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for i in range(start, len(lines)):
        if pattern.match(lines[i]):
            return i + 1
    return 0


# -- requirements files ------------------------------------------------------------------------


def _read_requirements(
    manifest: Manifest,
    path: str,
    text: str,
    read: Callable[[str], str | None] | None,
    *,
    seen: set[str],
    group: str,
) -> None:
    for line_no, line in _logical_lines(text):
        words = line.split()
        if not words:
            continue
        if words[0] in ("-r", "--requirement") or words[0].startswith(("-r", "--requirement=")):
            target = _option_value(words, ("-r", "--requirement"))
            if target and read is not None:
                _include(manifest, path, target, read, seen)
            continue
        if words[0] in ("-e", "--editable") or words[0].startswith("--editable="):
            target = _option_value(words, ("-e", "--editable")) or ""
            egg = _EGG.search(target)
            if egg:
                manifest.requirements.append(
                    Requirement(egg.group(1), (), "", group, path, line_no, line.strip())
                )
            continue
        if words[0].startswith("-"):
            continue  # -c constraints, --index-url, --hash on its own line, ...
        requirement = re.split(r"\s+--?[a-z]", line, maxsplit=1)[0].strip()
        parsed = parse_requirement(requirement)
        if parsed is None:
            egg = _EGG.search(requirement)
            if egg:
                parsed = (egg.group(1), (), "")
            else:
                continue
        name, extras, marker = parsed
        manifest.requirements.append(
            Requirement(name, extras, marker, group, path, line_no, requirement)
        )


def _include(
    manifest: Manifest, path: str, target: str, read: Callable[[str], str | None], seen: set[str]
) -> None:
    included = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    if included in seen or included.startswith("../"):
        return
    seen.add(included)
    text = read(included)
    if text is None:
        manifest.problems.append(f"{path}: cannot read included {included}")
        return
    _read_requirements(manifest, included, text, read, seen=seen, group="requirements")


def _option_value(words: list[str], options: tuple[str, ...]) -> str | None:
    first = words[0]
    for option in options:
        if first == option:
            return words[1] if len(words) > 1 else None
        if first.startswith(option + "="):
            return first[len(option) + 1 :]
        if len(option) == 2 and first.startswith(option):
            return first[2:]
    return None


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, text) with comments removed and `\\` continuations joined."""
    pending = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(^|\s)#.*$", "", raw)
        if not pending:
            start = number
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        yield start, pending + line
        pending = ""
    if pending:
        yield start, pending


# -- setup.cfg and setup.py ----------------------------------------------------------------------


def _read_setup_cfg(manifest: Manifest, text: str) -> None:
    section = ""
    key = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(^|\s)[#;].*$", "", raw)
        if not line.strip():
            continue
        header = re.match(r"^\[([^\]]+)\]", line)
        if header:
            section, key = header.group(1).strip(), ""
            continue
        if not line[0].isspace() and ("=" in line or ":" in line):
            key, _, value = re.split(r"([=:])", line, maxsplit=1)
            key = key.strip()
            if section == "metadata" and key == "name":
                manifest.project_name = value.strip() or None
            elif section == "options" and key == "python_requires":
                manifest.requires_python = value.strip() or None
        else:
            value = line
        group = _setup_cfg_group(section, key)
        if group is not None:
            parsed = parse_requirement(value)
            if parsed is not None:
                name, extras, marker = parsed
                manifest.requirements.append(
                    Requirement(name, extras, marker, group, manifest.path, number, value.strip())
                )


def _setup_cfg_group(section: str, key: str) -> str | None:
    if section == "options" and key in ("install_requires", "tests_require"):
        return "project" if key == "install_requires" else "optional:tests"
    if section == "options.extras_require" and key:
        return f"optional:{key}"
    return None


def _read_setup_py(manifest: Manifest, text: str) -> None:
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                if isinstance(keyword.value.value, str):
                    manifest.project_name = keyword.value.value
            elif keyword.arg == "python_requires" and isinstance(keyword.value, ast.Constant):
                if isinstance(keyword.value.value, str):
                    manifest.requires_python = keyword.value.value
            elif keyword.arg == "install_requires":
                _add_literal_list(manifest, keyword.value, "project")
            elif keyword.arg == "extras_require" and isinstance(keyword.value, ast.Dict):
                for k, v in zip(keyword.value.keys, keyword.value.values, strict=True):
                    extra = (
                        k.value
                        if isinstance(k, ast.Constant) and isinstance(k.value, str)
                        else "extra"
                    )
                    _add_literal_list(manifest, v, f"optional:{extra}")


def _add_literal_list(manifest: Manifest, node: ast.expr, group: str) -> None:
    if not isinstance(node, (ast.List, ast.Tuple)):
        return
    for element in node.elts:
        if isinstance(element, ast.Constant) and isinstance(element.value, str):
            parsed = parse_requirement(element.value)
            if parsed is not None:
                name, extras, marker = parsed
                manifest.requirements.append(
                    Requirement(
                        name, extras, marker, group, manifest.path, element.lineno, element.value
                    )
                )


# -- requires-python -------------------------------------------------------------------------------


def python_floor(spec: str | None) -> tuple[int, int] | None:
    """The lowest Python (major, minor) a `requires-python` (or Poetry `python`) spec admits."""
    if not spec:
        return None
    floors = []
    for clause in re.split(r"[,|]", spec):
        match = re.match(r"^\s*(>=|>|~=|==|\^|~)?\s*(\d+)(?:\.(\d+))?", clause)
        if match is None:
            continue
        op, major, minor = match.group(1) or "==", int(match.group(2)), int(match.group(3) or 0)
        if op == ">" and match.group(3) is not None:
            minor += 1
        if op in (">=", ">", "~=", "==", "^", "~"):
            floors.append((major, minor))
    return min(floors) if floors else None
