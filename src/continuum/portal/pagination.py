"""Long lists come a page at a time, so a list page costs the same whatever the number of records."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def page_of(request: HttpRequest, items, per_page: int) -> Page:
    """The page named by ?page= (the first for a missing or malformed number, the last past the end).

    `items` must be ordered to the last column, or pages could overlap."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
