"""The program's vocabularies: the three programs of the continuum, kinds of TA, and the topic taxonomy."""

from django.db import models
from django.utils.text import slugify


class Program(models.TextChoices):
    CRI_TAC = "cri_tac", "CRI-TAC"
    CRITICAL_RESPONSE = "critical_response", "Critical Response"
    ORGANIZATIONAL_ASSESSMENT = "organizational_assessment", "Organizational Assessment"


class TAKind(models.TextChoices):
    """What an agency asks for (intake); staff settle it after the assessment call."""

    IMMEDIATE = "immediate", "Immediate technical assistance"
    DATA_ANALYSIS = "data_analysis", "Data analysis"
    AFTER_ACTION_REVIEW = "after_action_review", "After-action review"
    OTHER = "other", "Other"


TA_KIND_EXAMPLES = {
    TAKind.IMMEDIATE: "Confidential consultation, onsite peer briefings, community outreach, training.",
    TAKind.DATA_ANALYSIS: "Racial profiling, use of force, traffic stops, arrests, staffing.",
    TAKind.AFTER_ACTION_REVIEW: "An independent review of how the agency prepared for and responded to an event.",
    TAKind.OTHER: "Training, policy review, consultation, peer exchange, or something else: describe it below.",
}


class TopicArea(models.Model):
    """A group of topics as the CRI-TAC catalog presents them; partners can cover a whole area."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)


class TopicQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Topic(models.Model):
    """A managed taxonomy shared by requests, sites, reports and the CRI-TAC catalog."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    active = models.BooleanField(
        default=True, help_text="Inactive topics stay on old records but can't be chosen."
    )
    area = models.ForeignKey(
        TopicArea, on_delete=models.SET_NULL, null=True, blank=True, related_name="topics"
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)
