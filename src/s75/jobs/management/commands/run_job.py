"""`s75 run-job ID`: run a queued background job in this process (pages start it so; see s75.jobs.services)."""

from django.core.management.base import BaseCommand, CommandError

from s75.jobs.services import JobError, job_run


class Command(BaseCommand):
    help = "Run a queued background job: its progress goes to var/jobs/ID.json and its result to the database."

    def add_arguments(self, parser):
        parser.add_argument("job_id", type=int)

    def handle(self, *args, **options):
        try:
            job = job_run(job_id=options["job_id"])
        except JobError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{job}: done")
