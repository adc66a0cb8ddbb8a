"""Config-weakening rules (AIG2xx): a change that lowers a type checker's, linter's, coverage
gate's, CI's or hook's guard.

Every rule parses the configuration file before and after the change with a real parser, compares
the settings by meaning (re-ordering and re-formatting are invisible), and reports each setting
that got weaker on the line where the weaker setting now stands - or, for a removal, on the
nearest surviving line.
"""
