"""The config's JSON Schema (`aiguard schema`) agrees with config.py, and nested configs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from aiguard import tomlcompat as tomllib
from aiguard.cli import main
from aiguard.config import parse_table
from aiguard.config_schema import schema
from aiguard.errors import AiguardError
from tests.gitrepo import GitRepo

README = Path(__file__).resolve().parent.parent / "README.md"


def validator() -> jsonschema.Draft7Validator:
    jsonschema.Draft7Validator.check_schema(schema())
    return jsonschema.Draft7Validator(schema())


def readme_tables() -> list[dict[str, Any]]:
    """Every ```toml block of the README that configures aiguard, as the table aiguard reads."""
    tables = []
    for block in re.findall(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        data = tomllib.loads(block)
        if "tool" in data and "aiguard" in data["tool"]:
            tables.append(data["tool"]["aiguard"])
    return tables


def test_schema_is_draft_07_with_an_id_and_descriptions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == schema()
    assert printed["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert printed["$id"].startswith("https://")
    assert all(p["description"] for p in printed["properties"].values())


def test_schema_accepts_every_readme_example() -> None:
    tables = readme_tables()
    assert tables, "the README has a [tool.aiguard] example"
    for table in tables:
        assert not list(validator().iter_errors(table))
        parse_table(table, "README")  # and aiguard itself accepts it


@pytest.mark.parametrize(
    "table",
    [
        {"selct": ["AIG1"]},
        {"select": "AIG1"},
        {"select": [1]},
        {"ignore": ["E501"]},
        {"ignore": ["AIG1000"]},
        {"fail-on": "critical"},
        {"fail-on": "Warning"},
        {"fail-on": 1},
        {"severity": {"AIG101": "loud"}},
        {"severity": {"E1": "error"}},
        {"per-file-ignores": ["x"]},
        {"per-file-ignores": {"x/**": ["F401"]}},
        {"exclude": "vendor/**"},
        {"test-paths": [3]},
        {"python": 3},
    ],
)
def test_schema_rejects_what_config_rejects(table: dict[str, Any]) -> None:
    with pytest.raises(AiguardError):
        parse_table(table, "aiguard.toml")
    assert list(validator().iter_errors(table))


@pytest.mark.parametrize(
    "table",
    [
        {"select": ["AIG", "AIG1", "AIG101"], "ignore": []},
        {"fail-on": "never", "severity": {"AIG1": "note"}},
        {"per-file-ignores": {"scripts/**": ["AIG4"]}, "extend-test-paths": ["qa/**"]},
        {"python": ".venv", "exclude": [], "test-paths": ["t/**"]},
    ],
)
def test_schema_accepts_what_config_accepts(table: dict[str, Any]) -> None:
    parse_table(table, "aiguard.toml")
    assert not list(validator().iter_errors(table))


# -- nested configs -----------------------------------------------------------------------

STUB = "def f():\n    pass\n"


def test_a_subfolder_config_governs_its_folder(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"README.md": "x\n"}, "base")
    repo.write(
        {
            "pyproject.toml": '[tool.aiguard]\nignore = ["AIG101"]\n',
            "web/aiguard.toml": 'ignore = ["AIG4"]\nexclude = ["gen/**"]\n'
            '[per-file-ignores]\n"legacy/*" = ["AIG101"]\n',
            "api.py": STUB + "x = 1  # type: ignore\n",
            "web/app.py": STUB + "y = 1  # type: ignore\n",
            "web/gen/out.py": "z = 1  # type: ignore\n",
            "web/legacy/old.py": "w = 1  # type: ignore\n",
            "web/deep/pyproject.toml": '[project]\nname = "no-aiguard-table"\n',
            "web/deep/x.py": "v = 1  # type: ignore\n",
        }
    )
    repo.git("add", "-A")
    monkeypatch.chdir(repo.root)
    code = main(["check", "--format", "json"])
    found = {(f["path"], f["rule_id"]) for f in json.loads(capsys.readouterr().out)["findings"]}
    assert code == 1
    # The root ignores AIG101 for api.py; web/ has its own rules: AIG101 on, AIG4 off, its
    # exclude and per-file-ignores relative to web/; a pyproject.toml without the table: no config.
    assert found == {("api.py", "AIG401"), ("web/app.py", "AIG101"), ("web/deep/x.py", "AIG101")}
    # --config names the one config for every file.
    main(["check", "--format", "json", "--config", "pyproject.toml"])
    found = {(f["path"], f["rule_id"]) for f in json.loads(capsys.readouterr().out)["findings"]}
    assert ("web/app.py", "AIG401") in found and ("web/app.py", "AIG101") not in found


def test_a_subfolder_config_cannot_set_root_only_keys(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"README.md": "x\n"}, "base")
    repo.write({"web/aiguard.toml": 'fail-on = "never"\n', "web/a.py": STUB})
    monkeypatch.chdir(repo.root)
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "web/aiguard.toml: fail-on can only be set in the" in err
