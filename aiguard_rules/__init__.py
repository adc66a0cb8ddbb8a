"""aiguard's built-in rules, one module (or package) per hazard category.

Registered through the same "aiguard.rules" entry point a third-party plugin would use: the
entry point names this package, and aiguard collects the rules of each of its public modules.
"""
