"""Public pages are the same for every visitor who is not signed in: such a page is rendered at most once every
PUBLIC_PAGE_CACHE_SECONDS per web process and served from the cache in between, so a surge of public traffic
costs what a trivial view costs. Signed-in users, htmx fragments and anything but GET are never cached."""

from functools import wraps

from django.conf import settings
from django.views.decorators.cache import cache_page


def public_page(view):
    def cached(seconds):
        return cache_page(seconds, key_prefix="public")(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if not seconds or request.user.is_authenticated or request.method != "GET" or request.htmx:
            return view(request, *args, **kwargs)
        return cached(seconds)(request, *args, **kwargs)

    return wrapper
