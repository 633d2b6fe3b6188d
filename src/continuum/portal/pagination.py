"""Long lists come a page at a time, so a list page costs the same whatever the number of records."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def page_of(request: HttpRequest, items, per_page: int, count: int | None = None) -> Page:
    """The page named by ?page= (the first for a missing or malformed number, the last past the end).

    `items` must be ordered to the last column, or pages could overlap. Pass `count` when the view already
    knows how many items there are, to spare the database a COUNT."""
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count  # a cached property: given, it is not asked of the database
    return paginator.get_page(request.GET.get("page"))
