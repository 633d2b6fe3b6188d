from django import template

from continuum.catalog.models import Program

from .. import routing
from ..forms import RouteForm

register = template.Library()


@register.inclusion_tag("critac/_routing.html")
def cri_tac_routing(request, user) -> dict:
    """On a request's staff view: partners ranked by topic coverage and the routing form while the request is
    open; a link to the engagement once it is a CRI-TAC site."""
    wanted = request.program_wanted in (Program.CRI_TAC, "not_sure")
    if not user.has_perm("critac.route_request") or not (wanted or request.site_id):
        return {"visible": False}
    if request.site_id:
        site = request.site
        return {"visible": site.program == Program.CRI_TAC, "request": request, "site": site}
    return {
        "visible": True,
        "request": request,
        "suggestions": routing.suggestions(request) if request.is_open else [],
        "form": RouteForm(prefix="route") if request.is_open else None,
    }
