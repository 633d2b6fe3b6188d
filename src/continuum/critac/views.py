"""CRI-TAC pages: the public catalog, the engagements list, routing a request, and a site's delivery records.
Site pages find the site among those the user may see (404 otherwise) and check the permission on it (403)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from continuum.accounts.access import PUBLIC, access
from continuum.catalog.models import Program, Topic, TopicArea
from continuum.delivery.work import DeliveryError
from continuum.intake.models import Request
from continuum.sites.models import Site
from continuum.sites.views import visible_site
from continuum.workflow import TransitionError

from . import routing
from .deliveries import partner_for, record_delivery
from .forms import DeliveryForm, RouteForm
from .models import DeliveryType, Partner


@access(PUBLIC)
def catalog(request: HttpRequest) -> HttpResponse:
    areas = TopicArea.objects.prefetch_related(
        Prefetch("topics", queryset=Topic.objects.active()), "partners__provider"
    )
    context = {
        "areas": areas,
        "unassigned": Topic.objects.active().filter(area__isnull=True),
        "delivery_types": DeliveryType.objects.filter(active=True),
        "partners": Partner.objects.with_coverage(),
        "can_list": request.user.has_perm("critac.list_engagements"),
    }
    return TemplateResponse(request, "critac/catalog.html", context)


@access("critac.list_engagements")
def engagements(request: HttpRequest) -> HttpResponse:
    sites = (
        Site.objects.visible_to(request.user)
        .filter(program=Program.CRI_TAC)
        .select_related("agency", "provider")
        .annotate(delivery_count=Count("cri_tac_deliveries"))
        .order_by("-created_at")
    )
    return TemplateResponse(request, "critac/engagements.html", {"sites": sites})


@access("critac.route_request")
@require_POST
def route(request: HttpRequest, pk: int) -> HttpResponse:
    intake_request = get_object_or_404(Request.objects.visible_to(request.user), pk=pk)
    form = RouteForm(request.POST, prefix="route")
    if not form.is_valid():
        messages.error(request, "Choose a partner association and give a reason to route the request.")
        return redirect(intake_request)
    try:
        routed = routing.route(
            intake_request, request.user, form.cleaned_data["partner"], form.cleaned_data["reason"],
            title=form.cleaned_data["title"], message=form.cleaned_data["message"],
        )  # fmt: skip
    except TransitionError as error:
        messages.error(request, str(error))
        return redirect(intake_request)
    messages.success(request, f"The request was routed to {routed.site.provider}; the engagement is open.")
    return redirect("critac:deliveries", routed.site_id)


def _site(request: HttpRequest, site_pk: int) -> Site:
    return visible_site(request, site_pk, "critac.view_deliveries")


@access("accounts.use_workspace")
def deliveries(request: HttpRequest, site_pk: int) -> HttpResponse:
    site = _site(request, site_pk)
    can_record = site.program == Program.CRI_TAC and request.user.has_perm("critac.record_delivery", site)
    form = DeliveryForm(request.POST or None, prefix="delivery") if can_record else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                record_delivery(site, request.user, form.save(commit=False))
            except DeliveryError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "The delivery was recorded.")
                return redirect("critac:deliveries", site.pk)
        status = 422
    context = {
        "site": site,
        "partner": partner_for(site),
        "deliveries": site.cri_tac_deliveries.select_related("delivery_type", "recorded_by"),
        "form": form,
        "closed": site.status == Site.Status.CLOSED,
        "is_cri_tac": site.program == Program.CRI_TAC,
    }
    return TemplateResponse(request, "critac/deliveries.html", context, status=status)
