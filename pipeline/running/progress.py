"""A progress bar on stderr, for a person watching a long run, and for nobody else.

tqdm draws it (spaCy already depends on it). Shown only when stderr is a terminal: in a log
file or a pipe, carriage-return redraws are noise. Lines said during a run (errors) are
written above the bar, never into it.
"""

from __future__ import annotations

import os
import sys

from tqdm import tqdm


class ProgressBar:
    def __init__(self, total: int | None, quiet: bool = False, stream=None, minimum: int = 5):
        self.stream = stream or sys.stderr
        known_small = total is not None and total <= minimum
        self.enabled = not quiet and not known_small and self.stream.isatty()
        # A terminal that reports no size (a bare pty) makes tqdm draw nothing: give it one.
        sized = _has_size(self.stream)
        self.bar = tqdm(total=total, file=self.stream, disable=not self.enabled, unit="docs", mininterval=0.1,
                        dynamic_ncols=sized, ncols=None if sized else 80, nrows=None if sized else 24)

    def step(self, count: int = 1) -> None:
        self.bar.update(count)

    def say(self, message: str) -> None:
        """A line on stderr that does not land in the middle of the bar."""
        if self.enabled:
            self.bar.write(message, file=self.stream)
        else:
            print(message, file=sys.stderr, flush=True)

    def close(self) -> None:
        self.bar.close()


def _has_size(stream) -> bool:
    try:
        size = os.get_terminal_size(stream.fileno())
    except (OSError, ValueError, AttributeError):  # not a real terminal (a test's stand-in)
        return False
    return size.columns > 0 and size.lines > 0
