"""The GitHub Action (action.yml) and the GitLab CI template, run as their runners run them.

The action's `run:` steps are executed by bash exactly as written (GitHub's `bash --noprofile
--norc -eo pipefail`), with its `${{ inputs.* }}` / `${{ steps.*.outputs.* }}` expressions
filled in and GITHUB_* variables pointing at a real pull request in a temporary repository.
The upload step cannot run here: at that point the SARIF it would upload is validated instead.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.gitrepo import GitRepo
from tests.test_reports import VALIDATOR, parse_command, validate_sarif

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"
GITLAB = ROOT / "ci" / "gitlab" / "aiguard.gitlab-ci.yml"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
HAZARDS = {
    "app.py": "def total(xs):\n    return sum(xs)  # type: ignore\n\n\ndef later():\n    pass\n",
}


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without anything a CI runner or a virtualenv set."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "RUNNER_", "CI_", "AIGUARD", "PRE_COMMIT"))
        and k != "VIRTUAL_ENV"
    }
    return {**env, **extra}


def pull_request(tmp_path: Path, files: dict[str, str]) -> tuple[GitRepo, str]:
    """A repository whose HEAD is a pull request branch; returns it and the base commit."""
    repo = GitRepo(tmp_path / "work")
    base = repo.commit({"README.md": "# demo\n", "app.py": "def total(xs):\n    return 0\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit(files, message="the pull request")
    return repo, base


@dataclass
class ActionRun:
    """One run of the composite action: its inputs, environment and each step's outputs."""

    workspace: Path
    env: dict[str, str]
    inputs: dict[str, str]
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    log: list[tuple[str, subprocess.CompletedProcess[str] | None]] = field(default_factory=list)

    def value(self, expression: str) -> str:
        parts = expression.split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            return self.inputs[parts[1]]
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return self.outputs.get(parts[1], {}).get(parts[3], "")
        raise AssertionError(f"an expression this test does not model: {expression}")

    def fill(self, text: str) -> str:
        return EXPRESSION.sub(lambda m: self.value(m.group(1)), text)

    def condition(self, text: str | None) -> bool:
        """`always() && a == 'b' && ...`: the only shape the action's conditions take."""
        if text is None:
            return all(proc is None or proc.returncode == 0 for _, proc in self.log)
        inner = EXPRESSION.fullmatch(text.strip())
        assert inner is not None, text
        result = True
        for term in inner.group(1).split("&&"):
            term = term.strip()
            if term == "always()":
                continue
            left, right = (side.strip() for side in term.split("=="))
            assert right.startswith("'") and right.endswith("'"), term
            result = result and self.value(left) == right[1:-1]
        return result

    def run_step(self, step: dict[str, Any]) -> subprocess.CompletedProcess[str]:
        assert step["shell"] == "bash"
        output = self.workspace.parent / f"output-{len(self.log)}"
        output.write_text("")
        env = {**self.env, "GITHUB_OUTPUT": str(output)}
        env.update({k: self.fill(str(v)) for k, v in (step.get("env") or {}).items()})
        assert "${{" not in step["run"], "run: scripts take expressions through env only"
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        pairs = (line.split("=", 1) for line in output.read_text().splitlines() if line)
        self.outputs[step["id"] if "id" in step else f"#{len(self.log)}"] = dict(pairs)
        return proc


def run_action(
    repo: GitRepo,
    tmp_path: Path,
    *,
    install: bool,
    event: dict[str, Any] | None = None,
    base_ref: str = "main",
    **inputs: str,
) -> ActionRun:
    action = load(ACTION)
    defaults = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    assert set(inputs) <= set(defaults), inputs
    env = clean_env(
        GITHUB_ACTIONS="true",
        GITHUB_WORKSPACE=str(repo.root),
        GITHUB_ACTION_PATH=str(ROOT),
        GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
        RUNNER_TEMP=str(tmp_path / "runner"),
    )
    (tmp_path / "runner").mkdir()
    if base_ref:
        env["GITHUB_BASE_REF"] = base_ref
    if event is not None:
        (tmp_path / "event.json").write_text(json.dumps(event))
        env["GITHUB_EVENT_PATH"] = str(tmp_path / "event.json")
    run = ActionRun(repo.root, env, {**defaults, **inputs})
    for step in action["runs"]["steps"]:
        if not run.condition(step.get("if")):
            run.log.append((step["name"], None))
            continue
        if step.get("id") == "install" and not install:
            # The fast tests use this checkout's aiguard, as the install step would provide it.
            run.outputs["install"] = {"aiguard": str(Path(sys.executable).parent / "aiguard")}
            run.log.append((step["name"], None))
            continue
        if "uses" in step:
            assert step["uses"] == "github/codeql-action/upload-sarif@v4"
            assert run.fill(step["with"]["sarif_file"]) == run.inputs["sarif-file"]
            assert run.fill(step["with"]["category"]) == run.inputs["category"]
            sarif = (repo.root / run.inputs["sarif-file"]).read_text(encoding="utf-8")
            validate_sarif(sarif)
            run.log.append((step["name"], None))
            continue
        run.log.append((step["name"], run.run_step(step)))
    return run


def step(run: ActionRun, name: str) -> subprocess.CompletedProcess[str]:
    proc = dict(run.log)[name]
    assert proc is not None, f"step {name!r} did not run"
    return proc


# -- the action ---------------------------------------------------------------------------


def test_action_metadata() -> None:
    action = load(ACTION)
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    install = steps[0]["run"]
    assert 'pip install --quiet --disable-pip-version-check "${GITHUB_ACTION_PATH:?}"' in install
    uses = [s for s in steps if "uses" in s]
    assert [s["uses"] for s in uses] == ["github/codeql-action/upload-sarif@v4"]
    names = [s["name"] for s in steps]
    # The gate fails only after the upload and the annotations.
    assert names.index("Fail on findings") > names.index("Upload SARIF to code scanning")
    assert names.index("Fail on findings") > names.index("Annotate and summarise")
    for s in steps:
        assert "run" not in s or "${{" not in s["run"]  # expressions only through env: no injection
        assert "always()" in s.get("if", "always()")  # every step after a failed check still runs
    for name, spec in action["inputs"].items():
        assert spec["description"], name


def test_action_on_a_pull_request_uploads_annotates_summarises_then_fails(tmp_path: Path) -> None:
    repo, base = pull_request(tmp_path, HAZARDS)
    event = {"pull_request": {"base": {"sha": base}}}
    run = run_action(repo, tmp_path, install=False, event=event, base_ref="")
    check = step(run, "Check the pull request")
    assert check.returncode == 0, check.stderr
    assert run.outputs["check"] == {"base": base, "exit-code": "1", "sarif": "written"}
    results = json.loads((repo.root / "aiguard.sarif").read_text())["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"AIG101", "AIG401"}
    assert all("primaryLocationLineHash" in r["partialFingerprints"] for r in results)
    assert dict(run.log)["Upload SARIF to code scanning"] is None  # validated, not run
    annotate = step(run, "Annotate and summarise")
    assert annotate.returncode == 0
    commands = [parse_command(line) for line in annotate.stdout.splitlines()]
    assert [(name, props["file"], props["line"]) for name, props, _ in commands] == [
        ("error", "app.py", "2"),
        ("warning", "app.py", "6"),
    ]
    summary = (tmp_path / "summary.md").read_text()
    assert summary.startswith("## aiguard review summary\n")
    assert (
        "| Suppressions added | 1 |" in summary and "| Stubs and swallowed errors | 1 |" in summary
    )
    failed = step(run, "Fail on findings")
    assert failed.returncode == 1 and "aiguard exited 1" in failed.stdout


def test_action_falls_back_to_the_base_ref_and_passes_a_clean_change(tmp_path: Path) -> None:
    repo, _ = pull_request(tmp_path, {"app.py": "def total(xs):\n    return sum(xs)\n"})
    repo.git("update-ref", "refs/remotes/origin/main", "main")
    run = run_action(repo, tmp_path, install=False, event={"push": {}})
    assert run.outputs["check"] == {"base": "origin/main", "exit-code": "0", "sarif": "written"}
    assert step(run, "Annotate and summarise").stdout == ""
    assert "All checks passed" in (tmp_path / "summary.md").read_text()
    assert step(run, "Fail on findings").returncode == 0


def test_action_without_a_base_fails_with_one_error(tmp_path: Path) -> None:
    repo, _ = pull_request(tmp_path, HAZARDS)
    run = run_action(repo, tmp_path, install=False, base_ref="")
    check = step(run, "Check the pull request")
    assert check.returncode == 2
    assert check.stdout.startswith("::error title=aiguard::no base to compare with")
    # Nothing was written, so nothing is uploaded, annotated or judged.
    assert [name for name, proc in run.log if proc is not None] == ["Check the pull request"]


def test_action_passes_extra_args_and_respects_the_inputs(tmp_path: Path) -> None:
    repo, base = pull_request(tmp_path, HAZARDS)
    event = {"pull_request": {"base": {"sha": base}}}
    run = run_action(repo, tmp_path, install=False, event=event, args="--select AIG4", fail="false")
    results = json.loads((repo.root / "aiguard.sarif").read_text())["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"AIG401"}
    assert dict(run.log)["Fail on findings"] is None


@pytest.mark.slow
def test_action_installs_from_its_own_checkout_and_its_sarif_passes_the_validator(
    tmp_path: Path,
) -> None:
    assert VALIDATOR.exists(), "the official SARIF validator wrapper is missing"
    repo, base = pull_request(tmp_path, HAZARDS)
    run = run_action(repo, tmp_path, install=True, event={"pull_request": {"base": {"sha": base}}})
    install = step(run, "Install aiguard")
    assert install.returncode == 0, install.stderr
    assert run.outputs["install"]["aiguard"] == str(tmp_path / "runner/aiguard-venv/bin/aiguard")
    assert run.outputs["check"]["exit-code"] == "1"
    done = subprocess.run(
        [str(VALIDATOR), str(repo.root / "aiguard.sarif")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert step(run, "Fail on findings").returncode == 1


# -- GitLab -------------------------------------------------------------------------------


def test_gitlab_template_structure() -> None:
    job = load(GITLAB)["aiguard"]
    assert job["variables"]["GIT_DEPTH"] == "0"
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert job["artifacts"] == {
        "when": "always",
        "reports": {"codequality": "gl-code-quality.json"},
    }
    script = "\n".join(job["script"])
    assert "--format gitlab --output gl-code-quality.json" in script
    assert job["script"][-1] == 'exit "$status"'


def run_gitlab(repo: GitRepo, tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    job = load(GITLAB)["aiguard"]
    env = clean_env(**{**job["variables"], "TMPDIR": str(tmp_path), **variables})
    return (
        subprocess.run(  # GitLab's bash shell runs the script lines in one `set -eo pipefail` shell
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", "\n".join(job["script"])],
            cwd=repo.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    )


def test_gitlab_template_requires_an_install_spec(tmp_path: Path) -> None:
    repo, base = pull_request(tmp_path, HAZARDS)
    done = run_gitlab(repo, tmp_path, CI_MERGE_REQUEST_DIFF_BASE_SHA=base)
    assert done.returncode == 2 and "set AIGUARD_INSTALL" in done.stdout


@pytest.mark.slow
def test_gitlab_template_publishes_code_quality_then_fails(tmp_path: Path) -> None:
    repo, base = pull_request(tmp_path, HAZARDS)
    done = run_gitlab(
        repo, tmp_path, CI_MERGE_REQUEST_DIFF_BASE_SHA=base, AIGUARD_INSTALL=str(ROOT)
    )
    assert done.returncode == 1, done.stderr
    issues = json.loads((repo.root / "gl-code-quality.json").read_text())
    assert {i["check_name"] for i in issues} >= {"AIG101", "AIG401"}
    assert all(i["location"]["path"] == "app.py" for i in issues)
    assert "app.py:2:" in done.stdout  # the text report in the job log


# -- the README's snippets ----------------------------------------------------------------

README = ROOT / "README.md"


def readme_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_pre_commit_snippet_pins_a_commit_that_exists(tmp_path: Path) -> None:
    """Pasted in a clone of aiguard, it prints a config whose repo and rev are real."""
    (snippet,) = [b for b in readme_blocks("sh") if "printf 'repos:" in b]
    clone = tmp_path / "aiguard"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=120)
    done = subprocess.run(
        ["bash", "-c", snippet], cwd=clone, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    (entry,) = load_text(done.stdout)["repos"]
    assert entry["repo"] == str(ROOT) and entry["hooks"] == [{"id": "aiguard"}]
    assert re.fullmatch(r"[0-9a-f]{40}", entry["rev"])
    subprocess.run(["git", "cat-file", "-e", f"{entry['rev']}^{{commit}}"], cwd=ROOT, check=True)
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(done.stdout)
    pre_commit = Path(sys.executable).parent / "pre-commit"
    check = subprocess.run(
        [str(pre_commit), "validate-config", str(config)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_readme_workflow_uses_the_action_with_real_inputs() -> None:
    workflows = [load_text(b) for b in readme_blocks("yaml") if "runs-on:" in b]
    (workflow,) = workflows
    assert workflow["permissions"] == {"contents": "read", "security-events": "write"}
    steps = workflow["jobs"]["aiguard"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    (ours,) = [s for s in steps if s["uses"].split("@")[0].endswith("/aiguard")]
    assert re.fullmatch(r"[0-9a-f]{40}", ours["uses"].split("@")[1])  # pinned to a full sha
    inputs = set(load(ACTION)["inputs"])
    text = README.read_text(encoding="utf-8")
    for name in ("args", "fail"):
        assert f"#   {name}:" in text and name in inputs
    assert "OWNER" not in text and "upload-sarif@v3" not in text


def test_readme_gitlab_snippet_includes_the_template() -> None:
    (snippet,) = [load_text(b) for b in readme_blocks("yaml") if "include:" in b]
    assert snippet["include"] == [{"local": "ci/gitlab/aiguard.gitlab-ci.yml"}]
    assert (ROOT / snippet["include"][0]["local"]).is_file()
    assert snippet["variables"]["AIGUARD_INSTALL"].startswith("aiguard-lint @ git+")


def load_text(text: str) -> Any:
    return YAML(typ="safe").load(text)
