"""How long the pre-commit path takes, against the cost of starting Python with libcst.

Builds a throwaway git repository with 5 Python modules of ~200 lines and 2 TypeScript modules,
commits them, stages a realistic change (edited functions, a new helper, a few comments; one
file gains a `# type: ignore`), and reports the median wall time of `aiguard check --staged`
over several runs beside `python -c "import libcst"` and `python -c pass`, as ratios.

    python benchmarks/bench_staged.py [--runs 15]

The target (issue #2): the staged check at most 1.5x the bare `import libcst` process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY_FUNCTION = '''

def {name}(items: list[int], factor: int = {n}) -> list[int]:
    """Scale the positive items by factor, keeping order."""
    result = []
    for item in items:
        if item > 0:
            result.append(item * factor)
        elif item == 0:
            continue
        else:
            result.append(-item)
    return result
'''

TS_FUNCTION = """
export function {name}(values: number[], offset = {n}): number[] {{
  const out: number[] = [];
  for (const v of values) {{
    if (v > offset) {{
      out.push(v - offset);
    }} else {{
      out.push(offset);
    }}
  }}
  return out;
}}
"""


def python_module(index: int, edited: bool) -> str:
    header = (
        f'"""Module {index} of the benchmark corpus."""\n\n'
        "from __future__ import annotations\n\nimport math\n"
    )
    body = "".join(PY_FUNCTION.format(name=f"scale_{index}_{k}", n=k) for k in range(14))
    if edited:
        body = body.replace("result.append(item * factor)", "result.append(item * factor + 1)", 3)
        body += PY_FUNCTION.format(name=f"extra_{index}", n=99)
        body += (
            "\n\ndef ratio(a: float, b: float) -> float:\n"
            "    # guard against a zero divisor\n"
            "    return a / b if b else math.inf\n"
        )
        if index == 0:
            body += (
                "\n\nvalue = ratio(1, 2)  # type: ignore[arg-type]  # corpus: a reasoned ignore\n"
            )
    return header + body


def ts_module(index: int, edited: bool) -> str:
    body = "".join(TS_FUNCTION.format(name=f"shift{index}x{k}", n=k) for k in range(14))
    if edited:
        body = body.replace("out.push(offset);", "out.push(offset + 1);", 2)
        body += TS_FUNCTION.format(name=f"extra{index}", n=42)
    return body


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@example.invalid",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def build_repo(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    (root / "pkg").mkdir()
    (root / "web").mkdir()
    for i in range(5):
        (root / "pkg" / f"mod{i}.py").write_text(python_module(i, edited=False))
    for i in range(2):
        (root / "web" / f"util{i}.ts").write_text(ts_module(i, edited=False))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "corpus")
    for i in range(5):
        (root / "pkg" / f"mod{i}.py").write_text(python_module(i, edited=True))
    for i in range(2):
        (root / "web" / f"util{i}.ts").write_text(ts_module(i, edited=True))
    git(root, "add", "-A")


def bytecode_env() -> dict[str, str]:
    """Installed packages run from bytecode (pip compiles at install time): let Python write
    and use .pyc files even where the shell sets PYTHONDONTWRITEBYTECODE."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def median_seconds(cmd: list[str], cwd: Path, runs: int, ok: tuple[int, ...] = (0,)) -> float:
    times = []
    env = bytecode_env()
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
        if proc.returncode not in ok:
            sys.exit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.decode()[-500:]}")
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    aiguard = shutil.which("aiguard", path=os.path.dirname(sys.executable)) or shutil.which(
        "aiguard"
    )
    if aiguard is None:
        sys.exit("aiguard is not installed in this environment (pip install -e .)")
    with tempfile.TemporaryDirectory(prefix="aiguard-bench-") as tmp:
        repo = Path(tmp)
        build_repo(repo)
        lines = sum(len(p.read_text().splitlines()) for p in repo.rglob("*.py"))
        # Warm up: writes bytecode and the environment cache, as a first run would.
        for cmd in ([aiguard, "check", "--staged"], [aiguard, "rules"]):
            subprocess.run(cmd, cwd=repo, capture_output=True, env=bytecode_env())
        check = median_seconds([aiguard, "check", "--staged"], repo, args.runs, ok=(0, 1))
        libcst = median_seconds([sys.executable, "-c", "import libcst"], repo, args.runs)
        bare = median_seconds([sys.executable, "-c", "pass"], repo, args.runs)
    print(f"corpus: 5 Python files ({lines} lines), 2 TypeScript files, staged change in all 7")
    print(f"median of {args.runs} runs (Python {sys.version.split()[0]}, {os.cpu_count()} cores)")
    print(
        f"  aiguard check --staged   {check * 1000:7.1f} ms   "
        f"{check / libcst:5.2f}x import libcst   {check / bare:5.1f}x python -c pass"
    )
    print(f"  python -c 'import libcst'{libcst * 1000:7.1f} ms")
    print(f"  python -c pass           {bare * 1000:7.1f} ms")
    target = 1.5
    verdict = "within" if check / libcst <= target else "OVER"
    print(f"target: staged check <= {target}x import libcst: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
