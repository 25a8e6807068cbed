"""`--now` / `KIOSK_NOW`: the same instants as dateutil's ISO parser, without importing it for the
usual forms (the kiosk parses `--now` before its first paint). What neither reads is refused as
before: tests/cli/test_usage.py."""

from __future__ import annotations

import subprocess
import sys

import pytest
from dateutil.parser import isoparse

from kiosk.clock import ROME, parse_now


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-25",
        "2026-11-25T10:00",
        " 2026-11-25T10:00:00.5 ",
        "2026-11-25 10:00",
        "2026-11-25T10:00:00+01:00",
        "2026-11-25T10:00Z",
        "20261125T1000",
        "2026-W48-3",
        "2026-11",
        "2026-11-25T24:00",  # only dateutil reads it: the fallback
    ],
)
def test_parse_now_reads_what_isoparse_reads(text: str) -> None:
    expected = isoparse(text.strip())
    if expected.tzinfo is None:
        expected = expected.replace(tzinfo=ROME)
    assert parse_now(text) == expected
    assert parse_now(text).utcoffset() == expected.utcoffset()


def test_the_usual_forms_leave_dateutil_unimported() -> None:
    code = (
        "import sys\nfrom kiosk.clock import parse_now\n"
        "parse_now('2026-11-25T10:00')\nparse_now('2026-11-25T10:00:00+01:00')\n"
        "print(sorted(m for m in sys.modules if m.startswith('dateutil')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
