"""AIG1xx: inline directives that silence a linter, type checker, coverage tool or scanner.

The rules are split by weight, not by tool, so a project configures how much it tolerates:
`ignore = ["AIG104"]` hides the notes on explained suppressions, `ignore = ["AIG103"]` accepts
coded suppressions without a reason, while blanket (AIG101) and file-level (AIG102) directives
stay errors. Every directive is parsed once per file (`_parse.py`) from real comments only:
a directive inside a string, docstring or template literal silences nothing.
"""
