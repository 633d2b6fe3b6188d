from django.core.management.base import BaseCommand

from continuum.notifications.email import send_daily_digests


class Command(BaseCommand):
    help = (
        "E-mail each user who chose the daily digest what needs their action (run once a day, e.g. by cron)."
    )

    def handle(self, *args, **options):
        sent = send_daily_digests()
        self.stdout.write(f"{sent} digest{'s' if sent != 1 else ''} sent.")
