"""Anonymous submissions are limited per client, counted from the requests themselves (no extra store)."""

import hashlib
import hmac

from django.conf import settings
from django.utils import timezone

from .models import Request

ANONYMOUS_LIMIT = 5
WINDOW = timezone.timedelta(hours=1)


def client_key(http_request) -> str:
    """A keyed hash of the client's address: enough to count, useless to identify."""
    address = http_request.META.get("REMOTE_ADDR", "")
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def is_limited(http_request) -> bool:
    if http_request.user.is_authenticated:
        return False
    since = timezone.now() - WINDOW
    recent = Request.objects.filter(client_key=client_key(http_request), submitted_at__gte=since)
    return recent.count() >= ANONYMOUS_LIMIT
