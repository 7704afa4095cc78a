"""`s75 worker` as a process against a database of its own: on starting it fails the task a killed worker of this
host left running, saying which, and then runs the tasks enqueued."""

import signal
import subprocess
import sys


def test_a_worker_starting_fails_the_task_a_killed_worker_left_running(scratch, tmp_path):
    killed = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    enqueue = f"""
import django
django.setup()
from django_tasks_db.models import DBTaskResult
from s75.jobs.services import worker_id
from s75.ledger.tasks import ledger_import_task
result = ledger_import_task.enqueue(run_id=0)
DBTaskResult.objects.get(id=result.id).claim(worker_id({killed.pid}))
print(result.id)
"""
    done = subprocess.run([sys.executable, "-c", enqueue], env=scratch.env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    task_id = done.stdout.split()[-1]
    assert scratch.task(task_id)[0] == "RUNNING"
    worker = scratch.s75("worker", "--no-reload", "--batch", "--no-startup-delay", timeout=120)
    assert worker.returncode == 0, worker.stderr
    status, traceback = scratch.task(task_id)
    assert status == "FAILED"
    assert f"the worker running it stopped (process {killed.pid} on host " in traceback
    assert f"Task {task_id} (ledger_import_task) failed: the worker running it stopped (process {killed.pid}" in (
        worker.stderr)
