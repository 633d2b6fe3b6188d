from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from continuum.accounts.access import access, authorize
from continuum.audit.log import delete_audited, form_columns, history, record, save_audited
from continuum.audit.models import AuditEvent
from continuum.delivery import status as delivery_status
from continuum.workplans import plans

from . import transitions
from .forms import MemberForm, ReasonForm, SiteFilterForm, SiteForm
from .models import Site, SiteMember


def visible_site(request: HttpRequest, pk: int, permission: str = "sites.view_site") -> Site:
    """The site if this user may see it (404 otherwise), checked against `permission` (403)."""
    site = get_object_or_404(
        Site.objects.visible_to(request.user).select_related("agency", "provider"), pk=pk
    )
    authorize(request.user, permission, site)
    return site


@access("sites.list_sites")
def site_list(request: HttpRequest) -> HttpResponse:
    """“My sites” for every role; for program staff, the overview of all sites with filters."""
    form = SiteFilterForm(request.GET or None)
    sites = (
        Site.objects.visible_to(request.user).select_related("agency", "provider").prefetch_related("topics")
    )
    if form.is_valid():
        data = form.cleaned_data
        if q := data["q"]:
            sites = sites.filter(Q(title__icontains=q) | Q(agency__name__icontains=q))
        for field, value in [("program", data["program"]), ("status", data["status"]),
                             ("provider", data["provider"]), ("agency__state", data["state"]),
                             ("topics", data["topic"])]:  # fmt: skip
            if value:
                sites = sites.filter(**{field: value})
        if data["overdue"]:
            overdue = delivery_status.silent_site_ids(sites) | delivery_status.late_milestone_site_ids(sites)
            sites = sites.filter(pk__in=overdue)
    sites = list(sites.distinct())
    silent = delivery_status.silent_site_ids(Site.objects.filter(pk__in=[s.pk for s in sites]))
    template = "sites/site_list.html#results" if request.htmx else "sites/site_list.html"
    return TemplateResponse(request, template, {"form": form, "sites": sites, "silent": silent})


TRANSITIONS = {
    "start_delivery": ("Start delivery", transitions.start_delivery),
    "start_report": ("Start drafting the report", transitions.start_report),
    "submit_report": ("Send the report for review", transitions.submit_report),
    "return_report": ("Return the report for changes", transitions.return_report),
    "publish": ("Publish", transitions.publish),
    "close": ("Close the site", transitions.close),
    "suspend": ("Suspend", transitions.suspend),
    "resume": ("Resume", transitions.resume),
}
NEXT_STEPS = {
    Site.Status.APPROVED: ["start_delivery"],
    Site.Status.DELIVERY: ["start_report"],
    Site.Status.REPORT_DRAFTING: ["submit_report"],
    Site.Status.REPORT_REVIEW: ["publish", "return_report"],
    Site.Status.PUBLISHED: ["close"],
    Site.Status.SUSPENDED: ["resume"],
}
TRANSITION_PERMISSION = {
    "start_delivery": "sites.deliver", "start_report": "sites.deliver", "submit_report": "sites.deliver",
    "return_report": "sites.manage_site", "publish": "sites.manage_site", "close": "sites.manage_site",
    "suspend": "sites.manage_site", "resume": "sites.manage_site",
}  # fmt: skip


def _available_steps(user, site: Site) -> list[tuple[str, str]]:
    names = list(NEXT_STEPS.get(site.status, []))
    if site.status in transitions.ACTIVE:
        names.append("suspend")
    return [
        (name, TRANSITIONS[name][0]) for name in names if user.has_perm(TRANSITION_PERMISSION[name], site)
    ]


@access("sites.list_sites")
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = visible_site(request, pk)
    user = request.user
    internal = user.has_perm("sites.view_internal", site)
    return TemplateResponse(
        request,
        "sites/site_detail.html",
        {
            "site": site,
            "origin": getattr(site, "origin_request", None),
            "internal": internal,
            "members": site.members.select_related("user", "user__organization"),
            "approved_plan": plans.approved(site),
            "latest_plan": plans.latest(site),
            "steps": _available_steps(user, site),
            "reason_form": ReasonForm(),
            "can_manage": user.has_perm("sites.manage_site", site),
            "member_form": MemberForm(site=site) if user.has_perm("sites.manage_site", site) else None,
            "events": history(site)[:50] if internal else None,
            "can_see_feedback": user.has_perm("feedback.view_results", site),
            "can_see_critac": site.program == "cri_tac" and user.has_perm("critac.view_deliveries", site),
        },
    )


@access("sites.list_sites")
@require_POST
def site_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if name not in TRANSITIONS:
        raise Http404
    site = visible_site(request, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        site = TRANSITIONS[name][1](site, request.user, form.cleaned_data.get("reason", ""))
    except transitions.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"The site is now {site.get_status_display().lower()}.")
    return redirect(site)


@access("sites.list_sites")
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = visible_site(request, pk, "sites.manage_site")
    form = SiteForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            before = sorted(str(t) for t in site.topics.all())
            save_audited(
                form.save(commit=False), request.user, reason="Site record edited", fields=form_columns(form)
            )
            form.save_m2m()
            after = sorted(str(t) for t in site.topics.all())
            if before != after:
                record(request.user, site, AuditEvent.Action.UPDATED,
                       changes={"topics": [", ".join(before), ", ".join(after)]})  # fmt: skip
        messages.success(request, "The site was saved.")
        return redirect(site)
    return TemplateResponse(
        request, "sites/site_form.html", {"site": site, "form": form}, status=422 if form.errors else 200
    )


@access("sites.list_sites")
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    site = visible_site(request, pk, "sites.manage_site")
    form = MemberForm(request.POST, site=site)
    if form.is_valid():
        member = form.save(commit=False)
        member.site = site
        with transaction.atomic():
            member.save()
            record(request.user, site, AuditEvent.Action.UPDATED, changes={"team": [None, str(member)]})
        messages.success(request, f"{member.user} joined the team.")
    else:
        messages.error(
            request,
            "Choose a person and a role: " + "; ".join(e for errs in form.errors.values() for e in errs),
        )
    return redirect(site)


@access("sites.list_sites")
@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    site = visible_site(request, pk, "sites.manage_site")
    member = get_object_or_404(SiteMember, pk=member_pk, site=site)
    with transaction.atomic():
        record(request.user, site, AuditEvent.Action.UPDATED, changes={"team": [str(member), None]})
        delete_audited(member, request.user, reason="Removed from the team")
    messages.success(request, f"{member.user} left the team.")
    return redirect(site)
