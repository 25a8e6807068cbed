"""Keeping Python's cyclic garbage collector out of the keystrokes.

The kiosk's process holds ~130,000 objects that live as long as it does (Textual, Tortoise,
pydantic, the demo's in-process serve with aiohttp, the screens' modules and CSS). CPython's
full collection walks all of them: 30-60 ms on the 2-core machine, ~100 ms under load, and it
comes when enough new objects have survived, which is while someone types (one such stall per
~200 keys on the login form). `tidy` collects once and then freezes what is left, so that later
collections walk only what was made since; the kiosk calls it when nobody is typing (see
`KioskApp.tidy_heap_if_idle`), and freezes what its start-up made without collecting (`freeze`)
when someone is typing already.

Frozen objects are still freed when their last reference goes, but a frozen cycle (a widget and
its parent, say) that becomes garbage is never collected: `tidy` therefore thaws everything
first, so each call also reclaims what became garbage since the last one (the welcome page's
widgets are replaced at the end of every session).
"""

from __future__ import annotations

import gc

# allocations between two young collections (CPython's default: 700)
YOUNG_THRESHOLD = 10_000


def tidy() -> int:
    """Collect all garbage, frozen or not, then freeze the survivors; how many were freed."""
    gc.unfreeze()
    freed = gc.collect()
    gc.freeze()
    return freed


def freeze() -> None:
    """Freeze what exists now, without collecting first: unlike `tidy`, it costs nothing, so it
    may run while someone types; garbage frozen with the rest waits for the next `tidy`."""
    gc.freeze()


def tune() -> None:
    """Young collections a fourteenth as often. Drawing a screen makes and drops Textual objects
    by the hundred thousand (segments, strips, styles), nearly all freed by their reference
    count, and at CPython's threshold the collector's young passes over them took about a third
    of the CPU of a session driven by Pilot (measured in the test suite: 7.5 of 22.4 CPU-s, 2.4
    at this threshold). Each young pass walks more objects, but there are 14 times fewer;
    `bench/` measures the keystroke echo and the transitions with it."""
    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
