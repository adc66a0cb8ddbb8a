"""The one exception type for failures a user can act on (bad config, bad revision, bad plugin)."""

from __future__ import annotations


class AiguardError(Exception):
    """An expected failure: the CLI prints its message on one line and exits with status 2."""


class ReportNotWritten(AiguardError):
    """The report could not be written (a full disk, a closed stdout): exit status 4.

    Distinct from 2 so that CI can tell "the check failed to run" from "the report was lost".
    """
