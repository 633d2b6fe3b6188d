"""Remove what processes killed mid-way left behind: uploaded files no record names (the server died between
writing the file and committing its row) and job work folders (the worker died mid-job). `scripts/run.sh` runs
it on start; in production, run it daily."""

import datetime
import shutil

from django.core.management.base import BaseCommand

from continuum.datasets import jobs
from continuum.portal.uploads import orphan_files


class Command(BaseCommand):
    help = "Delete uploaded files no record names and job work folders left by a killed process."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than", type=float, default=24, metavar="HOURS",
            help="only what was last written this many hours ago (default 24: spares work in progress)",
        )  # fmt: skip

    def handle(self, *args, older_than: float, **options):
        age = datetime.timedelta(hours=older_than)
        files, folders = orphan_files(age), jobs.stale_workdirs(age)
        for path in files:
            path.unlink(missing_ok=True)
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
        self.stdout.write(f"{len(files)} orphan file(s) and {len(folders)} work folder(s) removed.")
