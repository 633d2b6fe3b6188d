"""Data requests, the files uploaded against them (as numbered versions), background jobs and their results.

Raw uploads are kept only until a version is accepted: what stays is the standard table (Parquet) without the
civilian identifiers the analyses don't use, officer identifiers hashed with the site's key (`SiteDataKey`,
never stored inside a dataset)."""

import secrets
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.urls import reverse

from continuum.analysis.readable import analysis_name


class TableType(models.TextChoices):
    STOPS = "stops", "Stops"
    USE_OF_FORCE = "use_of_force", "Use of force"
    ARRESTS = "arrests", "Arrests"
    CALLS_FOR_SERVICE = "calls_for_service", "Calls for service"
    SHOOTINGS = "shootings", "Officer-involved shootings"
    CRASHES = "crashes", "Vehicle crashes"
    PERSONNEL = "personnel", "Personnel"
    OTHER = "other", "Other"


class DataRequest(models.Model):
    """One dataset the team asks the agency for."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        RECEIVED = "received", "Received"
        VALIDATED = "validated", "Validated"
        ACCEPTED = "accepted", "Accepted"
        PROBLEM = "problem", "Problem"

    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="data_requests")
    title = models.CharField(max_length=200)
    table_type = models.CharField("kind of table", max_length=30, choices=TableType.choices)
    period_start = models.DateField("period from", null=True, blank=True)
    period_end = models.DateField("period to", null=True, blank=True)
    fields_wanted = models.TextField(
        "fields wanted",
        blank=True,
        help_text="The columns the analysis needs, one per line or comma-separated.",
    )
    due_on = models.DateField("due date", null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    status_note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("datasets:request", args=[self.site_id, self.pk])


def raw_path(instance: "DatasetVersion", filename: str) -> str:
    """A random name under the site's folder: the uploader's file name never reaches the file system."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"datasets/site-{instance.data_request.site_id}/raw/{uuid.uuid4().hex}{suffix}"


def standard_path(instance: "DatasetVersion", filename: str) -> str:
    return f"datasets/site-{instance.data_request.site_id}/standard/{uuid.uuid4().hex}.parquet"


class DatasetVersion(models.Model):
    """One file uploaded against a data request. Versions are never replaced."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded, to be mapped"
        VALIDATING = "validating", "Validating"
        VALID = "valid", "Validated"
        INVALID = "invalid", "Could not be read"
        ACCEPTED = "accepted", "Accepted"

    data_request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    original_name = models.CharField("file name", max_length=255)
    file_format = models.CharField(max_length=20)
    size = models.PositiveBigIntegerField("size in bytes")
    sha256 = models.CharField("SHA-256 of the upload", max_length=64)
    raw_file = models.FileField(upload_to=raw_path, max_length=300, blank=True)
    mapping_toml = models.TextField("mapping", blank=True)
    mapping_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADED)
    error = models.TextField(blank=True, help_text="Why the file could not be read, naming row and column.")
    validation = models.JSONField(default=dict, blank=True)
    standard_file = models.FileField(upload_to=standard_path, max_length=300, blank=True)
    standard_sha256 = models.CharField("SHA-256 of the standard table", max_length=64, blank=True)
    n_rows = models.PositiveBigIntegerField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    upload_key = models.UUIDField(
        null=True, blank=True, unique=True, editable=False,
        help_text="The API client's Idempotency-Key: the same upload sent again is this version, not another.",
    )  # fmt: skip

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["data_request", "number"], name="one_number_per_dataset_version")
        ]

    def __str__(self) -> str:
        return f"{self.data_request} v{self.number} ({self.original_name})"

    def get_absolute_url(self) -> str:
        return reverse("datasets:version", args=[self.data_request.site_id, self.pk])

    @property
    def site(self):
        return self.data_request.site

    @property
    def is_stops(self) -> bool:
        return self.data_request.table_type == TableType.STOPS

    @property
    def analysis_choices(self) -> list[str]:
        """The engine's analyses of this kind of table."""
        from .engine import analyses_for

        return analyses_for(self.data_request.table_type)

    @property
    def analysable(self) -> bool:
        return self.status in (self.Status.VALID, self.Status.ACCEPTED) and bool(self.standard_file)


class Job(models.Model):
    """A validation or an analysis run by the task worker. `attempt` fences each delivery of the task: only
    the run that claimed the current attempt may write, so a re-delivered or recovered task never runs twice."""

    class Kind(models.TextChoices):
        VALIDATE = "validate", "Validation"
        ANALYZE = "analyze", "Analysis"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    version = models.ForeignKey(DatasetVersion, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    analysis = models.CharField(max_length=60, blank=True)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    attempt = models.PositiveIntegerField(default=1)
    recoveries = models.PositiveSmallIntegerField(
        default=0, help_text="Times its worker died running it since it was queued or retried by a person."
    )
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid of the worker running it.")
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        what = analysis_name(self.analysis) if self.kind == self.Kind.ANALYZE else "validation"
        return f"{what} of {self.version} (job {self.pk})"

    def get_absolute_url(self) -> str:
        return reverse("datasets:job", args=[self.version.data_request.site_id, self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class Result(models.Model):
    """An analysis result as the engine returned it, numbered per dataset and analysis."""

    job = models.OneToOneField(Job, on_delete=models.PROTECT, related_name="result")
    version = models.ForeignKey(DatasetVersion, on_delete=models.PROTECT, related_name="results")
    analysis = models.CharField(max_length=60)
    number = models.PositiveIntegerField(help_text="Run number of this analysis on this dataset.")
    params = models.JSONField(default=dict)
    input_sha256 = models.CharField(max_length=64)
    engine_version = models.CharField(max_length=40)
    data = models.JSONField(help_text="The engine's result (Result.to_dict()).")
    html = models.TextField(help_text="The engine's HTML fragment, without style attributes.")
    for_report = models.BooleanField("for the report", default=False)
    embedded_in = models.ForeignKey(
        "reports.Report", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "analysis", "number"], name="one_number_per_result")
        ]

    def __str__(self) -> str:
        return f"{analysis_name(self.analysis)}, run {self.number}, on {self.version}"

    def get_absolute_url(self) -> str:
        return reverse("datasets:result", args=[self.version.data_request.site_id, self.pk])


def _new_key() -> str:
    return secrets.token_hex(32)


class SiteDataKey(models.Model):
    """The key officer identifiers are hashed with on this site: stable across uploads of the site, useless
    without it, and never written into a dataset or a result."""

    site = models.OneToOneField("sites.Site", on_delete=models.CASCADE, related_name="data_key")
    key = models.CharField(max_length=64, default=_new_key)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"data key of {self.site}"
