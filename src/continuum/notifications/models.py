"""What happened on the records a user may see (Notification), how they want e-mail about what needs their
action (EmailChoice), and their personal calendar feed of deadlines (CalendarFeed)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at=None)


class Notification(models.Model):
    """One thing that happened on a record, for one person allowed to see it. `needs_action`: the step left the
    record waiting for this person (they may take a step on it now), so they are e-mailed about it, at once or
    in their daily digest (`emailed_at` says when)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    record_label = models.CharField(max_length=300)
    text = models.CharField(max_length=500)
    message = models.TextField(blank=True, help_text="The message to the agency that came with the step.")
    url = models.CharField(max_length=300)
    actor_label = models.CharField(max_length=200, blank=True)
    needs_action = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return f"{self.record_label}: {self.text}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailChoice(models.Model):
    """When a user is e-mailed about what needs their action. Without a row: immediately."""

    class When(models.TextChoices):
        IMMEDIATELY = "immediately", "As it happens: one e-mail each time"
        DAILY = "daily", "Once a day: a digest of what needs my action"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_choice"
    )
    when = models.CharField("e-mail me", max_length=20, choices=When.choices, default=When.IMMEDIATELY)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.get_when_display()}"


class CalendarFeed(models.Model):
    """A personal iCalendar feed of the user's deadlines, read by calendar programs without a session: the
    secret is in its URL, shown once; only its hash is kept. Revoking it (or making a new one) kills the old
    URL."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at=None), name="one_live_feed_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"

    @classmethod
    def new_token(cls) -> str:
        return secrets.token_urlsafe(32)
