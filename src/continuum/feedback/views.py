"""Feedback pages: the survey behind a tokenized link (public), and a site's surveys and answers (the team)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache

from continuum.accounts.access import PUBLIC, access, authorize
from continuum.sites.models import Site

from . import surveys
from .forms import ResponseForm, SurveyForm
from .models import Invitation, Response


def _requester(site: Site) -> surveys.Recipient | None:
    request = getattr(site, "origin_request", None)
    if request is None or not request.requester_email:
        return None
    return surveys.Recipient(request.requester_email, Invitation.Role.REQUESTER, request.requester_name)


@access("accounts.use_workspace")
def site_feedback(request: HttpRequest, site_pk: int) -> HttpResponse:
    site = get_object_or_404(
        Site.objects.visible_to(request.user).select_related("agency", "provider", "origin_request"),
        pk=site_pk,
    )
    authorize(request.user, "feedback.view_results", site)
    can_send = request.user.has_perm("feedback.send_survey", site)
    form = None
    if can_send:
        form = SurveyForm(request.POST or None, site=site, requester=_requester(site), prefix="survey")
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                survey = surveys.send_survey(
                    site, request.user, data["recipients"], occasion=data["occasion"], subject=data["subject"],
                    delivery=data.get("delivery"),
                )  # fmt: skip
            except surveys.FeedbackError as error:
                form.add_error(None, str(error))
            else:
                count = survey.invitations.count()
                messages.success(
                    request, f"The survey was sent to {count} recipient{'s' if count != 1 else ''}."
                )
                return redirect("feedback:site", site.pk)
        status = 422
    context = {"site": site, "form": form, "surveys": surveys.site_surveys(site)}
    return TemplateResponse(request, "feedback/site.html", context, status=status)


@access(PUBLIC)
@never_cache
def respond(request: HttpRequest, token: str) -> HttpResponse:
    invitation = surveys.invitation_for(token)
    if invitation is None:
        raise Http404("No survey has this link.")
    answered = getattr(invitation, "response", None)
    context = {"invitation": invitation, "survey": invitation.survey, "answered": answered}
    if answered is not None:
        return TemplateResponse(
            request, "feedback/answered.html", context, status=409 if request.method == "POST" else 200
        )
    form = ResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            surveys.submit_response(invitation, form.save(commit=False))
        except surveys.AlreadyAnswered:
            context["answered"] = Response.objects.get(invitation=invitation)
            return TemplateResponse(request, "feedback/answered.html", context, status=409)
        return TemplateResponse(request, "feedback/thanks.html", context)
    status = 422 if request.method == "POST" else 200
    return TemplateResponse(request, "feedback/respond.html", {**context, "form": form}, status=status)
