"""The one way aiguard reads a file: a regular file only, never more than a size limit.

A scanned repository or environment may hold a FIFO (opening it blocks forever), a symlink to
/dev/zero (reading never ends) or to /dev/stdin. Files are opened non-blocking, checked with
fstat on the open descriptor (no race with a swapped-in link), and read up to the limit.
Refusals are OSError subclasses, so every caller's `except OSError` already handles them.
"""

from __future__ import annotations

import os
import stat

DEFAULT_LIMIT = 1024 * 1024


class NotRegularFile(OSError):
    """The path is a FIFO, device, socket or directory: aiguard reads regular files only."""


class FileTooLarge(OSError):
    """The file is over the size limit."""


def read_bytes(
    path: str | os.PathLike[str], limit: int = DEFAULT_LIMIT, *, follow: bool = True
) -> bytes:
    """The contents of a regular file of at most `limit` bytes.

    `follow=False` refuses a symlink at `path` itself (O_NOFOLLOW), for files of the scanned tree.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(f"{path}: not a regular file; not read")
        if st.st_size > limit:
            raise FileTooLarge(f"{path}: larger than {limit} bytes ({st.st_size}); not read")
        chunks = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1024 * 1024))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:  # grew while being read
        raise FileTooLarge(f"{path}: larger than {limit} bytes; not read")
    return data


def read_text(
    path: str | os.PathLike[str],
    limit: int = DEFAULT_LIMIT,
    *,
    errors: str = "strict",
    follow: bool = True,
) -> str:
    """`read_bytes` decoded as UTF-8 (a UnicodeDecodeError with errors="strict")."""
    return read_bytes(path, limit, follow=follow).decode("utf-8", errors)
