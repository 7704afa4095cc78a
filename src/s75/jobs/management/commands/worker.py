"""`s75 worker`: run background tasks (django-tasks-db's worker), first failing the tasks of a stopped worker."""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from s75.jobs.services import stopped_tasks_fail, worker_id, worker_stopped_reason


class Command(DatabaseWorkerCommand):
    help = (
        "Run background tasks (imports, reports) as they are enqueued, one at a time; start several for several at "
        "once. On starting, a task left running by a worker of this host that has since stopped is marked failed."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # host:pid, so that a later worker on the same host can tell whether this one is still alive.
        parser.set_defaults(worker_id=worker_id())

    def handle(self, *args, **options):
        for result in stopped_tasks_fail():
            self.stderr.write(f"Task {result.id} ({result.task_name}) failed: "
                              f"{worker_stopped_reason(result.worker_ids[-1])}.")
        super().handle(*args, **options)
