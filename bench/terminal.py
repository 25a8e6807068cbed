"""A program in a real pseudo-terminal, its screen kept by pyte, with precise timestamps.

Why this shape: a benchmark must time what a person would see, so the program runs on a pty of a
given size (TERM=xterm-256color) and pyte turns its output into the screen. The reader thread only
reads and stamps each chunk with `time.perf_counter()` the moment `os.read` returns; pyte parses
in the waiting thread, so slow parsing never delays a stamp. `wait_for` feeds the chunks one by one
and reports the stamp of the chunk after which the screen first satisfied the condition.

Ideas from tests/e2e/test_terminal.py; nothing is imported from tests/.
"""

from __future__ import annotations

import collections
import contextlib
import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import pyte

ScreenCheck = Callable[["Screen"], bool]

# keys as a terminal sends them
ENTER, ESCAPE, CTRL_Q, CTRL_U = "\r", "\x1b", "\x11", "\x15"
DOWN, UP, TAB = "\x1b[B", "\x1b[A", "\t"


def precise_switching(interval: float = 0.0005) -> None:
    """Let the reader thread take the GIL within `interval` s of its data arriving (default 5 ms
    would add up to 5 ms of noise to a stamp while the main thread parses)."""
    sys.setswitchinterval(interval)


class TerminalTimeout(TimeoutError):
    """The screen never showed what was awaited; the message carries what it did show."""


class TerminalClosed(RuntimeError):
    """The program ended (or closed the pty) before the screen showed what was awaited."""


@dataclass(frozen=True)
class Screen:
    """A snapshot of the visible screen: one string per row (non-breaking spaces as spaces)."""

    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def __contains__(self, needle: str) -> bool:
        return needle in self.text

    def row_with(self, needle: str) -> str | None:
        """The first row that contains `needle`, or None."""
        return next((line for line in self.lines if needle in line), None)


@dataclass(frozen=True)
class Seen:
    """When a condition was first met (perf_counter seconds) and the screen at that moment."""

    at: float
    screen: Screen


def contains(*needles: str) -> ScreenCheck:
    """A condition: every one of `needles` is on the screen."""

    def check(screen: Screen) -> bool:
        text = screen.text
        return all(n in text for n in needles)

    check.__name__ = f"contains{needles!r}"
    return check


class Terminal:
    """`argv` running on a pty of `cols`x`rows`; use as a context manager (it is always killed)."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | str | None = None,
        cols: int = 80,
        rows: int = 24,
    ) -> None:
        self.argv = list(argv)
        self.cols, self.rows = cols, rows
        full_env = dict(os.environ if env is None else env)
        full_env.update(TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows))
        self._chunks: collections.deque[tuple[float, bytes]] = collections.deque()
        self._cond = threading.Condition()
        self._eof = False
        self._screen = pyte.Screen(cols, rows)
        self._stream = pyte.ByteStream(self._screen)
        self.raw = bytearray()  # everything the program wrote, for diagnostics and parsing
        self.last_stamp = 0.0  # stamp of the last chunk fed to pyte
        self.master, slave = os.openpty()
        try:
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            self.started = time.perf_counter()
            self.proc = subprocess.Popen(
                self.argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=full_env,
                cwd=cwd,
                start_new_session=True,  # its own process group: close() ends it and its children
                close_fds=True,
            )
        except BaseException:
            os.close(self.master)
            raise
        finally:
            os.close(slave)
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    # --- reading -------------------------------------------------------------------------

    def _read(self) -> None:
        """Read and stamp; nothing else (parsing happens in the waiting thread)."""
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.1)
                if ready:
                    data = os.read(self.master, 1 << 16)
                    stamp = time.perf_counter()
                    if not data:
                        break
                    with self._cond:
                        self._chunks.append((stamp, data))
                        self._cond.notify_all()
                elif self.proc.poll() is not None:
                    break
            except OSError:  # EIO: the program closed its side of the pty
                break
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def _take(self) -> list[tuple[float, bytes]]:
        with self._cond:
            chunks = list(self._chunks)
            self._chunks.clear()
            return chunks

    def _feed(self, data: bytes, stamp: float) -> None:
        self.raw += data
        self._stream.feed(data)
        self.last_stamp = stamp

    def _snapshot(self) -> Screen:
        return Screen(tuple(line.replace("\u00a0", " ") for line in self._screen.display))

    def screen(self) -> Screen:
        """The screen as it is now (everything read so far fed to pyte)."""
        for stamp, data in self._take():
            self._feed(data, stamp)
        return self._snapshot()

    def wait_for(self, check: ScreenCheck | str, timeout: float = 30.0) -> Seen:
        """Wait until the screen satisfies `check` (a predicate, or text that must appear).

        The stamp is that of the chunk after which the condition first held. If it already holds
        when called, the stamp is that of the last chunk read so far (so set up the condition
        before the action it times, as `press` does)."""
        predicate = contains(check) if isinstance(check, str) else check
        deadline = time.monotonic() + timeout
        while True:
            pending = self._take()
            if not pending:
                shown = self._snapshot()
                if predicate(shown):
                    return Seen(self.last_stamp, shown)
            for index, (stamp, data) in enumerate(pending):
                self._feed(data, stamp)
                shown = self._snapshot()
                if predicate(shown):
                    self._requeue(pending[index + 1 :])
                    return Seen(stamp, shown)
            with self._cond:
                if self._chunks:
                    continue
                if self._eof:
                    raise TerminalClosed(self._describe(predicate, "the program ended"))
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TerminalTimeout(self._describe(predicate, f"not within {timeout} s"))
                self._cond.wait(min(remaining, 0.5))

    def _requeue(self, rest: list[tuple[float, bytes]]) -> None:
        """Chunks after the one that met the condition go back, unparsed, to the front."""
        if rest:
            with self._cond:
                self._chunks.extendleft(reversed(rest))

    def _describe(self, predicate: ScreenCheck, why: str) -> str:
        return (
            f"{self.argv[:3]}: {predicate.__name__}: {why}; "
            f"the screen shows:\n{self._snapshot().text}"
        )

    # --- writing -------------------------------------------------------------------------

    def send(self, keys: str) -> float:
        """Write `keys` to the program; the perf_counter stamp taken just before the write."""
        stamp = time.perf_counter()
        os.write(self.master, keys.encode())
        return stamp

    def press(self, keys: str, until: ScreenCheck | str, timeout: float = 30.0) -> float:
        """Send `keys` and wait for `until`; seconds from the write to the first screen showing
        it (the condition must not hold before the keys are sent)."""
        predicate = contains(until) if isinstance(until, str) else until
        if predicate(self.screen()):
            raise ValueError(f"{predicate.__name__} already holds before the keys are sent")
        sent = self.send(keys)
        return self.wait_for(predicate, timeout).at - sent

    def settle(self, quiet: float = 0.1, timeout: float = 5.0) -> None:
        """Wait until the program has written nothing for `quiet` seconds (or `timeout` passed)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.screen()
            if time.perf_counter() - self.last_stamp >= quiet:
                return
            time.sleep(quiet / 4)

    # --- ending --------------------------------------------------------------------------

    def close(self, quit_keys: str | None = CTRL_Q, grace: float = 5.0) -> int | None:
        """End the program: `quit_keys` first, then SIGTERM, then SIGKILL to its process group.
        Returns its exit code (None if it could not be reaped)."""
        try:
            if quit_keys and self.proc.poll() is None:
                with contextlib.suppress(OSError):
                    self.send(quit_keys)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.proc.wait(grace)
            for sig in (signal.SIGTERM, signal.SIGKILL):
                if self.proc.poll() is not None:
                    break
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.proc.pid, sig)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.proc.wait(grace)
        finally:
            self._reader.join(1.0)
            with contextlib.suppress(OSError):
                os.close(self.master)
        return self.proc.returncode

    def __enter__(self) -> Terminal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close(quit_keys=CTRL_Q if exc is None else None, grace=5.0 if exc is None else 1.0)
