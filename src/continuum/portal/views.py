from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from continuum.accounts.access import PUBLIC, access
from continuum.agencies.models import Agency

from .navigation import count_of
from .programs import RESPONSE_CENTER_PHONE


@access(PUBLIC)
def healthz(request: HttpRequest) -> HttpResponse:
    """Alive and answering: a liveness probe, and the load benchmark's yardstick (middleware and nothing else)."""
    return HttpResponse("ok", content_type="text/plain")


@access(PUBLIC)
def home(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "portal/home.html", {"response_center_phone": RESPONSE_CENTER_PHONE})


# function(request) -> dict added to the workspace page's context, registered by the apps built on the portal
# (continuum.notifications: what needs the user, their e-mail choice)
WORKSPACE_CONTEXT: list = []


@access("accounts.use_workspace")
def workspace(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {"user_agency": None, "agency_count": None}
    for extra in WORKSPACE_CONTEXT:
        context.update(extra(request))
    if user.is_agency_user:
        context["user_agency"] = Agency.objects.visible_to(user).first()
    if user.is_program_side:
        context["agency_count"] = Agency.objects.count()
    return TemplateResponse(request, "portal/workspace.html", context)


@access("accounts.use_workspace")
def nav_count(request: HttpRequest, name: str) -> HttpResponse:
    """One of the navigation's counts, as the fragment a page fetches once loaded (empty when nothing)."""
    item = count_of(request, name)
    if item is None:
        raise Http404
    response = TemplateResponse(request, "portal/nav_count.html", {"item": item})
    response["Cache-Control"] = "private, no-store"
    return response
