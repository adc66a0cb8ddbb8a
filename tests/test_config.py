"""Configuration: where it is read from, what it accepts, and the one-line errors it gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiguard.config import Config, check_rule_ids, load_config, parse_table, path_matches
from aiguard.errors import AiguardError
from aiguard.findings import Severity


def test_defaults_without_any_file(tmp_path: Path) -> None:
    assert load_config(tmp_path) == Config()


def test_pyproject_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.aiguard]\nignore = ["AIG104"]\nfail-on = "error"\n'
        '[tool.aiguard.per-file-ignores]\n"scripts/*" = ["AIG4"]\n'
        "[tool.aiguard.severity]\nAIG101 = 'warning'\n"
    )
    config = load_config(tmp_path)
    assert config.ignore == ("AIG104",)
    assert config.fail_on is Severity.ERROR
    assert config.rule_ignored_for("AIG401", "scripts/x.py")
    assert not config.rule_ignored_for("AIG401", "src/x.py")
    assert config.level_for("AIG101", Severity.ERROR) is Severity.WARNING


def test_aiguard_toml_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.aiguard]\nignore = ["AIG101"]\n')
    (tmp_path / "aiguard.toml").write_text('ignore = ["AIG102"]\n')
    assert load_config(tmp_path).ignore == ("AIG102",)


def test_pyproject_without_table_is_default(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load_config(tmp_path) == Config()


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"selct": ["AIG1"]}, "unknown key 'selct'"),
        ({"select": "AIG1"}, "expected a list of strings"),
        ({"ignore": ["E501"]}, "'E501' is not a rule id"),
        ({"fail-on": "critical"}, "unknown severity 'critical'"),
        ({"severity": {"AIG101": "loud"}}, "unknown severity 'loud'"),
        ({"per-file-ignores": ["x"]}, "expected a table"),
        ({"python": 3}, "expected a path string"),
    ],
)
def test_bad_values_are_one_line_errors(table: dict[str, object], message: str) -> None:
    with pytest.raises(AiguardError, match=message) as info:
        parse_table(table, "aiguard.toml")
    assert "\n" not in str(info.value)


def test_invalid_toml_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "aiguard.toml").write_text("ignore = [\n")
    with pytest.raises(AiguardError, match="invalid TOML"):
        load_config(tmp_path)


def test_unknown_rule_id_is_an_error() -> None:
    config = parse_table({"ignore": ["AIG999"]}, "aiguard.toml")
    with pytest.raises(AiguardError, match="unknown rule 'AIG999'"):
        check_rule_ids(config, {"AIG101", "AIG102"})
    check_rule_ids(parse_table({"ignore": ["AIG1"]}, "x"), {"AIG101"})


def test_fail_on_never() -> None:
    assert parse_table({"fail-on": "never"}, "x").fail_on is None


@pytest.mark.parametrize(
    ("path", "patterns", "expected"),
    [
        ("tests/test_a.py", ("tests/**",), True),
        ("pkg/tests/test_a.py", ("**/tests/**",), True),
        ("test_a.py", ("test_*.py",), True),
        ("pkg/test_a.py", ("test_*.py",), True),
        ("pkg/a.py", ("test_*.py", "tests/**"), False),
        ("web/src/a.test.ts", ("*.test.*",), True),
        ("web/__tests__/a.js", ("**/__tests__/**",), True),
        ("testsuite/a.py", ("tests/**",), False),
    ],
)
def test_path_matches(path: str, patterns: tuple[str, ...], expected: bool) -> None:
    assert path_matches(path, patterns) is expected


def test_default_test_paths_classify_tests() -> None:
    config = Config()
    for path in (
        "tests/test_x.py",
        "src/pkg/x_test.py",
        "conftest.py",
        "web/a.spec.ts",
        "e2e/login.ts",
    ):
        assert config.is_test_path(path), path
    for path in ("src/pkg/x.py", "src/contest.py", "web/a.ts", "latest/x.py"):
        assert not config.is_test_path(path), path
