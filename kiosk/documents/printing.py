"""Sending a PDF to the desk's printer: the configured command, run without a shell.

`KIOSK_PRINT_COMMAND` is a template such as `lp -d sportello {file}`: split like a shell would
(`shlex.split`), `{file}` replaced by the document's path in each word (the path appended when
no word has it), and run directly, so a path or a template can never inject a command. What goes
wrong (no such program, a refusal, no answer in time) becomes one Italian sentence.
"""

from __future__ import annotations

import asyncio
import contextlib
import shlex
from pathlib import Path

from kiosk.errors import Reason, Refusal
from kiosk.i18n import _

PLACEHOLDER = "{file}"
DETAIL_MAX = 200  # characters of the command's own error message worth showing


def print_argv(template: str, path: Path) -> list[str]:
    """The command's arguments for printing `path`."""
    words = shlex.split(template)
    if not any(PLACEHOLDER in word for word in words):
        return [*words, str(path)]
    return [word.replace(PLACEHOLDER, str(path)) for word in words]


def _failed(message: str) -> Refusal:
    return Refusal(Reason.PRINT_FAILED, message)


async def send_to_printer(template: str, path: Path, *, seconds: float) -> None:
    """Run the print command for `path`; `Refusal(PRINT_FAILED)` saying why if it fails."""
    argv = print_argv(template, path)
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
    except FileNotFoundError:
        raise _failed(
            _("Stampa non riuscita: il comando di stampa «{program}» non esiste.").format(
                program=argv[0]
            )
        ) from None
    except OSError as exc:
        raise _failed(
            _("Stampa non riuscita: impossibile avviare «{program}» ({error}).").format(
                program=argv[0], error=exc.strerror or exc
            )
        ) from None
    try:
        _stdout, stderr = await asyncio.wait_for(process.communicate(), seconds)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        raise _failed(
            _("Stampa non riuscita: la stampante non ha risposto entro {seconds} secondi.").format(
                seconds=f"{seconds:g}"
            )
        ) from None
    if process.returncode != 0:
        detail = " ".join(stderr.decode("utf-8", "replace").split())[:DETAIL_MAX]
        message = _("Stampa non riuscita (codice {code}).").format(code=process.returncode)
        raise _failed(f"{message} {detail}".strip())
