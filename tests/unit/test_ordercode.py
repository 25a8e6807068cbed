"""Order codes RLM + 6 symbols + a check symbol (kiosk.domain.ordercode)."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kiosk.domain import ordercode
from kiosk.domain.ordercode import (
    ALPHABET,
    BODY_LENGTH,
    CODE_LENGTH,
    PREFIX,
    check_char,
    find_in_causale,
    generate,
    is_valid,
    near_misses,
    normalize,
    parse,
)

SYMBOL_POSITIONS = range(len(PREFIX), CODE_LENGTH)  # the 7 symbols after "RLM"


def _code(body: str) -> str:
    return PREFIX + body + check_char(body)


def _seeded_codes(n: int, seed: int = 20261125) -> list[str]:
    rng = random.Random(seed)
    return [generate(rng.choice) for _ in range(n)]


def _substitute(code: str, pos: int, ch: str) -> str:
    return code[:pos] + ch + code[pos + 1 :]


def _swap(code: str, pos: int) -> str:
    return code[:pos] + code[pos + 1] + code[pos] + code[pos + 2 :]


bodies = st.text(alphabet=ALPHABET, min_size=BODY_LENGTH, max_size=BODY_LENGTH)
codes = bodies.map(_code)


# --- shape -------------------------------------------------------------------------------------


def test_alphabet_has_no_look_alikes() -> None:
    assert len(ALPHABET) == 31
    assert len(set(ALPHABET)) == 31
    assert not set("OILUV") & set(ALPHABET)
    assert set(ALPHABET) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert CODE_LENGTH == 10
    assert PREFIX == "RLM"


def test_generate_shape_and_validity() -> None:
    generated = [generate() for _ in range(300)]
    for code in generated:
        assert re.fullmatch(r"RLM[0-9A-HJKMNP-TW-Z]{7}", code), code
        assert len(code) == 10
        assert all(ch in ALPHABET for ch in code[3:])
        assert is_valid(code)
    assert len(set(generated)) > 290  # random, not a constant


def test_generate_uses_the_choice_function() -> None:
    calls: list[str] = []

    def choice(alphabet: str) -> str:
        calls.append(alphabet)
        return "A"

    code = generate(choice)
    assert calls == [ALPHABET] * BODY_LENGTH
    assert code == "RLMAAAAAA" + check_char("AAAAAA")
    assert is_valid(code)


def test_check_char_known_value() -> None:
    # weights 3^6..3^0 mod 31 = 16, 26, 19, 27, 9, 3, 1; body "000001" sums to 3 -> check 28 = "X"
    assert check_char("000001") == ALPHABET[28] == "X"
    assert check_char("000000") == "0"
    assert is_valid("RLM000001X")
    assert not is_valid("RLM000001W")


def test_check_char_rejects_foreign_characters() -> None:
    with pytest.raises(ValueError, match="invalid character"):
        check_char("ABCDEO")
    with pytest.raises(ValueError, match="invalid character"):
        check_char("abcdef")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "RLM",
        "RLM000001",  # too short
        "RLM000001X0",  # too long
        "RLX000001X",  # wrong prefix
        "rlm000001x",  # not normalised
        "RLM00000IX",  # look-alike, not normalised
        "RLM0000U1X",
        "XRLM000001",
    ],
)
def test_is_valid_rejects_malformed(text: str) -> None:
    assert is_valid(text) is False


# --- error detection: exhaustive --------------------------------------------------------------


def _codes_covering_every_symbol_at_every_position() -> list[str]:
    """31 codes: body k*6; the check of kkkkkk is -100k = -7k (mod 31), which covers all 31."""
    result = [_code(ch * BODY_LENGTH) for ch in ALPHABET]
    for pos in SYMBOL_POSITIONS:
        assert {c[pos] for c in result} == set(ALPHABET)
    return result


def test_every_single_substitution_is_detected_exhaustively() -> None:
    """Every (position, original symbol, replacement symbol) triple, plus random codes."""
    checked = set()
    for code in _codes_covering_every_symbol_at_every_position() + _seeded_codes(40):
        assert is_valid(code)
        for pos in SYMBOL_POSITIONS:
            for ch in ALPHABET:
                if ch == code[pos]:
                    continue
                assert not is_valid(_substitute(code, pos, ch)), (code, pos, ch)
                checked.add((pos, code[pos], ch))
    assert len(checked) == 7 * 31 * 30  # all triples covered


def test_every_adjacent_transposition_is_detected_exhaustively() -> None:
    """Every ordered pair of distinct symbols at every pair of neighbouring symbol positions."""
    checked = set()
    # body/body neighbours: a at i, b at i+1, zeros elsewhere
    for i in range(BODY_LENGTH - 1):
        for a in ALPHABET:
            for b in ALPHABET:
                if a == b:
                    continue
                body = ["0"] * BODY_LENGTH
                body[i], body[i + 1] = a, b
                code = _code("".join(body))
                pos = len(PREFIX) + i
                assert not is_valid(_swap(code, pos)), (code, pos)
                checked.add((pos, a, b))
    # last body symbol / check symbol: vary the first body symbol to reach every check value
    last = len(PREFIX) + BODY_LENGTH - 1
    for x in ALPHABET:
        for a in ALPHABET:
            code = _code(x + "0000" + a)
            if code[last] == code[last + 1]:
                continue
            assert not is_valid(_swap(code, last)), code
            checked.add((last, code[last], code[last + 1]))
    assert len(checked) == 6 * 31 * 30


def test_transpositions_of_random_codes_are_detected() -> None:
    for code in _seeded_codes(200, seed=7):
        for pos in range(len(PREFIX), CODE_LENGTH - 1):
            if code[pos] != code[pos + 1]:
                assert not is_valid(_swap(code, pos)), (code, pos)


@settings(max_examples=300, deadline=None)
@given(
    code=codes,
    pos=st.sampled_from(list(SYMBOL_POSITIONS)),
    ch=st.sampled_from(ALPHABET),
)
def test_random_substitution_detected(code: str, pos: int, ch: str) -> None:
    assume(code[pos] != ch)
    assert is_valid(code)
    assert not is_valid(_substitute(code, pos, ch))


@settings(max_examples=300, deadline=None)
@given(code=codes, pos=st.integers(len(PREFIX), CODE_LENGTH - 2))
def test_random_transposition_detected(code: str, pos: int) -> None:
    assume(code[pos] != code[pos + 1])
    assert not is_valid(_swap(code, pos))


# --- normalising and parsing -------------------------------------------------------------------


def test_normalize() -> None:
    assert normalize("rlm-4k7 q2x3") == "RLM4K7Q2X3"
    assert normalize(" RLM.4K7/Q2X_3:# ") == "RLM4K7Q2X3"
    assert normalize("rlm oil") == "RLM011"  # look-alikes folded after the prefix only
    assert normalize("abc-o") == "ABC0"


def test_parse_folds_look_alikes_and_separators() -> None:
    code = _code("01A1B0")
    assert is_valid(code)
    typed = code.replace("0", "O").replace("1", "l", 1).replace("1", "I").lower()
    assert typed != code.lower()
    assert parse(typed) == code
    spaced = f"{code[:3].lower()}-{code[3:6]} {code[6:]}".replace("0", "o")
    assert parse(spaced) == code
    assert parse(f"  {code[:5]}.{code[5:]}  ") == code


def test_parse_rejects_a_wrong_check() -> None:
    code = _code("4K7Q2X")
    wrong = code[:-1] + ALPHABET[(ALPHABET.index(code[-1]) + 1) % 31]
    assert parse(code) == code
    assert parse(wrong) is None
    assert parse("") is None
    assert parse("hello") is None


@settings(max_examples=200, deadline=None)
@given(
    code=codes,
    seps=st.lists(
        st.sampled_from(["", " ", "-", ".", "_", "/", ":", "#", "  "]), min_size=10, max_size=10
    ),
    lower=st.lists(st.booleans(), min_size=10, max_size=10),
)
def test_parse_any_typing(code: str, seps: list[str], lower: list[bool]) -> None:
    typed = "".join(
        sep + (ch.lower() if low else ch) for sep, ch, low in zip(seps, code, lower, strict=True)
    )
    assert parse(typed) == code


# --- codes in a causale ------------------------------------------------------------------------


REAL = _seeded_codes(1, seed=42)[0]


def _spaced_lower(code: str) -> str:
    return f"{code[:3].lower()}-{code[3:6].lower()} {code[6:].lower()}"


def test_find_in_causale_free_text() -> None:
    assert find_in_causale(f"Rinnovo PEC {_spaced_lower(REAL)} avv Rossi") == REAL
    assert find_in_causale(f"Rinnovo PEC {REAL} avv. Rossi") == REAL
    assert find_in_causale(f"{REAL}") == REAL
    dotted = ".".join(REAL)
    assert find_in_causale(f"causale: {dotted.lower()}") == REAL
    assert find_in_causale(f"Rif.{REAL[:3]} {REAL[3:5]}-{REAL[5:]}/2026") == REAL
    assert find_in_causale(f"Rinnovo{REAL}Rossi") == REAL


def test_find_in_causale_folds_look_alikes() -> None:
    code = _code("0A1B00")
    assert find_in_causale(f"bonifico rlm {code[3:].replace('0', 'o').replace('1', 'l')}") == code


def test_find_in_causale_none_without_a_code() -> None:
    assert find_in_causale("") is None
    assert find_in_causale("Rinnovo PEC avv. Rossi, Roma") is None
    assert near_misses("Rinnovo PEC avv. Rossi, Roma") == []


def test_find_in_causale_second_code_after_a_stray_prefix() -> None:
    # a code for which the overlapping read "RLM" + "R1M...." happens not to check
    code = next(c for c in _seeded_codes(100, seed=3) if not is_valid(normalize("RLMRLM" + c[3:7])))
    assert find_in_causale(f"RLM {code}") == code
    assert find_in_causale(f"rlm rlm {code[3:]} rinnovo") == code


# 'RLM ' + RLMA221HGJ: the overlapping read RLM+R,L,M,A,2,2,1 normalises to RLMR1MA221, which
# happens to satisfy the check (1 chance in 31 for any code), and is returned first.
PHANTOM_CASE = "RLMA221HGJ"


def test_find_in_causale_stray_prefix_never_yields_a_phantom() -> None:
    assert is_valid(PHANTOM_CASE)
    assert find_in_causale(f"RLM {PHANTOM_CASE}") == PHANTOM_CASE


def test_find_in_causale_stray_prefix_for_many_codes() -> None:
    wrong = [c for c in _seeded_codes(300, seed=11) if find_in_causale(f"RLM {c}") != c]
    assert wrong == []


def test_wrong_check_digit_is_not_found_but_reported() -> None:
    wrong = REAL[:-1] + ALPHABET[(ALPHABET.index(REAL[-1]) + 5) % 31]
    assert not is_valid(wrong)
    causale = f"Rinnovo PEC {_spaced_lower(wrong)} avv Rossi"
    assert find_in_causale(causale) is None
    assert near_misses(causale) == [wrong]


def test_transposed_code_in_causale_is_reported() -> None:
    swapped = _swap(REAL, 5) if REAL[5] != REAL[6] else _swap(REAL, 7)
    causale = f"Versamento {swapped} Rossi"
    assert find_in_causale(causale) is None
    assert near_misses(causale) == [swapped]


def test_near_misses_deduplicates_and_keeps_order() -> None:
    first = REAL[:-1] + ALPHABET[(ALPHABET.index(REAL[-1]) + 1) % 31]
    second = _code("ZZZZZZ")
    second = second[:-1] + ALPHABET[(ALPHABET.index(second[-1]) + 1) % 31]
    text = f"{first} {second.lower()} {first}"
    assert near_misses(text) == [first, second]


def test_near_misses_empty_when_a_valid_code_is_present() -> None:
    wrong = REAL[:-1] + ALPHABET[(ALPHABET.index(REAL[-1]) + 1) % 31]
    assert near_misses(f"{wrong} poi corretto {REAL}") == []
    assert find_in_causale(f"{wrong} poi corretto {REAL}") == REAL


def test_find_in_causale_returns_the_first_valid_code() -> None:
    other = _code("ABCDEF")
    assert find_in_causale(f"{REAL} e {other}") == REAL
    assert find_in_causale(f"{other} e {REAL}") == other


# junk that cannot start a code ("r" never appears), so the only valid code is ours
_junk_chars = st.characters(codec="utf-8", exclude_characters="rR", exclude_categories=["Cs"])
left_junk = st.text(alphabet=_junk_chars, max_size=40)
right_junk = st.text(max_size=40)
separators = st.sampled_from(["", "", "", " ", "-", ".", " - "])


@settings(max_examples=250, deadline=None)
@given(
    code=codes,
    before=left_junk,
    after=right_junk,
    seps=st.lists(separators, min_size=9, max_size=9),
    lower=st.booleans(),
)
def test_find_in_causale_in_random_junk(
    code: str, before: str, after: str, seps: list[str], lower: bool
) -> None:
    written = code[0] + "".join(sep + ch for sep, ch in zip(seps, code[1:], strict=True))
    if lower:
        written = written.lower()
    text = before + written + after
    assert find_in_causale(text) == code
    assert near_misses(text) == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_find_in_causale_only_returns_valid_codes(text: str) -> None:
    found = find_in_causale(text)
    if found is None:
        assert all(not is_valid(c) for c in near_misses(text))
    else:
        assert is_valid(found)
        assert near_misses(text) == []


def test_module_exports_are_consistent() -> None:
    assert ordercode.BODY_LENGTH + len(ordercode.PREFIX) + 1 == ordercode.CODE_LENGTH
