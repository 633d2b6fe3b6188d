"""Personal API tokens: shown once, stored as a hash, revocable; a token acts with its owner's rights.

A token is a bearer credential, so it lives no longer than its owner's standing: it expires (sooner for the roles
that must sign in with a second factor), it stops when the owner's password changes (as their sessions do), and
it is refused while the account is locked out."""

import datetime
import secrets

from axes.models import AccessAttempt
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from continuum import tokens

PREFIX = "ctm_"


def lifetime(user) -> datetime.timedelta:
    from continuum.accounts import security

    days = settings.API_TOKEN_DAYS_MFA if security.mfa_required(user) else settings.API_TOKEN_DAYS
    return datetime.timedelta(days=days)


def locked_out(user) -> bool:
    """Locked out from any address: whoever is guessing the password, the account's tokens wait too."""
    return AccessAttempt.objects.filter(
        username=str(user.email).strip().lower(),  # as axes records it (accounts.security.attempted_email)
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
    ).exists()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. “records system sync”.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(
        max_length=12, editable=False, help_text="The token's first characters, to tell tokens apart."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    password_stamp = models.CharField(
        max_length=128,
        editable=False,
        help_text="The owner's session hash at issue: a password change ends the token.",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        """A new token; the clear value is returned once and never stored."""
        value = PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, key_hash=tokens.digest(value), hint=value[:10],
            expires_at=timezone.now() + lifetime(user), password_stamp=user.get_session_auth_hash(),
        )  # fmt: skip
        return token, value

    @classmethod
    def authenticate(cls, value: str):
        token = cls.objects.active().select_related("user").filter(key_hash=tokens.digest(value)).first()
        if token is None or not token.password_current or locked_out(token.user):
            return None
        cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user

    @property
    def password_current(self) -> bool:
        return constant_time_compare(self.password_stamp, self.user.get_session_auth_hash())

    @property
    def state(self) -> str:
        """What the owner reads in the list of their tokens."""
        if self.revoked_at is not None:
            return f"Revoked {self.revoked_at:%Y-%m-%d}"
        if self.expires_at <= timezone.now():
            return f"Expired {self.expires_at:%Y-%m-%d}"
        if not self.password_current:
            return "Ended by a password change"
        return ""

    @property
    def is_active(self) -> bool:
        return not self.state
