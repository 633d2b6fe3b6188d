"""The public list of active and closed sites, as the program publishes them: nothing internal."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from continuum.accounts.access import PUBLIC, access
from continuum.portal.caching import public_page
from continuum.portal.pagination import page_of

from .models import Site

PER_PAGE = 24  # cards, two a row


def _public_sites():
    return Site.objects.public().select_related("agency", "provider").prefetch_related("topics")


@access(PUBLIC)
@public_page
def active_sites(request: HttpRequest) -> HttpResponse:
    sites = _public_sites().active().order_by("agency__state", "agency__name", "pk")
    return TemplateResponse(
        request, "sites/public_list.html", {"sites": page_of(request, sites, PER_PAGE), "closed": False}
    )


@access(PUBLIC)
@public_page
def closed_sites(request: HttpRequest) -> HttpResponse:
    sites = _public_sites().filter(status=Site.Status.CLOSED).order_by("-closed_on", "-pk")
    return TemplateResponse(
        request, "sites/public_list.html", {"sites": page_of(request, sites, PER_PAGE), "closed": True}
    )


@access(PUBLIC)
@public_page(params=())
def public_site(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(_public_sites(), pk=pk)
    progress_reports = site.progress_reports.filter(state="published").order_by("number")
    return TemplateResponse(
        request, "sites/public_detail.html", {"site": site, "progress_reports": progress_reports}
    )
