"""Build hook: compile the translation catalogues (kiosk/locale/<lang>.po → .mo).

Hatchling runs it for every wheel build, the editable one too (`pip install -e .`, which is what
`make` does): then the package is imported from this source tree, so the .mo is written next to
its .po in the tree, at kiosk/locale/<lang>/LC_MESSAGES/messages.mo, where kiosk/i18n.py reads it
with the standard `gettext` module. The .mo files are build products (.gitignore), so a regular
wheel lists them as artifacts to be packed although git ignores them.

Also a script for the Makefile (`make catalogue`): `python hatch_build.py` recompiles in place,
without reinstalling, after an edit to a .po file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LOCALE_DIR = Path("kiosk") / "locale"
DOMAIN = "messages"


def mo_path(po: Path) -> Path:
    """kiosk/locale/en.po → kiosk/locale/en/LC_MESSAGES/messages.mo"""
    return po.parent / po.stem / "LC_MESSAGES" / f"{DOMAIN}.mo"


def compile_catalogues(root: Path) -> list[Path]:
    """Compile every <root>/kiosk/locale/<lang>.po; return the .mo paths (relative to root)."""
    written = []
    for po in sorted((root / LOCALE_DIR).glob("*.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.stem)
        target = mo_path(po)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as fh:
            # untranslated and fuzzy entries are left out; an empty plural form becomes its msgid
            write_mo(fh, catalog)
        written.append(target.relative_to(root))
    return written


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """[tool.hatch.build.targets.wheel.hooks.custom]: runs for `standard` and `editable`."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        for mo in compile_catalogues(Path(self.root)):
            self.app.display_info(f"compiled {mo}")
            build_data["artifacts"].append(f"/{mo.as_posix()}")


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    for mo in compile_catalogues(here):
        print(f"compiled {mo}", file=sys.stderr)
