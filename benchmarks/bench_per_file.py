"""What the rules cost on one file, as ratios to the cost of parsing that file.

Runs the engine in-process (no start-up, no git) on generated but realistic files and reports
the median time per file next to the floors measured in the same run:

* a ~500-line TypeScript module (classes, async methods, try/catch, promise chains, switch,
  arrow functions, a `process.env` read), every line counted as changed: the JS/TS rules that
  walk the tree (AIG302, AIG304, AIG404, AIG405), then every rule that reads a TypeScript
  production file, against one bare tree-sitter parse of it;
* a ~500-line Jest test of the same style, every line changed, the AIG5xx rules, against one
  bare tree-sitter parse;
* a ~3,000-line pytest file with a one-line change (one assertion edited), the AIG5xx rules
  (which read both versions), then every rule that reads a Python test file, against one bare
  libcst parse.

Each measurement builds a fresh `Source` and `Project`, so parsing and every per-file or
per-project analysis is paid each time, as in a pre-commit run.

    python benchmarks/bench_per_file.py [--runs 15]

To compare with another checkout, run this file with that checkout first on PYTHONPATH; it
uses only the engine API (`Engine`, `Project`, `FileChange`, `load_rules`, `Config`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable

from aiguard.change.model import FileChange
from aiguard.config import Config
from aiguard.lint.engine import Engine
from aiguard.lint.registry import load_rules
from aiguard.lint.rule import Rule
from aiguard.project import Project
from aiguard.source import language_of, tree_sitter_language

TS_BLOCK = """
export interface Item{n} {{
  id: string;
  price: number;
  tags?: string[];
}}

export class Store{n} {{
  private items = new Map<string, Item{n}>();

  constructor(private readonly api: Api, private limit = {n}) {{}}

  async load(id: string): Promise<Item{n} | undefined> {{
    if (this.items.has(id)) {{
      return this.items.get(id);
    }}
    try {{
      const item = await this.api.get<Item{n}>(`/items/${{id}}`);
      this.items.set(id, item);
      return item;
    }} catch (error) {{
      logger.warn("load failed", {{ id, error }});
      throw error;
    }}
  }}

  total(ids: string[]): number {{
    return ids
      .map((id) => this.items.get(id))
      .filter((item): item is Item{n} => item !== undefined)
      .reduce((sum, item) => sum + item.price * (item.tags?.length ?? 1), 0);
  }}
}}

export function discount{n}(price: number, code: string): number {{
  if (process.env.DISCOUNTS_OFF === "1") {{
    return price;
  }}
  switch (code) {{
    case "HALF":
      return price / 2;
    case "TEN":
      return price * 0.9;
    default:
      return price > {n}00 ? price - {n} : price;
  }}
}}

export const format{n} = (value: number, currency = "EUR"): string =>
  new Intl.NumberFormat("en", {{ style: "currency", currency }}).format(value);
"""

JEST_BLOCK = """
describe("Store{n}", () => {{
  let store: Store{n};

  beforeEach(() => {{
    store = new Store{n}(fakeApi(), {n});
  }});

  it("loads an item once", async () => {{
    const item = await store.load("a{n}");
    expect(item).toEqual({{ id: "a{n}", price: {n} }});
    expect(fakeApi().calls).toHaveLength(1);
  }});

  it("totals the prices", () => {{
    expect(store.total(["a", "b"])).toBeCloseTo({n}.5, 2);
  }});

  test.each([
    ["HALF", 50],
    ["TEN", 90],
  ])("discount %s", (code, want) => {{
    expect(discount{n}(100, code)).toBe(want);
  }});

  it("rejects a bad id", async () => {{
    await expect(store.load("")).rejects.toThrow(NotFound);
  }});
}});
"""

PY_HEADER = '''"""Tests of the shop's cart, prices and discounts."""

from __future__ import annotations

import math

import pytest

from shop.cart import Cart, CartError
from shop.prices import discount, total
'''

PY_BLOCK = """

@pytest.fixture
def cart_{n}() -> Cart:
    cart = Cart(owner="user-{n}")
    cart.add("apple", quantity={n}, price=1.25)
    return cart


def test_total_{n}(cart_{n}: Cart) -> None:
    assert total(cart_{n}) == pytest.approx({n} * 1.25)
    assert cart_{n}.owner == "user-{n}"


@pytest.mark.parametrize(("code", "want"), [("HALF", 50.0), ("TEN", 90.0), ("NONE", 100.0)])
def test_discount_{n}(code: str, want: float) -> None:
    assert math.isclose(discount(100.0, code), want, rel_tol=1e-9)


def test_bad_quantity_{n}(cart_{n}: Cart) -> None:
    with pytest.raises(CartError, match="quantity"):
        cart_{n}.add("pear", quantity=-{n}, price=2.0)


class TestCart{n}:
    def test_empty(self) -> None:
        cart = Cart(owner="nobody")
        assert cart.items == []
        assert len(cart) == 0

    def test_remove(self, cart_{n}: Cart) -> None:
        cart_{n}.remove("apple")
        assert "apple" not in cart_{n}
        for item in cart_{n}.items:
            assert item.quantity > 0
"""


def ts_module() -> str:
    return "".join(TS_BLOCK.format(n=n) for n in range(10))


def jest_test() -> str:
    return "".join(JEST_BLOCK.format(n=n) for n in range(18))


def pytest_file() -> str:
    return PY_HEADER + "".join(PY_BLOCK.format(n=n) for n in range(86))


def median_ms(work: Callable[[], object], runs: int) -> float:
    work()  # warm up: imports, grammar loading, libcst's attribute orders
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def check(rules: list[type[Rule]], path: str, after: str, before: str | None) -> Callable[[], int]:
    """One fresh run of `rules` over the change before -> after (None: every line changed)."""
    config = Config()

    def work() -> int:
        if before is None:
            change = FileChange(path=path, after=after, changed_lines=None)
        else:
            a, b = after.split("\n"), before.split("\n")
            changed = frozenset(i + 1 for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y)
            change = FileChange(
                path=path,
                after=after,
                before=before,
                old_path=path,
                changed_lines=changed,
                removed_lines=changed,
            )
        project = Project(None, config, overlay={path: after}, in_git=False)
        outcome = Engine(rules, config).check_file(change, project)
        if outcome.notifications:
            sys.exit(f"{path}: {[n.message for n in outcome.notifications]}")
        return len(outcome.findings)

    return work


def applicable(rules: dict[str, type[Rule]], path: str, is_test: bool) -> list[type[Rule]]:
    language = language_of(path)
    return [r for r in rules.values() if r.matches_file(path, language) and r.in_scope(is_test)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    import libcst
    import tree_sitter

    rules = load_rules()
    by_id = [rules[i] for i in ("AIG302", "AIG304", "AIG404", "AIG405")]
    weakening = [r for i, r in sorted(rules.items()) if i.startswith("AIG5")]

    ts_text = ts_module()
    jest_text = jest_test()
    py_after = pytest_file()
    marker = "assert total(cart_37) == pytest.approx(37 * 1.25)"
    if marker not in py_after:
        sys.exit("the pytest corpus lost its edited line")
    py_before = py_after.replace(marker, "assert total(cart_37) == pytest.approx(37 * 1.2 + 1.85)")

    def ts_parse(path: str, text: str) -> Callable[[], object]:
        parser = tree_sitter.Parser(tree_sitter_language(path))
        data = text.encode()
        return lambda: parser.parse(data)

    rows: list[tuple[str, float, float, str]] = []
    ts_floor = median_ms(ts_parse("src/store.ts", ts_text), args.runs)
    for label, chosen in (
        ("AIG302/304/404/405", by_id),
        ("every rule for src/*.ts", applicable(rules, "src/store.ts", is_test=False)),
    ):
        cost = median_ms(check(chosen, "src/store.ts", ts_text, None), args.runs)
        rows.append((f"TS module, {label}", cost, ts_floor, "tree-sitter parse"))
    jest_floor = median_ms(ts_parse("src/store.test.ts", jest_text), args.runs)
    cost = median_ms(check(weakening, "src/store.test.ts", jest_text, None), args.runs)
    rows.append(("Jest test, AIG5xx", cost, jest_floor, "tree-sitter parse"))
    py_floor = median_ms(lambda: libcst.parse_module(py_after), args.runs)
    path = "tests/test_cart.py"
    for label, chosen in (
        ("AIG5xx", weakening),
        ("every rule for tests/*.py", applicable(rules, path, is_test=True)),
    ):
        cost = median_ms(check(chosen, path, py_after, py_before), args.runs)
        rows.append((f"pytest file, 1 line changed, {label}", cost, py_floor, "libcst parse"))

    import aiguard

    print(f"aiguard from {os.path.dirname(aiguard.__file__)}")
    print(
        f"files: TS module {len(ts_text.splitlines())} lines, Jest test "
        f"{len(jest_text.splitlines())} lines, pytest file {len(py_after.splitlines())} lines"
    )
    print(f"median of {args.runs} runs (Python {sys.version.split()[0]}, {os.cpu_count()} cores)")
    for label, cost, floor, floor_name in rows:
        print(f"  {label:<55} {cost:8.1f} ms  {cost / floor:6.2f}x {floor_name} ({floor:.1f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
