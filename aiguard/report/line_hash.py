"""`primaryLocationLineHash`, computed exactly as GitHub's upload action computes it.

A port of `hash()` in github/codeql-action `src/fingerprints.ts`: a rolling hash (base 37, 64-bit
wrap-around like its `Long` arithmetic) over the first 100 characters from the start of each line,
spaces and tabs skipped, CR and CRLF read as LF, the text followed by one 0xFFFF "end of file"
character and then zeros. Characters are UTF-16 code units (JavaScript's `charCodeAt`) of the file
decoded as UTF-8 with U+FFFD for malformed bytes (Node's "utf8" stream). Each line's value is
`"<hex>:<n>"`, n counting how often that hex value has occurred so far in the file.

The action leaves a tool's value in place and warns when it differs from its own, so a value we
supply must be bit-for-bit the same: tests/test_line_hash.py checks the action's own test vectors.
"""

from __future__ import annotations

import sys

BLOCK_SIZE = 100
_MOD = 37
_MASK = (1 << 64) - 1
_FIRST_MOD = pow(_MOD, BLOCK_SIZE, 1 << 64)
_TAB, _SPACE, _LF, _CR = 0x09, 0x20, 0x0A, 0x0D
_EOF = 0xFFFF
_UTF16 = "utf-16-le" if sys.byteorder == "little" else "utf-16-be"


def decode_like_node(data: bytes) -> str:
    """Bytes as Node's UTF-8 decoder reads them: malformed sequences become U+FFFD, a BOM stays."""
    return data.decode("utf-8", "replace")


def line_hashes(text: str) -> list[str]:
    """The hash of every line of `text`; item i is line i + 1.

    Like the original, a text ending in a line break has one more (empty) line after it.
    """
    units = memoryview(text.encode(_UTF16, "surrogatepass")).cast("H")
    hasher = _Hasher()
    for unit in units:
        hasher.feed(unit)
    hasher.feed(_EOF)
    hasher.flush()
    return hasher.hashes


class _Hasher:
    """The state of fingerprints.ts `hash()`, one method per inner function of it."""

    def __init__(self) -> None:
        self.window = [0] * BLOCK_SIZE  # the last BLOCK_SIZE characters
        self.line_numbers = [-1] * BLOCK_SIZE  # the line a window slot starts, or -1
        self.raw = 0
        self.index = 0
        self.line_number = 0
        self.line_start = True
        self.prev_cr = False
        self.counts: dict[str, int] = {}
        self.hashes: list[str] = []

    def feed(self, current: int) -> None:
        if current in (_SPACE, _TAB) or (self.prev_cr and current == _LF):
            self.prev_cr = False
            return
        if current == _CR:
            current = _LF
            self.prev_cr = True
        else:
            self.prev_cr = False
        if self.line_numbers[self.index] != -1:
            self._output()
        if self.line_start:
            self.line_start = False
            self.line_number += 1
            self.line_numbers[self.index] = self.line_number
        if current == _LF:
            self.line_start = True
        self._update(current)

    def flush(self) -> None:
        for _ in range(BLOCK_SIZE):
            if self.line_numbers[self.index] != -1:
                self._output()
            self._update(0)

    def _output(self) -> None:
        value = format(self.raw, "x")
        count = self.counts.get(value, 0) + 1
        self.counts[value] = count
        # Lines come out in order, one each: the list index is the line number - 1.
        self.hashes.append(f"{value}:{count}")
        self.line_numbers[self.index] = -1

    def _update(self, current: int) -> None:
        begin = self.window[self.index]
        self.window[self.index] = current
        self.raw = (_MOD * self.raw + current - _FIRST_MOD * begin) & _MASK
        self.index = (self.index + 1) % BLOCK_SIZE
