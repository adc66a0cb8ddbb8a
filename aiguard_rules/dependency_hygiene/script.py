"""AIG81x: npm dependency hygiene - unused additions, undeclared imports, look-alike names.

AIG811 and AIG813 read package.json (the four dependency sections; a dependency counts as added
when its name is in none of them before the change, so version bumps and moves between
sections are silent). AIG812 reads the JS/TS files the change touched. Nothing is installed or
run: node_modules, lockfiles and the project's files are read as text (aiguard.facts.node).
"""

from __future__ import annotations

import fnmatch
import json
import posixpath
from typing import ClassVar

from aiguard.facts.node.jsonc import JsonError
from aiguard.facts.node.package_json import Dependency, PackageJson, parse_package_json
from aiguard.facts.node.resolution import NodeFacts, Outcome, Resolution, node_facts
from aiguard.findings import Category, Severity
from aiguard.lint.rule import FileRule, Flag, Pass, Scope
from aiguard.memo import MemoKey
from aiguard.source import SourceError
from aiguard_rules._shared.script_imports import IMPORT_INTEREST, new_imports
from aiguard_rules.dependency_hygiene._script_usage import UsageIndex, mentions, usage_index

# Packages used without an import: type packages, linters and their plugins, formatters,
# compilers, test runners, git hooks, build and release tools, and runtime pieces that another
# package loads by name (database drivers, `react-dom` under Next.js, `tslib` for tsc helpers).
TOOL_PATTERNS = (
    "@types/*", "eslint", "eslint-plugin-*", "eslint-config-*", "@*/eslint-plugin",
    "@*/eslint-plugin-*", "@*/eslint-config", "@*/eslint-config-*", "@typescript-eslint/*",
    "@eslint/*", "typescript-eslint", "prettier", "prettier-plugin-*", "@*/prettier-plugin-*",
    "@*/prettier-config", "typescript", "tslib", "ts-node", "tsx", "ts-node-dev", "tsc-alias",
    "tsconfig-paths", "@tsconfig/*", "jest", "ts-jest", "babel-jest", "@swc/jest",
    "jest-environment-*", "@jest/*", "vitest", "@vitest/*", "mocha", "jasmine", "karma",
    "karma-*", "cypress", "c8", "nyc", "husky", "lint-staged", "@commitlint/*", "commitizen",
    "cz-*", "nodemon", "concurrently", "cross-env", "dotenv-cli", "env-cmd", "rimraf", "del-cli",
    "shx", "copyfiles", "cpy-cli", "npm-run-all", "npm-run-all2", "wait-on",
    "start-server-and-test", "@biomejs/biome", "oxlint", "stylelint", "stylelint-*",
    "@*/stylelint-config", "postcss", "postcss-*", "autoprefixer", "tailwindcss", "sass", "less",
    "@babel/core", "@babel/cli", "@babel/preset-*", "@babel/plugin-*", "@babel/runtime",
    "@babel/register", "@babel/node", "babel-plugin-*", "babel-preset-*", "babel-loader",
    "*-loader", "core-js", "regenerator-runtime", "@swc/core", "@swc/cli", "@swc/helpers",
    "esbuild", "webpack-cli", "webpack-dev-server", "typedoc", "typedoc-plugin-*",
    "semantic-release", "@semantic-release/*", "standard-version", "release-it",
    "@changesets/cli", "lerna", "nx", "@nx/*", "turbo", "patch-package", "knip", "depcheck",
    "size-limit", "@size-limit/*", "storybook", "@storybook/*", "playwright", "@playwright/test",
    "wrangler", "vercel", "netlify-cli", "firebase-tools", "serve", "http-server",
    "live-server", "source-map-support", "react-dom", "pg", "pg-hstore",
    "mysql", "mysql2", "sqlite3", "better-sqlite3", "tedious", "oracledb", "mariadb",
    "sharp", "bufferutil", "utf-8-validate", "encoding", "prisma", "@prisma/client",
)  # fmt: skip
# Binary names that differ from the package name (for `scripts`, CI and hook commands).
KNOWN_BINS = {
    "@angular/cli": ("ng",),
    "@nestjs/cli": ("nest",),
    "@vue/cli-service": ("vue-cli-service",),
    "@11ty/eleventy": ("eleventy",),
    "@sveltejs/kit": ("svelte-kit",),
    "@remix-run/dev": ("remix",),
    "@docusaurus/core": ("docusaurus",),
    "@graphql-codegen/cli": ("graphql-codegen", "gql-gen"),
    "@microsoft/api-extractor": ("api-extractor",),
    "@tauri-apps/cli": ("tauri",),
    "@electron-forge/cli": ("electron-forge",),
    "@lhci/cli": ("lhci",),
    "@redocly/cli": ("redocly",),
    "@stoplight/spectral-cli": ("spectral",),
    "gatsby-cli": ("gatsby",),
    "nuxi": ("nuxi", "nuxt"),
    "sequelize-cli": ("sequelize",),
    "markdownlint-cli": ("markdownlint",),
    "markdownlint-cli2": ("markdownlint-cli2",),
    "npm-check-updates": ("ncu",),
    "@vscode/vsce": ("vsce",),
}
_GENERIC_LAST_SEGMENTS = frozenset(
    {"cli", "core", "node", "dev", "kit", "client", "server", "test"}
)

# Very popular npm packages (by weekly downloads): targets for the look-alike check. A new
# dependency one edit away from one of these, and not one of these itself, is a likely typo.
POPULAR_PACKAGES = frozenset(
    {
     "lodash", "lodash-es", "underscore", "ramda", "react", "react-dom", "react-is", "react-router",
     "react-router-dom", "react-redux", "redux", "@reduxjs/toolkit", "redux-thunk", "redux-saga",
     "mobx", "zustand", "jotai", "recoil", "immer", "immutable", "axios", "node-fetch",
     "cross-fetch", "isomorphic-fetch", "got", "superagent", "request", "ky", "undici", "express",
     "body-parser", "cors", "helmet", "morgan", "cookie-parser", "express-session", "multer",
     "compression", "serve-static", "http-proxy-middleware", "koa", "@koa/router", "koa-router",
     "fastify", "@hapi/hapi", "restify", "@nestjs/core", "@nestjs/common", "next", "nuxt", "gatsby",
     "vue", "vue-router", "vuex", "pinia", "svelte", "@sveltejs/kit", "@angular/core",
     "@angular/common", "@angular/cli", "preact", "solid-js", "lit", "jquery", "backbone",
     "ember-source", "alpinejs", "three", "d3", "chart.js", "echarts", "leaflet", "chalk",
     "commander", "yargs", "minimist", "inquirer", "ora", "boxen", "figlet", "colors", "color",
     "kleur", "picocolors", "debug", "ms", "semver", "uuid", "nanoid", "classnames", "clsx",
     "prop-types", "tslib", "typescript", "rxjs", "moment", "moment-timezone", "dayjs", "date-fns",
     "luxon", "dotenv", "fs-extra", "glob", "globby", "fast-glob", "minimatch", "micromatch",
     "picomatch", "chokidar", "rimraf", "mkdirp", "execa", "cross-spawn", "shelljs", "open", "tmp",
     "yaml", "js-yaml", "xml2js", "fast-xml-parser", "csv-parse", "papaparse", "marked",
     "markdown-it", "highlight.js", "prismjs", "handlebars", "ejs", "pug", "mustache", "nunjucks",
     "graphql", "graphql-tag", "@apollo/client", "@apollo/server", "apollo-server", "mongoose",
     "mongodb", "mysql", "mysql2", "pg", "redis", "ioredis", "sequelize", "typeorm", "knex",
     "prisma", "@prisma/client", "sqlite3", "better-sqlite3", "firebase", "firebase-admin",
     "aws-sdk", "@aws-sdk/client-s3", "stripe", "openai", "socket.io", "socket.io-client", "ws",
     "jsonwebtoken", "jose", "bcrypt", "bcryptjs", "argon2", "crypto-js", "passport",
     "passport-jwt", "passport-local", "nodemailer", "winston", "pino", "bunyan", "zod", "yup",
     "joi", "ajv", "validator", "qs", "query-string", "cookie", "form-data", "formidable", "busboy",
     "eslint", "prettier", "jest", "mocha", "chai", "sinon", "supertest", "nock", "ava", "vitest",
     "cypress", "playwright", "@playwright/test", "puppeteer", "jsdom", "webpack", "webpack-cli",
     "webpack-dev-server", "rollup", "vite", "esbuild", "parcel", "@babel/core",
     "@babel/preset-env", "@babel/preset-react", "@babel/runtime", "babel-loader", "css-loader",
     "style-loader", "sass-loader", "file-loader", "url-loader", "html-webpack-plugin",
     "mini-css-extract-plugin", "postcss", "autoprefixer", "tailwindcss", "sass", "less",
     "styled-components", "@emotion/react", "@emotion/styled", "@mui/material", "antd", "bootstrap",
     "ts-node", "ts-loader", "nodemon", "concurrently", "cross-env", "husky", "lint-staged",
     "core-js", "regenerator-runtime", "source-map-support", "@types/node", "@types/react",
     "@types/react-dom", "@types/jest", "@types/express", "@types/lodash",
     "@typescript-eslint/parser", "@typescript-eslint/eslint-plugin", "eslint-config-prettier",
     "eslint-plugin-react", "eslint-plugin-import", "eslint-plugin-prettier",
     "eslint-plugin-react-hooks", "eslint-plugin-jsx-a11y", "eslint-config-airbnb",
     "@testing-library/react", "@testing-library/jest-dom", "@testing-library/user-event", "enzyme",
     "karma", "jasmine", "storybook", "mime", "mime-types", "archiver", "adm-zip", "jszip", "tar",
     "iconv-lite", "readable-stream", "through2", "once", "inherits", "safe-buffer", "graceful-fs",
     "object-assign", "escape-html", "entities", "htmlparser2", "cheerio", "dompurify",
     "sanitize-html", "lru-cache", "node-cache", "keyv", "p-limit", "p-queue", "p-retry",
     "async-retry", "retry", "async", "bluebird", "deepmerge", "fast-deep-equal", "rfdc", "i18next",
     "react-i18next", "big.js", "bignumber.js", "decimal.js", "mathjs", "fuse.js", "swr",
     "@tanstack/react-query", "react-hook-form", "formik", "framer-motion", "gsap", "swiper",
     "react-select", "electron", "react-native", "expo", "sharp", "jimp", "canvas", "node-cron",
     "cron", "bull", "bullmq", "amqplib", "kafkajs", "ethers", "web3", "viem",
    }
)  # fmt: skip

_LOCAL_PROTOCOLS = ("workspace:", "file:", "link:", "portal:", "npm:", "git", "http:", "https:")
# Names shorter than this (after the scope) have too many real one-edit neighbours (`koa2`, `uid`).
_MIN_TYPO_LENGTH = 5
# Real packages one edit away from a popular one: never a typo of it.
KNOWN_NEIGHBOURS = frozenset(
    {
        "tslint", "jslint", "jshint", "jsdoc", "standard", "gulp", "grunt", "bower", "lerna",
        "yarn", "pnpm", "preact", "color", "colors", "react-is", "chai", "mocha", "nock",
    }
)  # fmt: skip


def matches_any(name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


def one_edit_apart(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance exactly 1: one insertion, deletion, substitution or swap."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        i = diffs[0]
        return len(diffs) == 2 and diffs[1] == i + 1 and a[i] == b[i + 1] and a[i + 1] == b[i]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


_MANIFEST: MemoKey[PackageJson] = MemoKey("dependency-hygiene: the parsed package.json")


_LOCKED_BINS: MemoKey[dict[str, tuple[str, ...]]] = MemoKey(
    "aiguard_rules.dependency_hygiene.locked_bins"
)


class PackageJsonRule(FileRule):
    """A package.json rule that compares the dependency lists before and after the change."""

    category = Category.DEPENDENCY_HYGIENE
    files = ("package.json",)
    scope = Scope.PRODUCTION  # a package.json under tests/ is a fixture, not a manifest
    interest = r'"[^"]+"\s*:'

    def manifests(self) -> tuple[PackageJson, PackageJson | None]:
        """(after, before) parsed; SourceError when either is not JSON."""
        after_source, before_source = self.after, self.before
        try:
            after = after_source.memo(
                _MANIFEST, lambda: parse_package_json(self.path, after_source.text)
            )
        except JsonError as exc:
            raise SourceError(f"package.json is not valid JSON: {exc}") from None
        if before_source is None:
            return after, None
        try:
            before = before_source.memo(
                _MANIFEST,
                lambda: parse_package_json(before_source.path, before_source.text),
            )
            return after, before
        except JsonError as exc:
            raise SourceError(
                f"the previous package.json is not valid JSON ({exc}): "
                "cannot tell which dependencies the change added"
            ) from None

    def added(self) -> tuple[PackageJson, list[Dependency], set[str]]:
        """The after-manifest, the dependencies it adds, and the names declared before."""
        after, before = self.manifests()
        before_names = set(before.dependencies) if before is not None else set()
        added = [d for d in after.dependencies.values() if d.name not in before_names]
        return after, added, before_names


class UnusedJsDependency(PackageJsonRule):
    id = "AIG811"
    name = "unused-js-dependency"
    severity = Severity.WARNING
    precision = "medium"
    summary = "A dependency added to package.json that no code, script or config uses"
    rationale = (
        "Assistants add packages 'just in case' or for an approach they then abandon. Each "
        "unused dependency is install time, attack surface and a maintenance burden, and it "
        "hides what the project really depends on."
    )
    fix = (
        "Remove the dependency, or add the code that uses it in the same change. Tools used "
        "without an import (linters, type packages, CLIs) are recognised from scripts and "
        "config files; for a package another tool loads by a name aiguard cannot see, dismiss "
        "the warning (package.json has no comments for an inline suppression)."
    )
    examples = (
        Flag(
            '{\n  "dependencies": {\n    "express": "^4.19.0",\n    "left-pad": "^1.3.0"\n  }\n}\n',
            line=4,
            before='{\n  "dependencies": {\n    "express": "^4.19.0"\n  }\n}\n',
            files={"src/server.js": 'const express = require("express");\n'},
            message="left-pad",
        ),
        Flag(
            '{\n  "name": "app",\n  "devDependencies": {\n    "sinon": "^17.0.0"\n  }\n}\n',
            line=4,
            files={"test/app.test.js": 'import { test } from "node:test";\n'},
        ),
        Pass(
            '{\n  "devDependencies": {\n    "@types/node": "^20.0.0",\n'
            '    "eslint-plugin-react": "^7.0.0",\n    "typescript": "^5.4.0",\n'
            '    "prettier": "^3.0.0",\n    "@acme/eslint-config": "^1.0.0"\n  }\n}\n',
            before='{\n  "devDependencies": {}\n}\n',
        ),
        # Renamed, not installed here: npm's lockfile records the binary the script runs.
        Pass(
            '{\n  "scripts": {"lint": "oxfmt --check ."},\n'
            '  "devDependencies": {"@oxc-project/formatter-cli": "^1.0.0"}\n}\n',
            before='{\n  "scripts": {"lint": "oxfmt --check ."}\n}\n',
            files={
                "package-lock.json": '{"lockfileVersion": 3, "packages": {"": {}, '
                '"node_modules/@oxc-project/formatter-cli": {"bin": {"oxfmt": "bin/oxfmt"}}}}'
            },
        ),
        Pass(
            '{\n  "scripts": {"docs": "mdtoc README.md", "start": "serve -s build"},\n'
            '  "dependencies": {"dayjs": "^1.11.0", "pino-pretty": "^11.0.0", "cssnano": "^7"},\n'
            '  "devDependencies": {"markdown-toc-gen": "^1.0.0", "serve": "^14.0.0"}\n}\n',
            files={
                "src/date.ts": 'import dayjs from "dayjs/esm";\n',
                "src/log.ts": 'const t = { transport: { target: "pino-pretty" } };\n',
                "postcss.config.js": "module.exports = { plugins: { cssnano: {} } };\n",
                "node_modules/markdown-toc-gen/package.json": '{"name": "markdown-toc-gen", '
                '"bin": {"mdtoc": "cli.js"}}',
            },
        ),
        Pass(
            '{\n  "dependencies": {\n    "@mui/material": "^5.0.0",\n'
            '    "@emotion/react": "^11.0.0"\n  }\n}\n',
            before='{\n  "dependencies": {\n    "@mui/material": "^5.0.0"\n  }\n}\n',
            files={
                "src/App.jsx": 'import Button from "@mui/material/Button";\n',
                "node_modules/@mui/material/package.json": '{"name": "@mui/material", '
                '"peerDependencies": {"@emotion/react": "^11.5.0", "react": "^18"}}',
            },
        ),
        Pass(
            '{\n  "dependencies": {\n    "@mui/material": "^5.0.0",\n'
            '    "@emotion/styled": "^11.0.0"\n  }\n}\n',
            before='{\n  "dependencies": {\n    "@mui/material": "^5.0.0"\n  }\n}\n',
            files={
                "src/App.jsx": 'import Button from "@mui/material/Button";\n',
                "pnpm-lock.yaml": "packages:\n\n  '@mui/material@5.15.0':\n"
                "    resolution: {integrity: sha512-x}\n    peerDependencies:\n"
                "      '@emotion/react': ^11.5.0\n      '@emotion/styled': ^11.3.0\n"
                "      react: ^17.0.0 || ^18.0.0\n",
            },  # no node_modules: the lockfile records the peer requirement
        ),
        Pass(
            '{\n  "dependencies": {\n    "left-pad": "^1.3.0"\n  },\n'
            '  "devDependencies": {\n    "chalk": "^5.0.0"\n  }\n}\n',
            before='{\n  "devDependencies": {\n    "left-pad": "^1.0.0",\n'
            '    "chalk": "^4.0.0"\n  }\n}\n',  # moved and bumped: nothing added
        ),
    )

    def check(self) -> None:
        after, added, _ = self.added()
        if not added:
            return
        facts = node_facts(self.project)
        index = usage_index(self.project, after.directory)
        for dep in added:
            if not self._used(dep, after, facts, index):
                self.report_line(
                    dep.line or 1,
                    f'"{dep.name}" is added to {dep.section} but nothing uses it: no import, '
                    "require, script or config file under this package mentions it",
                )

    def _used(
        self, dep: Dependency, manifest: PackageJson, facts: NodeFacts, index: UsageIndex
    ) -> bool:
        name = dep.name
        if matches_any(name, TOOL_PATTERNS) or name in index.code_names:
            return True
        if mentions(index.config_text, name):
            return True
        if any(mentions(index.config_text, b) for b in self._bins(name, facts)):
            return True
        if self._peer_of_declared(name, manifest, facts):
            return True
        return facts.peer_in_lockfile(self.path, name) is not None

    def _bins(self, name: str, facts: NodeFacts) -> set[str]:
        bins = set(KNOWN_BINS.get(name, ()))
        last = name.rsplit("/", 1)[-1]
        if last not in _GENERIC_LAST_SEGMENTS:
            bins.add(last)
        installed = facts.installed(self.path, name)
        package = facts.installed_package(installed) if installed is not None else None
        if package is not None:
            bins.update(package.bin_names)
        bins.update(self._locked_bins().get(name, ()))
        return bins

    def _locked_bins(self) -> dict[str, tuple[str, ...]]:
        """Binary names npm's lockfile beside this package.json records (v2/v3 `packages`):
        what a script calls when the package is renamed but not installed here."""
        lock = posixpath.join(posixpath.dirname(self.path), "package-lock.json")
        return self.project.memo(
            _LOCKED_BINS.at(lock),
            lambda: _read_locked_bins(self.project.read_text(lock)),
        )

    def _peer_of_declared(self, name: str, manifest: PackageJson, facts: NodeFacts) -> bool:
        """Whether an installed dependency of this package asks for `name` as a peer."""
        for other in manifest.dependencies:
            if other == name:
                continue
            installed = facts.installed(self.path, other)
            package = facts.installed_package(installed) if installed is not None else None
            peer = package.dependencies.get(name) if package is not None else None
            if peer is not None and peer.section == "peerDependencies":
                return True
        return False


class UndeclaredJsDependency(FileRule):
    id = "AIG812"
    name = "undeclared-js-dependency"
    category = Category.DEPENDENCY_HYGIENE
    severity = Severity.WARNING
    languages = frozenset({"javascript", "typescript"})
    interest = IMPORT_INTEREST
    summary = "A JS/TS import of a package that is installed but not declared in package.json"
    rationale = (
        "A package that sits in node_modules only because another dependency needs it (a "
        "'phantom' dependency) works until that dependency drops or changes it, or until a "
        "stricter installer (pnpm, Yarn PnP) or a production install leaves it out."
    )
    fix = (
        "Declare the package in package.json (dependencies, or devDependencies for tests and "
        "tools)."
    )
    examples = (
        Flag(
            'import ms from "ms";\nimport debug from "debug";\n',
            line=1,
            path="src/time.js",
            files={
                "package.json": '{"dependencies": {"debug": "^4.3.0"}}',
                "node_modules/debug/package.json": '{"name": "debug"}',
                "node_modules/ms/package.json": '{"name": "ms"}',
            },
            message="node_modules/ms",
        ),
        Flag(
            'const semver = require("semver");\n',
            line=1,
            path="scripts/release.cjs",
            files={
                "package.json": '{"devDependencies": {"release-it": "^17.0.0"}}',
                "package-lock.json": '{\n  "packages": {\n    "node_modules/release-it": {},\n'
                '    "node_modules/semver": {"version": "7.6.0"}\n  }\n}\n',
            },
            message="package-lock.json",
        ),
        Pass(
            'import debug from "debug";\n'
            'import type { Request } from "express-serve-static-core";\n'
            'import { readFile } from "node:fs/promises";\nimport { ui } from "@acme/ui";\n',
            path="src/a.ts",
            files={
                "package.json": '{"dependencies": {"debug": "^4.3.0"}}',
                "node_modules/debug/package.json": '{"name": "debug"}',
                "node_modules/express-serve-static-core/package.json": "{}",
                "node_modules/@acme/ui/package.json": '{"name": "@acme/ui"}',
                "packages/ui/package.json": '{"name": "@acme/ui"}',
            },
        ),
        Pass(
            'let color;\ntry {\n  color = require("supports-color");\n} catch {}\n',
            path="packages/cli/src/tty.js",
            files={
                "package.json": '{"devDependencies": {"ms": "^2.0.0"}}',
                "packages/cli/package.json": '{"name": "cli", "dependencies": {}}',
                "node_modules/supports-color/package.json": "{}",
            },
        ),
        Pass(
            'import ms from "ms";\n',
            path="packages/cli/src/t.js",
            files={
                "package.json": '{"dependencies": {"ms": "^2.0.0"}}',
                "packages/cli/package.json": '{"name": "cli"}',
                "node_modules/ms/package.json": "{}",
            },  # declared at the workspace root, which Node reaches from the nested package
        ),
    )

    def check(self) -> None:
        if self.path.endswith((".d.ts", ".d.mts", ".d.cts")):
            return
        facts = None
        for use in new_imports(self):
            if use.optional or use.type_only:
                continue  # optional loads tolerate absence; type-only imports vanish at run time
            facts = facts or node_facts(self.project)
            resolution = facts.resolve(self.path, use.spec)
            if resolution.outcome is not Outcome.UNDECLARED:
                continue
            self.report_line(
                use.line,
                _undeclared_message(facts, resolution.package or use.spec, resolution),
                column=use.column,
                end_line=use.end_line,
                end_column=use.end_column,
            )


def _undeclared_message(facts: NodeFacts, name: str, resolution: Resolution) -> str:
    where = (
        f"installed in {resolution.installed}"
        if resolution.installed
        else f"listed in {resolution.detail}"
    )
    sibling = facts.declared_elsewhere(name)
    if sibling is not None:
        return (
            f'"{name}" is declared in {sibling}, not in a package.json above this file: it is '
            f"{where} for another package"
        )
    return (
        f'"{name}" is not declared in package.json: it is {where} only as a dependency of '
        "another package"
    )


class LookalikeJsDependency(PackageJsonRule):
    id = "AIG813"
    name = "lookalike-js-dependency"
    severity = Severity.WARNING
    precision = "medium"
    summary = (
        "A dependency added to package.json whose name is one edit away from a popular, "
        "installed or already declared package"
    )
    rationale = (
        "`lodahs`, `expres`, `axois`: a typo, or a name an assistant half-remembered, is one "
        "install away from a typosquatted or slopsquatted package that runs its install script "
        "on every developer machine and CI runner."
    )
    fix = (
        "Check the name on the registry and use the package you meant. If the name is right, "
        "dismiss the warning: JSON has no comments, so it cannot be silenced inline "
        "(`per-file-ignores` can turn the rule off for one package.json)."
    )
    examples: ClassVar[tuple[Flag | Pass, ...]] = (
        Flag(
            '{\n  "dependencies": {\n    "react": "^18.0.0",\n    "lodahs": "^4.17.21"\n  }\n}\n',
            line=4,
            before='{\n  "dependencies": {\n    "react": "^18.0.0"\n  }\n}\n',
            message='"lodash"',
        ),
        Flag(
            '{\n  "dependencies": {\n    "expres": "^4.0.0",\n    "left-pda": "^1.0.0"\n  },\n'
            '  "devDependencies": {\n    "@types/reactt": "^18.0.0"\n  }\n}\n',
            line=(3, 4, 7),
            files={"node_modules/left-pad/package.json": '{"name": "left-pad"}'},
        ),
        Pass(
            '{\n  "dependencies": {\n    "preact": "^10.0.0",\n    "mysql2": "^3.0.0",\n'
            '    "uid": "^2.0.0",\n    "colour": "^0.7.0",\n    "util": "file:../util",\n'
            '    "plugin-b": "^1.0.0",\n    "plugin-c": "^1.0.0",\n    "koa2": "^2.0.0",\n'
            '    "cli-table": "^0.3.0",\n    "tslint": "^6.0.0",\n    "jsdoc": "^4.0.0"\n  }\n}\n',
            files={
                "node_modules/colour/package.json": '{"name": "colour"}',
                "node_modules/cli-table3/package.json": '{"name": "cli-table3"}',
            },
        ),
        Pass(
            '{\n  "dependencies": {\n    "lodash": "^4.17.21"\n  }\n}\n',
            before='{\n  "dependencies": {\n    "lodash": "^4.17.20"\n  }\n}\n',
        ),
    )

    def check(self) -> None:
        _, added, before_names = self.added()
        if not added:
            return
        facts = node_facts(self.project)
        installed = facts.installed_names(self.path)
        known = POPULAR_PACKAGES | installed | before_names
        workspace = facts.workspace_names()
        for dep in added:
            if not self._suspicious(dep, installed, workspace):
                continue
            near = sorted(
                k for k in known if one_edit_apart(dep.name, k) and not _numbered(dep.name, k)
            )
            if not near:
                continue
            kind = _kind_of(near[0], installed, before_names)
            self.report_line(
                dep.line or 1,
                f'"{dep.name}" is one edit away from "{near[0]}" ({kind}) and is neither '
                "installed nor a well-known package: a typo, or a squatted name?",
            )

    @staticmethod
    def _suspicious(dep: Dependency, installed: frozenset[str], workspace: frozenset[str]) -> bool:
        name = dep.name
        if len(name.rsplit("/", 1)[-1]) < _MIN_TYPO_LENGTH:
            return False
        if name in POPULAR_PACKAGES or name in KNOWN_NEIGHBOURS:
            return False
        if name in installed or name in workspace:
            return False
        return not dep.spec.startswith(_LOCAL_PROTOCOLS) and "/" not in dep.spec


def _numbered(a: str, b: str) -> bool:
    """`mysql`/`mysql2`, `cli-table`/`cli-table3`: a deliberate numbered sibling, not a typo."""
    short, long = sorted((a, b), key=len)
    return len(long) == len(short) + 1 and long.startswith(short) and long[-1].isdigit()


def _kind_of(name: str, installed: frozenset[str], declared: set[str]) -> str:
    if name in POPULAR_PACKAGES:
        return "a popular package"
    if name in installed:
        return "installed in node_modules"
    return "already declared"


def _read_locked_bins(text: str | None) -> dict[str, tuple[str, ...]]:
    if text is None:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}  # an unreadable lockfile tells nothing; the other evidence still counts
    packages = data.get("packages") if isinstance(data, dict) else None
    found: dict[str, tuple[str, ...]] = {}
    if not isinstance(packages, dict):
        return found
    for key, entry in packages.items():
        if not isinstance(key, str) or not isinstance(entry, dict):
            continue
        name = key.rsplit("node_modules/", 1)[-1] if "node_modules/" in key else ""
        bins = entry.get("bin")
        if name and isinstance(bins, dict):
            found[name] = tuple(str(b) for b in bins)
    return found
