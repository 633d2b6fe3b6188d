"""The personal iCalendar feed (RFC 5545, written with the `icalendar` library): one all-day event per due date
of the user's deadlines (attention.deadlines), read by calendar programs with the secret URL, no session."""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from continuum import tokens
from continuum.audit.log import record
from continuum.audit.models import AuditEvent

from .attention import Item
from .models import CalendarFeed


def issue(user) -> tuple[CalendarFeed, str]:
    """A new feed for `user` (the live one, if any, revoked): the feed and its token, shown only now."""
    with transaction.atomic():
        revoke(user)
        token = CalendarFeed.new_token()
        feed = CalendarFeed.objects.create(user=user, token_hash=tokens.digest(token))
        record(user, feed, AuditEvent.Action.SECURITY, to_state="calendar_feed_issued", reason=str(feed))
    return feed, token


def revoke(user) -> bool:
    """Revoke the user's live feed; its URL stops working. False if there was none."""
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user=user, revoked_at=None).first()
        if feed is None:
            return False
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        record(user, feed, AuditEvent.Action.SECURITY, to_state="calendar_feed_revoked", reason=str(feed))
    return True


def live_feed(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at=None).first()


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed whose secret is `token`, of an active user; None otherwise."""
    if not token:
        return None
    return (
        CalendarFeed.objects.filter(token_hash=tokens.digest(token), revoked_at=None, user__is_active=True)
        .select_related("user")
        .first()
    )


def render(items: list[Item], user) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//COPS Office//Continuum//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Continuum deadlines: {user}")
    stamp = timezone.now()
    for item in items:
        event = Event()
        key = f"{item.kind}|{item.label}|{item.url}|{item.due_on}"
        event.add("uid", f"{_uid(key)}@continuum")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due_on)
        event.add("dtend", item.due_on + datetime.timedelta(days=1))
        event.add("summary", f"{item.kind}: {item.label}" + (f" ({item.where})" if item.where else ""))
        event.add("url", settings.SITE_URL + item.url)
        event.add("description", settings.SITE_URL + item.url)
        calendar.add_component(event)
    return calendar.to_ical()


def _uid(key: str) -> str:
    """The same deadline keeps its UID from one reading of the feed to the next."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]
