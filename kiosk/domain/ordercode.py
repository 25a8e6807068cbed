"""Order codes `RLM` + 7 characters, the seventh a check character.

The six random characters and the check come from a 31-symbol alphabet (Crockford's base32 less
`V`) so nothing can be misread as a look-alike: `O`, `I`, `L`, `U` never appear, and typed
look-alikes are folded back (`O`→`0`, `I`/`L`→`1`). The check is a pure ISO 7064-style system
modulo the prime 31 with weights 3^k (3 is a primitive root of 31): every single wrong character
and every swap of two neighbours changes the weighted sum, so a mistyped causale is caught at
reconciliation. (Luhn mod N and the ISO 7064 hybrid systems each miss a few swaps.)
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

PREFIX = "RLM"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTWXYZ"
BODY_LENGTH = 6
CODE_LENGTH = len(PREFIX) + BODY_LENGTH + 1
_MODULUS = len(ALPHABET)  # 31, prime
_RADIX = 3
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_FOLD = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = r"[\s\-_./:#]*"
# "RLM" then seven symbols, each optionally preceded by separators people type in a causale
_IN_TEXT = re.compile(
    r"R" + _SEPARATORS + r"L" + _SEPARATORS + r"M" + ("" + _SEPARATORS + r"([0-9A-Z])") * 7,
    re.IGNORECASE,
)


def _weighted_sum(symbols: str) -> int:
    n = len(symbols)
    return sum(_VALUE[ch] * pow(_RADIX, n - 1 - i, _MODULUS) for i, ch in enumerate(symbols))


def check_char(body: str) -> str:
    """The check character that makes the weighted sum of body + check ≡ 0 (mod 31)."""
    if any(ch not in _VALUE for ch in body):
        raise ValueError(f"invalid character in {body!r}")
    # the check sits at weight 3^0 = 1, so it is simply the additive complement
    return ALPHABET[(-_weighted_sum(body + "0")) % _MODULUS]


def generate(choice: Callable[[str], str] = secrets.choice) -> str:
    """A fresh random code; uniqueness is the database's job (unique column, retry)."""
    body = "".join(choice(ALPHABET) for _ in range(BODY_LENGTH))
    return PREFIX + body + check_char(body)


def normalize(text: str) -> str:
    """Upper-case, drop separators, fold look-alikes: `rlm-4k7 q2x3` → `RLM4K7Q2X3`."""
    compact = re.sub(r"[\s\-_./:#]", "", text).upper()
    if compact.startswith(PREFIX):
        return PREFIX + compact[len(PREFIX) :].translate(_FOLD)
    return compact.translate(_FOLD)


def is_valid(code: str) -> bool:
    """True for a well-formed code (already normalised) whose check character agrees."""
    if len(code) != CODE_LENGTH or not code.startswith(PREFIX):
        return False
    symbols = code[len(PREFIX) :]
    if any(ch not in _VALUE for ch in symbols):
        return False
    return _weighted_sum(symbols) % _MODULUS == 0


def parse(text: str) -> str | None:
    """The code typed by a person (any case, spaces or dashes), or None if it is not valid."""
    code = normalize(text)
    return code if is_valid(code) else None


def find_in_causale(text: str) -> str | None:
    """The first valid order code written anywhere in a free-text causale, or None.

    `Rinnovo PEC rlm 4K7-Q2X 3 avv. Rossi` finds `RLM4K7Q2X3`. A code whose check character
    does not agree is not returned: reconciliation then leaves the payment for a person to match.
    """
    for candidate in _candidates(text):
        if is_valid(candidate):
            return candidate
    return None


def near_misses(text: str) -> list[str]:
    """When a causale holds no valid code: the code-like strings in it, for a person to check."""
    if find_in_causale(text) is not None:
        return []
    return list(dict.fromkeys(_candidates(text)))


def _candidates(text: str) -> list[str]:
    """Every code-shaped run, tried at each "R" so "RLM RLM4K7..." reaches the second one.

    A run that contains the start of another run borrowed that run's "RLM" as its body (real
    bodies never hold an `L`), so it is dropped: "RLM RLMA221HGJ" must not yield "RLMR1MA221".
    """
    matches = []
    for start in (m.start() for m in re.finditer("r", text, re.IGNORECASE)):
        match = _IN_TEXT.match(text, start)
        if match:
            matches.append(match)
    starts = [m.start() for m in matches]
    return [
        normalize(PREFIX + "".join(m.groups()))
        for m in matches
        if not any(m.start() < s < m.end() for s in starts)
    ]
