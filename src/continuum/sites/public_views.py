"""The public list of active and closed sites, as the program publishes them: nothing internal. A site is listed
from its announcement on, with its program, provider, type of TA, topics, intent and what it has published;
the lists filter by program, type, topic and state (in the address) and show the sites by state on a map."""

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from continuum.accounts.access import PUBLIC, access
from continuum.portal.caching import public_page
from continuum.portal.pagination import page_of

from . import extensions, usmap
from .forms import PublicSiteFilterForm
from .models import Site

PER_PAGE = 24
FILTERS = tuple(PublicSiteFilterForm.base_fields)


def _public_sites():
    return Site.objects.public().select_related("agency", "provider").prefetch_related("topics")


def _listing(request: HttpRequest, sites, *, closed: bool) -> HttpResponse:
    """The filtered list a page at a time, its publications, and the count by state for the map and its table:
    a fixed number of queries whatever the number of sites."""
    form = PublicSiteFilterForm(request.GET or None)
    by_state = dict(
        form.apply(sites, state=False)
        .order_by()
        .values_list("agency__state")
        .annotate(n=Count("pk", distinct=True))
    )
    page = page_of(request, form.apply(sites), PER_PAGE)
    published = extensions.publications(site.pk for site in page)
    rows = [(site, published[site.pk]) for site in page]
    width, height = usmap.size()
    chosen = form.cleaned_data.get("state") if form.is_valid() else ""
    return TemplateResponse(
        request,
        "sites/public_list.html",
        {
            "form": form, "sites": page, "rows": rows, "closed": closed,
            "tiles": usmap.tiles(by_state), "legend": usmap.legend(), "map_width": width, "map_height": height,
            "states": [(code, usmap.NAMES[code], n) for code, n in sorted(by_state.items()) if code],
            "total": sum(by_state.values()), "chosen_state": chosen,
        },
    )  # fmt: skip


@access(PUBLIC)
@public_page(params=(*FILTERS, "page"))
def active_sites(request: HttpRequest) -> HttpResponse:
    sites = _public_sites().active().order_by("agency__state", "agency__name", "pk")
    return _listing(request, sites, closed=False)


@access(PUBLIC)
@public_page(params=(*FILTERS, "page"))
def closed_sites(request: HttpRequest) -> HttpResponse:
    sites = _public_sites().filter(status=Site.Status.CLOSED).order_by("-closed_on", "-pk")
    return _listing(request, sites, closed=True)


@access(PUBLIC)
@public_page(params=())
def public_site(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(_public_sites(), pk=pk)
    progress_reports = site.progress_reports.filter(state="published").order_by("number")
    return TemplateResponse(
        request, "sites/public_detail.html", {"site": site, "progress_reports": progress_reports}
    )
