from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from continuum.accounts.access import access

from . import query


@access("accounts.use_workspace")
def search(http_request: HttpRequest) -> HttpResponse:
    q = http_request.GET.get("q", "")[:200]
    groups = query.search(http_request.user, q)
    return TemplateResponse(
        http_request, "search/results.html",
        {"q": q, "groups": groups, "total": sum(len(g.hits) for g in groups), "per_source": query.PER_SOURCE},
    )  # fmt: skip
