"""The test-file classifier: every default of the issue, the `test-paths` settings, and the
scope it gives rules (production-only rules stay silent on tests, and the other way round)."""

from __future__ import annotations

import pytest

from aiguard.config import DEFAULT_TEST_PATHS, Config, parse_table
from aiguard.errors import AiguardError
from aiguard.lint.registry import load_rules
from aiguard.lint.rule import Pass, Scope
from aiguard.lint.testing import run_example

RULES = load_rules()

# One path per default the issue names: tests/, test/, test_*.py, *_test.py, conftest.py,
# __tests__/, *.test.*, *.spec.*, e2e/, cypress/ - at the top and nested in a package.
TEST_FILES = (
    "tests/test_api.py",
    "tests/helpers/factories.py",
    "pkg/tests/test_api.py",
    "test/unit/api.js",
    "services/billing/test/fixtures.py",
    "test_api.py",
    "src/pkg/test_api.py",
    "api_test.py",
    "src/pkg/api_test.py",
    "conftest.py",
    "src/pkg/conftest.py",
    "__tests__/api.js",
    "web/src/__tests__/Button.tsx",
    "api.test.js",
    "web/src/Button.test.tsx",
    "web/src/button.spec.ts",
    "lib/api.spec.mjs",
    "e2e/login.ts",
    "web/e2e/checkout.spec.ts",
    "cypress/integration/login.js",
    "web/cypress/support/commands.ts",
)
PRODUCTION_FILES = (
    "src/pkg/api.py",
    "src/pkg/testing.py",
    "src/pkg/contest.py",
    "src/pkg/attest.py",
    "src/pkg/latest/api.py",
    "testsuite/api.py",
    "src/pkg/testutils.py",
    "web/src/Button.tsx",
    "web/src/specification.ts",
    "web/src/tests.ts",
    "web/src/testing/mocks.ts",
    "e2e_helpers.py",
    "docs/conf.py",
)


@pytest.mark.parametrize("path", TEST_FILES)
def test_default_paths_are_tests(path: str) -> None:
    assert Config().is_test_path(path)


@pytest.mark.parametrize("path", PRODUCTION_FILES)
def test_look_alike_paths_are_production(path: str) -> None:
    assert not Config().is_test_path(path)


def test_test_paths_replaces_the_defaults() -> None:
    config = parse_table({"test-paths": ["checks/**"]}, "aiguard.toml")
    assert config.test_paths == ("checks/**",)
    assert config.is_test_path("checks/api.py")
    assert not config.is_test_path("tests/test_api.py")


def test_extend_test_paths_keeps_the_defaults() -> None:
    config = parse_table({"extend-test-paths": ["qa/**", "*_check.py"]}, "aiguard.toml")
    assert config.test_paths == (*DEFAULT_TEST_PATHS, "qa/**", "*_check.py")
    assert config.is_test_path("qa/smoke.py")
    assert config.is_test_path("src/pkg/db_check.py")
    assert config.is_test_path("tests/test_api.py")


@pytest.mark.parametrize("value", ["tests/**", [1, 2], {"a": "b"}])
def test_test_paths_must_be_a_list_of_strings(value: object) -> None:
    with pytest.raises(AiguardError, match="test-paths"):
        parse_table({"test-paths": value}, "aiguard.toml")


STUB = "def parse(text):\n    pass\n"
RUNNER_SNIFF = 'import sys\n\nif "pytest" in sys.modules:\n    MODE = 1\n'


def _found(rule_id: str, code: str, path: str, config: Config | None = None) -> list[int]:
    outcome = run_example(RULES[rule_id], Pass(code, path=path), config)
    return [f.line for f in outcome.findings if f.rule_id == rule_id]


@pytest.mark.parametrize("rule_id", ["AIG301", "AIG303", "AIG401", "AIG402", "AIG403"])
def test_my_production_rules_declare_production_scope(rule_id: str) -> None:
    assert RULES[rule_id].scope is Scope.PRODUCTION


def test_production_rules_read_production_files_only() -> None:
    assert _found("AIG401", STUB, "src/pkg/parse.py") == [2]
    assert _found("AIG401", STUB, "tests/test_parse.py") == []
    assert _found("AIG301", RUNNER_SNIFF, "src/pkg/mode.py") == [3]
    assert _found("AIG301", RUNNER_SNIFF, "src/pkg/conftest.py") == []


def test_configured_test_paths_change_what_production_rules_read() -> None:
    config = parse_table({"extend-test-paths": ["qa/**"]}, "aiguard.toml")
    assert _found("AIG401", STUB, "qa/parse.py") == [2]
    assert _found("AIG401", STUB, "qa/parse.py", config) == []
    replaced = parse_table({"test-paths": ["qa/**"]}, "aiguard.toml")
    assert _found("AIG401", STUB, "tests/parse.py", replaced) == [2]


def test_test_scoped_rules_read_test_files_only() -> None:
    test_rules = [r for r in RULES.values() if r.scope is Scope.TEST]
    if not test_rules:
        pytest.skip("no test-scoped rule is registered yet")
    for rule in test_rules:
        assert rule.in_scope(True) and not rule.in_scope(False)
