"""`primaryLocationLineHash` must equal what GitHub's upload action computes (fingerprints.ts).

The first vectors are the action's own (github/codeql-action `src/fingerprints.test.ts`); the
rest were computed by running that file's `hash()` under Node on the same bytes.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiguard.report.line_hash import decode_like_node, line_hashes

CANONICAL = [
    "e9496ae3ebfced30:1",
    "fb7c023a8b9ccb3f:1",
    "ce8ba1a563dcdaca:1",
    "e20e36e16fcb0cc8:1",
    "b3edc88f2938467e:1",
    "c8e28b0b4002a3a0:1",
    "c129715d7a2bc9a3:1",
]
ACTION_VECTORS = [
    ("", ["c129715d7a2bc9a3:1"]),
    (
        " a\nb\n  \t\tc\n d",
        ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"],
    ),
    (
        " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
        [
            "8b7cf3e952e7aeb2:1",
            "b1ae1287ec4718d9:1",
            "bff680108adb0fcc:1",
            "c6805c5e1288b612:1",
            "b86d3392aea1be30:1",
            "e6ceba753e1a442:1",
        ],
    ),
    (" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n", CANONICAL),
    (" hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r", CANONICAL),
    (" hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n", CANONICAL),
    (" hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n", CANONICAL),
    (
        "Lorem ipsum dolor sit amet.\n" * 10,
        [
            "a7f2ff13bc495cf2:1",
            "a7f2ff13bc495cf2:2",
            "a7f2ff13bc495cf2:3",
            "a7f2ff13bc495cf2:4",
            "a7f2ff13bc495cf2:5",
            "a7f2ff13bc495cf2:6",
            "a7f2ff1481e87703:1",
            "a9cf91f7bbf1862b:1",
            "55ec222b86bcae53:1",
            "cc97dc7b1d7d8f7b:1",
            "c129715d7a2bc9a3:1",
        ],
    ),
    (
        "x = 2\nx = 1\nprint(x)\nx = 3\nprint(x)\nx = 4\nprint(x)\n",
        [
            "e54938cc54b302f1:1",
            "bb609acbe9138d60:1",
            "1131fd5871777f34:1",
            "5c482a0f8b35ea28:1",
            "54517377da7028d2:1",
            "2c644846cb18d53e:1",
            "f1b89f20de0d133:1",
            "c129715d7a2bc9a3:1",
        ],
    ),
]
# Bytes the action's hash() (Node 20) was run on: a non-BMP character (two UTF-16 code units),
# malformed UTF-8 and a BOM, and lines longer than the 100-character window.
NODE_VECTORS = [
    ('x = "\U0001f600"\r\ny = 1\n'.encode(), ["c3cbb2b204ce4304:1", "17ab1ef2caecdd1c:1"]),
    (b"caf\xc3\xa9 \xff\xfe\n\xef\xbb\xbfz\r", ["e687e1799aeb9d:1", "f1681380e69c95fe:1"]),
    ((b"a" * 150 + b"\n") * 2 + b"b\n", ["871f6af4d0d4dd7c:1", "871f6af4d0d4dd7c:2"]),
]


@pytest.mark.parametrize(("text", "expected"), ACTION_VECTORS)
def test_the_upload_actions_own_vectors(text: str, expected: list[str]) -> None:
    assert line_hashes(text) == expected


@pytest.mark.parametrize(("data", "expected"), NODE_VECTORS)
def test_vectors_computed_by_the_original_under_node(data: bytes, expected: list[str]) -> None:
    assert line_hashes(decode_like_node(data))[: len(expected)] == expected


@given(st.text(alphabet=st.sampled_from(["a", "b", " ", "\t", "\n", "\r", "\u00e9", "\U0001f600"])))
def test_one_hash_per_line_and_spacing_ignored(text: str) -> None:
    hashes = line_hashes(text)
    assert len(hashes) == len(re.split(r"\r\n|\r|\n", text))
    assert all(re.fullmatch(r"[0-9a-f]{1,16}:[1-9][0-9]*", h) for h in hashes)
    assert line_hashes(text.replace("\r\n", "\n").replace("\r", "\n")) == hashes
    if (
        "\r" not in text
    ):  # a space between CR and LF makes two line breaks of them, as in the original
        assert line_hashes(text.replace(" ", "").replace("\t", "")) == hashes
