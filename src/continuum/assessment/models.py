"""Organizational Assessment implementation tracking: one record per recommendation of the assessment report,
status changes the agency proposes with evidence and the assessor verifies, and dated public progress reports
that snapshot every status."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from continuum.sites.models import Site


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    PARTIALLY_COMPLETE = "partially_complete", "Partially complete"
    COMPLETE = "complete", "Complete"
    OUTSIDE_CONTROL = "outside_control", "Outside the agency's control"
    PENDING_LABOR = "pending_labor", "Pending labor negotiation"
    ALTERNATIVE = "alternative", "Alternative action taken"
    NOT_APPLICABLE = "not_applicable", "No longer applicable"


class Implementation(models.Model):
    """Where one recommendation stands. Its number and text come from the published (frozen) report."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="implementations")
    recommendation = models.OneToOneField(
        "reports.Recommendation", on_delete=models.PROTECT, related_name="implementation"
    )
    number = models.CharField(max_length=12, help_text="The recommendation's number in the published report.")
    sort_key = models.CharField(max_length=40, editable=False, db_index=True)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.NOT_STARTED)
    responsible = models.CharField("responsible people", max_length=300, blank=True)
    target_date = models.DateField("target date", null=True, blank=True)
    status_changed_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["site", "sort_key"]

    def __str__(self) -> str:
        return f"Recommendation {self.number}"

    def save(self, *args, **kwargs):
        # "2.10" sorts after "2.9": zero-pad each part of the number.
        self.sort_key = ".".join(part.zfill(4) for part in self.number.split("."))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("assessment:item", args=[self.site_id, self.pk])


def evidence_path(instance, filename: str) -> str:
    return f"assessment/{instance.implementation.site_id}/evidence/{instance.implementation_id}/{filename}"


class Proposal(models.Model):
    """A status change the agency proposes, with its evidence; the assessor accepts it or asks for more."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Awaiting verification"
        ACCEPTED = "accepted", "Accepted"
        MORE_EVIDENCE = "more_evidence", "Needs more evidence"

    implementation = models.ForeignKey(Implementation, on_delete=models.CASCADE, related_name="proposals")
    proposed_status = models.CharField("proposed status", max_length=30, choices=Status.choices)
    evidence = models.TextField(help_text="What was done: policy changes, training, documents, with dates.")
    evidence_date = models.DateField("date of the evidence")
    document = models.FileField(upload_to=evidence_path, blank=True)
    document_name = models.CharField(max_length=255, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["implementation"], condition=Q(decision="pending"), name="one_pending_proposal"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_proposed_status_display()} proposed for {self.implementation}"


class ProgressReport(models.Model):
    """A dated snapshot of every recommendation's status with a narrative, published on the site's page."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="progress_reports")
    number = models.PositiveIntegerField()
    as_of = models.DateField("status as of")
    narrative = models.TextField(help_text="Markdown.")
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    snapshot = models.JSONField(default=dict, help_text="Statuses as of the report, frozen when published.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["site", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="one_progress_report_per_number"),
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False),
                name="published_progress_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"Progress report {self.number} ({self.as_of:%B %Y})"

    def get_public_url(self) -> str:
        return reverse("public_progress:progress", args=[self.site_id, self.number])
