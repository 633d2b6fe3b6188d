from django.core.management.base import BaseCommand

from continuum.datasets import jobs


class Command(BaseCommand):
    help = "Queue again the data jobs whose worker stopped while running them (run before starting a worker)."

    def handle(self, *args, **options):
        count = jobs.recover_stale()
        self.stdout.write(f"{count} job(s) queued again." if count else "No interrupted job.")
