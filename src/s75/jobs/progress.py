"""How far long work has got: rows done of the total, the rate, and the time left.

A job writes its progress to a small JSON file a few times a second at most, replacing it whole each time, so a
page (or a test) can read it while the work goes on without touching the database; the command line prints the
same figures as one line on stderr.
"""

import json
import os
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

# What long work is told as it goes: (rows done, rows in all or 0 when not known, stage).
Progress = Callable[[int, int, str], None]

READING = "reading"
POSTING = "posting"
FINISHED = "finished"


class ProgressMeter:
    """Rate and time left from the rows done since the work started."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def snapshot(self, done: int, total: int, stage: str) -> dict:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = done / elapsed
        seconds_left = round((total - done) / rate) if rate > 0 and total > done else (None if total == 0 else 0)
        return {
            "stage": stage, "done": done, "total": total, "rate": round(rate),
            "seconds_left": seconds_left, "elapsed": round(elapsed, 1),
            "percent": min(100, done * 100 // total) if total else None,
        }


def progress_text(snapshot: dict) -> str:
    """``12,345 of 1,000,000 rows (1%), 25,000 rows a second, about 40 seconds left``."""
    done, total = snapshot.get("done", 0), snapshot.get("total", 0)
    if snapshot.get("stage") == POSTING:
        return f"{done:,} rows checked; posting them to the ledger"
    if snapshot.get("stage") == FINISHED:
        return f"{done:,} rows: finished"
    parts = [f"{done:,} of {total:,} rows ({min(100, done * 100 // total)}%)" if total else f"{done:,} rows"]
    if snapshot.get("rate"):
        parts.append(f"{snapshot['rate']:,} row{'' if snapshot['rate'] == 1 else 's'} a second")
    if snapshot.get("seconds_left") is not None and total:
        parts.append(f"about {_duration(snapshot['seconds_left'])} left")
    return ", ".join(parts)


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    minutes = round(seconds / 60)
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


class ProgressFile:
    """Writes progress to ``path`` (JSON), at most every ``interval`` seconds except at a change of stage."""

    def __init__(self, path: Path, *, interval: float = 0.25, extra: dict | None = None) -> None:
        self.path = Path(path)
        self.interval = interval
        self.meter = ProgressMeter()
        self.extra = {"pid": os.getpid(), "host": socket.gethostname(), **(extra or {})}
        self._last_write = 0.0
        self._last_stage = ""

    def __call__(self, done: int, total: int, stage: str = READING) -> None:
        now = time.monotonic()
        if stage == self._last_stage and now - self._last_write < self.interval:
            return
        self._last_write, self._last_stage = now, stage
        self.write(self.meter.snapshot(done, total, stage))

    def write(self, snapshot: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        partial.write_text(json.dumps({**snapshot, **self.extra, "updated_at": time.time()}))
        os.replace(partial, self.path)


def progress_read(path: Path) -> dict | None:
    """The last progress written to ``path``, or ``None`` when there is none yet."""
    try:
        return json.loads(Path(path).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


class ProgressLine:
    """Prints progress as one line on a terminal (rewritten in place), or a line every few seconds elsewhere."""

    def __init__(self, stream: TextIO | None = None, *, interval: float | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.interval = interval if interval is not None else (0.2 if self.tty else 5.0)
        self.meter = ProgressMeter()
        self._last_write = 0.0
        self._last_stage = ""
        self._width = 0

    def __call__(self, done: int, total: int, stage: str = READING) -> None:
        now = time.monotonic()
        if stage == self._last_stage and now - self._last_write < self.interval:
            return
        self._last_write, self._last_stage = now, stage
        text = progress_text(self.meter.snapshot(done, total, stage))
        if self.tty:
            self.stream.write("\r" + text.ljust(self._width))
            self._width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def end(self) -> None:
        """Leave the line: the next output starts on a line of its own."""
        if self.tty and self._width:
            self.stream.write("\n")
            self.stream.flush()
