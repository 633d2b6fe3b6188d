"""The public list of active and closed sites, as the program publishes them: nothing internal."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from continuum.accounts.access import PUBLIC, access

from .models import Site


def _public_sites():
    return Site.objects.public().select_related("agency", "provider").prefetch_related("topics")


@access(PUBLIC)
def active_sites(request: HttpRequest) -> HttpResponse:
    sites = _public_sites().active().order_by("agency__state", "agency__name")
    return TemplateResponse(request, "sites/public_list.html", {"sites": sites, "closed": False})


@access(PUBLIC)
def closed_sites(request: HttpRequest) -> HttpResponse:
    sites = _public_sites().filter(status=Site.Status.CLOSED).order_by("-closed_on")
    return TemplateResponse(request, "sites/public_list.html", {"sites": sites, "closed": True})


@access(PUBLIC)
def public_site(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(_public_sites(), pk=pk)
    progress_reports = site.progress_reports.filter(state="published").order_by("number")
    return TemplateResponse(
        request, "sites/public_detail.html", {"site": site, "progress_reports": progress_reports}
    )
