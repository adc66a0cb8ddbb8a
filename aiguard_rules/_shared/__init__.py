"""Helpers that more than one hazard category uses: libcst and tree-sitter utilities, the
Python import resolver, the table of Python package names, and JS/TS import specifiers.

The underscore keeps the rule loader out: nothing in here is a rule.
"""
