"""Background jobs: created, run once, their result or failure kept; progress in a file, read by pages."""

import io
import json
import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from s75.jobs import services
from s75.jobs.models import Job, JobStatus
from s75.jobs.progress import ProgressFile, ProgressLine, ProgressMeter, progress_read, progress_text
from s75.jobs.selectors import job_state
from s75.jobs.services import JobError, job_create, job_launch, job_progress_path, job_run

pytestmark = pytest.mark.django_db


def counting_handler(*, job, progress):
    for done in range(0, 101, 50):
        progress(done, 100, "reading")
    return {"counted": job.payload["count"]}


def failing_handler(*, job, progress):
    raise ValueError("the file vanished")


@pytest.fixture(autouse=True)
def test_handlers(monkeypatch, settings, tmp_path):
    settings.S75_JOBS_DIR = tmp_path / "jobs"
    monkeypatch.setitem(services.HANDLERS, "count", "tests.jobs.test_jobs.counting_handler")
    monkeypatch.setitem(services.HANDLERS, "fail", "tests.jobs.test_jobs.failing_handler")


def test_a_job_runs_once_and_keeps_its_result_and_progress():
    job = job_create(actor=None, kind="count", payload={"count": 3})
    assert job.status == JobStatus.QUEUED
    job = job_run(job_id=job.pk)
    assert (job.status, job.result) == (JobStatus.DONE, {"counted": 3})
    assert job.started_at <= job.finished_at
    assert progress_read(job_progress_path(job.pk))["stage"] == "reading"
    with pytest.raises(JobError, match="is not queued"):
        job_run(job_id=job.pk)


def test_a_failing_job_says_why():
    job = job_create(actor=None, kind="fail", payload={})
    with pytest.raises(ValueError, match="the file vanished"):
        job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.result) == (JobStatus.FAILED, {"error": "ValueError: the file vanished"})


def test_only_known_kinds_of_job_are_made():
    with pytest.raises(JobError, match="there is no kind of job called 'mine'"):
        job_create(actor=None, kind="mine", payload={})


def test_the_run_job_command_runs_a_queued_job():
    job = job_create(actor=None, kind="count", payload={"count": 1})
    out = io.StringIO()
    call_command("run_job", job.pk, stdout=out)
    assert out.getvalue() == f"Job {job.pk} (count, done): done\n"
    with pytest.raises(CommandError, match="job 999999 does not exist"):
        call_command("run_job", 999999)


def test_jobs_run_in_place_when_the_host_may_not_start_processes(settings):
    settings.S75_JOBS_RUN_INLINE = True
    job = job_create(actor=None, kind="fail", payload={})
    assert job_launch(job) == os.getpid()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    with pytest.raises(JobError, match="not queued"):
        job_launch(job)


def test_the_state_of_a_job_comes_from_its_row_and_its_file():
    job = job_create(actor=None, kind="count", payload={"count": 1})
    assert job_state(job=job).as_json()["text"] == "Waiting to start"
    ProgressFile(job_progress_path(job.pk), extra={"pid": os.getpid()}).write(
        {"stage": "reading", "done": 10, "total": 40, "rate": 5, "seconds_left": 6, "percent": 25})
    state = job_state(job=job)
    assert not state.stopped
    assert state.as_json() == {"status": "queued", "finished": False, "text": "10 of 40 rows (25%), 5 rows a second, "
                               "about 6 seconds left", "stage": "reading", "done": 10, "total": 40, "rate": 5,
                               "seconds_left": 6, "percent": 25}


def test_progress_is_written_a_few_times_a_second_at_most_and_at_each_change_of_stage(tmp_path):
    path = tmp_path / "p.json"
    progress = ProgressFile(path, interval=60)
    progress(1, 10, "reading")
    progress(5, 10, "reading")
    assert json.loads(path.read_text())["done"] == 1
    progress(10, 10, "posting")
    written = json.loads(path.read_text())
    assert (written["stage"], written["done"], written["pid"]) == ("posting", 10, os.getpid())
    assert [name for name in os.listdir(tmp_path)] == ["p.json"]


@pytest.mark.parametrize(
    ("snapshot", "text"),
    [
        ({"stage": "reading", "done": 1500, "total": 1_000_000, "rate": 250_000, "seconds_left": 4},
         "1,500 of 1,000,000 rows (0%), 250,000 rows a second, about 4 seconds left"),
        ({"stage": "reading", "done": 60, "total": 0, "rate": 0, "seconds_left": None}, "60 rows"),
        ({"stage": "reading", "done": 5, "total": 100, "rate": 1, "seconds_left": 95},
         "5 of 100 rows (5%), 1 row a second, about 2 minutes left"),
        ({"stage": "posting", "done": 100, "total": 100}, "100 rows checked; posting them to the ledger"),
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


def test_a_job_row_is_queued_until_started():
    job = Job.objects.create(kind="count")
    assert str(job) == f"Job {job.pk} (count, queued)" and not job.finished
