"""Organizations: every user belongs to exactly one (an agency, a provider, or the program office)."""

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

from .geography import STATES_AND_TERRITORIES


class Organization(models.Model):
    class Kind(models.TextChoices):
        AGENCY = "agency", "Law-enforcement agency"
        PROVIDER = "provider", "Technical assistance provider"
        PROGRAM_OFFICE = "program_office", "Program office"

    kind = models.CharField(max_length=20, choices=Kind.choices, editable=False)
    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgencyQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AgencyQuerySet":
        """Program staff and administrators see every agency; agency users their own."""
        if not user.is_authenticated:
            return self.none()
        if user.is_program_side:
            return self
        if user.is_agency_user:
            return self.filter(pk=user.organization_id)
        return self.none()


class Agency(Organization):
    """A state, local, county, tribal, campus or territorial law-enforcement agency."""

    class Type(models.TextChoices):
        STATE = "state", "State"
        LOCAL = "local", "Local (municipal)"
        COUNTY = "county", "County"
        TRIBAL = "tribal", "Tribal"
        CAMPUS = "campus", "Campus"
        TERRITORIAL = "territorial", "Territorial"
        OTHER = "other", "Other"

    ELIGIBLE_TYPES = frozenset(
        {Type.STATE, Type.LOCAL, Type.COUNTY, Type.TRIBAL, Type.CAMPUS, Type.TERRITORIAL}
    )

    agency_type = models.CharField("agency type", max_length=20, choices=Type.choices)
    city = models.CharField(max_length=120, blank=True)
    state = models.CharField("state or territory", max_length=2, choices=STATES_AND_TERRITORIES)
    ori = models.CharField(
        "ORI",
        max_length=9,
        blank=True,
        help_text="The agency's nine-character FBI Originating Agency Identifier, e.g. OH0250300.",
        validators=[
            RegexValidator(r"^[A-Z]{2}[A-Z0-9]{7}$", "An ORI is two letters and seven letters or digits.")
        ],
    )
    sworn_officers = models.PositiveIntegerField("sworn officers", null=True, blank=True)
    population_served = models.PositiveIntegerField("population served", null=True, blank=True)
    chief_executive_name = models.CharField("chief executive", max_length=200, blank=True)
    chief_executive_title = models.CharField(
        "chief executive's title",
        max_length=120,
        blank=True,
        help_text="Chief, sheriff, commissioner, director…",
    )

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["ori"], condition=~models.Q(ori=""), name="agency_ori_unique"),
        ]

    def save(self, *args, **kwargs):
        self.kind = Organization.Kind.AGENCY
        self.ori = self.ori.upper()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("agencies:detail", args=[self.pk])

    @property
    def is_eligible_type(self) -> bool:
        return self.agency_type in self.ELIGIBLE_TYPES

    @property
    def place(self) -> str:
        state = self.get_state_display()
        return f"{self.city}, {state}" if self.city else state


class ProviderOrganization(Organization):
    """An organization that delivers technical assistance on the sites assigned to it."""

    class Type(models.TextChoices):
        CRITICAL_RESPONSE = "critical_response", "Critical Response provider"
        CRI_TAC_PARTNER = "cri_tac_partner", "CRI-TAC partner association"

    provider_type = models.CharField("provider type", max_length=30, choices=Type.choices)
    website = models.URLField(blank=True)

    class Meta:
        verbose_name = "provider organization"
        ordering = ["name"]

    def save(self, *args, **kwargs):
        self.kind = Organization.Kind.PROVIDER
        super().save(*args, **kwargs)


class ProgramOffice(Organization):
    """The office that runs the program (the COPS Office): home of program staff and administrators."""

    class Meta:
        verbose_name = "program office"

    def save(self, *args, **kwargs):
        self.kind = Organization.Kind.PROGRAM_OFFICE
        super().save(*args, **kwargs)
