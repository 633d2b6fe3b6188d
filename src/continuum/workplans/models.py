"""Versioned work plans: objectives, activities, deliverables and the team, commented on by the agency and
approved by its chief executive. An approved version is frozen; a change is a new version."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from continuum.sites.models import Site, SiteMember


class WorkPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "With the agency for review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        SUPERSEDED = "superseded", "Superseded"

    EDITABLE = (Status.DRAFT,)

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["site", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["site", "version"], name="one_plan_per_version"),
            models.UniqueConstraint(
                fields=["site"], condition=Q(status__in=["draft", "in_review"]),
                name="one_open_plan_per_site",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="approved_plan_records_approval",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"Work plan v{self.version} — {self.site}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class PlanItem(models.Model):
    """Common shape of the plan's lists: ordered, owned by one plan version."""

    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]


class Objective(PlanItem):
    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="objectives")
    text = models.TextField("objective")

    def __str__(self) -> str:
        return self.text

    def describe(self) -> str:
        return self.text


class Activity(PlanItem):
    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="activities")

    class Kind(models.TextChoices):
        SITE_VISIT = "site_visit", "Site visit"
        INTERVIEW = "interview", "Interview"
        FOCUS_GROUP = "focus_group", "Focus group"
        DATA_REQUEST = "data_request", "Data request"
        DATA_ANALYSIS = "data_analysis", "Data analysis"
        TRAINING = "training", "Training"
        CONSULTATION = "consultation", "Consultation"
        PEER_EXCHANGE = "peer_exchange", "Peer exchange"
        LISTENING_SESSION = "listening_session", "Community listening session"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200)
    starts_on = models.DateField("start", null=True, blank=True)
    ends_on = models.DateField("end", null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(PlanItem.Meta):
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    def describe(self) -> str:
        when = f"{self.starts_on or '?'} to {self.ends_on or self.starts_on or '?'}"
        return f"{self.get_kind_display()}: {self.title} ({when}; owner: {self.owner or 'unassigned'})"


class Deliverable(PlanItem):
    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="deliverables")
    title = models.CharField(max_length=200)
    due_on = models.DateField("due date")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return self.title

    def describe(self) -> str:
        return f"{self.title} (due {self.due_on}; owner: {self.owner or 'unassigned'})"


class Assignment(PlanItem):
    """Who the plan puts on the team, and in what role; approval adds them to the site's team."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="assignments")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=30, choices=SiteMember.SiteRole.choices)

    def __str__(self) -> str:
        return f"{self.user}, {self.get_role_display()}"

    def describe(self) -> str:
        return str(self)


class Comment(models.Model):
    """A comment on the plan or one of its items, by the agency or the team."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="comments")
    target = models.CharField(
        max_length=60, blank=True, help_text="Which item: '' for the whole plan, else e.g. 'activity:12'."
    )
    target_label = models.CharField(max_length=300, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("comment")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.target_label or 'the plan'}"
