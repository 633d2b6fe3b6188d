"""A site (engagement): the work with one agency in one program, from work plan to closure."""

from django.db import models
from django.urls import reverse

from continuum.catalog.models import Program


class SiteQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SiteQuerySet":
        """Program staff see all; agencies their own; providers (and their SMEs) the sites assigned to them."""
        if not user.is_authenticated:
            return self.none()
        if user.is_program_side:
            return self
        if user.is_agency_user:
            return self.filter(agency_id=user.organization_id)
        if user.is_provider_user:
            return self.filter(provider_id=user.organization_id)
        return self.none()


class Site(models.Model):
    class Status(models.TextChoices):
        WORK_PLAN = "work_plan", "Work plan"
        AGENCY_REVIEW = "agency_review", "Agency review"
        APPROVED = "approved", "Approved"
        DELIVERY = "delivery", "Delivery"
        REPORT_DRAFTING = "report_drafting", "Report drafting"
        REPORT_REVIEW = "report_review", "Report review"
        PUBLISHED = "published", "Published"
        CLOSED = "closed", "Closed"
        SUSPENDED = "suspended", "Suspended"

    class TAType(models.TextChoices):
        ISSUE_SPECIFIC_REVIEW = "issue_specific_review", "Issue-Specific Review"
        TECHNICAL_ASSISTANCE = "technical_assistance", "Technical Assistance"
        AFTER_ACTION_REVIEW = "after_action_review", "After-Action Review"
        DATA_ANALYSIS = "data_analysis", "Data Analysis"
        IMMEDIATE_TA = "immediate_ta", "Immediate TA"

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="sites")
    program = models.CharField(max_length=40, choices=Program.choices)
    ta_type = models.CharField("type of TA", max_length=40, choices=TAType.choices)
    topics = models.ManyToManyField("catalog.Topic", blank=True, related_name="sites")
    provider = models.ForeignKey(
        "agencies.ProviderOrganization", on_delete=models.PROTECT, null=True, blank=True, related_name="sites"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(help_text="What the agency asked for and why (internal).")
    public_summary = models.TextField(blank=True, help_text="“The intent of the review is …”, as published.")
    is_public = models.BooleanField(default=False)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.WORK_PLAN)
    started_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sites:detail", args=[self.pk])
