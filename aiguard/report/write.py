"""Writing a finished report: atomically to a file, or to stdout, and never losing it silently."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from aiguard.errors import AiguardError, ReportNotWritten


def write_report(report: str, output: Path | None, stdout: TextIO | None = None) -> None:
    """Write `report` to `output` (default: stdout); ReportNotWritten when it cannot be.

    A regular file (or a new one) is replaced atomically: a temporary file in the same folder,
    fsync'd, then renamed over it, so a full disk leaves the previous report whole. A device
    or FIFO named as the output (/dev/stdout, a pipe) is written to directly.
    """
    data = report.encode("utf-8", "replace")  # a lone surrogate must not lose the report
    if output is None:
        _write_stdout(data, sys.stdout if stdout is None else stdout)
        return
    try:
        st = os.stat(output)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise ReportNotWritten(f"cannot write {output}: {exc.strerror or exc}") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_special(output, data)
        return
    _write_atomically(output, data, st)


def _write_stdout(data: bytes, stream: TextIO | None) -> None:
    if stream is None or stream.closed:
        raise ReportNotWritten("cannot write the report: standard output is closed")
    try:
        stream.flush()
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            buffer.write(data)
            buffer.flush()
        else:
            stream.write(data.decode("utf-8"))
            stream.flush()
    except BrokenPipeError:
        raise  # the reader went away on purpose (`| head`): main() handles it quietly
    except (OSError, ValueError) as exc:  # ValueError: the stream was closed under us
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise ReportNotWritten(f"cannot write the report to standard output: {detail}") from None


def _write_special(output: Path, data: bytes) -> None:
    try:
        with open(output, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise ReportNotWritten(f"cannot write {output}: {exc.strerror or exc}") from None


def _write_atomically(output: Path, data: bytes, st: os.stat_result | None) -> None:
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():  # a mistyped --output: a usage error (2), not a lost report
        raise AiguardError(f"cannot write {output}: no such directory {folder}")
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{output.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode) if st is not None else _default_mode())
        os.replace(tmp, output)
        tmp = None
    except OSError as exc:
        raise ReportNotWritten(f"cannot write {output}: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError as exc:
                raise ReportNotWritten(
                    f"cannot write {output}, and the partial file {tmp} remains: {exc.strerror}"
                ) from None


def _default_mode() -> int:
    """0666 less the umask, as open() would have created the file."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
