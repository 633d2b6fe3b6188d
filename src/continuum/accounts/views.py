"""Invitations: an organization's list (invite, resend, revoke, remove a member) and the acceptance page."""

from allauth.account.internal.flows.login import perform_password_login, record_authentication
from allauth.account.models import Login
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from continuum.agencies.models import Organization

from . import invitations
from .access import PUBLIC, access, authorize
from .forms import AcceptInvitationForm, InviteForm
from .models import Invitation, User


def _organization(request: HttpRequest, pk: int) -> Organization:
    """Program staff and administrators see every organization, everyone else their own (others: 404)."""
    organization = get_object_or_404(Organization, pk=pk)
    if not (request.user.is_program_side or request.user.organization_id == organization.pk):
        raise Http404
    authorize(request.user, "accounts.invite", organization)
    return organization


def _back(request: HttpRequest, organization: Organization):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("invitations:list", organization.pk)


@access("accounts.use_workspace")
def invitation_list(request: HttpRequest, org_pk: int) -> HttpResponse:
    organization = _organization(request, org_pk)
    roles = invitations.grantable_roles(request.user, organization)
    form = InviteForm(request.POST or None, roles=roles)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                invitation = invitations.invite(
                    request.user, organization, form.cleaned_data["email"], form.cleaned_data["role"]
                )
            except invitations.InvitationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"An invitation was sent to {invitation.email}.")
                return _back(request, organization)
        status = 422
    rows = [
        (invitation, invitations.may_manage(request.user, invitation))
        for invitation in organization.invitations.select_related("invited_by")
    ]
    members = [
        (member, invitations.may_remove(request.user, member))
        for member in User.objects.filter(organization=organization, is_active=True).order_by(
            "role", "last_name"
        )
    ]
    return TemplateResponse(
        request,
        "accounts/invitations.html",
        {
            "organization": organization,
            "form": form,
            "rows": rows,
            "members": members,
            "days": settings.INVITATION_DAYS,
        },
        status=status,
    )


def _invitation(request: HttpRequest, pk: int) -> Invitation:
    invitation = get_object_or_404(Invitation.objects.select_related("organization"), pk=pk)
    if not (request.user.is_program_side or request.user.organization_id == invitation.organization_id):
        raise Http404
    authorize(request.user, "accounts.manage_invitation", invitation)
    return invitation


@access("accounts.use_workspace")
@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    try:
        invitations.resend(request.user, invitation)
    except invitations.InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"A new invitation link was sent to {invitation.email}.")
    return redirect("invitations:list", invitation.organization_id)


@access("accounts.use_workspace")
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    try:
        invitations.revoke(request.user, invitation)
    except invitations.InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"The invitation of {invitation.email} was revoked; its link no longer works."
        )
    return redirect("invitations:list", invitation.organization_id)


@access("accounts.use_workspace")
@require_POST
def remove_member(request: HttpRequest, org_pk: int, user_pk: int) -> HttpResponse:
    organization = get_object_or_404(Organization, pk=org_pk)
    if not (request.user.is_program_side or request.user.organization_id == organization.pk):
        raise Http404
    member = get_object_or_404(User, pk=user_pk, organization=organization)
    if not request.user.has_perm("accounts.remove_member", member):
        raise PermissionDenied
    try:
        invitations.remove_member(request.user, member)
    except invitations.InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{member} no longer has access to Continuum.")
    return redirect("invitations:list", organization.pk)


@access(PUBLIC)
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """Anyone holding the link: set names and password, then sign in through allauth's log-in flow (the session
    middleware then leads the roles that must use two factors into allauth's authenticator set-up)."""
    invitation = invitations.find(token)
    refusal = invitations.refusal(invitation)
    if refusal:
        return TemplateResponse(
            request, "accounts/accept.html", {"refusal": refusal}, status=410 if invitation else 404
        )
    form = AcceptInvitationForm(request.POST if request.method == "POST" else None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.accept(
                token,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                job_title=form.cleaned_data["job_title"],
                password=form.cleaned_data["password1"],
            )
        except invitations.InvitationError as error:
            return TemplateResponse(request, "accounts/accept.html", {"refusal": str(error)}, status=410)
        user.backend = "allauth.account.auth_backends.AuthenticationBackend"
        messages.success(request, f"Welcome to Continuum, {user.first_name}. Your account is ready.")
        response = perform_password_login(
            request,
            {"email": user.email},
            Login(user=user, redirect_url=reverse("portal:workspace"), email=user.email),
        )
        # The password was set a moment ago with a single-use link: that counts as the recent confirmation
        # allauth asks for before setting up an authenticator, so it is not asked for a second time.
        record_authentication(request, user, method="password", reauthenticated=True)
        return response
    return TemplateResponse(
        request,
        "accounts/accept.html",
        {"invitation": invitation, "form": form, "mfa": invitation.role in _mfa_roles()},
        status=422 if form.errors else 200,
    )


def _mfa_roles():
    from .security import MFA_ROLES

    return MFA_ROLES
