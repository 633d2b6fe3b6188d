"""The daily digest as a Django task, for a scheduler that enqueues tasks (`manage.py send_digests` runs the
same function directly, for cron)."""

from django.tasks import task

from .email import send_daily_digests


@task
def send_digests() -> int:
    return send_daily_digests()
