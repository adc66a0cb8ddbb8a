"""The rule API and the machinery that runs rules: metadata and examples (`rule`), discovery
through entry points (`registry`), the per-file engine, one batched walk per language,
aiguard's own inline suppressions, and the example-driven test helper (`testing`).

A plugin imports what it needs from `aiguard.lint.rule` and `aiguard.findings`.
"""
