"""The print command: split like a shell would, run without one, the file's path as one
argument; failures in one Italian sentence. The "printer" here is a script that records what
it was given."""

from __future__ import annotations

import json
import shlex
import sys
import time
from pathlib import Path

import pytest

from kiosk.documents.printing import print_argv, send_to_printer
from kiosk.errors import Reason, Refusal

RECORDER = """
import json, sys
out = sys.argv[1]
with open(out, "w", encoding="utf-8") as fh:
    json.dump(sys.argv[2:], fh)
"""


@pytest.fixture
def recorder(tmp_path: Path) -> tuple[str, Path]:
    """A print command template and the file where it writes the arguments it received."""
    script = tmp_path / "fake_lp.py"
    script.write_text(RECORDER, encoding="utf-8")
    out = tmp_path / "received.json"
    template = f"{shlex.quote(sys.executable)} {shlex.quote(str(script))} {shlex.quote(str(out))}"
    return template, out


def test_the_template_is_split_and_the_file_put_in_place() -> None:
    doc = Path("/data/documents/promemoria-RLM4K7Q2X3.pdf")
    assert print_argv("lp -d sportello {file}", doc) == ["lp", "-d", "sportello", str(doc)]
    assert print_argv("lp -d sportello", doc) == ["lp", "-d", "sportello", str(doc)]
    assert print_argv("print --in={file} -o 'fit to page'", doc) == [
        "print", f"--in={doc}", "-o", "fit to page",
    ]  # fmt: skip


async def test_the_command_gets_the_path_as_one_argument(
    recorder: tuple[str, Path], tmp_path: Path
) -> None:
    template, out = recorder
    odd = tmp_path / "a dir; touch PWNED" / "fattura $(id).pdf"
    odd.parent.mkdir()
    odd.write_bytes(b"%PDF")
    await send_to_printer(template + " -d sportello {file}", odd, seconds=30)
    assert json.loads(out.read_text(encoding="utf-8")) == ["-d", "sportello", str(odd)]
    assert not (Path.cwd() / "PWNED").exists() and not (tmp_path / "PWNED").exists()


async def test_a_failing_printer_says_why(tmp_path: Path) -> None:
    script = tmp_path / "broken_lp.py"
    script.write_text("import sys\nprint('lp: stampante sportello inesistente', file=sys.stderr)"
                      "\nsys.exit(3)\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(Refusal) as err:
        await send_to_printer(f"{sys.executable} {script}", tmp_path / "x.pdf", seconds=30)
    assert err.value.reason is Reason.PRINT_FAILED
    assert err.value.message == (
        "Stampa non riuscita (codice 3). lp: stampante sportello inesistente"
    )


async def test_a_missing_program_says_so(tmp_path: Path) -> None:
    with pytest.raises(Refusal) as err:
        await send_to_printer("/nonexistent/lp -d x", tmp_path / "x.pdf", seconds=30)
    assert err.value.reason is Reason.PRINT_FAILED
    assert "«/nonexistent/lp» non esiste" in err.value.message


async def test_a_printer_that_hangs_is_given_up(tmp_path: Path) -> None:
    script = tmp_path / "slow_lp.py"
    script.write_text("import time\ntime.sleep(60)\n", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(Refusal) as err:
        await send_to_printer(f"{sys.executable} {script}", tmp_path / "x.pdf", seconds=0.5)
    assert time.monotonic() - started < 10  # killed, not waited for
    assert err.value.message == (
        "Stampa non riuscita: la stampante non ha risposto entro 0.5 secondi."
    )


def test_the_print_command_setting_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pydantic import ValidationError

    from kiosk.settings import Settings

    assert Settings(data_dir=tmp_path).print_command is None  # default: no printing
    assert Settings(data_dir=tmp_path, print_command="  ").print_command is None
    monkeypatch.setenv("KIOSK_PRINT_COMMAND", "lp -d sportello {file}")
    monkeypatch.setenv("KIOSK_PRINT_TIMEOUT", "12.5")
    settings = Settings(data_dir=tmp_path)
    assert (settings.print_command, settings.print_timeout) == ("lp -d sportello {file}", 12.5)
    with pytest.raises(ValidationError, match="comando di stampa non valido"):
        Settings(data_dir=tmp_path, print_command="lp -d 'sportello {file}")
