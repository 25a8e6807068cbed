"""The codice fiscale check's fast path (compact input, no stdnum clean) answers as stdnum does."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.it import codicefiscale

from kiosk.domain import validation
from kiosk.errors import InvalidInput

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789LMNPQRSTUV"  # omocodia: digits may be letters


@st.composite
def codes(draw: st.DrawFn) -> str:
    body = (
        "".join(draw(st.sampled_from(LETTERS)) for _ in range(6))
        + "".join(draw(st.sampled_from(DIGITS)) for _ in range(2))
        + draw(st.sampled_from("ABCDEHLMPRSTZ" + "FGX"))
        + "".join(draw(st.sampled_from(DIGITS)) for _ in range(2))
        + draw(st.sampled_from(LETTERS))
        + "".join(draw(st.sampled_from(DIGITS)) for _ in range(3))
    )
    right = codicefiscale.calc_check_digit(body)
    return body + (right if draw(st.booleans()) else draw(st.sampled_from(LETTERS)))


@settings(max_examples=2000)
@given(codes())
def test_the_fast_path_agrees_with_stdnum(code: str) -> None:
    try:
        validation.codice_fiscale(code)
        ours = True
    except InvalidInput:
        ours = False
    assert ours == codicefiscale.is_valid(code), code


@pytest.mark.parametrize("code", ["rssmra80a01h501u", "RSSMRA80A01H501U ", "RSS MRA 80A01 H501U"])
def test_other_spellings_still_go_through_stdnum(code: str) -> None:
    assert validation.codice_fiscale(code) == "RSSMRA80A01H501U"
