"""E-mail about what needs a user's action: one e-mail as it happens, or one digest a day, as each user chose
(EmailChoice; without a choice, as it happens). Only notifications that need the user's action are e-mailed;
`emailed_at` marks them sent, so the digest sends what accumulated since, once."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import EmailChoice, Notification

SUBJECT_PREFIX = "[Continuum] "


def wants_daily(user_ids) -> set[int]:
    return set(
        EmailChoice.objects.filter(user_id__in=user_ids, when=EmailChoice.When.DAILY).values_list(
            "user_id", flat=True
        )
    )


def _context() -> dict:
    return {"site_url": settings.SITE_URL, "settings_url": settings.SITE_URL + reverse("notifications:list")}


def send_immediate(notifications: list[Notification]) -> int:
    """E-mail each notification at once to those who chose so; the others wait for the digest."""
    daily = wants_daily({n.user_id for n in notifications})
    sent = []
    for notification in notifications:
        if notification.user_id in daily or not notification.user.email:
            continue
        body = render_to_string(
            "notifications/email/action.txt", {"notification": notification, **_context()}
        )
        send_mail(f"{SUBJECT_PREFIX}Needs your action: {notification.record_label}"[:200], body, None,
                  [notification.user.email])  # fmt: skip
        sent.append(notification.pk)
    Notification.objects.filter(pk__in=sent).update(emailed_at=timezone.now())
    return len(sent)


def send_daily_digests() -> int:
    """One e-mail per user who chose the daily digest, listing what needs their action and was not e-mailed
    yet; returns how many e-mails were sent."""
    pending = (
        Notification.objects.filter(
            needs_action=True,
            emailed_at=None,
            user__is_active=True,
            user__email_choice__when=EmailChoice.When.DAILY,
        )
        .select_related("user")
        .order_by("user_id", "created_at", "pk")
    )
    by_user = defaultdict(list)
    for notification in pending:
        by_user[notification.user].append(notification)
    for user, notifications in by_user.items():
        with transaction.atomic():
            body = render_to_string(
                "notifications/email/digest.txt", {"user": user, "notifications": notifications, **_context()}
            )
            count = len(notifications)
            send_mail(f"{SUBJECT_PREFIX}{count} thing{'s' if count != 1 else ''} need{'s' if count == 1 else ''} "
                      "your action", body, None, [user.email])  # fmt: skip
            Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
                emailed_at=timezone.now()
            )
    return len(by_user)
