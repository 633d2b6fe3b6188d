"""django-tasks-db's `db_worker`, which first queues again the data jobs a dead worker left running: a worker
started on its own (a service restarted after a crash, not only `scripts/run.sh`) loses no job."""

from django_tasks_db.management.commands import db_worker

from continuum.datasets import jobs


class Command(db_worker.Command):
    help = "Run the task worker, after queueing again the data jobs whose worker stopped while running them."

    def handle(self, *args, **options):
        if count := jobs.recover_stale():
            self.stdout.write(f"{count} interrupted job(s) queued again.")
        super().handle(*args, **options)
