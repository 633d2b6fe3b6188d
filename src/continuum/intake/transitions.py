"""The request's lifecycle, declared once (`LIFECYCLE`), run by `continuum.workflow.take`.

submitted → under review → accepted (a site is made) | declined | referred (a new request in the other
program) | withdrawn (by the requester). Each decision has an internal reason (staff only) and a message to
the agency, which the requester reads on the status page and in the e-mail."""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from continuum.agencies.models import Agency
from continuum.audit.log import record, save_audited
from continuum.audit.models import AuditEvent
from continuum.catalog.models import Program
from continuum.sites.models import Site
from continuum.workflow import Lifecycle, Move, Step, TransitionError, take

from . import notify
from .models import Flag, Request
from .screening import apply_screening

S = Request.Status
OPEN = Request.OPEN_STATUSES

__all__ = [
    "LIFECYCLE",
    "TransitionError",
    "accept",
    "clear_flag",
    "decline",
    "refer",
    "start_review",
    "withdraw",
]


def _decided(request: Request, move: Move) -> None:
    if move.after not in OPEN:
        request.decided_at = timezone.now()
        request.decision_reason = move.reason
    if move.message:
        request.message_to_agency = move.message


def _no_open_flags(request: Request, actor) -> None:
    open_flags = request.flags.filter(cleared_at__isnull=True)
    if open_flags.exists():
        names = ", ".join(flag.get_code_display().lower() for flag in open_flags)
        raise TransitionError(f"Clear the open screening flags first ({names}), each with its reason.")


def _accepted(request: Request, move: Move) -> None:
    """The agency record is made if the requester described a new one, and a site is created in the chosen
    program carrying the request's topics, kind of TA and description."""
    _decided(request, move)
    program, ta_type = move.inputs["program"], move.inputs["ta_type"]
    agency = request.agency or _agency_from(request, move.actor)
    request.agency = agency
    site = Site(
        agency=agency, program=program, ta_type=ta_type, provider=move.inputs.get("provider"),
        title=(move.inputs.get("title") or "").strip() or f"{agency.name}: {Site.TAType(ta_type).label}",
        description=f"{request.what_happened.strip()}\n\nAsked for: {request.asked_for.strip()}",
    )  # fmt: skip
    save_audited(site, move.actor, reason=f"Created on accepting request {request.tracking_number}")
    site.topics.set(request.topics.all())
    request.site = site


def _referred(request: Request, move: Move) -> None:
    _decided(request, move)
    request.referred_to = move.inputs["to_program"]


def _notify(request: Request, move: Move) -> None:
    notify.status_changed(request)


LIFECYCLE = Lifecycle(
    model=Request,
    noun="request",
    notify=_notify,
    path=lambda request: (S.SUBMITTED, S.UNDER_REVIEW, S.ACCEPTED),
    steps=(
        Step("review", "Start the review", (S.SUBMITTED,), S.UNDER_REVIEW, "intake.triage_request",
             reason="required", message="optional", apply=_decided),
        Step("accept", "Accept", OPEN, S.ACCEPTED, "intake.triage_request", reason="required",
             message="optional", checks=(_no_open_flags,), apply=_accepted, button=False),
        Step("refer", "Refer to another program", OPEN, S.REFERRED, "intake.triage_request",
             reason="required", message="optional", apply=_referred, button=False),
        Step("decline", "Decline", OPEN, S.DECLINED, "intake.triage_request", reason="required",
             message="optional", apply=_decided, danger=True),
        Step("withdraw", "Withdraw", OPEN, S.WITHDRAWN, "intake.withdraw_request", actor="The requester",
             reason="required", reason_label="Why you withdraw the request", apply=_decided, danger=True),
    ),
)  # fmt: skip


def start_review(request: Request, actor, reason: str = "", message: str = "") -> Request:
    return take(LIFECYCLE, "review", request, actor, reason=reason, message=message)


def decline(request: Request, actor, reason: str, message: str = "") -> Request:
    return take(LIFECYCLE, "decline", request, actor, reason=reason, message=message)


def withdraw(request: Request, actor, reason: str, *, verified_requester: bool = False) -> Request:
    """The requester withdraws: an agency user of the agency, or whoever proved the tracking number and
    e-mail on the status page (`verified_requester`, which stands for the permission)."""
    proof = "the requester, by tracking number and e-mail" if verified_requester else ""
    return take(LIFECYCLE, "withdraw", request, actor, reason=reason, proof=proof)


def refer(request: Request, actor, reason: str, *, to_program: str, message: str = "") -> Request:
    """Refer to another program of the continuum: this request closes as referred and a new one, carrying
    everything, enters that program's queue."""
    if to_program not in Program.values:
        raise TransitionError("Choose the program to refer the request to.")
    if to_program == request.program_wanted:
        raise TransitionError("The request already asks for that program; choose another one.")
    with transaction.atomic():
        referred = take(
            LIFECYCLE, "refer", request, actor, reason=reason, message=message, to_program=to_program
        )
        successor = Request.objects.get(pk=referred.pk)
        topics = list(successor.topics.all())
        successor.pk = None
        successor.id = None
        successor._state.adding = True
        successor.tracking_number = Request._meta.get_field("tracking_number").default()
        successor.submission_token = uuid.uuid4()
        successor.status = S.SUBMITTED
        successor.program_wanted = to_program
        successor.referred_to = ""
        successor.referred_from = referred
        successor.decided_at = None
        successor.decision_reason = ""
        successor.message_to_agency = ""
        successor.site = None
        successor.save()
        successor.topics.set(topics)
        record(actor, successor, AuditEvent.Action.CREATED,
               reason=f"Referred from {referred.tracking_number}: {reason.strip()}")  # fmt: skip
        apply_screening(successor, actor)
        transaction.on_commit(lambda: notify.submitted(successor))
    return referred


def accept(
    request: Request,
    actor,
    reason: str,
    *,
    program: str,
    ta_type: str,
    title: str = "",
    provider=None,
    message: str = "",
) -> Request:
    if program not in Program.values:
        raise TransitionError("Choose the program the site will run in.")
    if ta_type not in Site.TAType.values:
        raise TransitionError("Choose the type of technical assistance.")
    try:  # the site's own rule: an Organizational Assessment is its own type of TA
        Site(program=program, ta_type=ta_type).clean()
    except ValidationError as error:
        raise TransitionError(" ".join(error.messages)) from error
    return take(LIFECYCLE, "accept", request, actor, reason=reason, message=message,
                program=program, ta_type=ta_type, title=title, provider=provider)  # fmt: skip


def _agency_from(request: Request, actor) -> Agency:
    existing = Agency.objects.filter(name__iexact=request.agency_name.strip()).first()
    if existing is not None:
        return existing
    agency = Agency(
        name=request.agency_name.strip(), agency_type=request.agency_type, city=request.agency_city,
        state=request.agency_state, ori=request.agency_ori, sworn_officers=request.agency_sworn_officers,
        population_served=request.agency_population_served,
        chief_executive_name=request.chief_executive_name
        or (request.requester_name if request.requester_is_chief_executive else ""),
        chief_executive_title=request.requester_title if request.requester_is_chief_executive else "",
    )  # fmt: skip
    return save_audited(agency, actor, reason=f"Described in request {request.tracking_number}")


def clear_flag(flag: Flag, actor, reason: str) -> Flag:
    """Clearing a screening flag is a record on the request, not a step of its lifecycle."""
    from django.core.exceptions import PermissionDenied

    reason = (reason or "").strip()
    if not reason:
        raise TransitionError("Say why the flag can be cleared.")
    with transaction.atomic():
        locked = Flag.objects.select_for_update().select_related("request").get(pk=flag.pk)
        if not actor.has_perm("intake.triage_request", locked.request):
            raise PermissionDenied
        if locked.cleared_at is not None:
            raise TransitionError("That flag is already cleared.")
        locked.cleared_at = timezone.now()
        locked.cleared_by = actor
        locked.clear_reason = reason
        locked.save()
        record(actor, locked.request, AuditEvent.Action.UPDATED,
               changes={f"flag {locked.code}": ["raised", "cleared"]}, reason=reason)  # fmt: skip
    return locked
