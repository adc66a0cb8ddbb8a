"""The one exception type for failures a user can act on (bad config, bad revision, bad plugin)."""

from __future__ import annotations


class AiguardError(Exception):
    """An expected failure: the CLI prints its message on one line and exits with status 2."""


class ReportNotWritten(AiguardError):
    """The report could not be written (a full disk, a closed stdout): exit status 4.

    Distinct from 2 so that CI can tell "the check failed to run" from "the report was lost".
    """


class RunAborted(BaseException):
    """The run itself must stop (its own deadline ran out): never taken for a rule's crash.

    The engine contains whatever a rule raises, SystemExit included; a subclass of this is the
    one thing it lets through, so that a time budget set around a run (the agent hooks') ends it.
    """
