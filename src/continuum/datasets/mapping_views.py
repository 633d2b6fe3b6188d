"""The guided mapping page of a dataset version (rules in `guided`): the form, its live check (the same URL,
asked by htmx as choices change, answering with the form's body), saving and queueing the validation."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from continuum.accounts.access import access

from . import guided, jobs, mappings
from .uploads import DataError
from .views import WORKSPACE, _page, _site, _version


@access(WORKSPACE)
def guided_mapping(request: HttpRequest, site_pk: int, version_pk: int) -> HttpResponse:
    site = _site(request, site_pk, "datasets.upload_data")
    version = _version(site, version_pk)
    if not guided.supported(version):
        messages.info(request, "The upload of this version was deleted when it was accepted: upload a new "
                      "version to map it again.")  # fmt: skip
        return redirect(version)
    try:
        draft, prof = guided.file_profile(version)
    except DataError as error:
        messages.error(request, str(error))
        return redirect(version)
    doc, error, status = guided.initial_doc(version, draft), "", 200
    if guided.kept(version):
        return _kept(request, site, version, doc, prof)
    if request.method == "POST":
        try:
            doc = guided.doc_from_post(version, request.POST, doc, prof)
            if "save" in request.POST or "validate" in request.POST:
                mappings.save_mapping(version, request.user, guided.text_of(doc))
                if "validate" in request.POST:
                    try:  # a mapping the file cannot be read with is kept, but not sent to be validated
                        guided.check(version, doc)
                    except DataError as failure:
                        raise DataError(f"The mapping was saved, but the file cannot be validated with it yet: "
                                        f"{failure}") from failure  # fmt: skip
                    job = jobs.start_validation(version, request.user)
                    messages.success(request, "The mapping was saved and the whole file is being validated.")
                    return redirect(job)
                messages.success(request, "The mapping was saved.")
                return redirect(version)
        except DataError as failure:
            error, status = str(failure), 422
    form = guided.build(version, doc, prof)
    try:
        check, check_error = guided.check(version, doc), ""
    except DataError as failure:
        check, check_error = None, str(failure)
    changed = guided.changed_sources(request.POST) if request.method == "POST" else set()
    # htmx, as a choice changes: the check, each column's preview rows, and the columns whose source changed
    template = "datasets/mapping_guided.html#live" if request.htmx else "datasets/mapping_guided.html"
    return _page(request, template, site, status, version=version, data_request=version.data_request,
                 guided=form, check=check, check_error=check_error, error=error, changed=changed,
                 opened=guided.opened(form, check, changed),
                 not_recorded=guided.NOT_RECORDED, zones=guided.timezone_choices(),
                 table_label=version.data_request.get_table_type_display())  # fmt: skip


def _kept(request: HttpRequest, site, version, doc: dict, prof: dict) -> HttpResponse:
    """A table the engine has no schema for: keep, hash or leave out each column of the file."""
    error, status = "", 200
    if request.method == "POST":
        doc = guided.kept_doc_from_post(request.POST, prof)
        try:
            mappings.save_mapping(version, request.user, guided.text_of(doc))
        except DataError as failure:
            error, status = str(failure), 422
        else:
            if "validate" in request.POST:
                job = jobs.start_validation(version, request.user)
                messages.success(request, "The choices were saved and the file is being prepared.")
                return redirect(job)
            messages.success(request, "The choices were saved.")
            return redirect(version)
    return _page(request, "datasets/mapping_kept.html", site, status, version=version,
                 data_request=version.data_request, rows=guided.kept_rows(doc, prof), error=error,
                 choices=guided.KEPT_CHOICES)  # fmt: skip
