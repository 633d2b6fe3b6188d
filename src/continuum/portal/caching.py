"""Public pages are the same for every visitor who is not signed in: such a page is rendered at most once every
PUBLIC_PAGE_CACHE_SECONDS per web process and served from the cache in between, so a surge of public traffic
costs what a trivial view costs. Signed-in users, htmx fragments and anything but GET are never cached.

The cache is keyed on the page's canonical address: only the query parameters the view reads (the last value
of each, as the view reads it; empty ones dropped; sorted), so random query strings cannot force a fresh render
on every request."""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.http import QueryDict
from django.views.decorators.cache import cache_page


def canonical_query(query: QueryDict, params) -> str:
    """The query string made of the given parameters only: the value a view reads (the last), non-empty, sorted."""
    kept = sorted((name, query[name].strip()) for name in params if query.get(name, "").strip())
    return urlencode(kept)


def public_page(view=None, *, params=("page",)):
    """Cache a public view for anonymous visitors; `params` names the query parameters it reads."""
    if view is None:
        return lambda view: public_page(view, params=params)

    def cached(seconds):
        return cache_page(seconds, cache="pages", key_prefix="public")(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if not seconds or request.user.is_authenticated or request.method != "GET" or request.htmx:
            return view(request, *args, **kwargs)
        query = canonical_query(request.GET, params)
        request.META["QUERY_STRING"] = query
        request.GET = QueryDict(query)
        return cached(seconds)(request, *args, **kwargs)

    return wrapper


def clear_public_pages() -> None:
    """Forget every cached public page, so an announcement or a publication shows at once (in this web process;
    the others see it within PUBLIC_PAGE_CACHE_SECONDS)."""
    caches["pages"].clear()
