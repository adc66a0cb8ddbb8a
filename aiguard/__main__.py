"""`python -m aiguard`: the working directory is the scanned repository, never an import source.

`python -m` puts the working directory first on sys.path, so a `click.py` or a `*.dist-info`
declaring an "aiguard.rules" entry point in the checked repository would be imported and run.
Drop that entry before anything else is imported. (Only the `aiguard` package itself has been
imported by now; `python -P -m aiguard` or the `aiguard` console script avoid even that.)
"""

import os
import sys


def _drop_working_directory() -> None:
    # -P or PYTHONSAFEPATH (Python 3.11+): nothing was prepended.
    if getattr(sys.flags, "safe_path", False) or not sys.path:
        return
    first = sys.path[0]
    if first in ("", ".") or os.path.abspath(first) == os.getcwd():
        del sys.path[0]


_drop_working_directory()

from aiguard.cli import main  # noqa: E402 - must come after sys.path is cleaned

raise SystemExit(main())
