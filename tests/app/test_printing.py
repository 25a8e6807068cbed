"""Printing from the result screen: "Stampa promemoria" while an offline payment is awaited,
"Stampa fattura" once paid, only where a print command is configured; the printer here is a
script that records the file it was given."""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

from kiosk.app import KioskApp
from kiosk.domain.model import PaymentMethod
from screens.result import ResultScreen
from tests.app.conftest import RENEWABLE, SOSPESA, running
from tests.app.helpers import notice, press_button, screen_dump, settle_all, start_session
from tests.documents import pdf_text

RECORDER = "import json, sys\nopen(sys.argv[1], 'w').write(json.dumps(sys.argv[2:]))\n"


def fake_printer(tmp_path: Path) -> tuple[str, Path]:
    script, received = tmp_path / "fake_lp.py", tmp_path / "received.json"
    script.write_text(RECORDER, encoding="utf-8")
    command = f"{shlex.quote(sys.executable)} {script} {received} -d sportello {{file}}"
    return command, received


async def show_result(app: KioskApp, pilot: object, method: PaymentMethod, pec: str) -> str:
    """Logged in as avv.demo, the result screen of a new order for `pec` paid with `method`."""
    await start_session(pilot)  # type: ignore[arg-type]
    services = await app.front_desk.services()
    order = await services.renewals.place_order("avv.demo", pec, method)
    await app.push_screen(ResultScreen(order))
    await settle_all(pilot)  # type: ignore[arg-type]
    return order.code


def buttons(app: KioskApp) -> set[str]:
    return {b.id for b in app.screen.query("Button") if b.id and b.id.startswith("print-")}


async def test_print_the_payment_reminder(
    make_app: Callable[..., KioskApp], tmp_path: Path, data_dir: Path
) -> None:
    command, received = fake_printer(tmp_path)
    app = make_app(print_command=command)
    async with running(app) as pilot:
        code = await show_result(app, pilot, PaymentMethod.BONIFICO, SOSPESA)
        assert buttons(app) == {"print-reminder"}
        assert "Stampa promemoria" in screen_dump(app)  # in view at 80×24, beside Fine
        await press_button(pilot, "print-reminder")
        assert notice(app.screen) == "✔ Fatto: Promemoria di pagamento inviato alla stampante."
        printed = json.loads(received.read_text())
        assert printed[:2] == ["-d", "sportello"]
        path = Path(printed[2])
        assert path.parent == data_dir / "documents" / "promemoria"
        assert code in pdf_text(path) and "30,50 €" in pdf_text(path)


async def test_print_the_invoice_of_a_paid_renewal(
    make_app: Callable[..., KioskApp], tmp_path: Path
) -> None:
    command, received = fake_printer(tmp_path)
    app = make_app(print_command=command)
    async with running(app) as pilot:
        code = await show_result(app, pilot, PaymentMethod.PREPAID, RENEWABLE)
        assert buttons(app) == {"print-invoice"}
        await press_button(pilot, "print-invoice")
        assert notice(app.screen) == "✔ Fatto: Fattura 2026/000001 inviata alla stampante."
        path = Path(json.loads(received.read_text())[2])
        assert path.name == "fattura-2026-000001.pdf" and code in pdf_text(path)


async def test_no_printing_without_a_print_command(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        await show_result(app, pilot, PaymentMethod.BONIFICO, SOSPESA)
        assert buttons(app) == set()
        assert "Stampa" not in screen_dump(app)


async def test_a_printer_that_fails_is_reported_and_the_kiosk_goes_on(
    make_app: Callable[..., KioskApp], tmp_path: Path
) -> None:
    broken = tmp_path / "lp.py"
    broken.write_text("import sys\nsys.stderr.write('lp: la stampante sportello non esiste')\n"
                      "sys.exit(1)\n", encoding="utf-8")  # fmt: skip
    app = make_app(print_command=f"{sys.executable} {broken}")
    async with running(app) as pilot:
        await show_result(app, pilot, PaymentMethod.ASSEGNO, SOSPESA)
        await press_button(pilot, "print-reminder")
        assert notice(app.screen).endswith(
            ": Stampa non riuscita (codice 1). lp: la stampante sportello non esiste"
        )
        assert isinstance(app.screen, ResultScreen)
        await press_button(pilot, "fine")  # still in working order
        assert not isinstance(app.screen, ResultScreen)
