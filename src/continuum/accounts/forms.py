"""allauth's second-factor forms, under the same lock-out as passwords: a wrong code counts as a failed log-in
(django-axes), and a locked account's codes are not even checked."""

from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth.signals import user_login_failed

LOCKED = "Too many failed attempts: sign-in for this account is locked for a while. Try again later."


class _CountedCode:
    def clean_code(self) -> str:
        request = context.request
        # "second_factor" tells the audit log this failure is recorded as mfa_failed already
        credentials = {"email": self.user.email, "second_factor": True}
        if AxesProxyHandler.is_locked(request, credentials):
            raise forms.ValidationError(LOCKED, code="locked")
        try:
            return super().clean_code()
        except forms.ValidationError:
            user_login_failed.send(sender=type(self), credentials=credentials, request=request)
            raise


class CountedAuthenticateForm(_CountedCode, AuthenticateForm):
    pass


class CountedReauthenticateForm(_CountedCode, ReauthenticateForm):
    pass
