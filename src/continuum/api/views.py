"""Managing one's personal API tokens: issue (shown once), list, revoke."""

from allauth.account.decorators import reauthentication_required
from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from continuum.accounts.access import access
from continuum.audit.log import record
from continuum.audit.models import AuditEvent

from .models import ApiToken, lifetime


class TokenForm(forms.Form):
    name = forms.CharField(label="What the token is for", max_length=100)


@access("accounts.use_workspace")
@reauthentication_required(allow_get=True)  # issuing asks for the password (or second factor) again
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            token, issued = ApiToken.issue(request.user, form.cleaned_data["name"])
            record(
                request.user,
                token,
                AuditEvent.Action.SECURITY,
                to_state="api_token_issued",
                reason=f"{token.name} (expires {token.expires_at:%Y-%m-%d})",
            )
        form = TokenForm()
    return TemplateResponse(request, "api/tokens.html", {
        "form": form, "issued": issued, "tokens": request.user.api_tokens.all(),
        "lifetime_days": lifetime(request.user).days,
    })  # fmt: skip


@access("accounts.use_workspace")
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(request.user.api_tokens, pk=pk, revoked_at__isnull=True)
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            request.user, token, AuditEvent.Action.SECURITY, to_state="api_token_revoked", reason=token.name
        )
    messages.success(request, f"The token “{token.name}” was revoked; it no longer works.")
    return redirect("api_tokens:list")
