"""AIG61x: JavaScript/TypeScript imports that resolve to nothing.

Specifiers are resolved statically (aiguard.facts.node): Node built-ins, node_modules walking
up from the file, the package.json files above it, tsconfig/jsconfig `paths` and `baseUrl`, package
`exports`/`imports` maps, and ambient `declare module` declarations. Only literal specifiers the
change added are judged; optional loads (`try { require("x") } catch {}`, `import("x").catch()`)
and anything a bundler alias might explain stay silent.
"""

from __future__ import annotations

import abc
from typing import ClassVar

from aiguard.facts.node.resolution import Outcome, Resolution, node_facts
from aiguard.findings import Category, Severity
from aiguard.lint.rule import FileRule, Flag, Pass
from aiguard_rules._shared.script_imports import IMPORT_INTEREST, ImportUse, new_imports

_JS_TS = frozenset({"javascript", "typescript"})
_DECLARATION_FILES = (".d.ts", ".d.mts", ".d.cts")

_PKG = '{"name": "app", "dependencies": {"left-pad": "^1.3.0", "react": "^18.0.0"}}'
_NODE_MODULES = {
    "package.json": _PKG,
    "node_modules/left-pad/package.json": '{"name": "left-pad", "main": "index.js"}',
    "node_modules/left-pad/index.js": "module.exports = () => {};\n",
}


class JsImportRule(FileRule):
    """Resolve each specifier the change added; report those whose outcome the rule owns."""

    category = Category.HALLUCINATED_IMPORT
    severity = Severity.ERROR
    languages = _JS_TS
    interest = IMPORT_INTEREST
    outcomes: ClassVar[frozenset[Outcome]] = frozenset()

    def check(self) -> None:
        if self.path.endswith(_DECLARATION_FILES):
            return  # declaration files are often generated; their imports are type-level only
        facts = None
        for use in new_imports(self):
            if use.optional:
                continue
            facts = facts or node_facts(self.project)
            resolution = facts.resolve(self.path, use.spec)
            if resolution.outcome in self.outcomes:
                self.report_line(
                    use.line,
                    self.describe(use, resolution),
                    column=use.column,
                    end_line=use.end_line,
                    end_column=use.end_column,
                )

    @abc.abstractmethod
    def describe(self, use: ImportUse, resolution: Resolution) -> str:
        """The finding's message for a specifier whose outcome this rule owns."""


class HallucinatedJsPackage(JsImportRule):
    id = "AIG611"
    name = "hallucinated-js-package"
    summary = (
        "A JS/TS import of a package that is neither a Node built-in, nor installed, nor declared "
        "in package.json"
    )
    rationale = (
        "Assistants invent plausible package names (`react-use-fetch-hook`, `node:fetch`). The "
        "import fails at run time or in the bundler, and if someone later installs the name to "
        "make it work, they may pull in a squatted package published to catch exactly that "
        "mistake."
    )
    fix = (
        "Import a package that exists and declare it in package.json (then install it), use the "
        "Node built-in or the API you meant, or remove the import."
    )
    outcomes = frozenset({Outcome.MISSING_PACKAGE, Outcome.UNKNOWN_BUILTIN})
    examples = (
        Flag(
            'import { useFetch } from "react-use-fetch-hook";\n',
            line=1,
            path="src/app.js",
            files=_NODE_MODULES,
            message="react-use-fetch-hook",
        ),
        Flag(
            'import fetch from "node:fetch";\nconst pad = require("left-pad");\n',
            line=1,
            path="src/net.ts",
            files=_NODE_MODULES,
            message="not a Node built-in",
        ),
        Flag(
            'const pad = require("left-pad");\nconst x = require("@acme/string-utils/pad");\n',
            line=2,
            path="src/util.cjs",
            files={"package.json": _PKG},
            message="no node_modules",
        ),
        Pass(
            'import fs from "node:fs";\nimport path from "path";\n'
            'import { test } from "node:test";\n',
            path="src/io.mjs",
            files=_NODE_MODULES,
        ),
        Pass(
            'import React from "react";\n',
            path="src/view.jsx",
            files=_NODE_MODULES,  # declared but not installed yet: an environment issue
        ),
        Pass(
            "let yaml;\ntry {\n  yaml = require('js-yaml-fast');\n} catch {\n  yaml = null;\n}\n"
            "const plugin = await import(pluginName);\nconst t = require(`./locales/${lang}`);\n",
            path="src/load.mjs",
            files=_NODE_MODULES,
        ),
        Pass(
            'import type { Options } from "virtual-config";\nimport icon from "./icon.svg";\n',
            path="src/cfg.ts",
            files={
                **_NODE_MODULES,
                "src/types/virtual.d.ts": 'declare module "virtual-config" {\n'
                "  export interface Options { debug: boolean }\n}\n"
                'declare module "*.svg";\n',
                "src/icon.svg": "<svg/>",
            },
        ),
        Pass(
            'import { db } from "@app/db";\nimport { ui } from "@acme/ui";\n',
            path="apps/web/src/page.ts",
            files={
                "package.json": '{"name": "root", "workspaces": ["apps/*", "packages/*"]}',
                "packages/ui/package.json": '{"name": "@acme/ui"}',
                "apps/web/package.json": '{"name": "web"}',
                "apps/web/tsconfig.json": '{\n  // aliases\n  "compilerOptions": {\n'
                '    "paths": {"@app/*": ["./src/*"],},\n  },\n}\n',
                "apps/web/src/db.ts": "export const db = 1;\n",
            },
        ),
        Pass(
            'import Layout from "@theme/Layout";\nimport Original from "@theme-original/Navbar";\n',
            path="src/pages/index.js",
            files={
                "package.json": '{"name": "site", "dependencies": {"@docusaurus/core": "^3"}}',
                "node_modules/@docusaurus/core/package.json": '{"name": "@docusaurus/core"}',
            },
        ),
        Pass(
            'import { serve } from "bun";\nimport { Database } from "bun:sqlite";\n'
            'import * as vscode from "vscode";\n',
            path="src/server.ts",
            files={
                "package.json": '{"devDependencies": {"bun-types": "^1.1.0", '
                '"@types/vscode": "^1.90.0"}}',
            },
        ),
        Pass(
            'import $ from "jquery";\n',
            path="static/legacy.js",  # no package.json or node_modules: a browser script
        ),
        Pass(
            'import express from "express";\nimport helmet from "helmet";\n',
            before='import express from "express";\n',
            path="src/server.js",
            files={
                "package.json": '{"dependencies": {"helmet": "^7.0.0"}}',
            },  # express was already imported before this change: not the change's hazard
        ),
    )

    def describe(self, use: ImportUse, resolution: Resolution) -> str:
        if resolution.outcome is Outcome.UNKNOWN_BUILTIN:
            return f'"{use.spec}" is not a Node built-in module'
        return (
            f'"{use.spec}" does not resolve: package "{resolution.package}" is '
            f"{resolution.detail}; no built-in, path alias or ambient module provides it"
        )


class MissingJsModuleFile(JsImportRule):
    id = "AIG612"
    name = "missing-js-module-file"
    summary = (
        "A relative JS/TS import, tsconfig path alias or package `#import` that resolves to no file"
    )
    rationale = (
        "An import of a local module that does not exist - a helper the assistant assumed, a "
        "file it meant to create, a path with one directory too few - breaks the build or "
        "throws at run time on first use."
    )
    fix = (
        "Point the import at the file that exists (check the path and extension), or add the "
        "missing module in the same change."
    )
    outcomes = frozenset({Outcome.MISSING_FILE})
    examples = (
        Flag(
            'import { slugify } from "./utils/strings";\nimport { api } from "./api";\n',
            line=1,
            path="src/index.ts",
            files={"src/api.ts": "export const api = 1;\n", "src/utils/dates.ts": ""},
            message="./utils/strings",
        ),
        Flag(
            'const { helper } = require("../lib/helper");\n',
            line=1,
            path="src/cli/run.js",
            files={"src/lib/other.js": ""},
        ),
        Flag(
            'import { Button } from "@/components/Buton";\n',
            line=1,
            path="src/App.tsx",
            files={
                "tsconfig.json": '{"compilerOptions": {"baseUrl": ".", '
                '"paths": {"@/*": ["src/*"]}}}',
                "src/components/Button.tsx": "export const Button = 1;\n",
            },
            message="no such file",
        ),
        Flag(
            'import { cfg } from "#config/missing";\n',
            line=1,
            path="src/main.js",
            files={
                "package.json": '{"imports": {"#config/*": "./src/config/*.js"}}',
                "src/config/app.js": "",
            },
        ),
        Pass(
            'import { a } from "./a.js";\nimport { B } from "./components";\n'
            'import data from "./data.json";\nimport "./styles.css?inline";\n'
            'import { Button } from "@/components/Button";\nimport { cfg } from "#config/app";\n',
            path="src/index.ts",
            files={
                "package.json": '{"imports": {"#config/*": "./src/config/*.js"}}',
                "tsconfig.json": '{"compilerOptions": {"paths": {"@/*": ["./src/*"]}}}',
                "src/a.ts": "export const a = 1;\n",
                "src/components/index.tsx": "export const B = 1;\n",
                "src/components/Button.tsx": "export const Button = 1;\n",
                "src/data.json": "{}",
                "src/styles.css": "",
                "src/config/app.ts": "export const cfg = 1;\n",
            },
        ),
        Pass(
            'import Logo from "#/assets/logo.svg?react";\n'
            'import raw from "@/shaders/a.glsl?raw";\n',
            path="src/App.tsx",
            files={
                "tsconfig.json": '{"compilerOptions": {"paths": {"#/*": ["./src/*"], '
                '"@/*": ["./src/*"]}}}',
                "src/assets/logo.svg": "<svg/>",
                "src/shaders/a.glsl": "",
            },  # a Vite/webpack resource query picks a loader: the file is the path before `?`
        ),
        Pass(
            'import { Header } from "components/Header";\nimport Home from "~/pages/Home";\n',
            path="src/App.jsx",
            files={
                "package.json": "{}",
                "jsconfig.json": '{"compilerOptions": {"baseUrl": "src"}}',
                "src/components/Header.jsx": "export const Header = 1;\n",
            },  # `~/` is a bundler alias aiguard cannot evaluate: silent
        ),
        Pass(
            'test("fails without the plugin", () => {\n'
            '  expect(() => require("./fixtures/missing-plugin")).toThrow();\n});\n',
            path="src/loader.test.js",
        ),
        Pass(
            'import x from "./generated/client";\n',
            path="src/db.ts",
            files={
                "tsconfig.json": '{"extends": "@company/tsconfig/base.json"}',
            },
            before='import x from "./generated/client";\n',
        ),
    )

    def describe(self, use: ImportUse, resolution: Resolution) -> str:
        return f'"{use.spec}" resolves to no file: {resolution.detail}'


class MissingJsPackageSubpath(JsImportRule):
    id = "AIG613"
    name = "missing-js-package-subpath"
    summary = "A JS/TS import of a subpath that the installed package neither exports nor contains"
    rationale = (
        "Deep imports such as `lodash/fp/curryAll` or `next/server-actions` are easy to invent: "
        "the package is real, so the import looks right, but the module does not exist (or the "
        "package's `exports` map hides it) and the import fails."
    )
    fix = (
        "Import from a path the package documents (see its `exports` in package.json), or from "
        "the package root."
    )
    outcomes = frozenset({Outcome.MISSING_SUBPATH})
    examples = (
        Flag(
            'import { z } from "kit/helpers";\nimport { core } from "kit/core";\n',
            line=1,
            path="src/a.js",
            files={
                "package.json": '{"dependencies": {"kit": "^2.0.0"}}',
                "node_modules/kit/package.json": '{"name": "kit", "exports": {".": "./index.js", '
                '"./core": "./core.js", "./internal/*": null}}',
                "node_modules/kit/index.js": "",
                "node_modules/kit/core.js": "",
            },
            message="kit/helpers",
        ),
        Flag(
            'const curry = require("old-lib/fp/curryAll");\n',
            line=1,
            path="src/b.js",
            files={
                "package.json": '{"dependencies": {"old-lib": "^1.0.0"}}',
                "node_modules/old-lib/package.json": '{"name": "old-lib"}',
                "node_modules/old-lib/fp/curry.js": "",
            },
        ),
        Pass(
            'import { core } from "kit/core";\nimport { p } from "kit/plugins/x";\n'
            'import "old-lib/fp/curry";\nimport "old-lib/fp";\n',
            path="src/c.ts",
            files={
                "package.json": '{"dependencies": {"kit": "^2.0.0", "old-lib": "^1.0.0"}}',
                "node_modules/kit/package.json": '{"name": "kit", "exports": {".": "./i.js", '
                '"./core": {"import": "./core.mjs", "require": "./core.cjs"}, '
                '"./plugins/*": "./plugins/*.js"}}',
                "node_modules/old-lib/package.json": '{"name": "old-lib"}',
                "node_modules/old-lib/fp/curry.js": "",
                "node_modules/old-lib/fp/index.js": "",
            },
        ),
        Pass(
            'import { something } from "not-installed/deep/path";\n',
            path="src/d.ts",
            files={"package.json": '{"dependencies": {"not-installed": "^1.0.0"}}'},
        ),
    )

    def describe(self, use: ImportUse, resolution: Resolution) -> str:
        return f'"{use.spec}" does not exist: {resolution.detail}'
