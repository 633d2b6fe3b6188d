"""A site (engagement): the work with one agency in one program, from work plan to closure."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from continuum.accounts.roles import Role
from continuum.catalog.models import Program


class SiteQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SiteQuerySet":
        """Program staff see all; agencies their own; provider staff the sites assigned to their organization;
        SMEs the sites whose team they are on."""
        if not user.is_authenticated:
            return self.none()
        if user.is_program_side:
            return self
        if user.is_agency_user:
            return self.filter(agency_id=user.organization_id)
        if user.role == Role.PROVIDER_STAFF:
            return self.filter(provider_id=user.organization_id)
        if user.role == Role.SME:
            return self.filter(members__user=user).distinct()
        return self.none()

    def public(self) -> "SiteQuerySet":
        return self.filter(is_public=True)

    def announced(self) -> "SiteQuerySet":
        """Sites the program announced: listed publicly from their announcement on."""
        return self.public().filter(announced_on__isnull=False)

    def active(self) -> "SiteQuerySet":
        return self.exclude(status=Site.Status.CLOSED)


class Site(models.Model):
    class Status(models.TextChoices):
        WORK_PLAN = "work_plan", "Work plan"
        AGENCY_REVIEW = "agency_review", "Agency review"
        DELIVERY = "delivery", "Delivery"
        REPORT_DRAFTING = "report_drafting", "Report drafting"
        REPORT_REVIEW = "report_review", "Report review"
        PUBLISHED = "published", "Report published"
        IMPLEMENTATION = "implementation", "Implementation tracking"
        CLOSED = "closed", "Closed"
        SUSPENDED = "suspended", "Suspended"

    class TAType(models.TextChoices):
        ISSUE_SPECIFIC_REVIEW = "issue_specific_review", "Issue-Specific Review"
        TECHNICAL_ASSISTANCE = "technical_assistance", "Technical Assistance"
        AFTER_ACTION_REVIEW = "after_action_review", "After-Action Review"
        DATA_ANALYSIS = "data_analysis", "Data Analysis"
        IMMEDIATE_TA = "immediate_ta", "Immediate TA"
        ORGANIZATIONAL_ASSESSMENT = "organizational_assessment", "Organizational Assessment"

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="sites")
    program = models.CharField(max_length=40, choices=Program.choices)
    ta_type = models.CharField("type of TA", max_length=40, choices=TAType.choices)
    topics = models.ManyToManyField("catalog.Topic", blank=True, related_name="sites")
    provider = models.ForeignKey(
        "agencies.ProviderOrganization", on_delete=models.PROTECT, null=True, blank=True, related_name="sites"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(help_text="What the agency asked for and why (internal).")
    public_summary = models.TextField(
        blank=True,
        help_text="As published: “The COPS Office in conjunction with <provider> is conducting … "
        "The intent of the review is …”",
    )
    intent = models.TextField(
        blank=True, help_text="As published: what the review examines and why, in a sentence or two."
    )
    is_public = models.BooleanField("listed publicly", default=False)
    announced_on = models.DateField("announced on", null=True, blank=True)
    announcement = models.TextField(
        blank=True, help_text="The public announcement, as the program released it."
    )
    agency_consent = models.TextField(
        "agency's consent",
        blank=True,
        help_text="Who agreed to the announcement for the agency, when and how.",
    )
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.WORK_PLAN, db_index=True)
    status_before_suspension = models.CharField(max_length=30, choices=Status.choices, blank=True)
    suspension_reason = models.TextField(blank=True)
    started_on = models.DateField("start date", null=True, blank=True)
    target_end_on = models.DateField("target end date", null=True, blank=True)
    closed_on = models.DateField("closed on", null=True, blank=True)
    closing_note = models.TextField(blank=True, help_text="Why and how the engagement closed (public).")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="suspended") | ~Q(status_before_suspension=""),
                name="suspension_remembers_status",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sites:detail", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("public_sites:detail", args=[self.pk])

    def clean(self) -> None:
        """An Organizational Assessment is its own type of TA, and no other program's site is one."""
        super().clean()
        assessment = self.program == Program.ORGANIZATIONAL_ASSESSMENT
        if (
            assessment != (self.ta_type == self.TAType.ORGANIZATIONAL_ASSESSMENT)
            and self.program
            and self.ta_type
        ):
            raise ValidationError({"ta_type": "An Organizational Assessment site, and only one, has the type "
                                   "“Organizational Assessment”."})  # fmt: skip


class SiteMember(models.Model):
    """A person on the site's team, with their role on this site."""

    class SiteRole(models.TextChoices):
        PROGRAM_MANAGER = "program_manager", "Program manager"
        PROJECT_LEAD = "project_lead", "Provider project lead"
        PROVIDER_STAFF = "provider_staff", "Provider staff"
        SME = "sme", "Subject-matter expert"
        ANALYST = "analyst", "Data analyst"

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="site_memberships"
    )
    role = models.CharField("role on the site", max_length=30, choices=SiteRole.choices)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Recorded when an SME of another organization than the site's provider is added (confirmed by staff).
    conflict_statement = models.TextField("conflict-of-interest statement", blank=True)

    class Meta:
        ordering = ["role", "user__last_name"]
        constraints = [models.UniqueConstraint(fields=["site", "user"], name="one_membership_per_person")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"
