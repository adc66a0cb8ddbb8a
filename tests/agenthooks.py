"""Running `python -m aiguard hook AGENT` as the agent would: a real process, a JSON event."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "agents"


def event(agent: str, name: str, root: Path, **fields: Any) -> dict[str, Any]:
    """A recorded event of `agent` with its working directory and paths moved to `root`.

    The fixtures were written in /home/dev/shop; every string that starts there is rebased.
    """
    data = json.loads((DATA / agent / f"{name}.json").read_text())
    rebased = _rebase(data, "/home/dev/shop", str(root))
    assert isinstance(rebased, dict)
    rebased.update(fields)
    return rebased


def _rebase(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return new + value[len(old) :] if value.startswith(old) else value.replace(old, new)
    if isinstance(value, list):
        return [_rebase(v, old, new) for v in value]
    if isinstance(value, dict):
        return {k: _rebase(v, old, new) for k, v in value.items()}
    return value


def hook_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIGUARD_", "VIRTUAL_ENV"))}
    env["AIGUARD_CACHE_DIR"] = str(tmp / "cache")
    env["HOME"] = str(tmp / "home")
    return env


def run_hook(
    agent: str, payload: dict[str, Any] | str, tmp: Path, *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    stdin = payload if isinstance(payload, str) else json.dumps(payload)
    return subprocess.run(
        [sys.executable, "-m", "aiguard", "hook", agent, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=hook_env(tmp),
        cwd=cwd or tmp,
        timeout=120,
        check=False,
    )
