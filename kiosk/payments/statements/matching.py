"""Which open orders a mistyped causale may mean: codes one typing slip away.

A single wrong character or a swap of neighbours always fails the check character
(`kiosk.domain.ordercode`), so the code the payer meant is one edit away from what they wrote:
a substitution, a swap, a character left out or one too many. These are suggestions for a
person, never applied by themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kiosk.domain import ordercode

_SEPARATORS = re.compile(r"[\s\-_./:#]")
_FOLD = str.maketrans({"O": "0", "I": "1", "L": "1"})


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance where swapping two neighbours counts as one edit (OSA)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def written_codes(causale: str) -> list[str]:
    """Code-shaped runs after each `RLM` of the causale (separators dropped, look-alikes folded),
    one, two and three characters around the code's length, for `suggest` to compare."""
    compact = _SEPARATORS.sub("", causale).upper()
    runs = []
    for match in re.finditer(ordercode.PREFIX, compact):
        tail = compact[match.end() :]
        symbols = ordercode.CODE_LENGTH - len(ordercode.PREFIX)  # 7
        for length in (symbols - 1, symbols, symbols + 1):
            if len(tail) >= length:
                runs.append(ordercode.PREFIX + tail[:length].translate(_FOLD))
    return list(dict.fromkeys(runs))


def suggest(causale: str, open_codes: Iterable[str]) -> tuple[str, ...]:
    """The open orders' codes within one edit of a code written in the causale (sorted)."""
    runs = written_codes(causale)
    return tuple(
        sorted(code for code in set(open_codes) if any(edit_distance(r, code) <= 1 for r in runs))
    )
