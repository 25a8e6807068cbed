from __future__ import annotations

import pytest

from kiosk.services.facade import Services
from kiosk.services.setup import load_demo

RENEWABLE = "maria.demo@pec.avvocatinocera.it"  # attiva, expires in 20 days
TOO_EARLY = "m.demo@legalmail.it"  # expires in 200 days
SOSPESA = "studio.demo@avvocatinocera.legalmail.it"  # expired 40 days ago
CESSATA = "archivio.demo@legalmail.it"  # expired 250 days ago
ROSSI = "giuseppe.rossi@pec.ordineavvocatisalerno.it"  # avv.rossi's, expires in 45 days


@pytest.fixture
async def demo(services: Services) -> Services:
    await load_demo(services.ctx)
    return services


@pytest.fixture
def good_user() -> dict[str, str]:
    """A new subscriber's valid data (nobody in the demo has this userid or codice fiscale)."""
    from stdnum.it import codicefiscale

    body = "NVISCR80A01H501"
    return {
        "userid": "avv.nuovo",
        "nominativo": "Avv. Nuovo Iscritto",
        "codice_fiscale": body + codicefiscale.calc_check_digit(body),
        "email": "nuovo@example.org",
        "password": "Sicura-2026x",
    }
