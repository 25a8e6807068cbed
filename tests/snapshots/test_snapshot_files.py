"""No stale snapshot: every SVG kept belongs to a screen state and size of test_screens.

Syrupy fails a serial run on unused snapshots, but not a pytest-xdist run (each worker sees only
its share of the tests), and `make test` runs the snapshots under xdist: this keeps the check.
A missing snapshot fails its own test.
"""

from __future__ import annotations

from pathlib import Path

from tests.snapshots.test_screens import SIZES, STATES

SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_screens"


def test_every_snapshot_file_belongs_to_a_screen_state() -> None:
    expected = {f"test_screen[{s.name}-{size}].svg" for s in STATES for size in SIZES}
    stale = sorted(p.name for p in SNAPSHOTS.iterdir() if p.name not in expected)
    # `pytest tests/snapshots --snapshot-update` (without -n) deletes them
    assert not stale, f"snapshots no test uses: {stale}"
