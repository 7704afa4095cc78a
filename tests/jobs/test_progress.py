"""Progress: worked out as rows a second and time left, said as a finance officer would, kept in the cache for a
task's page, printed as a line by the command line."""

import io
import json
import os

import pytest

from s75.jobs.progress import ProgressCache, ProgressFile, ProgressLine, ProgressMeter, progress_get, progress_text


def test_a_tasks_progress_is_kept_in_the_cache_a_few_times_a_second_at_most_and_at_each_change_of_stage():
    progress = ProgressCache("task-1", interval=60)
    assert progress_get("task-1") is None
    progress(1, 10, "reading")
    progress(5, 10, "reading")
    assert progress_get("task-1")["done"] == 1
    progress(10, 10, "posting")
    assert (progress_get("task-1")["stage"], progress_get("task-1")["done"]) == ("posting", 10)
    assert progress_get("task-2") is None


def test_a_progress_file_is_replaced_whole(tmp_path):
    path = tmp_path / "p.json"
    progress = ProgressFile(path, interval=60)
    progress(1, 10, "reading")
    progress(5, 10, "reading")
    assert json.loads(path.read_text())["done"] == 1
    progress(10, 10, "posting")
    assert json.loads(path.read_text())["stage"] == "posting"
    assert os.listdir(tmp_path) == ["p.json"]


@pytest.mark.parametrize(
    ("snapshot", "text"),
    [
        ({"stage": "reading", "done": 1500, "total": 1_000_000, "rate": 250_000, "seconds_left": 4},
         "1,500 of 1,000,000 rows (0%), 250,000 rows a second, about 4 seconds left"),
        ({"stage": "reading", "done": 60, "total": 0, "rate": 0, "seconds_left": None}, "60 rows"),
        ({"stage": "reading", "done": 5, "total": 100, "rate": 1, "seconds_left": 95},
         "5 of 100 rows (5%), 1 row a second, about 2 minutes left"),
        ({"stage": "posting", "done": 100, "total": 100}, "100 rows checked; posting them to the ledger"),
        ({"stage": "finished", "done": 100, "total": 100}, "100 rows: finished"),
    ],
)
def test_progress_reads_as_a_finance_officer_would_say_it(snapshot, text):
    assert progress_text(snapshot) == text


def test_the_meter_works_out_the_rate_and_the_time_left():
    meter = ProgressMeter()
    meter.started -= 10
    snapshot = meter.snapshot(500, 1500, "reading")
    assert (snapshot["rate"], snapshot["seconds_left"], snapshot["percent"]) == (50, 20, 33)


def test_a_progress_line_off_a_terminal_is_a_line_at_a_time():
    stream = io.StringIO()
    line = ProgressLine(stream, interval=0)
    line(5, 10, "reading")
    line(10, 10, "posting")
    line.end()
    assert stream.getvalue().splitlines()[1] == "10 rows checked; posting them to the ledger"
    assert stream.getvalue().startswith("5 of 10 rows (50%)")
