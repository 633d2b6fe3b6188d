"""The JSON API (/api/): public read of what the program publishes; with a personal token, the same records
the web shows its owner, scoped by the same `visible_to` querysets and rules; a few writes that go through the
same functions as the web forms. OpenAPI at /api/openapi.json; interactive docs for signed-in users."""

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404
from ninja import Header, NinjaAPI, Path, Query, Router, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError
from ninja.openapi.views import openapi_view
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer

from continuum.accounts.access import authorize
from continuum.assessment.models import ProgressReport
from continuum.datasets import uploads as dataset_uploads
from continuum.datasets.forms import UploadForm
from continuum.datasets.models import DataRequest, DatasetVersion, Result
from continuum.datasets.results import visible_results
from continuum.delivery.models import Communication
from continuum.delivery.work import DeliveryError, log_communication
from continuum.intake import ratelimit, submission
from continuum.intake.forms import RequestForm
from continuum.intake.models import Request
from continuum.portal.fields import MAX_PK
from continuum.portal.uploads import limit_uploads
from continuum.reports.models import Report
from continuum.reports.numbering import finding_numbers, recommendation_numbers
from continuum.sites.models import Site
from continuum.workplans.plans import visible_plans

from . import schemas as s
from .models import ApiToken


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the token acts as its owner."""

    def authenticate(self, request: HttpRequest, token: str):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


def _docs_for_signed_in_users(view):
    """The OpenAPI document is public; the interactive docs page is for signed-in users."""
    return login_required(view) if getattr(view, "func", None) is openapi_view else view


api = NinjaAPI(
    title="Continuum API",
    version="1",
    description=__doc__,
    urls_namespace="api",
    docs_decorator=_docs_for_signed_in_users,
)


def _error(request, status: int, detail: str, errors=None):
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


@api.exception_handler(SchemaError)
def _schema_error(request, exc):
    errors = [{"field": ".".join(str(p) for p in e.get("loc", []) if p not in {"body", "query", "path"}),
               "message": e.get("msg", "Invalid value.")} for e in exc.errors]  # fmt: skip
    return _error(request, 422, "The input is not valid.", errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, 401, "A valid API token is required (Authorization: Bearer <token>).")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, 403, "You do not have permission to do that.")


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "Not found.")


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return _error(request, exc.status_code, str(exc))


def _topics(obj) -> list[str]:
    return [t.name for t in obj.topics.all()]


# --- public ------------------------------------------------------------------------------------------------

public = Router(tags=["public"])


def _public_site(site: Site) -> dict:
    return {
        "id": site.pk, "agency": site.agency.name, "city": site.agency.city, "state": site.agency.state,
        "provider": site.provider.name if site.provider else None, "program": site.program,
        "type_of_ta": site.get_ta_type_display(), "topics": _topics(site), "summary": site.public_summary,
        "status": "closed" if site.status == Site.Status.CLOSED else "active", "url": site.get_public_url(),
    }  # fmt: skip


def _public_sites():
    return (
        Site.objects.public().select_related("agency", "provider").prefetch_related("topics").order_by("pk")
    )


@public.get("/sites", response=list[s.PublicSiteOut], auth=None)
@paginate(LimitOffsetPagination)
def public_sites(request, status: str | None = None, state: str | None = None, program: str | None = None):
    sites = _public_sites()
    if status == "closed":
        sites = sites.filter(status=Site.Status.CLOSED)
    elif status == "active":
        sites = sites.active()
    if state:
        sites = sites.filter(agency__state=state.upper())
    if program:
        sites = sites.filter(program=program)
    return [_public_site(site) for site in sites]


@public.get("/sites/{site_id}", response=s.PublicSiteOut, auth=None)
def public_site(request, site_id: int = Path(..., ge=1, le=MAX_PK)):
    return _public_site(get_object_or_404(_public_sites(), pk=site_id))


def _report(report: Report) -> dict:
    return {
        "id": report.pk, "title": report.title, "kind": report.kind, "version": report.version,
        "status": report.status, "site_id": report.site_id, "agency": report.site.agency.name,
        "state": report.site.agency.state, "program": report.site.program, "published_at": report.published_at,
        "url": report.get_public_url() if report.is_public else report.get_absolute_url(),
    }  # fmt: skip


def _report_detail(report: Report) -> dict:
    f_numbers, r_numbers = finding_numbers(report), recommendation_numbers(report)
    findings = []
    for finding in report.findings.prefetch_related("recommendations__topics"):
        recs = [{"number": r_numbers[r.pk], "text": r.text, "responsible_party": r.responsible_party,
                 "priority": r.priority, "topics": _topics(r)} for r in finding.recommendations.all()]  # fmt: skip
        findings.append({"number": f_numbers[finding.pk], "title": finding.title, "recommendations": recs})
    return {**_report(report), "executive_summary": report.executive_summary, "findings": findings}


def _published_reports():
    return Report.objects.published().select_related("site__agency").order_by("-published_at", "pk")


@public.get("/reports", response=list[s.ReportOut], auth=None)
@paginate(LimitOffsetPagination)
def public_reports(
    request,
    state: str | None = None,
    program: str | None = None,
    year: int | None = Query(None, ge=1994, le=2100),
):
    reports = _published_reports()
    if state:
        reports = reports.filter(site__agency__state=state.upper())
    if program:
        reports = reports.filter(site__program=program)
    if year:
        reports = reports.filter(published_at__year=year)
    return [_report(report) for report in reports]


@public.get("/reports/{report_id}", response=s.ReportDetailOut, auth=None)
def public_report(request, report_id: int = Path(..., ge=1, le=MAX_PK)):
    return _report_detail(get_object_or_404(_published_reports(), pk=report_id))


@public.get("/progress-reports", response=list[s.ProgressReportOut], auth=None)
@paginate(LimitOffsetPagination)
def public_progress_reports(request, site_id: int | None = Query(None, ge=1, le=MAX_PK)):
    reports = ProgressReport.objects.filter(state="published", site__is_public=True).select_related(
        "site__agency"
    )
    if site_id:
        reports = reports.filter(site_id=site_id)
    return [{"site_id": r.site_id, "agency": r.site.agency.name, "number": r.number, "as_of": r.as_of,
             "published_at": r.published_at, "counts": r.snapshot.get("counts", {}), "url": r.get_public_url()}
            for r in reports.order_by("site_id", "number")]  # fmt: skip


# --- with a token ------------------------------------------------------------------------------------------

private = Router(auth=TokenAuth(), tags=["workspace"])


def _request(r: Request) -> dict:
    return {
        "id": r.pk, "tracking_number": r.tracking_number, "status": r.status, "agency_name": r.agency_name,
        "agency_state": r.agency_state, "program_wanted": r.program_wanted, "ta_kind": r.ta_kind,
        "urgency": r.urgency, "topics": _topics(r), "submitted_at": r.submitted_at, "decided_at": r.decided_at,
        "site_id": r.site_id,
    }  # fmt: skip


@private.get("/requests", response=list[s.RequestOut])
@paginate(LimitOffsetPagination)
def requests(request, status: str | None = None, program: str | None = None):
    visible = (
        Request.objects.visible_to(request.user).prefetch_related("topics").order_by("-submitted_at", "pk")
    )
    if status:
        visible = visible.filter(status=status)
    if program:
        visible = visible.filter(program_wanted=program)
    return [_request(r) for r in visible]


@private.get("/requests/{request_id}", response=s.RequestOut)
def request_detail(request, request_id: int = Path(..., ge=1, le=MAX_PK)):
    return _request(get_object_or_404(Request.objects.visible_to(request.user), pk=request_id))


@private.post("/requests", response={200: s.RequestOut, 201: s.RequestOut, 429: s.ErrorOut})
def submit_request(request, payload: s.RequestIn, idempotency_key: uuid.UUID | None = Header(None)):
    """Submit a request as the public form does. Send an `Idempotency-Key` (a UUID) to make retries safe."""
    token = idempotency_key or uuid.uuid4()
    existing = Request.objects.filter(submission_token=token).first()
    if existing is not None:
        if (
            not request.user.has_perm("intake.view_request", existing)
            and existing.submitted_by_id != request.user.pk
        ):
            raise PermissionDenied
        return 200, _request(existing)
    data = payload.dict()
    data.update(
        submission_token=str(token), existing_agency=data["existing_agency"] or "",
        requester_is_chief_executive="yes" if data["requester_is_chief_executive"] else "no",
        asks_for_costs="yes" if data["asks_for_costs"] else "no",
        event_date=data["event_date"].isoformat() if data["event_date"] else "",
    )  # fmt: skip
    data = {k: ("" if v is None else v) for k, v in data.items()}
    form = RequestForm(data, user=request.user)
    if not form.is_valid():
        raise _FormInvalid(_form_errors(form))
    created, is_new = submission.submit(form, request.user, ratelimit.client_key(request))
    return (201 if is_new else 200), _request(created)


class _FormInvalid(Exception):
    def __init__(self, errors):
        self.errors = errors


def _form_errors(form) -> list[dict]:
    return [{"field": field, "message": str(message)} for field, messages in form.errors.items()
            for message in messages]  # fmt: skip


@api.exception_handler(_FormInvalid)
def _form_invalid(request, exc):
    return _error(request, 422, "The request is not valid.", exc.errors)


def _site(site: Site) -> dict:
    return {
        "id": site.pk, "title": site.title, "agency": site.agency.name, "state": site.agency.state,
        "program": site.program, "type_of_ta": site.get_ta_type_display(), "status": site.status,
        "provider": site.provider.name if site.provider else None, "topics": _topics(site),
        "is_public": site.is_public, "created_at": site.created_at,
    }  # fmt: skip


def _visible_sites(user):
    return Site.objects.visible_to(user).select_related("agency", "provider").prefetch_related("topics")


@private.get("/sites", response=list[s.SiteOut])
@paginate(LimitOffsetPagination)
def sites(request, status: str | None = None, program: str | None = None):
    visible = _visible_sites(request.user).order_by("pk")
    if status:
        visible = visible.filter(status=status)
    if program:
        visible = visible.filter(program=program)
    return [_site(site) for site in visible]


@private.get("/sites/{site_id}", response=s.SiteOut)
def site_detail(request, site_id: int = Path(..., ge=1, le=MAX_PK)):
    return _site(get_object_or_404(_visible_sites(request.user), pk=site_id))


@private.get("/sites/{site_id}/work-plans", response=list[s.WorkPlanOut])
def work_plans(request, site_id: int = Path(..., ge=1, le=MAX_PK)):
    """The versions the web shows this user: the agency sees those sent to it, never the team's drafts."""
    site = get_object_or_404(_visible_sites(request.user), pk=site_id)
    plans = (
        visible_plans(site, request.user)
        .select_related("approved_by")
        .prefetch_related("objectives", "activities", "deliverables")
    )
    return [{
        "version": p.version, "status": p.status, "approved_at": p.approved_at,
        "approved_by": str(p.approved_by) if p.approved_by else None,
        "objectives": [o.text for o in p.objectives.all()],
        "activities": [{"kind": a.kind, "title": a.title, "starts_on": a.starts_on, "ends_on": a.ends_on}
                       for a in p.activities.all()],
        "deliverables": [{"title": d.title, "due_on": d.due_on} for d in p.deliverables.all()],
    } for p in plans.order_by("-version")]  # fmt: skip


@private.post("/sites/{site_id}/communications", response={201: s.CommunicationOut})
def add_communication(request, payload: s.CommunicationIn, site_id: int = Path(..., ge=1, le=MAX_PK)):
    """Log a meeting, call, e-mail or site visit, as the site's communications page does."""
    site = get_object_or_404(_visible_sites(request.user), pk=site_id)
    if payload.kind not in Communication.Kind.values:
        raise _FormInvalid(
            [{"field": "kind", "message": f"Choose one of: {', '.join(Communication.Kind.values)}."}]
        )
    communication = Communication(**payload.dict())
    try:
        communication.full_clean(exclude=["site", "logged_by"])
        log_communication(site, request.user, communication)
    except ValidationError as error:
        raise _FormInvalid(
            [{"field": f, "message": m} for f, ms in error.message_dict.items() for m in ms]
        ) from error
    except DeliveryError as error:
        raise HttpError(409, str(error)) from error
    return 201, {"id": communication.pk, **payload.dict()}


UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": f"{dataset_uploads.ACCEPTED}, up to "
                        f"{dataset_uploads.readable_size(dataset_uploads.MAX_DATASET_BYTES)}; checked by content.",
                    },
                    "note": {"type": "string", "maxLength": 300},
                },
            }
        }
    },
}


def _dataset_version(version: DatasetVersion) -> dict:
    return {
        "id": version.pk, "data_request_id": version.data_request_id, "number": version.number,
        "original_name": version.original_name, "file_format": version.file_format, "size": version.size,
        "sha256": version.sha256, "status": version.status, "note": version.note,
        "uploaded_at": version.uploaded_at, "url": version.get_absolute_url(),
    }  # fmt: skip


def _same_upload(key: uuid.UUID | None, data_request: DataRequest):
    """The version already uploaded under this Idempotency-Key, if any (409 if it went to another request)."""
    existing = DatasetVersion.objects.filter(upload_key=key).first() if key else None
    if existing is not None and existing.data_request_id != data_request.pk:
        raise HttpError(409, "This Idempotency-Key was already used for another upload.")
    return existing


@private.post(
    "/sites/{site_id}/data-requests/{request_id}/versions",
    response={200: s.DatasetVersionOut, 201: s.DatasetVersionOut, 409: s.ErrorOut, 422: s.ErrorOut},
    openapi_extra={"requestBody": UPLOAD_BODY},
)
def upload_dataset(
    request,
    site_id: int = Path(..., ge=1, le=MAX_PK),
    request_id: int = Path(..., ge=1, le=MAX_PK),
    idempotency_key: uuid.UUID | None = Header(None),
):
    """Upload a data file (multipart field `file`, optional `note`) as a new version of a data request, as the
    site's upload form does: the same permission, the same checks by content and size, streamed to disk. Send
    an `Idempotency-Key` (a UUID) to make retries safe: the same key answers with the version already made."""
    limit = limit_uploads(request, dataset_uploads.MAX_DATASET_BYTES)  # before anything reads the body
    site = get_object_or_404(_visible_sites(request.user), pk=site_id)
    authorize(request.user, "datasets.upload_data", site)
    data_request = get_object_or_404(DataRequest, pk=request_id, site=site)
    if existing := _same_upload(idempotency_key, data_request):
        return Status(200, _dataset_version(existing))
    try:
        form = UploadForm(request.POST, request.FILES, refused=limit.refused[0] if limit.refused else None)
    except MultiPartParserError as error:
        raise HttpError(400, f"The body is not valid multipart/form-data: {error}") from error
    if not form.is_valid():
        raise _FormInvalid(_form_errors(form))
    try:
        version = dataset_uploads.add_version(
            data_request, request.user, form.cleaned_data["file"], checked=form.checked,
            note=form.cleaned_data["note"], upload_key=idempotency_key,
        )  # fmt: skip
    except dataset_uploads.DataError as error:
        raise HttpError(409, str(error)) from error
    except IntegrityError:  # the same key, sent twice at once: the other request made the version
        if existing := _same_upload(idempotency_key, data_request):
            return Status(200, _dataset_version(existing))
        raise
    return Status(201, _dataset_version(version))


def _data_site(user, site_id: int) -> Site:
    """A site whose data this user may see (the team and the agency), as the site's data pages check."""
    site = get_object_or_404(_visible_sites(user), pk=site_id)
    authorize(user, "datasets.view_data", site)
    return site


@private.get("/sites/{site_id}/data-requests", response=list[s.DataRequestOut])
@paginate(LimitOffsetPagination)
def data_requests(request, site_id: int = Path(..., ge=1, le=MAX_PK), status: str | None = None):
    """The site's data requests, each with its uploaded versions (newest first)."""
    asked = _data_site(request.user, site_id).data_requests.prefetch_related("versions").order_by("pk")
    if status:
        asked = asked.filter(status=status)
    return [{
        "id": d.pk, "site_id": d.site_id, "title": d.title, "table_type": d.table_type,
        "period_start": d.period_start, "period_end": d.period_end, "due_on": d.due_on, "status": d.status,
        "versions": [_dataset_version(v) for v in sorted(d.versions.all(), key=lambda v: -v.number)],
    } for d in asked]  # fmt: skip


def _result(r: Result, site_id: int, detail: bool = False) -> dict:
    out = {
        "id": r.pk, "site_id": site_id, "dataset_version_id": r.version_id, "analysis": r.analysis,
        "number": r.number, "params": r.params, "input_sha256": r.input_sha256,
        "engine_version": r.engine_version, "for_report": r.for_report, "created_at": r.created_at,
        "url": r.get_absolute_url(),
    }  # fmt: skip
    return {**out, "data": r.data} if detail else out


@private.get("/sites/{site_id}/results", response=list[s.ResultOut])
@paginate(LimitOffsetPagination)
def results(request, site_id: int = Path(..., ge=1, le=MAX_PK), analysis: str | None = None):
    """The analysis results of the site's datasets, as its data page lists them (provenance, no figures)."""
    site = _data_site(request.user, site_id)
    shown = visible_results(site, request.user).defer("data", "html").order_by("pk")
    if analysis:
        shown = shown.filter(analysis=analysis)
    return [_result(r, site.pk) for r in shown]


@private.get("/sites/{site_id}/results/{result_id}", response=s.ResultDetailOut)
def result_detail(
    request, site_id: int = Path(..., ge=1, le=MAX_PK), result_id: int = Path(..., ge=1, le=MAX_PK)
):
    """One result with the engine's figures (`data`)."""
    site = _data_site(request.user, site_id)
    return _result(get_object_or_404(visible_results(site, request.user), pk=result_id), site.pk, detail=True)


@private.get("/reports", response=list[s.ReportOut])
@paginate(LimitOffsetPagination)
def reports(request, site_id: int | None = Query(None, ge=1, le=MAX_PK)):
    visible = Report.objects.visible_to(request.user).select_related("site__agency").order_by("pk")
    if site_id:
        visible = visible.filter(site_id=site_id)
    return [_report(report) for report in visible]


@private.get("/reports/{report_id}", response=s.ReportDetailOut)
def report_detail(request, report_id: int = Path(..., ge=1, le=MAX_PK)):
    report = get_object_or_404(
        Report.objects.visible_to(request.user).select_related("site__agency"), pk=report_id
    )
    return _report_detail(report)


api.add_router("/public", public)
api.add_router("", private)
