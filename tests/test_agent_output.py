"""The model-facing message: at most 20 lines, errors first, always within the byte cap."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aiguard.agents.output import MAX_LINES, SUPPRESSION_NOTE, model_message
from aiguard.findings import Finding, Severity

findings = st.lists(
    st.builds(
        Finding,
        rule_id=st.sampled_from(["AIG101", "AIG103", "AIG601", "AIG701"]),
        path=st.text(min_size=1, max_size=40),
        line=st.integers(1, 10_000),
        column=st.integers(1, 200),
        message=st.text(min_size=1, max_size=400),
        severity=st.sampled_from(list(Severity)),
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(findings, st.integers(200, 12_000), st.text(max_size=300))
def test_the_message_fits_the_line_and_byte_caps(found: list[Finding], cap: int, fix: str) -> None:
    text = model_message("aiguard: this edit introduced problems:", found, lambda _: fix, cap)
    assert len(text.encode("utf-8")) <= cap
    assert len(text.split("\n")) <= MAX_LINES


def test_errors_come_first_and_the_note_last() -> None:
    warning = Finding("AIG103", "a.py", 1, 1, "unexplained", Severity.WARNING)
    error = Finding("AIG601", "b.py", 9, 1, "no such module", Severity.ERROR)
    text = model_message("header", [warning, error], lambda rule: f"fix {rule}", 10_000)
    lines = text.split("\n")
    assert lines[1] == "b.py:9 AIG601 no such module"
    assert lines[2] == "  fix: fix AIG601"
    assert lines[3] == "a.py:1 AIG103 unexplained"
    assert lines[-1] == SUPPRESSION_NOTE


def test_many_findings_end_in_a_count_of_the_rest() -> None:
    many = [Finding("AIG101", "a.py", n, 1, "blanket", Severity.ERROR) for n in range(1, 40)]
    text = model_message("header", many, lambda _: "name the code", 10_000)
    lines = text.split("\n")
    assert len(lines) <= MAX_LINES
    assert any(line.startswith("... and ") and "more" in line for line in lines)
