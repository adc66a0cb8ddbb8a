"""Read-only facts about the world outside the change: the target Python environment,
its standard library, declared dependencies, and Node/TypeScript resolution.

The engine never reads these; rules ask for them through `Project`. Nothing here imports,
executes or installs anything from the scanned repository or the target environment.
"""
