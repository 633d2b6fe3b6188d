"""Feedback surveys after a delivery or a report, in the spirit of OJP's requester and participant feedback
forms. Each recipient gets an unguessable link; only its SHA-256 is stored, so the database alone cannot answer
for anyone. One response per recipient, enforced by the database."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from continuum.sites.models import Site


class Survey(models.Model):
    class Occasion(models.TextChoices):
        DELIVERY = "delivery", "After a delivery"
        REPORT = "report", "After the report"

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="surveys")
    occasion = models.CharField(max_length=20, choices=Occasion.choices)
    delivery = models.ForeignKey(
        "critac.Delivery", on_delete=models.SET_NULL, null=True, blank=True, related_name="surveys",
        help_text="The CRI-TAC delivery the survey asks about, if any.",
    )  # fmt: skip
    subject = models.CharField(
        max_length=250, help_text="What the survey asks about, as the recipients read it."
    )
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"Feedback survey: {self.subject}"


class Invitation(models.Model):
    class Role(models.TextChoices):
        REQUESTER = "requester", "Requester (the agency)"
        PARTICIPANT = "participant", "Participant"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=20, choices=Role.choices)
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey", "role", "email"]
        constraints = [models.UniqueConstraint(fields=["survey", "email"], name="one_invitation_per_address")]

    def __str__(self) -> str:
        who = f"{self.name} <{self.email}>" if self.name else self.email
        return f"{who} ({self.get_role_display().lower()})"


SCALE = [(1, "1"), (2, "2"), (3, "3"), (4, "4"), (5, "5")]


class Response(models.Model):
    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    satisfaction = models.PositiveSmallIntegerField(
        "overall satisfaction", validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    usefulness = models.PositiveSmallIntegerField(
        "usefulness", validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    what_changed = models.TextField("what changed", blank=True)
    future_needs = models.TextField("future needs", blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__range=(1, 5), usefulness__range=(1, 5)),
                name="scores_one_to_five",
            )
        ]

    def __str__(self) -> str:
        return f"Response from {self.invitation.email}"
