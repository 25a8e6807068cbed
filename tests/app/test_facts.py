"""Business facts reach the screens from the core, never typed again in a screen: the VAT rate
and the amounts come with the quote, the activation delay is a setting, the assisted fee and the
contacts come with the desk's facts."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from kiosk.app import KioskApp
from kiosk.domain.model import PaymentMethod
from screens.renewal import quote_table
from tests.app.conftest import RENEWABLE, running
from tests.app.helpers import choose_payment, press_button, render_plain, shown_text


async def test_the_activation_delay_is_the_setting(make_app: Callable[..., KioskApp]) -> None:
    app = make_app(activation_delay_hours=48)
    async with running(app) as pilot:
        await choose_payment(pilot, RENEWABLE)
        await press_button(pilot, "prepaid")
        await press_button(pilot, "confirm-prepaid")
        text = shown_text(app.screen)
        assert "dopo 48 ore" in text
        assert "24 ore" not in text


async def test_an_offline_result_names_the_delay_too(make_app: Callable[..., KioskApp]) -> None:
    app = make_app(activation_delay_hours=36)
    async with running(app) as pilot:
        services = await app.front_desk.services()
        await choose_payment(pilot, RENEWABLE)
        order = await services.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.BONIFICO)
        from screens.result import next_steps

        assert any("rinnovata 36 ore dopo" in step for step in next_steps(order))


async def test_the_quote_table_shows_the_rate_it_was_priced_with(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app):
        services = await app.front_desk.services()
        quote = await services.renewals.quote("avv.demo", RENEWABLE)
        assert "IVA 22%" in render_plain(quote_table(quote))
        other = dataclasses.replace(quote, vat_rate_percent=10)
        assert "IVA 10%" in render_plain(quote_table(other))


async def test_the_welcome_page_states_the_fee_of_the_desk(
    make_app: Callable[..., KioskApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kiosk.services.frontdesk.ASSISTED_FEE_NET_CENTS", 1500)
    app = make_app()
    async with running(app):
        text = shown_text(app.screen)
        assert "15,00\u00a0€ + IVA (18,30\u00a0€)" in text
