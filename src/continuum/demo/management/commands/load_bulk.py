from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from continuum.demo import bulk


class Command(BaseCommand):
    help = (
        "Add bulk sites and requests (bulk_create, no transitions) up to the totals asked for: the data of the "
        "load benchmark (make bench-load). Never on a database that matters."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sites", type=int, default=10_000, help="Sites in all (default 10,000).")
        parser.add_argument("--requests", type=int, default=50_000, help="Requests in all (default 50,000).")
        parser.add_argument("--seed", type=int, default=10, help="Random seed, for the same data every run.")

    def handle(self, *args, sites, requests, seed, **options):
        if sites < 0 or requests < 0:
            raise CommandError("--sites and --requests count records: give zero or more.")
        try:
            added = bulk.top_up(sites=sites, requests=requests, seed=seed)
        except (ValueError, RuntimeError) as error:
            raise CommandError(str(error)) from error
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh planner statistics, as after any bulk load
        self.stdout.write(
            f"Added {added.agencies:,} agencies, {added.sites:,} sites, {added.requests:,} requests "
            f"and {added.reports:,} published reports."
        )
