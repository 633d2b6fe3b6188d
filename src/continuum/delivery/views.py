"""Delivery pages of a site. Each view finds the site among those the user may see (404 otherwise), checks the
permission on it (403), and leaves the rules to contact, work, documents and milestones."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from continuum.accounts.access import access
from continuum.portal.uploads import SizeLimitHandler, limit_uploads
from continuum.sites.models import Site
from continuum.sites.views import visible_site
from continuum.workplans import plans

from . import contact, documents, milestones
from .forms import ActivityDoneForm, CommunicationForm, DocumentForm, MilestoneDoneForm, VersionForm
from .models import Document, DocumentVersion
from .work import DeliveryError, log_activity, log_communication

WORKSPACE = "accounts.use_workspace"  # object-level permissions are checked on the site in each view


def _site(request: HttpRequest, site_pk: int, permission: str = "delivery.view_delivery") -> Site:
    return visible_site(request, site_pk, permission)


def _page(request, template: str, site: Site, section: str, status: int = 200, **context) -> HttpResponse:
    user = request.user
    context.update(
        site=site,
        section=section,
        internal=user.has_perm("delivery.view_internal", site),
        closed=site.status == Site.Status.CLOSED,
    )
    return TemplateResponse(request, template, context, status=status)


@access(WORKSPACE)
def communications(request: HttpRequest, site_pk: int) -> HttpResponse:
    site = _site(request, site_pk)
    can_log = request.user.has_perm("delivery.log_communication", site)
    form = CommunicationForm(request.POST or None, prefix="communication") if can_log else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                log_communication(site, request.user, form.save(commit=False))
            except DeliveryError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "The communication was logged.")
                return redirect("delivery:communications", site.pk)
        status = 422
    return _page(
        request, "delivery/communications.html", site, "communications", status,
        form=form, communications=contact.visible_communications(site, request.user),
        days_since=contact.days_since_last_contact(site), threshold=contact.threshold_days(site.program),
        silent=contact.is_silent(site), last_contact_on=contact.last_contact_on(site),
    )  # fmt: skip


@access(WORKSPACE)
def activities(request: HttpRequest, site_pk: int) -> HttpResponse:
    site = _site(request, site_pk)
    plan = plans.approved(site)
    can_log = request.user.has_perm("delivery.log_activity", site)
    form = ActivityDoneForm(request.POST or None, plan=plan, prefix="activity") if can_log else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                log_activity(site, request.user, form.save(commit=False))
            except DeliveryError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "The activity was logged as done.")
                return redirect("delivery:activities", site.pk)
        status = 422
    done = site.activities_done.select_related("plan_activity", "logged_by")
    return _page(
        request, "delivery/activities.html", site, "activities", status, form=form, activities=done, plan=plan
    )


def _limit_uploads(request: HttpRequest) -> SizeLimitHandler:
    return limit_uploads(request, documents.MAX_DOCUMENT_BYTES)


def _refused(limit: SizeLimitHandler) -> str | None:
    return limit.refused[0] if limit.refused else None


@access(WORKSPACE)
@csrf_exempt
def document_list(request: HttpRequest, site_pk: int) -> HttpResponse:
    return _document_list(request, site_pk, _limit_uploads(request))


@csrf_protect
def _document_list(request: HttpRequest, site_pk: int, limit: SizeLimitHandler) -> HttpResponse:
    site = _site(request, site_pk)
    user = request.user
    can_upload = user.has_perm("delivery.upload_document", site)
    form = None
    if can_upload:
        form = DocumentForm(
            request.POST or None, request.FILES or None, prefix="document",
            can_choose_visibility=user.has_perm("delivery.choose_visibility", site), refused=_refused(limit),
        )  # fmt: skip
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                version = documents.add_document(
                    site, user, form.save(commit=False), form.cleaned_data["file"], checked=form.checked
                )
            except DeliveryError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"“{version.document}” was uploaded.")
                return redirect("delivery:documents", site.pk)
        status = 422
    versions = Prefetch("versions", queryset=DocumentVersion.objects.select_related("uploaded_by"))
    listed = documents.visible_documents(site, user).prefetch_related(versions)
    return _page(request, "delivery/documents.html", site, "documents", status, form=form, documents=listed)


def _document(request, site: Site, document_pk: int) -> Document:
    document = get_object_or_404(documents.visible_documents(site, request.user), pk=document_pk)
    document.site = site
    return document


@access(WORKSPACE)
@csrf_exempt
def document_detail(request: HttpRequest, site_pk: int, document_pk: int) -> HttpResponse:
    return _document_detail(request, site_pk, document_pk, _limit_uploads(request))


@csrf_protect
def _document_detail(
    request: HttpRequest, site_pk: int, document_pk: int, limit: SizeLimitHandler
) -> HttpResponse:
    site = _site(request, site_pk)
    document = _document(request, site, document_pk)
    can_upload = request.user.has_perm("delivery.upload_document", site)
    form = None
    if can_upload:
        form = VersionForm(
            request.POST or None, request.FILES or None, prefix="version", refused=_refused(limit)
        )
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                version = documents.add_version(
                    document, request.user, form.cleaned_data["file"],
                    note=form.cleaned_data["note"], checked=form.checked,
                )  # fmt: skip
            except DeliveryError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Version {version.number} of “{document}” was uploaded.")
                return redirect(document)
        status = 422
    versions = document.versions.select_related("uploaded_by")
    return _page(
        request, "delivery/document_detail.html", site, "documents", status,
        document=document, versions=versions, form=form,
    )  # fmt: skip


@access(WORKSPACE)
def download(request: HttpRequest, site_pk: int, document_pk: int, number: int) -> HttpResponse:
    site = _site(request, site_pk)
    document = _document(request, site, document_pk)
    version = get_object_or_404(document.versions, number=number)
    try:
        handle = version.file.open("rb")
    except FileNotFoundError:
        raise Http404("The stored file is missing.") from None
    return FileResponse(
        handle, as_attachment=True, filename=version.original_name, content_type=version.content_type
    )


@access(WORKSPACE)
def milestone_list(request: HttpRequest, site_pk: int) -> HttpResponse:
    site = _site(request, site_pk)
    return _milestones_page(request, site)


def _milestones_page(
    request, site: Site, status: int = 200, failed: tuple[int, MilestoneDoneForm] | None = None
):
    items = milestones.milestones(site)
    can_mark = request.user.has_perm("delivery.mark_milestone", site)
    rows = []
    for item in items:
        pk = item.deliverable.pk
        form = None
        if can_mark:
            form = failed[1] if failed and failed[0] == pk else MilestoneDoneForm(prefix=f"milestone-{pk}")
        rows.append((item, form))
    return _page(
        request, "delivery/milestones.html", site, "milestones", status,
        rows=rows, counts=milestones.counts(items), plan=plans.approved(site), can_mark=can_mark,
        due_soon_days=milestones.DUE_SOON_DAYS,
    )  # fmt: skip


@access(WORKSPACE)
@require_POST
def milestone_done(request: HttpRequest, site_pk: int, deliverable_pk: int) -> HttpResponse:
    site = _site(request, site_pk, "delivery.mark_milestone")
    plan = plans.approved(site)
    if plan is None:
        raise Http404("The site has no approved work plan.")
    deliverable = get_object_or_404(plan.deliverables, pk=deliverable_pk)
    form = MilestoneDoneForm(request.POST, prefix=f"milestone-{deliverable.pk}")
    if form.is_valid():
        try:
            milestones.mark_done(
                site, deliverable, request.user, form.cleaned_data["done_on"], form.cleaned_data["note"]
            )
        except DeliveryError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"“{deliverable.title}” was marked done.")
            return redirect("delivery:milestones", site.pk)
    return _milestones_page(request, site, status=422, failed=(deliverable.pk, form))
