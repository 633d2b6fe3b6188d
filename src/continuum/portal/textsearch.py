"""Full-text search, one way for every search box: PostgreSQL's text search (English stemming, web-search
syntax: quotes, OR, -word), and on SQLite, the development default, every word of the query in some field
(case-insensitive). `annotated()` first (it adds the search vector on PostgreSQL), then filter with `matches()`."""

from functools import reduce
from operator import and_, or_

from django.db import connection
from django.db.models import Q, QuerySet

CONFIG = "english"


def annotated(queryset: QuerySet, fields: list[str] | tuple[str, ...]) -> QuerySet:
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchVector

        return queryset.annotate(document=SearchVector(*fields, config=CONFIG))
    return queryset


def matches(q: str, fields: list[str] | tuple[str, ...]) -> Q:
    """Rows whose `fields` match `q` (needs `annotated(...)` on PostgreSQL)."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        return Q(document=SearchQuery(q, search_type="websearch", config=CONFIG))
    words = q.split() or [q]
    return reduce(and_, (reduce(or_, (Q(**{f"{f}__icontains": w}) for f in fields)) for w in words))


def ranked(queryset: QuerySet, fields: list[str] | tuple[str, ...], q: str) -> QuerySet:
    """The matching rows, best first on PostgreSQL (its rank), newest first elsewhere."""
    found = annotated(queryset, fields).filter(matches(q, fields))
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        query = SearchQuery(q, search_type="websearch", config=CONFIG)
        return found.annotate(rank=SearchRank("document", query)).order_by("-rank", "-pk")
    return found.order_by("-pk")
