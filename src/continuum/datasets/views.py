"""Data pages of a site. Each view finds the site among those the user may see (404 otherwise), checks the
permission on it (403), and leaves the rules to uploads, mappings, jobs and results."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from continuum.accounts.access import access
from continuum.analysis.readable import analysis_name
from continuum.portal.uploads import SizeLimitHandler, limit_uploads
from continuum.sites.models import Site
from continuum.sites.views import visible_site

from . import dictionary, guided, jobs, mapping_summary, mappings, results, uploads
from .forms import (
    DataRequestForm,
    DraftForm,
    MappingForm,
    ProblemForm,
    UploadForm,
    analysis_form,
    analysis_params,
    file_parameters,
)
from .models import DataRequest, DatasetVersion, Job, Result
from .uploads import DataError

WORKSPACE = "accounts.use_workspace"  # object-level permissions are checked on the site in each view


def _site(request: HttpRequest, site_pk: int, permission: str = "datasets.view_data") -> Site:
    return visible_site(request, site_pk, permission)


def _page(request, template: str, site: Site, status: int = 200, **context) -> HttpResponse:
    user = request.user
    context.update(
        site=site,
        internal=user.has_perm("datasets.view_standard", site),
        can_upload=user.has_perm("datasets.upload_data", site),
        can_run=user.has_perm("datasets.run_analysis", site),
        closed=site.status == Site.Status.CLOSED,
    )
    return TemplateResponse(request, template, context, status=status)


def _version(site: Site, pk: int) -> DatasetVersion:
    return get_object_or_404(
        DatasetVersion.objects.select_related("data_request", "uploaded_by"), pk=pk, data_request__site=site
    )


@access(WORKSPACE)
def home(request: HttpRequest, site_pk: int) -> HttpResponse:
    site = _site(request, site_pk)
    can_request = request.user.has_perm("datasets.request_data", site)
    form = DataRequestForm(request.POST or None, prefix="request") if can_request else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                data_request = uploads.create_request(site, request.user, form.save(commit=False))
            except DataError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"“{data_request}” was requested from the agency.")
                return redirect("datasets:home", site.pk)
        status = 422
    data_requests = site.data_requests.prefetch_related("versions")
    shown = results.visible_results(site, request.user).select_related("job")
    return _page(request, "datasets/home.html", site, status, form=form, data_requests=data_requests,
                 results=shown)  # fmt: skip


def _limit_uploads(request: HttpRequest) -> SizeLimitHandler:
    return limit_uploads(request, uploads.MAX_DATASET_BYTES)


@access(WORKSPACE)
@csrf_exempt
def request_detail(request: HttpRequest, site_pk: int, request_pk: int) -> HttpResponse:
    return _request_detail(request, site_pk, request_pk, _limit_uploads(request))


@csrf_protect
def _request_detail(request, site_pk: int, request_pk: int, limit: SizeLimitHandler) -> HttpResponse:
    site = _site(request, site_pk)
    data_request = get_object_or_404(DataRequest, pk=request_pk, site=site)
    can_upload = request.user.has_perm("datasets.upload_data", site)
    posted, files = request.POST or None, request.FILES or None  # reading the body runs the upload handlers
    refused = limit.refused[0] if limit.refused else None
    form = UploadForm(posted, files, refused=refused) if can_upload else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                version = uploads.add_version(
                    data_request, request.user, form.cleaned_data["file"], checked=form.checked,
                    note=form.cleaned_data["note"],
                )  # fmt: skip
            except DataError as error:
                form.add_error(None, str(error))
            else:
                if guided.supported(version):
                    messages.success(request, f"Version {version.number} was uploaded; now map its columns.")
                    return redirect("datasets:mapping", site.pk, version.pk)
                messages.success(request, f"Version {version.number} was uploaded; now review its mapping.")
                return redirect(version)
        status = 422
    problem_form = (
        ProblemForm(prefix="problem") if request.user.has_perm("datasets.request_data", site) else None
    )
    versions = data_request.versions.select_related("uploaded_by")
    return _page(request, "datasets/request_detail.html", site, status, data_request=data_request,
                 versions=versions, form=form, problem_form=problem_form)  # fmt: skip


@access(WORKSPACE)
@require_POST
def request_problem(request: HttpRequest, site_pk: int, request_pk: int) -> HttpResponse:
    site = _site(request, site_pk, "datasets.request_data")
    data_request = get_object_or_404(DataRequest, pk=request_pk, site=site)
    form = ProblemForm(request.POST, prefix="problem")
    if form.is_valid():
        uploads.report_problem(data_request, request.user, form.cleaned_data["note"])
        messages.success(request, "The problem was noted on the request.")
    else:
        messages.error(request, "Say what the problem is.")
    return redirect(data_request)


@access(WORKSPACE)
def version_detail(request: HttpRequest, site_pk: int, version_pk: int) -> HttpResponse:
    site = _site(request, site_pk)
    return _version_page(request, site, _version(site, version_pk))


def _version_page(request, site: Site, version: DatasetVersion, run_form=None) -> HttpResponse:
    """The version's page; `run_form` is a posted analysis form that came back with errors (status 422)."""
    user = request.user
    can_upload = user.has_perm("datasets.upload_data", site)
    mapping_form = draft_form = None
    status = 422 if run_form is not None else 200
    posted = request.method == "POST" and run_form is None
    if can_upload and version.raw_file:
        initial = version.mapping_toml
        draft_form = DraftForm(request.GET if "shipped" in request.GET else None, prefix=None)
        if not initial or "shipped" in request.GET:
            try:
                initial = mappings.draft(version, request.GET.get("shipped", ""))
            except DataError as error:
                messages.error(request, str(error))
        mapping_form = MappingForm(request.POST if posted else None, initial={"mapping": initial})
        if posted:
            if mapping_form.is_valid():
                try:
                    mappings.save_mapping(version, user, mapping_form.cleaned_data["mapping"])
                    if "validate" in request.POST:
                        job = jobs.start_validation(version, user)
                        messages.success(request, "The mapping was saved and the validation queued.")
                        return redirect(job)
                except DataError as error:
                    mapping_form.add_error("mapping", str(error))
                else:
                    messages.success(request, "The mapping was saved.")
                    return redirect(version)
            status = 422
    elif posted:
        raise PermissionDenied
    analysis = run_form["analysis"].value() if run_form is not None else request.GET.get("analysis", "")
    if analysis not in version.analysis_choices:
        analysis = ""
    if (
        run_form is None
        and user.has_perm("datasets.run_analysis", site)
        and version.analysable
        and version.analysis_choices
    ):
        run_form = analysis_form(version, analysis=analysis)
    version_jobs = version.jobs.select_related("created_by")
    return _page(request, "datasets/version_detail.html", site, status, version=version,
                 data_request=version.data_request, mapping_form=mapping_form, draft_form=draft_form,
                 guided_ok=guided.supported(version), guided_kept=guided.kept(version),
                 mapping_summary=mapping_summary.summarize(version),
                 run_form=run_form, analysis=analysis, analysis_title=analysis_name(analysis) if analysis else "",
                 file_params=file_parameters(analysis), jobs=version_jobs,
                 results=version.results.all())  # fmt: skip


@access(WORKSPACE)
@require_POST
def version_accept(request: HttpRequest, site_pk: int, version_pk: int) -> HttpResponse:
    site = _site(request, site_pk, "datasets.accept_data")
    version = _version(site, version_pk)
    try:
        uploads.accept_version(version, request.user)
    except DataError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Version {version.number} was accepted; its raw upload was deleted.")
    return redirect(version)


@access(WORKSPACE)
def download(request: HttpRequest, site_pk: int, version_pk: int, which: str) -> HttpResponse:
    """The raw upload (whoever may upload: the team and the agency) or the standard table (the team only)."""
    if which not in ("raw", "standard"):
        raise Http404
    site = _site(request, site_pk, "datasets.upload_data" if which == "raw" else "datasets.view_standard")
    version = _version(site, version_pk)
    field = version.raw_file if which == "raw" else version.standard_file
    if not field:
        raise Http404("This file is not kept.")
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404("The stored file is missing.") from None
    stem = version.original_name.rsplit(".", 1)[0]
    name = version.original_name if which == "raw" else f"{stem}-standard-v{version.number}.parquet"
    content_type = "application/vnd.apache.parquet" if which == "standard" else "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)


@access(WORKSPACE)
@require_POST
def run(request: HttpRequest, site_pk: int, version_pk: int) -> HttpResponse:
    site = _site(request, site_pk, "datasets.run_analysis")
    version = _version(site, version_pk)
    analysis = request.POST.get("run-analysis", "")
    form = analysis_form(version, request.POST, analysis=analysis)
    if form.is_valid():
        try:
            job = jobs.start_analysis(
                version, request.user, form.cleaned_data["analysis"], analysis_params(form)
            )
        except DataError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"“{analysis_name(job.analysis)}” was queued.")
            return redirect(job)
    return _version_page(request, site, version, run_form=form)


def _job(request, site_pk: int, job_pk: int) -> tuple[Site, Job]:
    site = _site(request, site_pk)
    job = get_object_or_404(Job.objects.select_related("version__data_request", "created_by"), pk=job_pk,
                            version__data_request__site=site)  # fmt: skip
    return site, job


@access(WORKSPACE)
def job_detail(request: HttpRequest, site_pk: int, job_pk: int) -> HttpResponse:
    """The job with its live progress: htmx asks for the status partial every 2 s until the job finishes."""
    site, job = _job(request, site_pk, job_pk)
    if not job.finished:
        jobs.recover_stale()
        job.refresh_from_db()
    result = Result.objects.filter(job=job).first()
    template = "datasets/job_detail.html#status" if request.htmx else "datasets/job_detail.html"
    can_retry = request.user.has_perm(
        "datasets.run_analysis" if job.kind == Job.Kind.ANALYZE else "datasets.upload_data", site
    )
    return _page(request, template, site, job=job, version=job.version, result=result, can_retry=can_retry)


@access(WORKSPACE)
@require_POST
def job_retry(request: HttpRequest, site_pk: int, job_pk: int) -> HttpResponse:
    _, job = _job(request, site_pk, job_pk)
    try:
        jobs.retry(job, request.user)
    except DataError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The job was queued again.")
    return redirect(job)


@access(WORKSPACE)
def result_detail(request: HttpRequest, site_pk: int, result_pk: int) -> HttpResponse:
    site = _site(request, site_pk)
    result = get_object_or_404(results.visible_results(site, request.user).select_related("job", "embedded_in"),
                               pk=result_pk)  # fmt: skip
    return _page(request, "datasets/result_detail.html", site, result=result, version=result.version,
                 changes=results.changes(result),
                 can_mark=request.user.has_perm("datasets.mark_for_report", site))  # fmt: skip


@access(WORKSPACE)
@require_POST
def result_mark(request: HttpRequest, site_pk: int, result_pk: int) -> HttpResponse:
    site = _site(request, site_pk, "datasets.mark_for_report")
    result = get_object_or_404(Result, pk=result_pk, version__data_request__site=site)
    try:
        messages.success(request, results.mark_for_report(result, request.user))
    except (DataError, ValidationError, ValueError) as error:
        messages.error(request, str(error))
    return redirect(result)


@access(WORKSPACE)
def data_dictionary(request: HttpRequest) -> HttpResponse:
    """Every standard table the engine reads: its columns (type, values, which analyses need them) and its
    analyses' parameters as the analysis form labels them, with their defaults."""
    return TemplateResponse(request, "datasets/dictionary.html", {"tables": dictionary.tables()})
