"""What the kiosk imports before its first paint, and what each import costs.

Why in a pty: Textual draws on stderr, and `-X importtime` reports on stderr too, so both arrive
in order on the pty; every `import time:` line before the welcome screen's first complete frame
is an import on the path to the first paint (including those the app makes while mounting).
This runs `python -X importtime -m kiosk --demo --now ...` (pre-built demo database, as in
bench/startup.py) and the bare app the same way, and prints: the total, the top packages by
their own import time, the costliest modules (cumulative), and which kiosk module first pulls in
each heavy package. importtime itself slows imports a little: read the numbers as shares.

    python -m bench.profile_imports            # kiosk and bare app
    python -m bench.profile_imports --top 30

Quicker, without a terminal (module import only, not what the app imports while starting):

    python -X importtime -c 'import kiosk.cli' 2>&1 | sort -t'|' -k2 -n | tail -30
    python -X importtime -m kiosk --help 2>&1 >/dev/null | sort -t'|' -k2 -n | tail -30
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field

from bench.apps import NOW, App, DemoDatabase, bare_app, base_env
from bench.startup import welcome_frame
from bench.terminal import precise_switching

LINE = re.compile(rb"import time:\s+(\d+) \|\s+(\d+) \| ( *)([\w.]+)")
HEAVY = ("tortoise", "pydantic", "pydantic_settings", "babel", "stdnum", "click", "argon2",
         "qrcode", "dateutil", "email_validator", "aiosqlite", "asyncpg", "pypika_tortoise",
         "platformdirs", "textual", "rich")  # fmt: skip
ALT_SCREEN = b"\x1b[?1049h"  # Textual takes the screen: from here on the app is running


@dataclass
class Module:
    """One `import time:` line: microseconds of its own and including what it imported."""

    name: str
    self_us: int
    cumulative_us: int
    level: int
    offset: int  # where its line is in the program's output
    children: list[Module] = field(default_factory=list)
    parent: Module | None = None

    @property
    def package(self) -> str:
        return self.name.split(".", 1)[0]


def parse(raw: bytes) -> list[Module]:
    """The modules in report order (a module's line comes after those of its imports)."""
    modules: list[Module] = []
    pending: list[Module] = []
    for match in LINE.finditer(raw):
        own, total, indent, name = match.groups()
        module = Module(name.decode(), int(own), int(total), len(indent) // 2, match.start())
        while pending and pending[-1].level > module.level:  # its imports, just reported
            child = pending.pop()
            child.parent = module
            module.children.insert(0, child)
        pending.append(module)
        modules.append(module)
    return modules


def chain(module: Module) -> str:
    """`module ← its importer ← ...` up to the outermost import (a function's own import, run
    when called, is outermost too)."""
    names = [module.name]
    node = module.parent
    while node is not None:
        names.append(node.name)
        node = node.parent
    return " ← ".join(names)


def profile(app: App) -> tuple[list[Module], int]:
    """Run `app` under -X importtime on a pty: the imports reported before its first frame, and
    where in its output Textual switched to the alternate screen (the app was running)."""
    app.argv.insert(1, "-X")
    app.argv.insert(2, "importtime")
    with app.spawn() as term:
        term.wait_for(welcome_frame, 120.0)
        raw = bytes(term.raw)
    running = raw.find(ALT_SCREEN)
    return parse(raw), running if running >= 0 else len(raw)


def report(title: str, modules: list[Module], running: int, top: int) -> None:
    total = sum(m.self_us for m in modules) / 1000
    print(f"\n== {title}: {len(modules)} modules, {total:.0f} ms of imports before the first frame")
    by_package: dict[str, int] = defaultdict(int)
    for m in modules:
        by_package[m.package] += m.self_us
    print("\ntop packages (own import time, ms):")
    for package, us in sorted(by_package.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {us / 1000:8.1f}  {package}")
    print("\ncostliest modules (cumulative, ms), outermost first:")
    for m in sorted(modules, key=lambda m: -m.cumulative_us)[:top]:
        print(f"  {m.cumulative_us / 1000:8.1f}  {'  ' * m.level}{m.name}")
    print("\nheavy packages: their imports' cumulative ms (with their own dependencies), and")
    print("the chain that first pulled each in:")
    for package in HEAVY:
        outer = [
            m
            for m in modules
            if m.package == package and (m.parent is None or m.parent.package != package)
        ]
        if outer:
            cumulative = sum(m.cumulative_us for m in outer) / 1000
            print(f"  {cumulative:8.1f}  {package:<18} {chain(outer[0])}")
    late = [m for m in modules if m.parent is None and m.offset > running]
    print(
        f"\nimported by the running app before its first frame (on the event loop): "
        f"{sum(m.cumulative_us for m in late) / 1000:.1f} ms"
    )
    for m in sorted(late, key=lambda m: -m.cumulative_us)[:top]:
        print(f"  {m.cumulative_us / 1000:8.1f}  {m.name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=20, help="rows per list (default 20)")
    parser.add_argument("--kiosk-only", action="store_true", help="skip the bare app")
    args = parser.parse_args()
    precise_switching()
    with DemoDatabase() as demo:
        env = {**base_env(), "KIOSK_DATA_DIR": str(demo.fresh_dir())}
        kiosk = App("kiosk", [sys.executable, "-m", "kiosk", "--demo", "--now", NOW], env)
        report("pec-kiosk --demo", *profile(kiosk), args.top)
    if not args.kiosk_only:
        report("bare app", *profile(bare_app()), args.top)


if __name__ == "__main__":
    main()
