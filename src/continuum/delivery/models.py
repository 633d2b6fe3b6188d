"""Delivery on a site: activities done, the communications log, documents exchanged (versioned) and
milestone completions against the approved plan."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from continuum.catalog.models import Program
from continuum.sites.models import Site

DEFAULT_SILENCE_DAYS = 14


class ContactThreshold(models.Model):
    """How many days without contact with the agency a program tolerates before the site is flagged."""

    program = models.CharField(max_length=40, choices=Program.choices, unique=True)
    days = models.PositiveIntegerField(
        default=DEFAULT_SILENCE_DAYS, help_text="Flag a site after this many days without contact."
    )

    class Meta:
        ordering = ["program"]
        constraints = [models.CheckConstraint(condition=Q(days__gte=1), name="threshold_at_least_one_day")]

    def __str__(self) -> str:
        return f"{self.get_program_display()}: {self.days} days"


class Communication(models.Model):
    """One exchange: with the agency (visible to it, counts as contact) or internal to the team."""

    class Kind(models.TextChoices):
        MEETING = "meeting", "Meeting"
        CALL = "call", "Call"
        EMAIL = "email", "E-mail"
        SITE_VISIT = "site_visit", "Site visit"
        OTHER = "other", "Other"

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="communications")
    occurred_on = models.DateField("date")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    with_agency = models.BooleanField(
        "with the agency", default=True,
        help_text="Contact with the agency is visible to it and resets the days since last contact; "
        "internal exchanges are seen by the team only.",
    )  # fmt: skip
    participants = models.CharField(max_length=500)
    summary = models.TextField()
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["site", "with_agency", "-occurred_on"])]

    def __str__(self) -> str:
        scope = "with the agency" if self.with_agency else "internal"
        return f"{self.get_kind_display()} {scope} on {self.occurred_on:%Y-%m-%d}"


class ActivityDone(models.Model):
    """An activity carried out, optionally the delivery of an activity of the approved plan."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="activities_done")
    plan_activity = models.ForeignKey(
        "workplans.Activity", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="plan activity", help_text="The activity of the approved work plan this delivers, if any.",
    )  # fmt: skip
    title = models.CharField(max_length=200)
    done_on = models.DateField("date done")
    participants = models.CharField(max_length=500)
    notes = models.TextField(blank=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-done_on", "-pk"]
        verbose_name_plural = "activities done"

    def __str__(self) -> str:
        return f"{self.title} (done {self.done_on:%Y-%m-%d})"


class Document(models.Model):
    """A document exchanged on a site; its content lives in its versions, the newest being current."""

    class Kind(models.TextChoices):
        DATA = "data", "Data"
        POLICY = "policy", "Policy or procedure"
        CORRESPONDENCE = "correspondence", "Correspondence"
        MEETING_NOTES = "meeting_notes", "Meeting notes"
        DRAFT = "draft", "Draft product"
        OTHER = "other", "Other"

    class Visibility(models.TextChoices):
        TEAM = "team", "Team only"
        TEAM_AND_AGENCY = "team_and_agency", "Team and agency"

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    kind = models.CharField("kind of document", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(blank=True)
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.TEAM)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("delivery:document", args=[self.site_id, self.pk])

    @property
    def agency_visible(self) -> bool:
        return self.visibility == self.Visibility.TEAM_AND_AGENCY

    @property
    def current(self) -> "DocumentVersion | None":
        return self.versions.order_by("-number").first()


def version_path(instance: "DocumentVersion", filename: str) -> str:
    """A random name under the site's folder: the uploader's file name never reaches the file system."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"delivery/site-{instance.document.site_id}/{instance.document_id}/{uuid.uuid4().hex}{suffix}"


class DocumentVersion(models.Model):
    """One uploaded file. Versions are never replaced, so every earlier one stays downloadable."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=version_path, max_length=300)
    original_name = models.CharField("file name", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField("size in bytes")
    sha256 = models.CharField("SHA-256", max_length=64)
    note = models.CharField("what changed", max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="one_document_version_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number} ({self.original_name})"

    def get_download_url(self) -> str:
        return reverse("delivery:download", args=[self.document.site_id, self.document_id, self.number])


class MilestoneCompletion(models.Model):
    """A deliverable of the plan marked done. Keyed by site, title and due date rather than by the deliverable
    row, because each plan version copies its items: the completion carries over to a later version as long
    as the milestone itself (title and due date) is unchanged."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="milestone_completions")
    deliverable = models.ForeignKey(
        "workplans.Deliverable", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The deliverable as it was marked done.",
    )  # fmt: skip
    title = models.CharField(max_length=200)
    due_on = models.DateField("due date")
    done_on = models.DateField("date done")
    note = models.CharField(max_length=300, blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["site", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["site", "title", "due_on"], name="one_completion_per_milestone")
        ]

    def __str__(self) -> str:
        return f"{self.title} (due {self.due_on:%Y-%m-%d}) done {self.done_on:%Y-%m-%d}"
