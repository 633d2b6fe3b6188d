"""The report editor in the workspace: structured forms (htmx swaps the editor in place), the review thread,
the steps of the review, downloads. The rules live in editing.py and transitions.py; these only wire them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from continuum import workflow
from continuum.accounts.access import access, authorize
from continuum.audit.log import history
from continuum.sites.views import visible_site

from . import document, editing, embeds, published_files, render_docx, render_pdf, transitions
from .forms import (
    AFTER_ACTION_PARTS,
    PART_FORMS,
    AfterActionForm,
    CommentForm,
    CorrectionForm,
    EmbedForm,
    FigureForm,
    NewReportForm,
    ReplyForm,
    SectionsForm,
    TimelineImportForm,
    part_form,
)
from .models import EmbeddedResult, Figure, Report, ReportLocked, ReviewComment
from .timeline import TimelineError

PART_MODELS = {kind: form._meta.model for kind, form in PART_FORMS.items()} | {
    "embed": EmbeddedResult,
    "figure": Figure,
}


def visible_report(request: HttpRequest, site_pk: int, pk: int, permission: str = "reports.view_report"):
    """The site and report if this user may see them (404 otherwise), checked against `permission` (403)."""
    site = visible_site(request, site_pk, "reports.view_site_reports")
    report = get_object_or_404(Report.objects.visible_to(request.user).filter(site=site), pk=pk)
    if not request.user.has_perm("reports.view_report", report):
        raise Http404
    authorize(
        request.user,
        permission,
        site if permission in {"reports.draft_report", "reports.review_report"} else report,
    )
    return site, report


@access("reports.list_reports")
def site_reports(request: HttpRequest, site_pk: int) -> HttpResponse:
    site = visible_site(request, site_pk, "reports.view_site_reports")
    reports = [r for r in site.reports.all() if request.user.has_perm("reports.view_report", r)]
    can_draft = request.user.has_perm("reports.draft_report", site)
    form = NewReportForm(request.POST or None, prefix="new") if can_draft else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                report = editing.create_report(
                    site, request.user, title=form.cleaned_data["title"], kind=form.cleaned_data["kind"]
                )
            except transitions.TransitionError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, "The report was started.")
                return redirect(report)
    return TemplateResponse(
        request,
        "reports/site_reports.html",
        {"site": site, "reports": reports, "form": form},
        status=422 if form is not None and form.errors else 200,
    )


def _context(request, site, report, **overrides) -> dict:
    user = request.user
    can_edit = report.status in Report.EDITABLE and user.has_perm("reports.draft_report", site)
    doc = document.build(report)
    kinds = [k for k in PART_FORMS if report.is_after_action or k not in AFTER_ACTION_PARTS]
    add_forms = {}
    edit_forms = {}
    if can_edit:
        for kind in kinds:
            add_forms[kind] = overrides.get(f"add_{kind}") or part_form(kind, report)
        for kind in kinds:
            for part in _parts(report, kind):
                key = f"{kind}-{part.pk}"
                edit_forms[key] = overrides.get(f"edit_{key}") or part_form(
                    kind, report, instance=part, prefix=key
                )
    recommendation_forms = {}
    if can_edit:
        for finding in report.findings.all():
            recommendation_forms[finding.pk] = overrides.get(f"add_recommendation_{finding.pk}") or part_form(
                "recommendation", report, prefix=f"rec-for-{finding.pk}", initial={"finding": finding.pk}
            )
    offers = workflow.offers(
        transitions.LIFECYCLE,
        report,
        user,
        lambda name: reverse("reports:step", args=[site.pk, report.pk, name]),
    )
    in_review = report.status in (Report.Status.INTERNAL_REVIEW, Report.Status.AGENCY_REVIEW)
    return {
        "site": site,
        "report": report,
        "indicator": workflow.indicator(transitions.LIFECYCLE, report),
        "doc": doc,
        "aar_note": editing.AFTER_ACTION_NOTE,
        "can_edit": can_edit,
        "sections_form": overrides.get("sections_form")
        or (SectionsForm(instance=report, prefix="report") if can_edit else None),
        "aar_form": overrides.get("aar_form")
        or (AfterActionForm(instance=report, prefix="aar") if can_edit and report.is_after_action else None),
        "add_forms": add_forms,
        "edit_forms": edit_forms,
        "recommendation_forms": recommendation_forms,
        "embed_form": overrides.get("embed_form")
        or (EmbedForm(report=report, user=user, prefix="embed") if can_edit else None),
        "figure_form": overrides.get("figure_form")
        or (FigureForm(report=report, prefix="figure") if can_edit else None),
        "import_form": overrides.get("import_form")
        or (TimelineImportForm(prefix="import") if can_edit and report.is_after_action else None),
        "import_problems": overrides.get("import_problems"),
        "offers": offers,
        "factual_reviews": list(report.factual_reviews.select_related("sent_by", "closed_by")),
        "comments": editing.visible_comments(report, user)
        .select_related("author", "resolved_by")
        .prefetch_related("replies__author"),
        "comment_form": overrides.get("comment_form")
        or (
            CommentForm(report=report, prefix="comment")
            if in_review and user.has_perm("reports.comment_report", report)
            else None
        ),
        "can_reply": not report.is_locked and user.has_perm("reports.comment_report", report),
        "can_resolve": not report.is_locked and user.has_perm("reports.draft_report", site),
        "correction_form": CorrectionForm(prefix="correction")
        if report.status == Report.Status.PUBLISHED
        and user.has_perm("reports.draft_report", site)
        and not report.corrections.exclude(status__in=Report.LOCKED).exists()
        else None,
        "versions": [
            r
            for r in Report.objects.filter(site=site, kind=report.kind)
            if user.has_perm("reports.view_report", r)
        ],
        "events": history(report)[:30] if user.has_perm("sites.view_internal", site) else None,
    }


def _parts(report, kind):
    if kind == "recommendation":
        return (
            PART_MODELS[kind]
            .objects.filter(finding__report=report)
            .order_by("finding__position", "position", "pk")
        )
    if kind == "action":
        return PART_MODELS[kind].objects.filter(recommendation__finding__report=report)
    return PART_MODELS[kind].objects.filter(report=report)


def _render(request, site, report, *, invalid=False, **overrides) -> HttpResponse:
    context = _context(request, site, report, **overrides)
    if request.htmx:
        # htmx swaps only 2xx answers: the form errors come back as the swapped editor.
        return TemplateResponse(request, "reports/editor.html#editor", context)
    return TemplateResponse(request, "reports/editor.html", context, status=422 if invalid else 200)


def _done(request, site, report, message: str | None = None, error: str | None = None) -> HttpResponse:
    if message:
        messages.success(request, message)
    if error:
        messages.error(request, error)
    if request.htmx:
        report.refresh_from_db()
        return _render(request, site, report)
    return redirect(report)


@access("reports.list_reports")
def editor(request: HttpRequest, site_pk: int, pk: int) -> HttpResponse:
    site, report = visible_report(request, site_pk, pk)
    return _render(request, site, report)


@access("reports.list_reports")
@require_POST
def save_sections(request: HttpRequest, site_pk: int, pk: int) -> HttpResponse:
    site, report = visible_report(request, site_pk, pk, "reports.draft_report")
    which = request.POST.get("which", "report")
    form_class, prefix, name = (
        (AfterActionForm, "aar", "aar_form") if which == "aar" else (SectionsForm, "report", "sections_form")
    )
    form = form_class(request.POST, instance=report, prefix=prefix)
    if not form.is_valid():
        return _render(request, site, report, invalid=True, **{name: form})
    try:
        editing.save_report(form.save(commit=False), request.user)
    except (transitions.TransitionError, ReportLocked) as error:
        return _done(request, site, report, error=str(error))
    return _done(request, site, report, "The sections were saved.")


def _kind_or_404(kind: str, report) -> None:
    if kind not in PART_FORMS or (kind in AFTER_ACTION_PARTS and not report.is_after_action):
        raise Http404


@access("reports.list_reports")
@require_POST
def add_part(request: HttpRequest, site_pk: int, pk: int, kind: str) -> HttpResponse:
    site, report = visible_report(request, site_pk, pk, "reports.draft_report")
    _kind_or_404(kind, report)
    prefix = request.POST.get("form_prefix", kind)
    if not (prefix == kind or (kind == "recommendation" and prefix.startswith("rec-for-"))):
        prefix = kind
    form = part_form(kind, report, data=request.POST, prefix=prefix)
    if not form.is_valid():
        key = f"add_recommendation_{prefix.removeprefix('rec-for-')}" if prefix != kind else f"add_{kind}"
        return _render(request, site, report, invalid=True, **{key: form})
    part = form.save(commit=False)
    if hasattr(part, "report_id") and kind not in {"recommendation", "action"}:
        part.report = report
    try:
        editing.add_part(report, request.user, part, kind)
        if kind == "recommendation":
            editing.set_topics(report, request.user, part, form.cleaned_data["topics"])
    except (transitions.TransitionError, ReportLocked) as error:
        return _done(request, site, report, error=str(error))
    return _done(request, site, report, f"The {PART_MODELS[kind]._meta.verbose_name} was added.")


def _part(report, kind: str, part_pk: int):
    return get_object_or_404(_parts(report, kind), pk=part_pk)


@access("reports.list_reports")
@require_POST
def edit_part(request: HttpRequest, site_pk: int, pk: int, kind: str, part_pk: int) -> HttpResponse:
    site, report = visible_report(request, site_pk, pk, "reports.draft_report")
    _kind_or_404(kind, report)
    part = _part(report, kind, part_pk)
    key = f"{kind}-{part.pk}"
    form = part_form(kind, report, data=request.POST, instance=part, prefix=key)
    if not form.is_valid():
        return _render(request, site, report, invalid=True, **{f"edit_{key}": form})
    try:
        editing.save_part(report, request.user, form.save(commit=False))
        if kind == "recommendation":
            editing.set_topics(report, request.user, part, form.cleaned_data["topics"])
    except (transitions.TransitionError, ReportLocked) as error:
        return _done(request, site, report, error=str(error))
    return _done(request, site, report, f"The {PART_MODELS[kind]._meta.verbose_name} was saved.")


@access("reports.list_reports")
@require_POST
def remove_part(request: HttpRequest, site_pk: int, pk: int, kind: str, part_pk: int) -> HttpResponse:
    site, report = visible_report(request, site_pk, pk, "reports.draft_report")
    if kind not in PART_MODELS:
        raise Http404
    part = _part(report, kind, part_pk)
    try:
        editing.remove_part(report, request.user, part)
    except (transitions.TransitionError, ReportLocked) as error:
        return _done(request, site, report, error=str(error))
    return _done(request, site, report, f"The {PART_MODELS[kind]._meta.verbose_name} was removed.")


@access("reports.list_reports")
@require_POST
def move_part(
    request: HttpRequest, site_pk: int, pk: int, kind: str, part_pk: int, direction: str
) -> HttpResponse:
    site, report = visible_report(request, site_pk, pk, "reports.draft_report")
    if kind not in PART_MODELS or direction not in {"up", "down"} or kind == "timeline":
        raise Http404
    part = _part(report, kind, part_pk)
    try:
        editing.move_part(report, request.user, part, kind, -1 if direction == "up" else 1)
    except (transitions.TransitionError, ReportLocked) as error:
        return _done(request, site, report, error=str(error))
    return _done(request, site, report, f"Moved {direction}; the numbers follow.")


@access("reports.list_reports")
@require_POST
def embed(request: HttpRequest, site_pk: int, pk: int) -> HttpResponse:
    site, report = visible_report(request, site_pk, pk, "reports.draft_report")
    form = EmbedForm(request.POST, report=report, user=request.user, prefix="embed")
    if not form.is_valid():
        return _render(request, site, report, invalid=True, embed_form=form)
    data = form.cleaned_data
    try:
        editing.embed_site_result(
            report,
            request.user,
            data["result"],
            title=data["title"],
            alt_text=data["alt_text"],
            finding=data["finding"],
        )
    except (transitions.TransitionError, embeds.ResultError, ReportLocked) as error:
        return _done(request, site, report, error=str(error))
    return _done(request, site, report, "The analysis result was embedded.")


@access("reports.list_reports")
@require_POST
def add_figure(request: HttpRequest, site_pk: int, pk: int) -> HttpResponse:
    site, report = visible_report(request, site_pk, pk, "reports.draft_report")
    form = FigureForm(request.POST, request.FILES, report=report, prefix="figure")
    if not form.is_valid():
        return _render(request, site, report, invalid=True, figure_form=form)
    data = form.cleaned_data
    try:
        editing.add_figure(
            report,
            request.user,
            image=data["image"],
            content_type=form.content_type,
            caption=data["caption"],
            alt_text=data["alt_text"],
            finding=data["finding"],
        )
    except (transitions.TransitionError, ReportLocked) as error:
        return _done(request, site, report, error=str(error))
    return _done(request, site, report, "The figure was added.")


@access("reports.list_reports")
@require_POST
def import_timeline(request: HttpRequest, site_pk: int, pk: int) -> HttpResponse:
    site, report = visible_report(request, site_pk, pk, "reports.draft_report")
    if not report.is_after_action:
        raise Http404
    form = TimelineImportForm(request.POST, request.FILES, prefix="import")
    if not form.is_valid():
        return _render(request, site, report, invalid=True, import_form=form)
    try:
        count = editing.import_timeline(report, request.user, form.cleaned_data["file"].read())
    except TimelineError as error:
        return _render(request, site, report, invalid=True, import_form=form, import_problems=error.problems)
    except (transitions.TransitionError, ReportLocked) as error:
        return _done(request, site, report, error=str(error))
    return _done(request, site, report, f"{count} events were added to the timeline.")


@access("reports.list_reports")
@require_POST
def add_comment(request: HttpRequest, site_pk: int, pk: int) -> HttpResponse:
    site, report = visible_report(request, site_pk, pk, "reports.comment_report")
    form = CommentForm(request.POST, report=report, prefix="comment")
    if not form.is_valid():
        return _render(request, site, report, invalid=True, comment_form=form)
    data = form.cleaned_data
    try:
        editing.comment(report, request.user, data["text"], data["passage"], data["quote"])
    except transitions.TransitionError as error:
        return _done(request, site, report, error=str(error))
    return _done(request, site, report, "Your comment was added.")


@access("reports.list_reports")
@require_POST
def reply(request: HttpRequest, site_pk: int, pk: int, comment_pk: int) -> HttpResponse:
    site, report = visible_report(request, site_pk, pk, "reports.comment_report")
    note = get_object_or_404(ReviewComment, report=report, pk=comment_pk)
    form = ReplyForm(request.POST, prefix=f"reply-{note.pk}")
    resolve = request.POST.get("resolve") == "1"
    if not form.is_valid():
        return _done(request, site, report, error="Write the reply first.")
    try:
        editing.reply(note, request.user, form.cleaned_data["text"], resolve=resolve)
    except transitions.TransitionError as error:
        return _done(request, site, report, error=str(error))
    return _done(request, site, report, "The comment is resolved." if resolve else "Your reply was added.")


@access("reports.list_reports")
@require_POST
def step(request: HttpRequest, site_pk: int, pk: int, name: str) -> HttpResponse:
    _site, report = visible_report(request, site_pk, pk)
    moved, form = workflow.post(request, transitions.LIFECYCLE, report, name)
    if moved is None:
        messages.error(request, workflow.first_error(form))
    else:
        report = moved
        messages.success(request, f"The report is now {report.get_status_display().lower()}.")
    return redirect(report)


@access("reports.list_reports")
@require_POST
def correction(request: HttpRequest, site_pk: int, pk: int) -> HttpResponse:
    _site, report = visible_report(request, site_pk, pk, "reports.draft_report")
    form = CorrectionForm(request.POST, prefix="correction")
    if not form.is_valid():
        messages.error(request, "Say what the correction changes.")
        return redirect(report)
    try:
        copy = transitions.start_correction(report, request.user, form.cleaned_data["change_note"])
    except transitions.TransitionError as error:
        messages.error(request, str(error))
        return redirect(report)
    messages.success(request, f"Version {copy.version} is open for the correction.")
    return redirect(copy)


FORMATS = {
    "pdf": (render_pdf, "application/pdf"),
    "docx": (render_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}


def download(report, fmt: str) -> HttpResponse:
    """A report as a file: published versions come from disk (rendered once), drafts are rendered each time."""
    if fmt not in FORMATS:
        raise Http404
    renderer, content_type = FORMATS[fmt]
    final = report.status in Report.PUBLIC_STATES
    data = published_files.file_for(report, fmt) if final else renderer.render(report)
    response = HttpResponse(data, content_type=content_type)
    name = renderer.filename(report)
    disposition = "inline" if fmt == "pdf" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    if not (final and report.site.is_public):
        response["Cache-Control"] = "private, no-store"
    return response


@access("reports.list_reports")
def workspace_download(request: HttpRequest, site_pk: int, pk: int, fmt: str) -> HttpResponse:
    _site, report = visible_report(request, site_pk, pk)
    return download(report, fmt)
