"""How far long work has got: rows done of the total, the rate, and the time left.

Long work is told its progress as it goes (a :data:`Progress` callable) and passes it on a few times a second at
most: a task to Django's cache under its result's id (:class:`ProgressCache`), where a page reads it while the work
goes on; the command line to a line on stderr (:class:`ProgressLine`) and, if asked, a JSON file
(:class:`ProgressFile`). Progress is never kept in the database: on SQLite an import's own long transaction is the
database's one writer, so nothing else could be written there until it ends.
"""

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from django.core.cache import cache

# What long work is told as it goes: (rows done, rows in all or 0 when not known, stage).
Progress = Callable[[int, int, str], None]


def no_progress(done: int, total: int, stage: str = "") -> None:
    """The :data:`Progress` of work that nobody watches."""

READING = "reading"
POSTING = "posting"
FINISHED = "finished"

PROGRESS_KEPT = 7 * 24 * 3600  # seconds a task's last progress stays in the cache


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


class _Throttled:
    """Passes progress on (:meth:`write`) at most every ``interval`` seconds, and at every change of stage."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.meter = ProgressMeter()
        self._last_write = 0.0
        self._last_stage = ""

    def __call__(self, done: int, total: int, stage: str = READING) -> None:
        now = time.monotonic()
        if stage == self._last_stage and now - self._last_write < self.interval:
            return
        self._last_write, self._last_stage = now, stage
        self.write(self.meter.snapshot(done, total, stage))

    def write(self, snapshot: dict) -> None:
        raise NotImplementedError


def _progress_key(task_id: str) -> str:
    return f"s75:progress:{task_id}"


class ProgressCache(_Throttled):
    """A task's progress, kept in the cache under its result's id for the pages that show it."""

    def __init__(self, task_id: str, *, interval: float = 0.25) -> None:
        super().__init__(interval)
        self.task_id = task_id

    def write(self, snapshot: dict) -> None:
        cache.set(_progress_key(self.task_id), {**snapshot, "updated_at": time.time()}, PROGRESS_KEPT)


def progress_get(task_id: str) -> dict | None:
    """The last progress of the task whose result has this id, or ``None`` when it has told none yet."""
    return cache.get(_progress_key(task_id))


class ProgressFile(_Throttled):
    """Writes progress to ``path`` as JSON, replacing it whole each time, for a script that runs a command."""

    def __init__(self, path: Path | str, *, interval: float = 0.25) -> None:
        super().__init__(interval)
        self.path = Path(path)

    def write(self, snapshot: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        partial.write_text(json.dumps({**snapshot, "updated_at": time.time()}))
        os.replace(partial, self.path)


class ProgressLine(_Throttled):
    """Prints progress as one line on a terminal (rewritten in place), or a line every few seconds elsewhere."""

    def __init__(self, stream: TextIO | None = None, *, interval: float | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        super().__init__(interval if interval is not None else (0.2 if self.tty else 5.0))
        self._width = 0

    def write(self, snapshot: dict) -> None:
        text = progress_text(snapshot)
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
