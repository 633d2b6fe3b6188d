from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from continuum.accounts.access import PUBLIC, access, authorize
from continuum.audit.log import history
from continuum.reports.prose import render as render_markdown
from continuum.sites.models import Site
from continuum.sites.views import visible_site

from . import charts, progress, tracking
from .forms import MatrixFilterForm, PlanForm, ProgressForm, ProposalForm, VerifyForm
from .models import Implementation, ProgressReport, Proposal


def _matrix_url(site) -> str:
    return reverse("assessment:matrix", args=[site.pk])


@access("sites.list_sites")
def matrix(request: HttpRequest, site_pk: int) -> HttpResponse:
    site = visible_site(request, site_pk, "assessment.view_tracking")
    form = MatrixFilterForm(request.GET or None)
    items = site.implementations.select_related("recommendation__finding").prefetch_related("proposals")
    if form.is_valid():
        if form.cleaned_data["status"]:
            items = items.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["pending"]:
            items = items.filter(proposals__decision=Proposal.Decision.PENDING).distinct()
    current = tracking.snapshot(site)
    user = request.user
    return TemplateResponse(request, "assessment/matrix.html", {
        "site": site, "form": form, "items": items, "snapshot": current,
        "chart": charts.bars("Recommendations by implementation status", list(current["counts"].items())),
        "report": tracking.assessment_report(site), "next_due": progress.next_due(site),
        "progress_reports": site.progress_reports.all(), "labels": dict(tracking.Status.choices),
        "can_manage": user.has_perm("assessment.manage", site),
        "progress_form": ProgressForm() if user.has_perm("assessment.manage", site) else None,
    })  # fmt: skip


@access("sites.list_sites")
@require_POST
def import_items(request: HttpRequest, site_pk: int) -> HttpResponse:
    site = visible_site(request, site_pk, "assessment.manage")
    try:
        created = tracking.import_recommendations(site, request.user)
    except tracking.TrackingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"{created} recommendation{'s' if created != 1 else ''} imported for tracking."
        )
    return redirect(_matrix_url(site))


def _item(request, site_pk: int, pk: int) -> tuple[Site, Implementation]:
    site = visible_site(request, site_pk, "assessment.view_tracking")
    item = get_object_or_404(site.implementations.select_related("recommendation__finding"), pk=pk)
    return site, item


def _item_page(request, site, item, status=200, **forms) -> HttpResponse:
    user = request.user
    return TemplateResponse(request, "assessment/item.html", {
        "site": site, "item": item, "proposals": item.proposals.select_related("proposed_by", "decided_by"),
        "pending": item.proposals.filter(decision=Proposal.Decision.PENDING).first(),
        "can_propose": user.has_perm("assessment.propose", site),
        "can_verify": user.has_perm("assessment.verify", site),
        "can_manage": user.has_perm("assessment.manage", site),
        "proposal_form": forms.get("proposal_form") or ProposalForm(prefix="proposal"),
        "verify_form": forms.get("verify_form") or VerifyForm(prefix="verify"),
        "plan_form": forms.get("plan_form") or PlanForm(instance=item, prefix="plan"),
        "events": history(item),
    }, status=status)  # fmt: skip


@access("sites.list_sites")
def item_detail(request: HttpRequest, site_pk: int, pk: int) -> HttpResponse:
    site, item = _item(request, site_pk, pk)
    return _item_page(request, site, item)


@access("sites.list_sites")
@require_POST
def item_propose(request: HttpRequest, site_pk: int, pk: int) -> HttpResponse:
    site, item = _item(request, site_pk, pk)
    authorize(request.user, "assessment.propose", site)
    form = ProposalForm(request.POST, request.FILES, prefix="proposal")
    if form.is_valid():
        data = form.cleaned_data
        try:
            tracking.propose(item, request.user, status=data["status"], evidence=data["evidence"],
                             evidence_date=data["evidence_date"], upload=data["document"])  # fmt: skip
        except tracking.TrackingError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error("document", error)
        else:
            messages.success(request, "Your proposal was sent for verification.")
            return redirect(item)
    return _item_page(request, site, item, status=422, proposal_form=form)


@access("sites.list_sites")
@require_POST
def item_verify(request: HttpRequest, site_pk: int, pk: int, proposal_pk: int, decision: str) -> HttpResponse:
    if decision not in {"accept", "more-evidence"}:
        raise Http404
    site, item = _item(request, site_pk, pk)
    authorize(request.user, "assessment.verify", site)
    proposal = get_object_or_404(item.proposals, pk=proposal_pk)
    form = VerifyForm(request.POST, prefix="verify")
    form.is_valid()
    try:
        tracking.verify(
            proposal, request.user, accept=decision == "accept", reason=form.cleaned_data.get("reason", "")
        )
    except tracking.TrackingError as error:
        form.add_error(None, str(error))
        return _item_page(request, site, item, status=422, verify_form=form)
    messages.success(
        request, "The proposal was verified." if decision == "accept" else "More evidence was requested."
    )
    return redirect(item)


@access("sites.list_sites")
@require_POST
def item_plan(request: HttpRequest, site_pk: int, pk: int) -> HttpResponse:
    site, item = _item(request, site_pk, pk)
    authorize(request.user, "assessment.manage", site)
    form = PlanForm(request.POST, instance=item, prefix="plan")
    if not form.is_valid():
        return _item_page(request, site, item, status=422, plan_form=form)
    tracking.update_plan(item, request.user, responsible=form.cleaned_data["responsible"],
                         target_date=form.cleaned_data["target_date"])  # fmt: skip
    messages.success(request, "Saved.")
    return redirect(item)


@access("sites.list_sites")
def proposal_document(request: HttpRequest, site_pk: int, pk: int, proposal_pk: int) -> HttpResponse:
    _, item = _item(request, site_pk, pk)
    proposal = get_object_or_404(item.proposals, pk=proposal_pk)
    if not proposal.document:
        raise Http404("No document is attached to that proposal.")
    return FileResponse(proposal.document.open("rb"), as_attachment=True, filename=proposal.document_name)


@access("sites.list_sites")
def export(request: HttpRequest, site_pk: int) -> HttpResponse:
    site = visible_site(request, site_pk, "assessment.view_tracking")
    response = HttpResponse(tracking.export_csv(site), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="site-{site.pk}-recommendations.csv"'
    return response


@access("sites.list_sites")
@require_POST
def progress_draft(request: HttpRequest, site_pk: int) -> HttpResponse:
    site = visible_site(request, site_pk, "assessment.manage")
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            report = progress.draft(site, request.user, as_of=form.cleaned_data["as_of"],
                                    narrative=form.cleaned_data["narrative"])  # fmt: skip
        except tracking.TrackingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Progress report {report.number} drafted; publish it when ready.")
            return redirect("assessment:progress", site_pk=site.pk, number=report.number)
    else:
        messages.error(request, "Give the date and the narrative of the progress report.")
    return redirect(_matrix_url(site))


def _long_date(day) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _progress_context(report: ProgressReport) -> dict:
    snap = report.snapshot
    points = progress.history(report.site)
    if report.state == ProgressReport.State.DRAFT:
        points = [*points, {"label": f"{report.as_of:%b %Y} (draft)", "counts": snap.get("counts", {})}]
    return {
        "report": report, "site": report.site, "snapshot": snap, "narrative": render_markdown(report.narrative),
        "status_chart": charts.bars(f"Recommendations by status as of {_long_date(report.as_of)}",
                                    list(snap.get("counts", {}).items())),
        "trend_chart": charts.stacked("Implementation status over time", points), "points": points,
        "labels": dict(tracking.Status.choices),
    }  # fmt: skip


@access("sites.list_sites")
def progress_detail(request: HttpRequest, site_pk: int, number: int) -> HttpResponse:
    site = visible_site(request, site_pk, "assessment.view_tracking")
    report = get_object_or_404(ProgressReport, site=site, number=number)
    context = _progress_context(report)
    context["can_publish"] = report.state == "draft" and request.user.has_perm("assessment.publish", site)
    return TemplateResponse(request, "assessment/progress.html", context)


@access("sites.list_sites")
@require_POST
def progress_publish(request: HttpRequest, site_pk: int, number: int) -> HttpResponse:
    site = visible_site(request, site_pk, "assessment.publish")
    report = get_object_or_404(ProgressReport, site=site, number=number)
    try:
        progress.publish(report, request.user)
    except tracking.TrackingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The progress report is published on the site's public page.")
    return redirect("assessment:progress", site_pk=site.pk, number=number)


@access(PUBLIC)
def public_progress(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    report = get_object_or_404(
        ProgressReport.objects.select_related("site__agency"),
        site__pk=pk, site__is_public=True, number=number, state=ProgressReport.State.PUBLISHED,
    )  # fmt: skip
    return TemplateResponse(request, "assessment/public_progress.html", _progress_context(report))
