"""Screening: plain rules run on submit and on every edit. They raise flags with reasons; never reject."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from continuum.agencies.models import Agency
from continuum.audit.log import record
from continuum.audit.models import AuditEvent

from .models import Flag, Request

MIN_DESCRIPTION = 40  # characters: less cannot say what happened or what is wanted


@dataclass(frozen=True)
class Finding:
    code: str
    reason: str


def authority(request: Request) -> Finding | None:
    if request.requester_is_chief_executive or request.authorization_letter:
        return None
    chief = request.chief_executive_name or "the chief executive"
    return Finding(
        Flag.Code.AUTHORITY,
        f"{request.requester_name} ({request.requester_title}) is not the agency's chief executive, and no "
        f"written authorization from {chief} is attached.",
    )


def agency_type(request: Request) -> Finding | None:
    if request.agency_type in Agency.ELIGIBLE_TYPES:
        return None
    return Finding(
        Flag.Code.AGENCY_TYPE,
        f"The agency type is “{request.get_agency_type_display()}”; the program serves state, local, county, "
        "tribal, campus and territorial law-enforcement agencies.",
    )


def pending_matters(request: Request) -> Finding | None:
    if request.pending_matters == Request.YesNoUnknown.NO:
        return None
    if request.pending_matters == Request.YesNoUnknown.YES:
        details = request.pending_details.strip() or "no details given"
        return Finding(
            Flag.Code.PENDING_MATTERS,
            f"The requester reports a pending investigation or litigation ({details}); such requests are "
            "unlikely to be approved.",
        )
    return Finding(
        Flag.Code.PENDING_MATTERS,
        "The requester does not know whether an investigation or litigation is pending; confirm before deciding.",
    )


def costs(request: Request) -> Finding | None:
    if not request.asks_for_costs:
        return None
    return Finding(
        Flag.Code.COSTS,
        "The request includes paying for agency personnel or equipment, which the program does not cover.",
    )


def duplicate(request: Request) -> Finding | None:
    same = Q(agency_name__iexact=request.agency_name.strip(), agency_state=request.agency_state)
    if request.agency_id:
        same |= Q(agency_id=request.agency_id)
    others = Request.objects.open().exclude(pk=request.pk).filter(same)
    other = others.order_by("submitted_at").first()
    if other is None:
        return None
    return Finding(
        Flag.Code.DUPLICATE,
        f"{other.agency_name} already has an open request, {other.tracking_number}, submitted "
        f"{other.submitted_at:%Y-%m-%d} ({other.get_status_display().lower()}).",
    )


def incomplete(request: Request) -> Finding | None:
    missing = []  # what the request needs; optional fields (sworn officers, population) are asked for later
    if not request.pk or not request.topics.exists():
        missing.append("the topics")
    if len(request.what_happened.strip()) < MIN_DESCRIPTION:
        missing.append("a description of what happened")
    if len(request.asked_for.strip()) < MIN_DESCRIPTION:
        missing.append("a description of what is asked for")
    if request.urgency == Request.Urgency.URGENT and request.event_date is None:
        missing.append("the date of the event behind an urgent request")
    if not request.requester_is_chief_executive and not request.chief_executive_name.strip():
        missing.append("the chief executive's name")
    if not missing:
        return None
    return Finding(Flag.Code.INCOMPLETE, "Missing or too short: " + "; ".join(missing) + ".")


RULES: list[Callable[[Request], Finding | None]] = [
    authority,
    agency_type,
    pending_matters,
    costs,
    duplicate,
    incomplete,
]


def screen(request: Request) -> list[Finding]:
    return [finding for rule in RULES if (finding := rule(request)) is not None]


@transaction.atomic
def apply_screening(request: Request, actor=None) -> list[Flag]:
    """Raise a flag for each new finding; a flag whose condition went away is cleared as such.

    A flag staff cleared stays cleared while its condition still holds: their decision stands.
    Returns the open flags.
    """
    findings = {finding.code: finding for finding in screen(request)}
    existing = {flag.code: flag for flag in request.flags.select_for_update()}
    for code, finding in findings.items():
        flag = existing.get(code)
        if flag is None:
            Flag.objects.create(request=request, code=code, reason=finding.reason)
            record(actor, request, AuditEvent.Action.UPDATED, changes={f"flag {code}": [None, "raised"]},
                   reason=finding.reason)  # fmt: skip
        elif flag.cleared_at is None and flag.reason != finding.reason:
            flag.reason = finding.reason
            flag.save(update_fields=["reason"])
    for code, flag in existing.items():
        if code not in findings and flag.cleared_at is None:
            flag.cleared_at = timezone.now()
            flag.clear_reason = "No longer applies after the request was edited."
            flag.save(update_fields=["cleared_at", "clear_reason"])
            record(actor, request, AuditEvent.Action.UPDATED, changes={f"flag {code}": ["raised", "cleared"]},
                   reason=flag.clear_reason)  # fmt: skip
    return list(request.flags.filter(cleared_at__isnull=True))
