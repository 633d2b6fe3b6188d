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


class InviteForm(forms.Form):
    """Whom to invite, to the roles the inviter may grant in this organization."""

    email = forms.EmailField(label="E-mail address")
    role = forms.ChoiceField(label="Role", widget=forms.RadioSelect)

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        from .roles import Role

        self.fields["role"].choices = [(role, Role(role).label) for role in roles]
        if len(roles) == 1:
            self.fields["role"].initial = roles[0]


class AcceptInvitationForm(forms.Form):
    """The new user's names and password, checked by Django's password validators (AUTH_PASSWORD_VALIDATORS)."""

    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    job_title = forms.CharField(
        label="Title", max_length=120, required=False, help_text="For example: Chief of Police"
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=(
            "At least 12 characters, not a common password, not all digits, not like your name or e-mail address."
        ),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, invitation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self):
        from django.contrib.auth.password_validation import validate_password

        from .models import User

        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ.")
        elif first:
            probe = User(email=self.invitation.email if self.invitation else "", first_name=data.get("first_name", ""),
                         last_name=data.get("last_name", ""))  # fmt: skip
            try:
                validate_password(first, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
