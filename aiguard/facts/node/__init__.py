"""Static facts for resolving JavaScript and TypeScript imports, read without ever running Node.

What an import specifier can resolve to depends on the project around the importing file: Node's
built-in modules (a static table), `node_modules` directories walking up from the file, the
`package.json` files above it (declared dependencies, `exports`, `imports`), `tsconfig.json` /
`jsconfig.json` (`paths`, `baseUrl`, followed through `extends`), and ambient
`declare module "x"` declarations in the repository's `.d.ts` files.

`node_facts(project)` returns one `NodeFacts` per run (cached on the project); it reads nothing
until asked, and caches every directory listing and parsed file. `NodeFacts.resolve(file, spec)`
says whether a specifier resolves, and if not, how it fails. Everything is read from files:
nothing is imported, executed or installed, and no symlink is followed out of the repository.

The module also carries a small JSON reader (`parse_jsonc`) that accepts comments and trailing
commas (tsconfig.json allows both) and remembers the line of every object key, so that rules can
report on the line of a dependency in package.json.
"""
