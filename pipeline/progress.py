"""A progress bar on stderr, for a person watching a long run, and for nobody else.

Only when stderr is a terminal: in a log file or a pipe, carriage-return redraws are noise.
Redrawn at most ten times a second, so it costs nothing beside extraction.
"""

from __future__ import annotations

import sys
import time

WIDTH = 30


class ProgressBar:
    def __init__(self, total: int | None, quiet: bool = False, stream=None, minimum: int = 5):
        self.stream = stream or sys.stderr
        self.total = total
        known_small = total is not None and total <= minimum
        self.enabled = not quiet and not known_small and self.stream.isatty()
        self.done = 0
        self.started = time.monotonic()
        self.drawn_at = 0.0

    def step(self, count: int = 1) -> None:
        self.done += count
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.drawn_at >= 0.1 or self.done == self.total:
            self.drawn_at = now
            self.stream.write("\r" + self.line(now))
            self.stream.flush()

    def line(self, now: float | None = None) -> str:
        elapsed = max((now or time.monotonic()) - self.started, 1e-9)
        rate = self.done / elapsed
        if self.total:
            share = min(self.done / self.total, 1.0)
            filled = int(share * WIDTH)
            left = (self.total - self.done) / rate if rate else 0
            return (f"[{'#' * filled}{'-' * (WIDTH - filled)}] {share:4.0%} "
                    f"{self.done}/{self.total} docs, {rate:.1f} docs/s, {_clock(left)} left ")
        return f"{self.done} docs, {rate:.1f} docs/s, {_clock(elapsed)} so far "

    def say(self, message: str) -> None:
        """A line on stderr that does not land in the middle of the bar."""
        if self.enabled:
            self.stream.write("\r\033[K")
        print(message, file=self.stream if self.enabled else sys.stderr, flush=True)
        self.drawn_at = 0.0

    def close(self) -> None:
        if self.enabled and self.done:
            self.stream.write("\r" + self.line() + "\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
