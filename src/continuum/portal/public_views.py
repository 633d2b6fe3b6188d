"""The program's public pages: its goals and three programs, the FAQ and how to reach it. The words live in
`programs.py`; the providers and examples come from the records, so they stay true as the program grows."""

from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from continuum.accounts.access import PUBLIC, access
from continuum.agencies.models import ProviderOrganization
from continuum.catalog.models import Program
from continuum.reports.models import Report
from continuum.sites.models import Site

from . import programs
from .caching import public_page

EXAMPLES = 5


@access(PUBLIC)
@public_page(params=())
def program_list(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request, "portal/programs.html", {"programs": programs.PROGRAMS, "goals": programs.GOALS}
    )


@access(PUBLIC)
@public_page(params=())
def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = programs.BY_SLUG.get(slug)
    if page is None:
        raise Http404("No such program.")
    sites = Site.objects.public().filter(program=page.program).select_related("agency", "provider")
    context = {
        "page": page,
        "providers": providers_of(page.program),
        "sites": sites.order_by("-started_on", "-pk")[:EXAMPLES],
        "site_count": sites.count(),
        "reports": Report.objects.published().filter(site__program=page.program)
        .select_related("site__agency").order_by("-published_at", "-pk")[:EXAMPLES],
    }  # fmt: skip
    return TemplateResponse(request, "portal/program.html", context)


def providers_of(program: str) -> list[ProviderOrganization]:
    """CRI-TAC's partner associations; for the other programs, the providers delivering its public sites."""
    if program == Program.CRI_TAC:
        return list(ProviderOrganization.objects.filter(cri_tac_partner__isnull=False).order_by("name"))
    return list(
        ProviderOrganization.objects.filter(sites__program=program, sites__is_public=True)
        .distinct()
        .order_by("name")
    )


@access(PUBLIC)
@public_page(params=())
def faq(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "portal/faq.html", {"sections": programs.FAQ})


@access(PUBLIC)
@public_page(params=())
def contact(request: HttpRequest) -> HttpResponse:
    context = {
        "email": programs.CONTACT_EMAIL,
        "phone": programs.RESPONSE_CENTER_PHONE,
        "hours": programs.RESPONSE_CENTER_HOURS,
    }
    return TemplateResponse(request, "portal/contact.html", context)
