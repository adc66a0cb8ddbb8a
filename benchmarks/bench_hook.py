"""How long one per-edit check takes inside a coding agent, as the agent pays for it.

Builds a throwaway git repository with a ~200-line Python module, opens a Claude Code session
(`SessionStart`), then times `aiguard hook claude-code` on a `PostToolUse` event after each of
several small edits (a changed function, one edit adding `# type: ignore`), whole process,
beside `python -c pass` and `python -c "import libcst"`.

    python benchmarks/bench_hook.py [--runs 15]

The target (issue 12): a per-edit check answers in at most 150 ms median on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FUNCTION = '''

def scale_{k}(items: list[int], factor: int = {k}) -> list[int]:
    """Scale the positive items by factor, keeping order."""
    result = []
    for item in items:
        if item > 0:
            result.append(item * factor)
        else:
            result.append(-item)
    return result
'''


def module(edit: int) -> str:
    body = "".join(FUNCTION.format(k=k) for k in range(18))
    body = body.replace("factor: int = 3)", f"factor: int = {100 + edit})")
    if edit % 5 == 4:
        body = body.replace("result = []\n", "result = []  # type: ignore\n", 1)
    return (
        '"""The benchmark module."""\n\nfrom __future__ import annotations\n\nimport math\n' + body
    )


def timed(command: list[str], stdin: str, cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, input=stdin, text=True, cwd=cwd, env=env, capture_output=True, check=False
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="aiguard-bench-hook-"))
    try:
        repo = work / "repo"
        repo.mkdir()
        env = {**os.environ, "AIGUARD_CACHE_DIR": str(work / "cache"), "GIT_AUTHOR_NAME": "b",
               "GIT_AUTHOR_EMAIL": "b@example.invalid", "GIT_COMMITTER_NAME": "b",
               "GIT_COMMITTER_EMAIL": "b@example.invalid"}  # fmt: skip
        env.pop("VIRTUAL_ENV", None)
        (repo / "app.py").write_text(module(-1))
        for git in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "base"]):
            subprocess.run(["git", *git], cwd=repo, env=env, check=True)
        hook = [sys.executable, "-m", "aiguard", "hook", "claude-code"]
        common = {"session_id": "bench", "cwd": str(repo), "transcript_path": "/dev/null"}
        start = json.dumps({**common, "hook_event_name": "SessionStart", "source": "startup"})
        tool = {"tool_name": "Edit", "tool_input": {"file_path": str(repo / "app.py")}}
        edit = json.dumps({**common, "hook_event_name": "PostToolUse", **tool, "tool_response": {}})
        timed(hook, start, repo, env)
        hook_times = []
        for n in range(args.runs + 1):
            (repo / "app.py").write_text(module(n))
            elapsed = timed(hook, edit, repo, env)
            if n:  # the first edit warms the caches (rule index, environment index)
                hook_times.append(elapsed)
        bare = [timed([sys.executable, "-c", "pass"], "", repo, env) for _ in range(args.runs)]
        libcst = [
            timed([sys.executable, "-c", "import libcst"], "", repo, env) for _ in range(args.runs)
        ]
        rows = [("python -c pass", bare), ('python -c "import libcst"', libcst),
                ("aiguard hook claude-code (per edit)", hook_times)]  # fmt: skip
        floor = statistics.median(bare)
        for label, times in rows:
            median = statistics.median(times)
            print(
                f"{label:38} median {median * 1000:7.1f} ms ({median / floor:4.1f}x python -c pass)"
            )
        target = statistics.median(hook_times) <= 0.150
        print(f"target (per-edit median <= 150 ms): {'met' if target else 'NOT met'}")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
