"""The five renderers, checked against the contracts in design.md and notes/integration.md.

The SARIF schema in tests/data is the OASIS SARIF 2.1.0 schema as the npm package
@microsoft/sarif-multitool-linux ships it (see tests/data/README.md).
"""

from __future__ import annotations

import functools
import json
import random
import re
import shutil
import subprocess
import urllib.parse
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiguard.findings import Category, Finding, Notification, Severity, Suppression
from aiguard.lint.rule import Example, FileRule, Flag, Pass
from aiguard.report import RunResult, github, gitlab, json_report, render, sarif, text

SCHEMA = Path(__file__).parent / "data" / "sarif-2.1.0.json"
VALIDATOR = Path("/work/shared/tools/sarif-validate")
ROOT = "/home/dev/the repo/ä#1"
WEIRD_PATH = "src/my dir/ünï, co:de.py"
EVIL_MESSAGE = "100% sure\nnext line ::error file=x::forged"


class BlanketIgnore(FileRule):
    id = "AIG101"
    name = "blanket-type-ignore"
    category = Category.SUPPRESSION
    severity = Severity.ERROR
    languages = frozenset({"python"})
    summary = "A `# type: ignore` without an error code"
    rationale = "It silences every type error on its line, including ones the change introduced."
    fix = "Fix the error, or name it: `# type: ignore[attr-defined]`."
    tags: ClassVar[tuple[str, ...]] = ("typing", "suppression")
    examples: ClassVar[tuple[Example, ...]] = (
        Flag("x = f()  # type: ignore\n", line=1),
        Pass("x = f()  # type: ignore[misc]\n"),
    )

    def check(self) -> None:
        self.report_line(1, "x")


class Stub(FileRule):
    """A second rule, so that ruleIndex has more than one descriptor to point at."""

    id = "AIG401"
    name = "pass-only-body"
    category = Category.STUB
    severity = Severity.WARNING
    languages = frozenset({"python"})
    summary = "A function whose body is only `pass`."
    rationale = "A placeholder ships where logic was asked for. " * 40  # long: must be cut
    fix = "Implement it, or raise NotImplementedError with a reason."
    precision = "medium"
    tags: ClassVar[tuple[str, ...]] = tuple(f"t{i}" for i in range(30))
    examples: ClassVar[tuple[Example, ...]] = (
        Flag("def f():\n    pass\n", line=2, before="def f():\n    ```return 1\n"),
        Pass("class P(Protocol):\n    def f(self): ...\n"),
    )

    def check(self) -> None:
        self.report_line(1, "x")


RULES: dict[str, type[FileRule]] = {"AIG101": BlanketIgnore, "AIG401": Stub}


def finding(path: str, line: int, rule_id: str = "AIG101", **kw: Any) -> Finding:
    kw.setdefault("column", 1)
    kw.setdefault("message", f"{rule_id} at {line}")
    kw.setdefault("severity", RULES[rule_id].severity)
    kw.setdefault("line_text", "x = f()  # type: ignore")
    return Finding(rule_id=rule_id, path=path, line=line, **kw)


def sample_findings() -> list[Finding]:
    """Sorted as the engine sorts them: one suppressed, one on a weird path, one hostile message."""
    found = [
        finding("src/a.py", 3, column=10, end_line=3, end_column=24, message=EVIL_MESSAGE),
        finding("src/a.py", 7, suppression=Suppression("legacy API, see #12", 6)),
        finding("src/b.py", 2, "AIG401", column=5, end_line=4, end_column=9, line_text="    pass"),
        finding(WEIRD_PATH, 1, severity=Severity.NOTE, line_text="\tz = 1  # type: ignore"),
    ]
    return sorted(found, key=lambda f: f.sort_key)


def make_result(
    findings: list[Finding] | None = None,
    notifications: list[Notification] | None = None,
    **kw: Any,
) -> RunResult:
    if notifications is None:
        notifications = [
            Notification("file-skipped", "skipped big.py: larger than 1 MiB", path="big.py"),
            Notification("parse-error", "cannot parse c.py: bad token", path="c.py", line=4),
            Notification("no-environment", "no Python environment found", level=Severity.NOTE),
        ]
    kw.setdefault("files_checked", 5)
    kw.setdefault("tool_version", "1.2.3")
    return RunResult(
        root=ROOT,
        findings=sample_findings() if findings is None else findings,
        notifications=notifications,
        rules=RULES,
        **kw,
    )


@functools.lru_cache(maxsize=1)
def schema_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator: jsonschema.protocols.Validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    return validator


def validate_sarif(output: str) -> dict[str, Any]:
    """Parse, validate against the schema, and check what the schema leaves out (URIs, indexes)."""
    output.encode("utf-8")  # writable as UTF-8: no lone surrogates
    log: dict[str, Any] = json.loads(output)
    errors = sorted(schema_validator().iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert_relative_uri(uri)
    return log


URI_CHARS = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*$")


def assert_relative_uri(uri: str) -> None:
    """RFC 3986 relative reference: legal characters only, and no scheme or authority."""
    assert URI_CHARS.match(uri), uri
    assert ":" not in uri.split("/")[0], uri
    assert not uri.startswith("//"), uri


# -- text ---------------------------------------------------------------------------------


def test_text_layout_and_summary() -> None:
    out = render(make_result(), "text")
    assert out == (
        "src/a.py:3:10: AIG101 [error] 100% sure\\nnext line ::error file=x::forged\n"
        "    x = f()  # type: ignore\n"
        "             ^^^^^^^^^^^^^^\n"
        "\n"
        "src/b.py:2:5: AIG401 [warning] AIG401 at 2\n"
        "        pass\n"
        "        ^^^^\n"
        "\n"
        f"{WEIRD_PATH}:1:1: AIG101 [note] AIG101 at 1\n"
        "    \tz = 1  # type: ignore\n"
        "    ^\n"
        "\n"
        "Found 3 findings (1 error, 1 warning, 1 note) in 5 files checked; 1 suppressed inline;"
        " 2 files could not be checked (see the notes on stderr).\n"
    )
    assert "\x1b" not in out


def test_text_all_passed_and_plurals() -> None:
    note = [Notification("no-environment", "no Python environment found", level=Severity.NOTE)]
    assert text.render(make_result([], note, files_checked=1), color=False) == (
        "All checks passed: 1 file checked.\n"
    )
    only_suppressed = [finding("a.py", 1, suppression=Suppression("ok", 1))]
    assert text.summary_line(make_result(only_suppressed, note)) == (
        "All checks passed: 5 files checked; 1 suppressed inline."
    )
    one = [finding("a.py", 1)]
    assert text.summary_line(make_result(one, note)) == (
        "Found 1 finding (1 error) in 5 files checked."
    )


def test_text_never_says_all_passed_when_files_went_unchecked() -> None:
    # make_result's notifications: big.py skipped, c.py unparseable.
    assert text.summary_line(make_result([])) == (
        "No findings in 5 files checked, but 2 files could not be checked"
        " (see the notes on stderr)."
    )
    allowed = make_result([], allow_unchecked=True)
    assert text.summary_line(allowed) == (
        "No findings in 5 files checked, but 2 files could not be checked"
        " (see the notes on stderr), allowed by --allow-unchecked."
    )
    assert allowed.incomplete is False and make_result([]).incomplete is True


def test_text_color_only_when_asked() -> None:
    out = text.render(make_result(), color=True)
    assert "\x1b[1msrc/a.py\x1b[0m:3:10:" in out
    assert "\x1b[31m[error]\x1b[0m" in out
    assert "\x1b[33m[warning]\x1b[0m" in out
    assert "\x1b[34m[note]\x1b[0m" in out


def test_text_escapes_terminal_controls_in_repository_text() -> None:
    hostile = finding("a\x1b[2J.py", 1, message="x\rY\u202eevil", line_text="a = 1\x1b[31m")
    out = text.render(make_result([hostile]), color=False)
    assert "\x1b" not in out and "\r" not in out and "\u202e" not in out
    assert "a\\x1b[2J.py:1:1:" in out and "x\\rY\\u202eevil" in out


def test_notification_line_is_one_line_and_names_the_file_once() -> None:
    n = Notification("parse-error", "cannot parse c.py: bad\ntoken", path="c.py", line=4)
    assert text.notification_line(n) == "aiguard: cannot parse c.py: bad\\ntoken"
    other = Notification("file-skipped", "larger than 1 MiB", path="big.py")
    assert text.notification_line(other) == "aiguard: big.py: larger than 1 MiB"
    error = Notification("config", "bad config", level=Severity.ERROR)
    assert text.notification_line(error) == "aiguard: error: bad config"


# -- json ---------------------------------------------------------------------------------


def test_json_round_trips_with_suppressed_findings() -> None:
    result = make_result()
    out = json_report.render(result)
    doc = json.loads(out)
    assert out == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert doc["version"] == "1.2.3"
    assert [f["path"] for f in doc["findings"]] == [f.path for f in result.findings]
    first = doc["findings"][0]
    assert set(first) == {
        "rule_id", "rule_name", "category", "severity", "path", "line", "column", "end_line",
        "end_column", "message", "fingerprint", "suppressed", "justification",
    }  # fmt: skip
    assert first["message"] == EVIL_MESSAGE and first["rule_name"] == "blanket-type-ignore"
    suppressed = [f for f in doc["findings"] if f["suppressed"]]
    assert [f["justification"] for f in suppressed] == ["legacy API, see #12"]
    assert doc["summary"]["findings"] == 3 and doc["summary"]["suppressed"] == 1
    assert doc["summary"]["by_severity"] == {"error": 1, "warning": 1, "note": 1}
    assert [n["kind"] for n in doc["notifications"]] == [
        "file-skipped", "parse-error", "no-environment",
    ]  # fmt: skip


def test_fingerprints_agree_across_formats() -> None:
    result = make_result()
    doc = json.loads(json_report.render(result))
    from_json = [f["fingerprint"] for f in doc["findings"] if not f["suppressed"]]
    log = json.loads(sarif.render(result, include_suppressed=False))
    from_sarif = [r["partialFingerprints"]["aiguard/v1"] for r in log["runs"][0]["results"]]
    from_gitlab = [i["fingerprint"] for i in json.loads(gitlab.render(result))]
    assert from_json == from_sarif == from_gitlab


# -- sarif --------------------------------------------------------------------------------


def test_sarif_validates_and_follows_the_contract() -> None:
    log = validate_sarif(render(make_result(), "sarif"))
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("aiguard", "1.2.3")
    assert driver["informationUri"] == "https://pypi.org/project/aiguard-lint/"
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["automationDetails"] == {"id": "aiguard/"}
    assert run["originalUriBaseIds"] == {
        "%SRCROOT%": {"uri": "file:///home/dev/the%20repo/%C3%A4%231/"}
    }
    first = run["results"][0]
    assert first["level"] == "error" and first["message"]["text"] == EVIL_MESSAGE
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "src/a.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 3, "startColumn": 10, "endLine": 3, "endColumn": 24},
    }
    assert set(first["partialFingerprints"]) == {"aiguard/v1"}  # no primaryLocationLineHash


def test_sarif_is_deterministic_and_has_no_absolute_paths() -> None:
    findings = sample_findings()
    once = sarif.render(make_result(findings))
    shuffled = findings[:]
    random.Random(7).shuffle(shuffled)
    again = sarif.render(make_result(sorted(shuffled, key=lambda f: f.sort_key)))
    assert once == again and once.endswith("}\n")
    assert once.count("/home/dev") == 1


def test_sarif_rule_index_and_descriptors() -> None:
    log = validate_sarif(sarif.render(make_result(levels={"AIG401": Severity.NOTE})))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["AIG101", "AIG401"]
    by_id = {r["ruleId"]: r["ruleIndex"] for r in log["runs"][0]["results"]}
    assert by_id == {"AIG101": 0, "AIG401": 1}
    for rule in rules:
        assert len(rule["name"]) <= 255
        for key in ("shortDescription", "fullDescription"):
            assert 0 < len(rule[key]["text"]) <= 1024
        assert rule["help"]["text"] and rule["help"]["markdown"]
        tags = rule["properties"]["tags"]
        assert len(tags) <= 20 and len(set(tags)) == len(tags) and tags[0] == "aiguard"
        assert "security-severity" not in rule["properties"]
    ignore, stub = rules
    assert ignore["name"] == "blanket-type-ignore"
    assert ignore["defaultConfiguration"] == {"level": "error"}
    assert ignore["properties"] == {
        "category": "suppression",
        "tags": ["aiguard", "suppression", "typing"],
        "precision": "high",
        "problem.severity": "error",
    }
    markdown = ignore["help"]["markdown"]
    assert "It silences every type error" in markdown
    assert "```python\nx = f()  # type: ignore\n```" in markdown
    assert "Fix the error, or name it" in markdown
    assert "## Not flagged\n\n```python\nx = f()  # type: ignore[misc]\n```" in markdown
    # A configured level wins over the rule's own; note is a "recommendation".
    assert stub["defaultConfiguration"] == {"level": "note"}
    assert stub["properties"]["problem.severity"] == "recommendation"
    assert stub["properties"]["precision"] == "medium"
    assert stub["fullDescription"]["text"].endswith("\u2026")
    # A change example is a diff, fenced so its own backticks cannot close the fence.
    assert "````diff\n def f():\n-    ```return 1\n+    pass\n````" in stub["help"]["markdown"]


def test_sarif_suppressions_kept_or_dropped() -> None:
    result = make_result()
    kept = validate_sarif(sarif.render(result))["runs"][0]["results"]
    suppressed = [r for r in kept if "suppressions" in r]
    assert [r["suppressions"] for r in suppressed] == [
        [{"kind": "inSource", "justification": "legacy API, see #12"}]
    ]
    dropped = validate_sarif(sarif.render(result, include_suppressed=False))["runs"][0]["results"]
    assert len(dropped) == len(kept) - 1 and all("suppressions" not in r for r in dropped)
    # The rule whose only finding was suppressed loses its descriptor; indexes stay right.
    only = make_result([finding("a.py", 1, "AIG401", suppression=Suppression("x", 1))])
    log = validate_sarif(sarif.render(only, include_suppressed=False))
    assert log["runs"][0]["tool"]["driver"]["rules"] == []


def test_sarif_uris_are_percent_encoded_references() -> None:
    log = validate_sarif(sarif.render(make_result()))
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    ]
    weird = "src/my%20dir/%C3%BCn%C3%AF%2C%20co%3Ade.py"
    assert weird in uris
    assert urllib.parse.unquote(weird) == WEIRD_PATH
    assert sarif.relative_uri("a:b/100%?#.py") == "a%3Ab/100%25%3F%23.py"
    assert sarif.relative_uri("bad\udcff.py") == "bad%FF.py"  # an undecodable file-name byte
    assert sarif.root_uri("/srv/x/") == sarif.root_uri("/srv/x") == "file:///srv/x/"
    assert sarif.root_uri("C:\\work\\my repo") == "file:///C:/work/my%20repo/"


def test_sarif_regions_always_have_an_end() -> None:
    def region(**kw: Any) -> dict[str, Any]:
        kw.setdefault("line_text", "abcdefghij")
        log = validate_sarif(sarif.render(make_result([finding("a.py", 5, **kw)])))
        loc = log["runs"][0]["results"][0]["locations"][0]
        result: dict[str, Any] = loc["physicalLocation"]["region"]
        return result

    def at(start_column: int, end_line: int, end_column: int) -> dict[str, int]:
        return {
            "startLine": 5,
            "startColumn": start_column,
            "endLine": end_line,
            "endColumn": end_column,
        }

    assert region(column=3, end_column=7) == at(3, 5, 7)
    assert region(column=3, end_line=6, end_column=2) == at(3, 6, 2)
    # Unknown, empty or backwards ends: to the end of the start line (10 characters).
    assert region(column=3) == at(3, 5, 11)
    assert region(column=3, end_line=6) == at(3, 5, 11)
    assert region(column=9, end_line=5, end_column=2) == at(9, 5, 11)
    assert region(column=9, end_line=5, end_column=9) == at(9, 5, 11)
    assert region(column=3, end_line=2, end_column=9) == at(3, 5, 11)
    assert region(column=1, line_text="abc\r\n") == at(1, 5, 4)
    # Past the end of the line (or no line text at all): still one character wide.
    assert region(column=14) == at(14, 5, 15)
    assert region(column=1, line_text="") == at(1, 5, 2)


def test_sarif_every_result_has_end_line_and_column() -> None:
    log = validate_sarif(sarif.render(make_result()))
    for result in log["runs"][0]["results"]:
        region = result["locations"][0]["physicalLocation"]["region"]
        assert {"startLine", "startColumn", "endLine", "endColumn"} <= set(region)
        assert (region["endLine"], region["endColumn"]) > (
            region["startLine"],
            region["startColumn"],
        )


def test_sarif_line_hash_is_the_upload_actions(tmp_path: Path) -> None:
    """A readable file gets GitHub's own primaryLocationLineHash beside aiguard's fingerprint;
    a missing file, a line past the end and a symlink out of the root get none."""
    from aiguard.report.line_hash import line_hashes

    root = tmp_path / "root"
    (root / "src").mkdir(parents=True)
    text = "import os\r\n\n  x = 1  # type: ignore\nx = 2  # type: ignore\n"
    (root / "src" / "a.py").write_bytes(text.encode())
    outside = tmp_path / "outside.py"
    outside.write_text("secret\n")
    (root / "link.py").symlink_to(outside)
    findings = [
        finding("gone.py", 1),
        finding("link.py", 1),
        finding("src/a.py", 3),
        finding("src/a.py", 4),
        finding("src/a.py", 99),
    ]
    result = make_result(findings)
    result.root = str(root)
    log = validate_sarif(sarif.render(result))
    prints = [r["partialFingerprints"] for r in log["runs"][0]["results"]]
    assert [sorted(p) for p in prints] == [
        ["aiguard/v1"],
        ["aiguard/v1"],
        ["aiguard/v1", "primaryLocationLineHash"],
        ["aiguard/v1", "primaryLocationLineHash"],
        ["aiguard/v1"],
    ]
    hashes = line_hashes(text)
    assert prints[2]["primaryLocationLineHash"] == hashes[2]
    assert prints[3]["primaryLocationLineHash"] == hashes[3]


def test_sarif_notifications() -> None:
    log = validate_sarif(sarif.render(make_result()))
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False  # big.py and c.py went unchecked
    skipped, parse, env = invocation["toolExecutionNotifications"]
    assert skipped["descriptor"] == {"id": "file-skipped"} and skipped["level"] == "warning"
    assert skipped["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "big.py", "uriBaseId": "%SRCROOT%"}
    }
    assert parse["locations"][0]["physicalLocation"]["region"] == {"startLine": 4}
    assert env["level"] == "note" and "locations" not in env
    only_notes = make_result(
        notifications=[Notification("no-environment", "none", level=Severity.NOTE)]
    )
    invocation = validate_sarif(sarif.render(only_notes))["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    failing = make_result(notifications=[Notification("crash", "boom", level=Severity.ERROR)])
    log = validate_sarif(sarif.render(failing))
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_sarif_unknown_rule_still_gets_a_descriptor() -> None:
    stray = Finding("AIG999", "a.py", 1, 1, "from a rule no longer loaded", Severity.WARNING)
    log = validate_sarif(sarif.render(make_result([stray])))
    assert log["runs"][0]["tool"]["driver"]["rules"][0]["id"] == "AIG999"


@pytest.mark.slow
def test_sarif_passes_the_official_validator(tmp_path: Path) -> None:
    if shutil.which("npm") is None or not VALIDATOR.exists():
        pytest.skip("the official SARIF validator (npm @microsoft/sarif-multitool) is unavailable")
    path = tmp_path / "out.sarif"
    path.write_text(sarif.render(make_result()), encoding="utf-8")
    done = subprocess.run(
        [str(VALIDATOR), "--strict", str(path)], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr


# -- github -------------------------------------------------------------------------------


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """Read a workflow command the way the runner does: split at `::`, `,` and the first `=`."""
    assert line.startswith("::")
    head, message = line[2:].split("::", 1)
    name, _, props = head.partition(" ")
    pairs = dict(p.split("=", 1) for p in props.split(",")) if props else {}
    return name, pairs, message


def unescape(value: str) -> str:
    for code, ch in (("%3A", ":"), ("%2C", ","), ("%0A", "\n"), ("%0D", "\r"), ("%25", "%")):
        value = value.replace(code, ch)
    return value


def test_github_annotations_and_escaping() -> None:
    out = github.render(make_result())
    lines = out.splitlines()
    assert out.endswith("\n") and len(lines) == 3 + 3  # 3 active findings, 3 notifications
    name, props, message = parse_command(lines[0])
    assert name == "error"
    assert props == {
        "file": "src/a.py", "line": "3", "endLine": "3", "col": "10", "endColumn": "23",
        "title": "AIG101 blanket-type-ignore",
    }  # fmt: skip
    assert message == "100%25 sure%0Anext line ::error file=x::forged"
    assert unescape(message) == EVIL_MESSAGE
    name, props, _ = parse_command(lines[1])
    assert name == "warning" and props == {
        "file": "src/b.py", "line": "2", "endLine": "4", "title": "AIG401 pass-only-body",
    }  # fmt: skip
    # Errors, then warnings (findings before notifications), then notices.
    assert lines[2] == "::warning file=big.py,title=aiguard::skipped big.py: larger than 1 MiB"
    assert lines[3].startswith("::warning file=c.py,line=4,title=aiguard::")
    name, props, _ = parse_command(lines[4])
    assert name == "notice"
    assert props["file"] == "src/my dir/ünï%2C co%3Ade.py"  # the comma cannot add a property
    assert unescape(props["file"]) == WEIRD_PATH
    assert lines[5] == "aiguard: no Python environment found"  # no path: a plain line


def test_github_errors_first_capped_per_kind_with_a_final_notice() -> None:
    notes = [finding(f"n{i:02}.py", 1, severity=Severity.NOTE) for i in range(12)]
    warnings = [finding(f"w{i:02}.py", 1, "AIG401") for i in range(3)]
    errors = [finding(f"e{i:02}.py", 1) for i in range(14)]
    found = sorted(notes + warnings + errors, key=lambda f: f.sort_key)
    lines = github.render(make_result(found, [])).splitlines()
    commands = [parse_command(line) for line in lines if line.startswith("::")]
    kinds = [name for name, _, _ in commands]
    # 10 errors, all 3 warnings, 9 notices and the notice that says 5 + 3 were left out.
    assert kinds == ["error"] * 10 + ["warning"] * 3 + ["notice"] * 10
    assert [p["file"] for _, p, _ in commands[:10]] == [f"e{i:02}.py" for i in range(10)]
    assert commands[-1][1] == {"title": "aiguard"}
    assert unescape(commands[-1][2]).startswith("7 more not shown as annotations")
    plain = [line for line in lines if not line.startswith("::")]
    assert plain == [
        *(f"aiguard: e{i:02}.py:1:1: AIG101 [error] AIG101 at 1" for i in range(10, 14)),
        *(f"aiguard: n{i:02}.py:1:1: AIG101 [note] AIG101 at 1" for i in range(9, 12)),
    ]
    # Exactly 10 of a kind and nothing more: no notice, nothing left out.
    ten = sorted(errors[:10], key=lambda f: f.sort_key)
    assert all(
        line.startswith("::error ") for line in github.render(make_result(ten, [])).splitlines()
    )


def test_step_summary_is_a_structured_review() -> None:
    from aiguard.report import step_summary

    out = step_summary.render(make_result())
    assert out.startswith("## aiguard review summary\n\n")
    assert "| Suppressions added | 2 |" in out and "| Stubs and swallowed errors | 1 |" in out
    assert "| file | suppressions | stubs |" in out
    assert "| src\\/a\\.py | 1 |  |" in out and "| src\\/b\\.py |  | 1 |" in out
    assert "### Suppressions added (2)" in out and "### Stubs and swallowed errors (1)" in out
    assert "| src\\/b\\.py:2 | AIG401 pass\\-only\\-body | warning | AIG401 at 2 |" in out
    assert "### Suppressed inline with `aiguard: ignore` (1)" in out
    assert "| src\\/a\\.py:7 | AIG101 | legacy API\\, see \\#12 |" in out
    assert "- warning: c\\.py:4: cannot parse c\\.py\\: bad token" in out
    # Hostile text cannot break a table row, start a line, open a link or mention anyone.
    hostile = finding("a|b.py", 1, message="x | y\n## [link](http://e.x) <b> @team")
    lines = step_summary.render(make_result([hostile], [])).splitlines()
    row = next(line for line in lines if line.startswith("| a\\|b\\.py:1 "))
    assert row.count(" | ") == 3 and "\\|" in row and "\\n\\#\\#" in row
    assert "\\[link\\]" in row and "\\<b\\>" in row and "\\@team" in row


def test_step_summary_stays_under_githubs_limit() -> None:
    from aiguard.report import step_summary

    many = [finding("a.py", n, message="m" * 500) for n in range(1, 5000)]
    out = step_summary.render(make_result(many, []))
    assert len(out.encode()) < 1024 * 1024
    assert "more not shown: the summary is limited to 1 MiB." in out


def test_github_notification_without_path_is_a_plain_line() -> None:
    n = Notification("no-environment", "no environment\n::error::forged")
    out = github.render(make_result([], [n]))
    assert out == "aiguard: no environment\\n::error::forged\n"


def test_github_property_injection_is_impossible() -> None:
    hostile = finding("x.py,line=99,title=pwned::y", 1, message="m")
    (line,) = github.render(make_result([hostile], [])).splitlines()
    _, props, message = parse_command(line)
    assert props["file"] == "x.py%2Cline=99%2Ctitle=pwned%3A%3Ay"
    assert props["line"] == "1" and props["title"] == "AIG101 blanket-type-ignore"
    assert message == "m"


# -- gitlab -------------------------------------------------------------------------------


def test_gitlab_code_quality() -> None:
    issues = json.loads(gitlab.render(make_result()))
    assert [i["severity"] for i in issues] == ["critical", "major", "info"]
    first = issues[0]
    assert first["description"] == f"AIG101: {EVIL_MESSAGE}"
    assert first["check_name"] == "AIG101"
    assert first["location"] == {"path": "src/a.py", "lines": {"begin": 3, "end": 3}}
    assert issues[1]["location"]["lines"] == {"begin": 2, "end": 4}
    assert issues[2]["location"]["path"] == WEIRD_PATH
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_gitlab_fingerprints_unique_for_identical_findings() -> None:
    same = [finding("a.py", n, message="same", line_text="x  # type: ignore") for n in (1, 2, 9)]
    same.append(finding("a.py", 9, column=5, message="same", line_text="x  # type: ignore"))
    issues = json.loads(gitlab.render(make_result(same)))
    assert len(issues) == 4 and len({i["fingerprint"] for i in issues}) == 4
    # Even fingerprints the engine could not tell apart are made unique.
    seen: set[str] = set()
    for _ in range(3):
        seen.add(gitlab._unique("f" * 32, seen))
    assert len(seen) == 3


# -- properties ---------------------------------------------------------------------------

# Any text, control characters included, plus lone surrogates as surrogateescape leaves them.
ANY_TEXT = st.text(
    st.one_of(st.characters(), st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF))
)
SEGMENT = ANY_TEXT.map(lambda s: s.replace("/", "_").replace("\0", "_")).filter(bool)
PATHS = st.lists(SEGMENT, min_size=1, max_size=3).map("/".join)


@st.composite
def findings_strategy(draw: st.DrawFn) -> Finding:
    line = draw(st.integers(1, 10_000))
    return Finding(
        rule_id=draw(st.sampled_from(sorted(RULES))),
        path=draw(PATHS),
        line=line,
        column=draw(st.integers(1, 500)),
        message=draw(ANY_TEXT),
        severity=draw(st.sampled_from(list(Severity))),
        end_line=draw(st.none() | st.integers(1, 10_100)),
        end_column=draw(st.none() | st.integers(1, 600)),
        suppression=draw(st.none() | st.builds(Suppression, ANY_TEXT, st.just(line))),
        line_text=draw(ANY_TEXT),
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    found=st.lists(findings_strategy(), max_size=4),
    notes=st.lists(st.builds(Notification, SEGMENT, ANY_TEXT, st.none() | PATHS), max_size=2),
    root=PATHS.map(lambda p: "/" + p),
)
def test_any_text_gives_valid_sarif_and_one_line_commands(
    found: list[Finding], notes: list[Notification], root: str
) -> None:
    found.sort(key=lambda f: f.sort_key)
    result = replace(make_result(found, notes), root=root)
    validate_sarif(sarif.render(result))
    validate_sarif(sarif.render(result, include_suppressed=False))
    out = github.render(result)
    lines = out.split("\n")
    assert lines.pop() == ""
    assert len(lines) == len(result.active) + len(notes)
    for line in lines:
        assert line == line.splitlines()[0]  # nothing Python or the runner would break on
        assert "\r" not in line and "\u2028" not in line
    commands = [line for line in lines if line.startswith("::") and "title=aiguard::" not in line]
    by_severity = sorted(result.active, key=lambda f: -f.severity.rank)  # errors first
    assert len(commands) == len(by_severity)
    for line, f in zip(commands, by_severity, strict=True):
        name, props, message = parse_command(line)
        assert name in ("error", "warning", "notice") and set(props) >= {"file", "line", "title"}
        assert unescape(props["file"]) == text.printable(f.path, keep="\t\r\n")
        assert unescape(message) == text.printable(f.message, keep="\t\r\n")
    issues = json.loads(gitlab.render(result))
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    text_out = text.render(result, color=False)
    text_out.encode("utf-8")
    assert "\x1b" not in text_out
