"""A longer run of tests/test_fuzz.py's checks: `python benchmarks/fuzz.py [SECONDS] [SEED]`.

Mutates a valid file of every kind aiguard reads, runs every rule on it (as a new file and as
a change), and counts inputs tried, crashes (any exception) and slow inputs (over 5 s, the
test suite's deadline). Prints one line per failure and the totals; exit 1 on any failure.
"""

from __future__ import annotations

import random
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_fuzz import SEEDS, check_text, deep, engine_and_rules, mutate

SLOW_SECONDS = 5.0


def main(argv: list[str]) -> int:
    budget = float(argv[0]) if argv else 300.0
    rng = random.Random(int(argv[1]) if len(argv) > 1 else 14)
    engine = engine_and_rules()
    paths = sorted(SEEDS)
    tried = crashes = slow = 0
    end = time.monotonic() + budget
    while time.monotonic() < end:
        path = rng.choice(paths)
        if rng.random() < 0.05:
            after = deep(path, rng.choice([100, 500, 2000, 10_000]))
        else:
            after = mutate(SEEDS[path], rng, rounds=rng.randrange(1, 12))
        before = SEEDS[path] if rng.random() < 0.5 else None
        tried += 1
        start = time.monotonic()
        try:
            check_text(engine, path, after, before)
        except Exception as exc:  # noqa: BLE001 -- a crash is what this run counts: report it, go on
            crashes += 1
            print(f"CRASH {path}: {type(exc).__name__}: {exc}", flush=True)
            print("".join(traceback.format_exception(exc)[-3:]), flush=True)
        took = time.monotonic() - start
        if took > SLOW_SECONDS:
            slow += 1
            print(f"SLOW {path}: {took:.1f} s on {len(after)} characters", flush=True)
    print(f"inputs tried: {tried}, crashes: {crashes}, slow (>{SLOW_SECONDS:.0f} s): {slow}")
    return 1 if crashes or slow else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
