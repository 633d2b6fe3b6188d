"""The CRI-TAC catalog beyond topics: the ways assistance is delivered, what each partner association covers,
and the record of each delivery on a CRI-TAC site."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import slugify

from continuum.agencies.models import ProviderOrganization
from continuum.sites.models import Site


class DeliveryType(models.Model):
    """A way CRI-TAC assistance is delivered; managed by administrators, seeded with the program's list."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True, help_text="Inactive types stay on old records.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)


class PartnerQuerySet(models.QuerySet):
    def with_coverage(self) -> "PartnerQuerySet":
        return self.select_related("provider").prefetch_related("areas", "topics", "delivery_types")


class Partner(models.Model):
    """What a CRI-TAC partner association delivers: whole topic areas, single topics, and delivery types."""

    provider = models.OneToOneField(
        ProviderOrganization, on_delete=models.CASCADE, related_name="cri_tac_partner",
        limit_choices_to={"provider_type": ProviderOrganization.Type.CRI_TAC_PARTNER},
    )  # fmt: skip
    summary = models.TextField(
        blank=True, help_text="Who the association is, as the public catalog shows it."
    )
    areas = models.ManyToManyField("catalog.TopicArea", blank=True, related_name="partners")
    topics = models.ManyToManyField(
        "catalog.Topic", blank=True, related_name="partners", help_text="Topics covered outside the areas."
    )
    delivery_types = models.ManyToManyField(DeliveryType, blank=True, related_name="partners")

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["provider__name"]
        verbose_name = "CRI-TAC partner"

    def __str__(self) -> str:
        return self.provider.name

    def clean(self) -> None:
        if self.provider_id and self.provider.provider_type != ProviderOrganization.Type.CRI_TAC_PARTNER:
            raise ValidationError(
                {"provider": "Only a CRI-TAC partner association can have CRI-TAC capabilities."}
            )

    def covers(self, topic) -> bool:
        """A topic is covered when the partner lists it or its whole area (uses the prefetched relations)."""
        area_ids = {area.pk for area in self.areas.all()}
        return topic.area_id in area_ids or any(t.pk == topic.pk for t in self.topics.all())

    def offers(self, delivery_type: DeliveryType) -> bool:
        return any(t.pk == delivery_type.pk for t in self.delivery_types.all())


class Delivery(models.Model):
    """One delivery of a CRI-TAC engagement: a training, a consultation, a policy review…"""

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIRTUAL = "virtual", "Virtual"
        HYBRID = "hybrid", "Hybrid"

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="cri_tac_deliveries")
    title = models.CharField(max_length=200, help_text="For example “De-escalation training for patrol”.")
    delivery_type = models.ForeignKey(
        DeliveryType, on_delete=models.PROTECT, related_name="deliveries", verbose_name="delivery type"
    )
    format = models.CharField(max_length=20, choices=Format.choices)
    starts_on = models.DateField("first day")
    ends_on = models.DateField("last day")
    location = models.CharField(
        max_length=200, blank=True, help_text="Where, for in-person and hybrid delivery."
    )
    attendees = models.PositiveIntegerField("number of attendees")
    attendee_description = models.CharField(
        "who attended", max_length=300, blank=True, help_text="For example “24 patrol officers, 6 sergeants”."
    )
    materials = models.TextField(blank=True, help_text="The materials provided, one per line.")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="delivery_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on:%Y-%m-%d})"

    @property
    def material_list(self) -> list[str]:
        return [line.strip() for line in self.materials.splitlines() if line.strip()]
