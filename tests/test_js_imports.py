"""JS/TS hallucinated imports (AIG61x) and npm dependency hygiene (AIG81x), end to end.

A real git repository with package.json, a hand-made node_modules (git-ignored, as in real
projects), tsconfig.json with comments, `paths` and `baseUrl`, and an ambient `declare module`:
one commit of hazards, each found by the right rule on the right line through the CLI, then a
commit of legitimate look-alikes that must give nothing. Unit tests below pin the resolution
facts (aiguard.facts.node) the rules stand on.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiguard.cli import main
from aiguard.config import Config
from aiguard.facts.node.jsonc import JsonError, parse_jsonc
from aiguard.facts.node.package_json import exports_allow
from aiguard.facts.node.resolution import NodeFacts, Outcome
from aiguard.facts.node.specifiers import split_package
from aiguard.lint.rule import Flag, Pass
from aiguard.lint.testing import check_example, run_example
from aiguard.project import Project
from aiguard_rules.dependency_hygiene.script import (
    LookalikeJsDependency,
    UndeclaredJsDependency,
    UnusedJsDependency,
    one_edit_apart,
)
from tests.gitrepo import GitRepo

PACKAGE_JSON = """{
  "name": "webapp",
  "private": true,
  "scripts": {
    "build": "tsc -p ."
  },
  "dependencies": {
    "left-pad": "^1.3.0",
    "react": "^18.2.0",
    "@scope/kit": "^2.0.0"
  },
  "devDependencies": {
    "typescript": "^5.4.0"
  }
}
"""
NODE_MODULES = {
    "node_modules/left-pad/package.json": '{"name": "left-pad", "main": "index.js"}',
    "node_modules/left-pad/index.js": "module.exports = (s) => s;\n",
    "node_modules/react/package.json": '{"name": "react", "main": "index.js"}',
    "node_modules/react/index.js": "module.exports = {};\n",
    "node_modules/@scope/kit/package.json": json.dumps(
        {
            "name": "@scope/kit",
            "exports": {
                ".": "./index.js",
                "./feature": "./feature.js",
                "./package.json": "./package.json",
            },
        }
    ),
    "node_modules/@scope/kit/index.js": "export const kit = 1;\n",
    "node_modules/@scope/kit/feature.js": "export const feature = 1;\n",
    # A transitive dependency: installed, declared by nobody here.
    "node_modules/ms/package.json": '{"name": "ms", "main": "index.js"}',
    "node_modules/ms/index.js": "module.exports = () => 0;\n",
    "node_modules/typescript/package.json": '{"name": "typescript", "bin": {"tsc": "bin/tsc"}}',
}
TSCONFIG = """{
  // JSON with comments and trailing commas, as tsc accepts it
  "compilerOptions": {
    "strict": true,
    "baseUrl": ".",
    "paths": {
      "@app/*": ["src/*"],
    },
  },
}
"""
BASE = {
    ".gitignore": "node_modules/\n",
    "package.json": PACKAGE_JSON,
    "tsconfig.json": TSCONFIG,
    "src/types/ambient.d.ts": 'declare module "build-info" {\n  export const version: string;\n}\n',
    "src/util/math.ts": "export const add = (a: number, b: number) => a + b;\n",
    "src/index.ts": (
        'import React from "react";\nimport pad from "left-pad";\n\nexport { React, pad };\n'
    ),
}
HAZARDS_TS = """import pad from "left-pad";
import { useMagic } from "react-magic-hooks";
import { sum } from "./util/sum";
import ms from "ms";
import express from "expresss";

export const run = () => [pad, useMagic, sum, ms, express];
"""
HAZARDS_PACKAGE_JSON = PACKAGE_JSON.replace(
    '"@scope/kit": "^2.0.0"\n',
    '"@scope/kit": "^2.0.0",\n    "uuid": "^9.0.0",\n    "expresss": "^4.18.0"\n',
)
LOOKALIKES_TS = """import fs from "fs";
import { readFile } from "node:fs/promises";
import { add } from "@app/util/math";
import { feature } from "@scope/kit/feature";
import type { version } from "build-info";
import { kit } from "@scope/kit";

export async function load(moduleName: string): Promise<unknown> {
  const mod = await import(moduleName);
  let native: unknown;
  try {
    native = require("optional-native-addon");
  } catch {
    native = null;
  }
  const v: typeof version = "1";
  return [fs, readFile, add(1, 2), feature, kit, mod, native, v];
}
"""


def check_json(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, object]]:
    monkeypatch.chdir(repo.root)
    code = main(["check", "--base", "HEAD~1", "--format", "json", "--select", "AIG6,AIG8"])
    out, _ = capsys.readouterr()
    report: dict[str, object] = json.loads(out)
    return code, report


def found(report: dict[str, object]) -> list[tuple[str, str, int]]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return sorted((f["rule_id"], f["path"], f["line"]) for f in findings)


@pytest.fixture
def js_project(repo: GitRepo) -> GitRepo:
    repo.write(NODE_MODULES)  # git-ignored: on disk, never committed
    repo.commit(BASE, "clean base")
    return repo


def test_hazards_are_found_with_the_right_rule_and_line(
    js_project: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    js_project.commit(
        {"src/feature.ts": HAZARDS_TS, "package.json": HAZARDS_PACKAGE_JSON}, "ai change"
    )
    code, report = check_json(js_project, monkeypatch, capsys)
    assert found(report) == [
        ("AIG611", "src/feature.ts", 2),  # react-magic-hooks: nowhere
        ("AIG612", "src/feature.ts", 3),  # ./util/sum: no such file
        ("AIG811", "package.json", 11),  # uuid: added, nothing imports it
        ("AIG812", "src/feature.ts", 4),  # ms: installed, not declared
        ("AIG813", "package.json", 12),  # expresss: one edit from express
    ]
    assert report["notifications"] == []
    assert code == 1


def test_legitimate_lookalikes_give_nothing(
    js_project: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hazards = {"src/feature.ts": HAZARDS_TS, "package.json": HAZARDS_PACKAGE_JSON}
    js_project.commit(hazards, "ai change")
    with_tools = HAZARDS_PACKAGE_JSON.replace(
        '"typescript": "^5.4.0"\n',
        '"typescript": "^5.4.0",\n    "@types/react": "^18.2.0",\n'
        '    "eslint-plugin-react": "^7.34.0"\n',
    )
    assert with_tools != HAZARDS_PACKAGE_JSON
    js_project.commit({"src/legit.ts": LOOKALIKES_TS, "package.json": with_tools}, "legit change")
    code, report = check_json(js_project, monkeypatch, capsys)
    assert found(report) == []
    assert report["notifications"] == []
    assert code == 0


def test_hazards_already_there_are_not_reported_again(
    js_project: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    js_project.commit(
        {"src/feature.ts": HAZARDS_TS, "package.json": HAZARDS_PACKAGE_JSON}, "ai change"
    )
    js_project.commit(
        {"src/feature.ts": HAZARDS_TS.replace("export const run", "export const go")}, "rename"
    )
    _, report = check_json(js_project, monkeypatch, capsys)
    assert found(report) == []


# -- resolution facts --------------------------------------------------------------------------


def facts_for(files: dict[str, str]) -> NodeFacts:
    return NodeFacts(Project(None, Config(), overlay=files, in_git=False))


def test_jsonc_keeps_key_lines_and_accepts_comments_and_trailing_commas() -> None:
    doc = parse_jsonc('{\n  // c\n  "a": {\n    "b": [1, 2,],\n    /* x */ "c": "d",\n  },\n}\n')
    assert doc.value == {"a": {"b": [1, 2], "c": "d"}}
    assert doc.line_of("a") == 3
    assert doc.line_of("a", "c") == 5
    for bad in ('{"a": }', '{"a" 1}', "[1 2]", '{"a": 1', "/* open", "{'a': 1}"):
        with pytest.raises(JsonError):
            parse_jsonc(bad)


def test_package_names_and_exports_patterns() -> None:
    assert split_package("@scope/pkg/sub/x") == ("@scope/pkg", "sub/x")
    assert split_package("lodash/fp") == ("lodash", "fp")
    assert split_package("@/components/x") is None
    assert split_package("~/x") is None
    assert split_package("$lib/x") is None
    exports = {".": "./i.js", "./feature/*": "./f/*.js", "./internal/*": None, "./old/": "./old/"}
    assert exports_allow(exports, "./feature/a")
    assert not exports_allow(exports, "./internal/a")
    assert exports_allow(exports, "./old/x.js")
    assert not exports_allow(exports, "./other")
    assert exports_allow({"import": "./i.mjs", "require": "./i.cjs"}, ".")
    assert not exports_allow("./index.js", "./sub")


def test_one_edit_apart_is_damerau_distance_one() -> None:
    assert one_edit_apart("lodahs", "lodash")  # swap
    assert one_edit_apart("expres", "express")  # deletion
    assert one_edit_apart("reactt", "react")  # insertion
    assert one_edit_apart("axois", "axios")
    assert one_edit_apart("chalc", "chalk")  # substitution
    assert not one_edit_apart("lodash", "lodash")
    assert not one_edit_apart("lodash", "ldoahs")
    assert not one_edit_apart("vue", "react")


@pytest.mark.parametrize(
    ("spec", "outcome"),
    [
        ("fs", Outcome.RESOLVED),
        ("node:fs/promises", Outcome.RESOLVED),
        ("node:test", Outcome.RESOLVED),
        ("test", Outcome.MISSING_PACKAGE),  # only `node:test` is Node's
        ("node:nope", Outcome.UNKNOWN_BUILTIN),
        ("kit", Outcome.RESOLVED),
        ("kit/feature", Outcome.RESOLVED),
        ("kit/secret", Outcome.MISSING_SUBPATH),
        ("transitive", Outcome.UNDECLARED),
        ("@types-only/lib", Outcome.RESOLVED),
        ("@lib/thing", Outcome.RESOLVED),
        ("@lib/nothing", Outcome.MISSING_FILE),
        ("./sibling.js", Outcome.RESOLVED),
        ("./missing", Outcome.MISSING_FILE),
        ("../../../outside", Outcome.UNKNOWN),
        ("https://esm.sh/react", Outcome.UNKNOWN),
        ("raw-loader!./x.txt", Outcome.UNKNOWN),
        ("virtual:pwa-register", Outcome.UNKNOWN),
        ("components/Header", Outcome.RESOLVED),
        ("components/Missing", Outcome.MISSING_FILE),
        ("made-up-pkg", Outcome.MISSING_PACKAGE),
        ("vite-aliased", Outcome.UNKNOWN),
    ],
)
def test_resolution_outcomes(spec: str, outcome: Outcome) -> None:
    facts = facts_for(
        {
            "package.json": '{"dependencies": {"kit": "1", "@types/types-only__lib": "1"}}',
            "tsconfig.json": '{"extends": "./tsconfig.base.json"}',
            "tsconfig.base.json": (
                '{"compilerOptions": {"baseUrl": "src", "paths": {"@lib/*": ["lib/*"]}}}'
            ),
            "vite.config.ts": (
                "export default { resolve: { alias: { 'vite-aliased': '/src/x' } } };\n"
            ),
            "src/lib/thing.ts": "",
            "src/components/Header.tsx": "",
            "src/app/sibling.ts": "",
            "src/app/main.ts": "",
            "node_modules/kit/package.json": '{"exports": {".": "./i.js", "./feature": "./f.js"}}',
            "node_modules/transitive/package.json": "{}",
        }
    )
    assert facts.resolve("src/app/main.ts", spec).outcome is outcome


def test_tsconfig_extends_through_node_modules_and_config_dir() -> None:
    facts = facts_for(
        {
            "package.json": "{}",
            "packages/web/tsconfig.json": '{"extends": "@acme/tsconfig/base.json"}',
            "node_modules/@acme/tsconfig/base.json": (
                '{"compilerOptions": {"paths": {"~/*": ["${configDir}/src/*"]}}}'
            ),
            "packages/web/src/ui.ts": "",
        }
    )
    resolution = facts.resolve("packages/web/src/app.ts", "~/ui")
    assert resolution.outcome is Outcome.RESOLVED
    assert facts.resolve("packages/web/src/app.ts", "~/gone").outcome is Outcome.MISSING_FILE


def test_unresolvable_extends_makes_alias_misses_unknown() -> None:
    facts = facts_for(
        {
            "package.json": "{}",
            "tsconfig.json": (
                '{"extends": "./.nuxt/tsconfig.json", '
                '"compilerOptions": {"paths": {"#app/*": ["./x/*"]}}}'
            ),
        }
    )
    assert facts.resolve("pages/index.ts", "#app/nothing").outcome is Outcome.UNKNOWN


def test_broken_package_json_means_nothing_is_called_undeclared() -> None:
    facts = facts_for(
        {"package.json": '{"dependencies": {"a": "1",', "node_modules/b/package.json": "{}"}
    )
    assert facts.resolve("src/x.js", "made-up").outcome is Outcome.UNKNOWN
    assert facts.resolve("src/x.js", "b").outcome is Outcome.RESOLVED


def test_symlinked_package_outside_the_repository_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "linked"
    outside.mkdir(parents=True)
    (outside / "package.json").write_text('{"name": "linked", "exports": {".": "./i.js"}}')
    root = tmp_path / "repo"
    (root / "node_modules").mkdir(parents=True)
    (root / "node_modules" / "linked").symlink_to(outside, target_is_directory=True)
    (root / "package.json").write_text('{"dependencies": {"linked": "link:../elsewhere/linked"}}')
    facts = NodeFacts(Project(root, Config(), in_git=False))
    assert facts.installed("src/a.js", "linked") == "node_modules/linked"
    assert facts.installed_package("node_modules/linked") is None
    assert facts.resolve("src/a.js", "linked/anything").outcome is Outcome.RESOLVED


def test_bundler_aliases_and_import_maps_are_not_called_missing_packages() -> None:
    facts = facts_for(
        {
            "package.json": '{"name": "web", "jest": {"moduleNameMapper": {"^@utils/(.*)$": "x"}}}',
            "config/webpack.config.js": "module.exports = { resolve: { alias: {"
            " '@components': path.resolve('src/components'), shared: '../shared' } } };\n",
            "deno.json": '{"imports": {"std/": "https://deno.land/std/", "oak": "jsr:@oak/oak"}}',
            "node_modules/react/package.json": "{}",
        }
    )
    for spec in ("@components/Button", "@utils/date", "shared/api", "std/path/mod.ts", "oak"):
        outcome = facts.resolve("src/app.js", spec).outcome
        assert outcome in (Outcome.UNKNOWN, Outcome.RESOLVED), spec
    assert facts.resolve("src/app.js", "@compnents/Button").outcome is Outcome.MISSING_PACKAGE


# -- package.json rules beyond their examples ------------------------------------------------


def test_a_broken_package_json_is_a_parse_note_not_a_crash() -> None:
    lenient = run_example(UnusedJsDependency, Pass('{\n  "dependencies": {"a": "1",},\n}\n'))
    assert lenient.notifications == []  # trailing commas: read as npm's users meant them
    assert [f.line for f in lenient.findings] == [2]
    outcome = run_example(UnusedJsDependency, Pass('{"dependencies": {"a": "1"}', before="{}"))
    assert [n.kind for n in outcome.notifications] == ["parse-error"]
    before_broken = run_example(
        LookalikeJsDependency, Pass('{"dependencies": {"lodahs": "1"}}', before='{"a": ')
    )
    assert [n.kind for n in before_broken.notifications] == ["parse-error"]
    assert "previous package.json" in before_broken.notifications[0].message


def test_unused_dependency_looks_only_under_its_own_package() -> None:
    manifest = '{\n  "name": "a",\n  "dependencies": {\n    "dayjs": "^1.11.0"\n  }\n}\n'
    elsewhere = Flag(
        manifest,
        line=4,
        path="packages/a/package.json",
        files={"packages/b/src/x.ts": 'import dayjs from "dayjs";\n'},
    )
    check_example(UnusedJsDependency, elsewhere)
    inside = Pass(
        manifest,
        path="packages/a/package.json",
        files={"packages/a/src/x.ts": 'import dayjs from "dayjs";\n'},
    )
    check_example(UnusedJsDependency, inside)


def test_undeclared_import_names_the_sibling_package_that_declares_it() -> None:
    example = Flag(
        'import dayjs from "dayjs";\n',
        line=1,
        path="packages/a/src/x.js",
        files={
            "package.json": '{"name": "root", "workspaces": ["packages/*"]}',
            "packages/a/package.json": '{"name": "a"}',
            "packages/b/package.json": '{"name": "b", "dependencies": {"dayjs": "^1.11.0"}}',
            "node_modules/dayjs/package.json": '{"name": "dayjs"}',
        },
        message="declared in packages/b/package.json, not in a package.json above this file",
    )
    check_example(UndeclaredJsDependency, example)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(_JSON, st.sampled_from([None, 2]))
def test_jsonc_reads_what_json_writes(value: object, indent: int | None) -> None:
    assert parse_jsonc(json.dumps(value, indent=indent)).value == value


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='{}[]:,"/*\\ \nab1-.etrufl', max_size=40))
def test_jsonc_agrees_with_json_and_fails_only_with_json_error(text: str) -> None:
    try:
        expected = json.loads(text)
    except ValueError:
        with contextlib.suppress(JsonError):  # comments and trailing commas are allowed
            parse_jsonc(text)
        return
    assert parse_jsonc(text).value == expected


@pytest.mark.parametrize(
    ("lockfile", "text"),
    [
        (
            "package-lock.json",
            '{"packages": {"node_modules/@mui/material": {"version": "5.15.0",\n'
            '  "peerDependencies": {\n    "@emotion/react": "^11.5.0",\n    "react": "^18"\n  }}}}',
        ),
        (
            "pnpm-lock.yaml",
            "packages:\n  '@mui/material@5.15.0':\n    peerDependencies:\n"
            "      '@emotion/react': ^11.5.0\n      react: ^18.0.0\n",
        ),
        (
            "yarn.lock",
            '"@mui/material@npm:^5.15.0":\n  version: 5.15.0\n  peerDependencies:\n'
            '    "@emotion/react": ^11.5.0\n    react: ^18.0.0\n',
        ),
    ],
)
def test_peer_requirements_are_read_from_lockfiles(lockfile: str, text: str) -> None:
    facts = facts_for({"package.json": "{}", lockfile: text})
    assert facts.peer_in_lockfile("package.json", "@emotion/react") == lockfile
    assert facts.peer_in_lockfile("package.json", "react") == lockfile
    assert facts.peer_in_lockfile("package.json", "@mui/material") is None
    assert facts.peer_in_lockfile("package.json", "emotion") is None
