"""aiguard: a governance linter for AI-assisted changes."""

__version__ = "0.1.0"
