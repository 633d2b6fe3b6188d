"""Input no field can hold: a NUL character. PostgreSQL text refuses it, so it is refused at the door with a
clear 400 instead of failing deep inside a query."""

from urllib.parse import unquote_to_bytes

from django.http import HttpResponseBadRequest

NUL_IN_BODY = {"application/json": b"\\u0000", "application/x-www-form-urlencoded": b"%00"}


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")) or "\x00" in request.path:
            return HttpResponseBadRequest("The address contains a NUL character, which no field can hold.")
        marker = NUL_IN_BODY.get(request.content_type)
        if marker and request.method in {"POST", "PUT", "PATCH"} and marker in request.body.lower():
            return HttpResponseBadRequest("The request contains a NUL character, which no field can hold.")
        return self.get_response(request)
