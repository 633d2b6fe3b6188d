from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from continuum.accounts.access import access, authorize
from continuum.audit.log import history

from .models import Site


@access("accounts.use_workspace")
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(
        Site.objects.visible_to(request.user).select_related("agency", "provider").prefetch_related("topics"),
        pk=pk,
    )
    authorize(request.user, "sites.view_site", site)
    origin = getattr(site, "origin_request", None)
    return TemplateResponse(
        request,
        "sites/site_detail.html",
        {
            "site": site,
            "origin": origin,
            "events": history(site) if request.user.has_perm("audit.view_history") else None,
        },
    )
