"""Requests for assistance, their screening flags, and the staff's contacts and notes while assessing them."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from continuum.agencies.geography import STATES_AND_TERRITORIES
from continuum.agencies.models import Agency
from continuum.catalog.models import Program, TAKind
from continuum.sites.models import Site

TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


def new_tracking_number() -> str:
    """CRI-XXXX-XXXX-XXXX: 60 random bits, so a number cannot be guessed from another."""
    chars = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))
    return f"CRI-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def letter_path(instance, filename: str) -> str:
    return f"intake/letters/{instance.tracking_number}/authorization.pdf"


class RequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> "RequestQuerySet":
        """Staff see every request; agencies their own; providers only those whose site is theirs."""
        if not user.is_authenticated:
            return self.none()
        if user.is_program_side:
            return self
        if user.is_agency_user:
            return self.filter(agency_id=user.organization_id)
        if user.is_provider_user:
            return self.filter(site__in=Site.objects.visible_to(user))
        return self.none()

    def open(self) -> "RequestQuerySet":
        return self.filter(status__in=Request.OPEN_STATUSES)


class Request(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        UNDER_REVIEW = "under_review", "Under review"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        REFERRED = "referred", "Referred"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class ProgramWanted(models.TextChoices):
        CRI_TAC = Program.CRI_TAC.value, Program.CRI_TAC.label
        CRITICAL_RESPONSE = Program.CRITICAL_RESPONSE.value, Program.CRITICAL_RESPONSE.label
        ORGANIZATIONAL_ASSESSMENT = (
            Program.ORGANIZATIONAL_ASSESSMENT.value,
            Program.ORGANIZATIONAL_ASSESSMENT.label,
        )
        NOT_SURE = "not_sure", "Not sure"

    class Urgency(models.TextChoices):
        ROUTINE = "routine", "Routine: within the next few months"
        SOON = "soon", "Soon: within 30 days"
        URGENT = "urgent", "Urgent: an event is unfolding or just happened"

    class YesNoUnknown(models.TextChoices):
        NO = "no", "No"
        YES = "yes", "Yes"
        UNKNOWN = "unknown", "I don't know"

    class Authorization(models.TextChoices):
        NOT_NEEDED = "not_needed", "Not needed: the chief executive asked"
        MISSING = "missing", "Missing"
        REQUESTED = "requested", "Sent to the chief executive"
        LETTER = "letter", "Letter attached"
        SIGNED = "signed", "Authorized in Continuum"
        REFUSED = "refused", "Not authorized by the chief executive"

    OPEN_STATUSES = (Status.SUBMITTED, Status.UNDER_REVIEW)
    AUTHORIZED = (Authorization.NOT_NEEDED, Authorization.LETTER, Authorization.SIGNED)

    tracking_number = models.CharField(
        max_length=20, unique=True, default=new_tracking_number, editable=False
    )
    submission_token = models.UUIDField(unique=True, editable=False, help_text="One request per form served.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True)

    # The agency: an existing record, or one described by the requester (made a record on acceptance).
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    agency_name = models.CharField("agency name", max_length=200)
    agency_type = models.CharField("agency type", max_length=20, choices=Agency.Type.choices)
    agency_city = models.CharField("city", max_length=120, blank=True)
    agency_state = models.CharField("state or territory", max_length=2, choices=STATES_AND_TERRITORIES)
    agency_ori = models.CharField("ORI", max_length=9, blank=True)
    agency_sworn_officers = models.PositiveIntegerField("sworn officers", null=True, blank=True)
    agency_population_served = models.PositiveIntegerField("population served", null=True, blank=True)

    requester_name = models.CharField("your name", max_length=200)
    requester_title = models.CharField("your title", max_length=120)
    requester_email = models.EmailField("your e-mail address")
    requester_phone = models.CharField("your phone number", max_length=40)
    requester_is_chief_executive = models.BooleanField("I am the agency's chief executive")
    chief_executive_name = models.CharField("chief executive's name", max_length=200, blank=True)
    authorization_letter = models.FileField(upload_to=letter_path, blank=True)
    # The chief executive's written authorization: their own request, a letter, or their sign-off in Continuum.
    authorization = models.CharField(
        "written authorization", max_length=20, choices=Authorization.choices, default=Authorization.MISSING
    )
    authorized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    authorized_at = models.DateTimeField(null=True, blank=True)

    program_wanted = models.CharField("program", max_length=40, choices=ProgramWanted.choices)
    ta_kind = models.CharField("kind of assistance", max_length=30, choices=TAKind.choices)
    topics = models.ManyToManyField("catalog.Topic", blank=True, related_name="requests")
    what_happened = models.TextField("what happened")
    event_date = models.DateField("when it happened", null=True, blank=True)
    urgency = models.CharField(max_length=20, choices=Urgency.choices)
    pending_matters = models.CharField(
        "pending investigations or litigation", max_length=10, choices=YesNoUnknown.choices
    )
    pending_details = models.TextField("details of the investigation or litigation", blank=True)
    asked_for = models.TextField("what you are asking for")
    asks_for_costs = models.BooleanField("the request includes paying for agency personnel or equipment")

    # The program staff member who looks after the request until it is decided (None: not yet assigned).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_requests",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    client_key = models.CharField(max_length=64, blank=True, help_text="Keyed hash of the client address.")
    submitted_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(
        "internal reason", blank=True, help_text="Why it was decided: program staff only."
    )
    message_to_agency = models.TextField(
        blank=True, help_text="What the requester is told: shown on the status page and e-mailed."
    )
    referred_to = models.CharField(max_length=40, choices=Program.choices, blank=True)
    referred_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    site = models.OneToOneField(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="origin_request"
    )

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(site__isnull=False), name="accepted_request_has_site"
            ),
            models.CheckConstraint(
                condition=~Q(status="referred") | ~Q(referred_to=""), name="referred_request_names_program"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_number} — {self.agency_name}"

    def save(self, *args, **kwargs):
        if self._state.adding and self.authorization == self.Authorization.MISSING:
            self.authorization = self.initial_authorization()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("intake:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def agency_place(self) -> str:
        state = self.get_agency_state_display()
        return f"{self.agency_city}, {state}" if self.agency_city else state

    @property
    def is_authorized(self) -> bool:
        return self.authorization in self.AUTHORIZED

    def initial_authorization(self) -> str:
        """At submission: the chief's own request needs nothing more; a liaison's needs a letter or sign-off."""
        if self.requester_is_chief_executive:
            return self.Authorization.NOT_NEEDED
        return self.Authorization.LETTER if self.authorization_letter else self.Authorization.MISSING

    @property
    def open_flags(self):
        return [flag for flag in self.flags.all() if flag.cleared_at is None]


class Flag(models.Model):
    """A screening finding staff must see; raised by screening, cleared only by staff with a reason."""

    class Code(models.TextChoices):
        AUTHORITY = "authority", "Requester authority"
        AGENCY_TYPE = "agency_type", "Agency type"
        PENDING_MATTERS = "pending_matters", "Pending investigation or litigation"
        COSTS = "costs", "Costs the program does not cover"
        DUPLICATE = "duplicate", "Another open request"
        INCOMPLETE = "incomplete", "Incomplete information"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="flags")
    code = models.CharField(max_length=30, choices=Code.choices)
    reason = models.TextField()
    raised_at = models.DateTimeField(auto_now_add=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    clear_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["raised_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["request", "code"], name="one_flag_per_code")]

    def __str__(self) -> str:
        return f"{self.get_code_display()}: {self.reason}"


class Contact(models.Model):
    """A conversation with the agency while assessing and defining the request."""

    class Channel(models.TextChoices):
        PHONE = "phone", "Phone call"
        VIDEO = "video", "Video call"
        EMAIL = "email", "E-mail"
        IN_PERSON = "in_person", "In person"

    class Purpose(models.TextChoices):
        ASSESS = "assess", "Assess and define the request"
        PROCESS = "process", "Discuss the process"
        INFORMATION = "information", "Obtain information"
        EXPECTATIONS = "expectations", "Align expectations"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="contacts")
    contacted_on = models.DateField("date")
    with_whom = models.CharField("with whom at the agency", max_length=200)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    purposes = models.JSONField(default=list, help_text="Codes from Contact.Purpose")
    notes = models.TextField(blank=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-contacted_on", "-logged_at"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} with {self.with_whom} on {self.contacted_on}"

    @property
    def purpose_labels(self) -> list[str]:
        labels = dict(self.Purpose.choices)
        return [labels.get(code, code) for code in self.purposes]


class Note(models.Model):
    """An internal note: program staff only."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Note by {self.author} on {self.created_at:%Y-%m-%d}"
