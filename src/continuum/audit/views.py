from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from continuum.accounts.access import access
from continuum.portal.fields import beyond_any_id
from continuum.portal.pagination import page_of

from .log import history

PER_PAGE = 50


@access("audit.view_history")
def object_history(request: HttpRequest, app_label: str, model: str, pk: str) -> HttpResponse:
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist as exc:
        raise Http404("No such kind of record.") from exc
    model_class = content_type.model_class()
    if model_class is None:
        raise Http404("No such kind of record.")
    try:  # an address typed by hand: not a number, or past any id, names no record
        key = model_class._meta.pk.to_python(pk)
    except ValidationError as exc:
        raise Http404("No such record.") from exc
    obj = None if beyond_any_id(key) else model_class._base_manager.filter(pk=key).first()
    if obj is None:
        raise Http404("No such record.")
    return TemplateResponse(
        request,
        "audit/history.html",
        {
            "object": obj,
            "kind": model_class._meta.verbose_name,
            "events": page_of(request, history(obj), PER_PAGE),
        },
    )
