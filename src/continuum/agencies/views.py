from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from continuum.accounts.access import access, authorize
from continuum.audit.log import form_columns, save_audited

from .forms import AgencyFilterForm, AgencyProfileForm
from .models import Agency


@access("agencies.list_agencies")
def agency_list(request: HttpRequest) -> HttpResponse:
    form = AgencyFilterForm(request.GET or None)
    agencies = form.filter(Agency.objects.visible_to(request.user))
    template = "agencies/agency_list.html#results" if request.htmx else "agencies/agency_list.html"
    return TemplateResponse(request, template, {"form": form, "agencies": agencies})


@access("accounts.use_workspace")
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_object_or_404(Agency.objects.visible_to(request.user), pk=pk)
    authorize(request.user, "agencies.view_agency", agency)
    return TemplateResponse(
        request,
        "agencies/agency_detail.html",
        {
            "agency": agency,
            "can_edit": request.user.has_perm("agencies.change_agency", agency),
            "can_invite": request.user.has_perm("accounts.invite", agency),
            "members": agency.members.filter(is_active=True).order_by("role", "last_name"),
        },
    )


@access("accounts.use_workspace")
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_object_or_404(Agency.objects.visible_to(request.user), pk=pk)
    authorize(request.user, "agencies.change_agency", agency)
    form = AgencyProfileForm(request.POST or None, instance=agency)
    if request.method == "POST" and form.is_valid():
        save_audited(
            form.save(commit=False), request.user, reason="Agency profile edited", fields=form_columns(form)
        )
        messages.success(request, "The agency profile was saved.")
        return redirect(agency)
    return TemplateResponse(request, "agencies/agency_form.html", {"agency": agency, "form": form})
