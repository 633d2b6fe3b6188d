from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from continuum import workflow
from continuum.accounts.access import access, authorize
from continuum.audit.log import delete_audited, form_columns, history, record, save_audited
from continuum.audit.models import AuditEvent

from . import extensions, team, transitions
from .forms import MemberForm, SiteFilterForm, SiteForm
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
            overdue = extensions.overdue_ids(sites)
            sites = sites.filter(pk__in=overdue)
    sites = list(sites.distinct())
    silent = extensions.silent_ids(Site.objects.filter(pk__in=[s.pk for s in sites]))
    template = "sites/site_list.html#results" if request.htmx else "sites/site_list.html"
    return TemplateResponse(request, template, {"form": form, "sites": sites, "silent": silent})


TIMELINE_SHOWN = 10  # the latest changes; the record's history page has them all


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
            "indicator": workflow.indicator(transitions.LIFECYCLE, site),
            "origin": getattr(site, "origin_request", None),
            "internal": internal,
            "members": site.members.select_related("user", "user__organization"),
            "offers": workflow.offers(
                transitions.LIFECYCLE,
                site,
                user,
                lambda name: reverse("sites:transition", args=[site.pk, name]),
            ),
            "can_manage": user.has_perm("sites.manage_site", site),
            "member_form": MemberForm(site=site) if user.has_perm("sites.manage_site", site) else None,
            "events": history(site)[:TIMELINE_SHOWN] if internal else None,
            "events_total": history(site).count() if internal else 0,
            "can_see_feedback": user.has_perm("feedback.view_results", site),
            "can_see_critac": site.program == "cri_tac" and user.has_perm("critac.view_deliveries", site),
        },
    )


@access("sites.list_sites")
@require_POST
def site_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    site = visible_site(request, pk)
    moved, form = workflow.post(request, transitions.LIFECYCLE, site, name)
    if moved is None:
        messages.error(request, workflow.first_error(form))
    else:
        messages.success(request, f"The site is now {moved.get_status_display().lower()}.")
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
    if not form.is_valid():
        messages.error(request, "Choose a person and a role: " + workflow.first_error(form))
        return redirect(site)
    data = form.cleaned_data
    try:
        member = team.add_member(site, data["user"], data["role"], request.user,
                                 confirmed=data.get("other_organization", False),
                                 conflict_statement=data.get("conflict_statement", ""))  # fmt: skip
    except team.TeamError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{member.user} joined the team.")
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
