"""The one exception type for failures a user can act on (bad config, bad revision, bad plugin)."""

from __future__ import annotations


class AiguardError(Exception):
    """An expected failure: the CLI prints its message on one line and exits with status 2."""
