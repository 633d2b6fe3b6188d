"""Users sign in with their e-mail address and hold one role in one organization."""

import rules
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models

from .roles import AGENCY_ROLES, ORGANIZATION_KIND_FOR_ROLE, PROGRAM_ROLES, PROVIDER_ROLES, Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("Users must have an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["role"] = Role.ADMINISTRATOR
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    username = None
    email = models.EmailField("e-mail address", unique=True)
    role = models.CharField(max_length=30, choices=Role.choices)
    organization = models.ForeignKey(
        "agencies.Organization", on_delete=models.PROTECT, related_name="members", null=True, blank=True
    )
    job_title = models.CharField("title", max_length=120, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self) -> None:
        super().clean()
        self.email = (self.email or "").lower()
        expected = ORGANIZATION_KIND_FOR_ROLE.get(self.role)
        if expected is None:
            raise ValidationError({"role": "Choose a role."})
        if self.organization is None:
            raise ValidationError({"organization": "Every user belongs to an organization."})
        if self.organization.kind != expected:
            raise ValidationError(
                {
                    "organization": (
                        f"A {self.get_role_display().lower()} must belong to a {expected.replace('_', ' ')}."
                    )
                }
            )

    def save(self, *args, **kwargs):
        # Administrators own the system: they, and only they, reach the Django admin, with every right there.
        self.is_staff = self.is_superuser = self.role == Role.ADMINISTRATOR
        super().save(*args, **kwargs)

    def has_perm(self, perm, obj=None) -> bool:
        """Administrators hold every right of the Django admin, but the program's own rules (django-rules)
        apply to them as written: an administrator cannot approve a work plan as the chief executive or
        propose an implementation status as the agency."""
        if rules.perm_exists(perm):
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)

    @property
    def is_program_side(self) -> bool:
        """Program staff and administrators: they see every record of the program."""
        return self.is_active and self.role in PROGRAM_ROLES

    @property
    def is_agency_user(self) -> bool:
        return self.is_active and self.role in AGENCY_ROLES

    @property
    def is_provider_user(self) -> bool:
        return self.is_active and self.role in PROVIDER_ROLES


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        from django.utils import timezone

        return self.filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A single-use, expiring invitation to join one organization in one role (continuum.accounts.invitations).
    Only a hash of the token is stored: the link in the e-mail is the only copy of the token."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    email = models.EmailField("e-mail address")
    role = models.CharField(max_length=30, choices=Role.choices)
    organization = models.ForeignKey(
        "agencies.Organization", on_delete=models.CASCADE, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey("User", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    times_sent = models.PositiveSmallIntegerField(default=1)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey("User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Invitation of {self.email} as {self.get_role_display().lower()} of {self.organization}"

    @property
    def status(self) -> str:
        from django.utils import timezone

        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return self.Status(self.status).label
