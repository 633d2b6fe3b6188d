"""Recording what a CRI-TAC engagement delivered. A record is permission-checked, kept to CRI-TAC sites that are
still open (unless it back-fills history), checked against what the partner offers, and audited on the site."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from continuum.catalog.models import Program
from continuum.delivery.models import Communication
from continuum.delivery.work import DeliveryError, audited_on_site, ensure_not_future, ensure_open
from continuum.sites.models import Site
from continuum.sites.transitions import follow

from .models import Delivery, Partner


def partner_for(site: Site) -> Partner | None:
    if site.provider_id is None:
        return None
    return Partner.objects.with_coverage().filter(provider_id=site.provider_id).first()


def record_delivery(site: Site, actor, delivery: Delivery, *, backfill: bool = False) -> Delivery:
    if not actor.has_perm("critac.record_delivery", site):
        raise PermissionDenied
    if site.program != Program.CRI_TAC:
        raise DeliveryError("Delivery records are kept for CRI-TAC engagements only.")
    ensure_open(site, backfill=backfill)
    ensure_not_future(delivery.starts_on, "The first day of a delivery")
    ensure_not_future(delivery.ends_on, "The last day of a delivery")
    if delivery.ends_on < delivery.starts_on:
        raise DeliveryError("The last day cannot be before the first day.")
    if not delivery.delivery_type.active:
        raise DeliveryError(f"“{delivery.delivery_type}” is no longer offered.")
    partner = partner_for(site)
    if partner is not None and not partner.offers(delivery.delivery_type):
        raise DeliveryError(
            f"{partner} does not list “{delivery.delivery_type}” among its delivery types; "
            "update its capabilities first."
        )
    delivery.site, delivery.recorded_by = site, actor
    with transaction.atomic():
        audited_on_site(site, actor, delivery, "CRI-TAC delivery")
        audited_on_site(site, actor, _contact(delivery, actor), "communication")  # a delivery is contact
        if not backfill:  # the engagement is under way: a planned one moves to delivery
            follow("delivery_recorded", site, actor, proof="CRI-TAC delivery recorded",
                   reason=f"Delivered: {delivery.title}")  # fmt: skip
    return delivery


def _contact(delivery: Delivery, actor) -> Communication:
    """The delivery as the agency's contact with the program: it resets the days since last contact."""
    in_person = delivery.format in (Delivery.Format.IN_PERSON, Delivery.Format.HYBRID)
    return Communication(
        site=delivery.site, occurred_on=delivery.ends_on, with_agency=True, logged_by=actor,
        kind=Communication.Kind.SITE_VISIT if in_person else Communication.Kind.MEETING,
        participants=(delivery.attendee_description or f"{delivery.attendees} attendees")[:500],
        summary=f"CRI-TAC delivery: {delivery.title} ({delivery.delivery_type}).",
    )  # fmt: skip


def ready_to_close(site: Site) -> None:
    """A CRI-TAC engagement closes once its deliveries are recorded and the agency was asked for feedback."""
    from continuum.feedback.models import Survey

    if site.program != Program.CRI_TAC:
        return
    if not site.cri_tac_deliveries.exists():
        raise DeliveryError("Record the engagement's deliveries before closing it.")
    if not Survey.objects.filter(site=site).exists():
        raise DeliveryError("Request the agency's feedback (Feedback) before closing the engagement.")
