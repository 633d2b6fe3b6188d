"""Anonymous submissions are limited per client: at most ANONYMOUS_LIMIT requests an hour, counted from the
requests themselves under a lock (so parallel submissions cannot all pass the count), and at most
ATTEMPT_LIMIT form posts an hour, counted in the shared cache (so failed posts cannot be repeated forever).
The client is its address as the trusted proxy reports it (accounts/clients.py), kept only as a keyed hash."""

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from continuum.accounts.clients import client_address

from .models import Request

ANONYMOUS_LIMIT = 5
ATTEMPT_LIMIT = 30
WINDOW = timezone.timedelta(hours=1)


class Limited(Exception):
    """This client has sent as many requests as an hour allows."""


def client_key(http_request) -> str:
    """A keyed hash of the client's address: enough to count, useless to identify."""
    address = client_address(http_request)
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def _created_recently(key: str) -> int:
    return Request.objects.filter(client_key=key, submitted_at__gte=timezone.now() - WINDOW).count()


def is_limited(http_request) -> bool:
    """Whether an anonymous client has reached either limit; counts this post as an attempt."""
    if http_request.user.is_authenticated:
        return False
    key = client_key(http_request)
    bucket = f"intake-attempts:{key}:{int(time.time() // WINDOW.total_seconds())}"
    cache.add(bucket, 0, int(WINDOW.total_seconds()))
    try:
        attempts = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        attempts = 1
    return attempts > ATTEMPT_LIMIT or _created_recently(key) >= ANONYMOUS_LIMIT


def hold(key: str, anonymous: bool) -> None:
    """Inside the saving transaction: wait for this client's other submissions, then count again.

    PostgreSQL takes a transaction-scoped advisory lock on the client; SQLite's transactions here are IMMEDIATE
    (settings), so writers already queue. Raises Limited when the count is reached."""
    if not anonymous:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            lock_id = int.from_bytes(hashlib.sha256(key.encode()).digest()[:7])
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])
    if _created_recently(key) >= ANONYMOUS_LIMIT:
        raise Limited
