"""A static index of the target Python environment: what modules exist and what they define.

aiguard judges a change against the project's own environment, not the one it runs in (under
pre-commit it runs in an isolated virtualenv). Everything here is read, never run: no target
interpreter is started, no scanned module is imported, no `.pth` line or editable finder is
executed (their mappings are read from their syntax tree as data).

Discovery, first match wins: `--python` / `[tool.aiguard] python` (an interpreter or an
environment directory) > `$VIRTUAL_ENV` (skipped under pre-commit, which points it at the hook's
own environment) > `.venv/` or `venv/` at the repository root > none.

The index of an environment (distributions, top-level modules, `.pth` directories, editable
mappings) is cached under the user's cache directory, keyed by the site-packages directories and a
cheap signature of their state, so a pre-commit run pays for it once. Module namespaces (the
names a module defines) are read lazily, one module at a time, and cached by file state too.
Standard-library names and namespaces come from the typeshed stubs that `typeshed_client` ships,
for the target's Python version.
"""
