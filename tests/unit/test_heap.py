"""`kiosk.heap`: `tidy` collects the garbage and freezes the rest, `freeze` only freezes; frozen
garbage is reclaimed by the next `tidy`."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from kiosk import heap


class Node:
    """One half of a reference cycle (as a widget and its parent)."""

    def __init__(self) -> None:
        self.other: Node | None = None


def cycle() -> Node:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return a


@pytest.fixture(autouse=True)
def thawed() -> Iterator[None]:
    """The test process's heap as it was: nothing left frozen by these tests."""
    yield
    gc.unfreeze()


def test_tidy_collects_the_garbage_and_freezes_the_rest() -> None:
    garbage = weakref.ref(cycle())
    kept = cycle()
    assert garbage() is not None  # a cycle: only the collector frees it
    heap.tidy()
    assert garbage() is None
    assert gc.get_freeze_count() > 0
    assert gc.is_tracked(kept)


def test_a_frozen_cycle_that_became_garbage_goes_at_the_next_tidy() -> None:
    holder = [cycle()]
    heap.tidy()
    gone = weakref.ref(holder.pop())
    gc.collect()
    assert gone() is not None  # frozen: a full collection does not look at it
    heap.tidy()
    assert gone() is None


def test_freeze_collects_nothing_and_the_next_tidy_reclaims_what_it_froze() -> None:
    garbage = weakref.ref(cycle())
    heap.freeze()
    assert gc.get_freeze_count() > 0
    gc.collect()
    assert garbage() is not None  # frozen, not collected
    heap.tidy()
    assert garbage() is None
