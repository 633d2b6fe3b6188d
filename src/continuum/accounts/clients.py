"""Who is asking: the client's address as the trusted proxy saw it.

Limits and lock-outs keyed on an address are only as good as the address. Behind TRUSTED_PROXY_COUNT reverse
proxies, REMOTE_ADDR is the proxy's (every visitor would share one limit), and the left end of X-Forwarded-For
is whatever the client wrote; the address to trust is the one the nearest trusted proxy appended, i.e. the
TRUSTED_PROXY_COUNT-th from the right. With no proxy, REMOTE_ADDR is the client."""

from django.conf import settings


def client_address(request) -> str:
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR", "")


def axes_client_address(request) -> str:
    """django-axes' AXES_CLIENT_IP_CALLABLE."""
    return client_address(request)
