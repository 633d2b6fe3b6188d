"""Reports: one structured content model (sections, numbered findings and recommendations, embedded analysis
results, figures, notes; for after-action reviews also the incident, timeline, sources, observations and the
improvement plan) that the web page, the PDF and the Word document all render.

Numbers are never stored: they come from the order of the parts (see numbering.py). A published report is
frozen; every part refuses to change once its report is published (a correction is a new version)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from continuum.sites.models import Site


class ReportLocked(Exception):
    """The report is published (or superseded) and cannot change; publish a correction instead."""


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ReportQuerySet":
        """The site's team sees every state; the agency sees its reports from its factual-accuracy review on;
        everyone sees published versions."""
        public = Q(status__in=Report.PUBLIC_STATES, site__is_public=True)
        if not user.is_authenticated:
            return self.filter(public)
        sites = Site.objects.visible_to(user)
        if user.is_agency_user:
            return self.filter(public | Q(site__in=sites, status__in=Report.AGENCY_STATES))
        return self.filter(public | Q(site__in=sites))

    def public(self) -> "ReportQuerySet":
        """What anyone may read: published (or superseded) versions of reports of publicly listed sites. A site
        kept off the public list (a confidential consultation) keeps its report off it too, on every page, file
        and API route, as its site page and progress reports are."""
        return self.filter(status__in=Report.PUBLIC_STATES, site__is_public=True)

    def published(self) -> "ReportQuerySet":
        """The current public version of each public report."""
        return self.public().filter(status=Report.Status.PUBLISHED)


class Report(models.Model):
    class Kind(models.TextChoices):
        FINDINGS = "findings", "Findings and recommendations"
        AFTER_ACTION = "after_action", "After-action review"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        INTERNAL_REVIEW = "internal_review", "Internal review"
        AGENCY_REVIEW = "agency_review", "Agency factual-accuracy review"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"
        SUPERSEDED = "superseded", "Superseded by a correction"

    EDITABLE = (Status.DRAFT, Status.INTERNAL_REVIEW, Status.AGENCY_REVIEW)
    AGENCY_STATES = (Status.AGENCY_REVIEW, Status.APPROVED, Status.PUBLISHED, Status.SUPERSEDED)
    PUBLIC_STATES = (Status.PUBLISHED, Status.SUPERSEDED)
    LOCKED = (Status.PUBLISHED, Status.SUPERSEDED)

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FINDINGS)
    version = models.PositiveIntegerField(default=1)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        help_text="The published version this one corrects.",
    )
    change_note = models.TextField(blank=True, help_text="What the correction changes, as published.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)

    title = models.CharField(max_length=250)
    subtitle = models.CharField(max_length=250, blank=True)
    executive_summary = models.TextField(blank=True, help_text="Markdown.")
    background = models.TextField(blank=True, help_text="Markdown.")
    methodology = models.TextField(
        blank=True,
        help_text="Markdown: what was reviewed (documents, interviews with personnel at various levels, "
        "municipal officials, community stakeholders, data) and how.",
    )
    conclusion = models.TextField(blank=True, help_text="Markdown.")
    # After-action review: the incident profile, lessons and promising practices.
    incident_what = models.TextField("what happened", blank=True)
    incident_when = models.CharField("when", max_length=200, blank=True)
    incident_where = models.CharField("where", max_length=200, blank=True)
    agencies_involved = models.TextField("agencies involved", blank=True, help_text="One per line.")
    lessons_learned = models.TextField("lessons learned", blank=True, help_text="Markdown.")
    promising_practices = models.TextField("promising practices", blank=True, help_text="Markdown.")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who sent the draft for review: with its author, may not approve or publish it.",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["site", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["site", "kind", "version"], name="one_report_per_version"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_report_dated",
            ),
        ]
        # the public list: published reports, newest first, a page at a time
        indexes = [
            models.Index(
                F("published_at").desc(), F("id").desc(), name="report_published_order",
                condition=Q(status="published"),
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})" if self.version > 1 else self.title

    def save(self, *args, **kwargs):
        """A frozen report only ever changes its status (published → superseded)."""
        if self.pk:
            stored = Report.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            fields = kwargs.get("update_fields")
            if stored in self.LOCKED and (fields is None or set(fields) - {"status"}):
                raise ReportLocked("A published report cannot change; publish a correction instead.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("reports:detail", args=[self.site_id, self.pk])

    @property
    def is_public(self) -> bool:
        """As ReportQuerySet.public: a final version of a publicly listed site's report."""
        return self.status in self.PUBLIC_STATES and self.site.is_public

    def get_public_url(self) -> str:
        from django.urls import reverse

        return reverse("public_reports:detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.status in self.LOCKED

    @property
    def is_after_action(self) -> bool:
        return self.kind == self.Kind.AFTER_ACTION


class ReportPart(models.Model):
    """A part of a report's content: ordered by position, frozen with its report."""

    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def save(self, *args, **kwargs):
        if Report.objects.filter(pk=self.owner().pk, status__in=Report.LOCKED).exists():
            raise ReportLocked("A published report cannot change; publish a correction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Report.objects.filter(pk=self.owner().pk, status__in=Report.LOCKED).exists():
            raise ReportLocked("A published report cannot change; publish a correction instead.")
        return super().delete(*args, **kwargs)

    def owner(self) -> Report:
        return self.report


class Finding(ReportPart):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="findings")
    title = models.CharField("finding", max_length=400, help_text="The finding, in one sentence.")
    body = models.TextField("discussion", blank=True, help_text="Markdown.")

    def __str__(self) -> str:
        return self.title


class Recommendation(ReportPart):
    class Priority(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="recommendations")
    text = models.TextField("recommendation", help_text="What must be done. Markdown.")
    responsible_party = models.CharField(
        "responsible party",
        max_length=200,
        help_text="Who must do it, e.g. “The department's training academy”.",
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    topics = models.ManyToManyField("catalog.Topic", blank=True, related_name="recommendations")

    def __str__(self) -> str:
        return self.text[:80]

    def owner(self) -> Report:
        return self.finding.report


class EmbeddedResult(ReportPart):
    """A snapshot of an analysis result as the report shows it: a table (and an optional chart) rendered when
    it was embedded, with the provenance line that lets anyone rerun it. Later runs don't change it."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="embeds")
    finding = models.ForeignKey(
        Finding,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="embeds",
        help_text="Shown under this finding; with none, in the methodology.",
    )
    title = models.CharField(max_length=250)
    table = models.JSONField(default=dict, help_text="The table as data: caption, columns, rows.")
    table_html = models.TextField(help_text="The same table as sanitized HTML, rendered when embedded.")
    chart_svg = models.TextField(blank=True, help_text="An SVG chart rendered from the result (server-made).")
    alt_text = models.TextField("alt text", help_text="What the chart or table shows, for screen readers.")
    provenance = models.CharField(max_length=400)
    source = models.JSONField(default=dict, blank=True, help_text="The result JSON it was rendered from.")

    def __str__(self) -> str:
        return self.title


class Figure(ReportPart):
    """An image (PNG, JPEG or a server-rendered SVG) with its required alt text."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="figures")
    finding = models.ForeignKey(
        Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="figures"
    )
    caption = models.CharField(max_length=300)
    alt_text = models.TextField("alt text")
    image = models.BinaryField()
    content_type = models.CharField(max_length=40)

    class Meta(ReportPart.Meta):
        constraints = [models.CheckConstraint(condition=~Q(alt_text=""), name="figure_has_alt_text")]

    def __str__(self) -> str:
        return self.caption


class Footnote(ReportPart):
    """A note or citation. Prose cites it as [^key]; its number comes from its order."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="footnotes")
    key = models.SlugField(max_length=40)
    text = models.TextField(help_text="Markdown.")

    class Meta(ReportPart.Meta):
        constraints = [models.UniqueConstraint(fields=["report", "key"], name="one_footnote_per_key")]

    def __str__(self) -> str:
        return f"[^{self.key}]"


class Appendix(ReportPart):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="appendices")
    title = models.CharField(max_length=250)
    body = models.TextField(help_text="Markdown.")

    class Meta(ReportPart.Meta):
        verbose_name_plural = "appendices"

    def __str__(self) -> str:
        return self.title


class SourceReviewed(ReportPart):
    class Kind(models.TextChoices):
        DOCUMENT = "document", "Documents"
        INTERVIEW = "interview", "Interviews"
        VIDEO = "video", "Video"
        DATA = "data", "Data"
        OFFICIALS = "officials", "Municipal officials"
        COMMUNITY = "community", "Community stakeholders"
        OTHER = "other", "Other"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=400)
    count = models.PositiveIntegerField(null=True, blank=True)

    class Meta(ReportPart.Meta):
        verbose_name_plural = "sources reviewed"

    def __str__(self) -> str:
        return self.description


class TimelineEntry(ReportPart):
    """One event of the incident; the timeline is always shown in time order."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="timeline")
    occurred_at = models.DateTimeField("when")
    description = models.TextField("what happened")
    source = models.CharField(max_length=250, help_text="Where this comes from: CAD log, body-worn camera, …")

    class Meta:
        ordering = ["occurred_at", "position", "pk"]
        verbose_name_plural = "timeline entries"

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.description[:60]}"


class Observation(ReportPart):
    class Theme(models.TextChoices):
        PLANNING = "planning", "Planning and preparation"
        COMMAND = "command", "Command and control"
        COMMUNICATIONS = "communications", "Communications"
        TACTICS = "tactics", "Tactics and use of force"
        COMMUNITY = "community", "Community engagement"
        PUBLIC_INFORMATION = "public_information", "Public information"
        WELLNESS = "wellness", "Officer safety and wellness"

    class Kind(models.TextChoices):
        STRENGTH = "strength", "Strength"
        IMPROVEMENT = "improvement", "Area for improvement"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="observations")
    theme = models.CharField(max_length=30, choices=Theme.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField("observation", max_length=400)
    analysis = models.TextField(blank=True, help_text="Markdown.")
    root_cause = models.TextField("root cause", blank=True, help_text="Markdown.")

    def __str__(self) -> str:
        return self.title


class ImprovementAction(ReportPart):
    """A row of the improvement plan: the corrective action that carries out a recommendation."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="actions")
    corrective_action = models.TextField("corrective action")
    responsible_party = models.CharField("responsible party", max_length=200)
    starts_on = models.DateField("start date", null=True, blank=True)
    ends_on = models.DateField("end date", null=True, blank=True)

    class Meta(ReportPart.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="improvement_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.corrective_action[:80]

    def owner(self) -> Report:
        return self.recommendation.finding.report


class ReviewComment(models.Model):
    """A comment on a passage of a draft (the agency's factual-accuracy review, or the program's review),
    resolved with a reply."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="comments")
    phase = models.CharField(
        max_length=20, choices=[("internal_review", "Internal review"), ("agency_review", "Agency review")],
        default="internal_review", help_text="Internal-review comments are never shown to the agency.",
    )  # fmt: skip
    passage = models.CharField(
        max_length=60, blank=True, help_text="'' for the whole report, e.g. 'finding:3'."
    )
    passage_label = models.CharField(max_length=300, blank=True)
    quote = models.TextField(blank=True, help_text="The words the comment is about.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("comment")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.passage_label or 'the report'}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class CommentReply(models.Model):
    comment = models.ForeignKey(ReviewComment, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("reply")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Reply by {self.author}"


class FactualReview(models.Model):
    """One round of the agency's factual-accuracy review: opened when the report is sent to the agency, closed
    when the agency marks it done (with its comments) or when its period lapses. Each sending opens a round;
    earlier rounds stay as they were."""

    class Outcome(models.TextChoices):
        DONE = "done", "Marked done by the agency"
        LAPSED = "lapsed", "Review period lapsed"
        RETURNED = "returned", "Report returned to drafting during the review"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="factual_reviews")
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField("review due")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    comments = models.TextField("the agency's comments", blank=True)

    class Meta:
        ordering = ["report", "-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["report"], condition=Q(closed_at__isnull=True), name="one_open_factual_review"
            ),
        ]

    def __str__(self) -> str:
        return f"Factual review of {self.report} sent {self.sent_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def lapsed(self, today) -> bool:
        return self.is_open and today > self.due_on
