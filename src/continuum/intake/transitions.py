"""Request decisions: one function per transition; each checks permission and preconditions, runs in a
transaction on a locked row, writes the audit log and e-mails the requester once committed."""

import uuid
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from continuum.agencies.models import Agency
from continuum.audit.log import record, save_audited
from continuum.audit.models import AuditEvent
from continuum.catalog.models import Program
from continuum.sites.models import Site

from . import notify
from .models import Flag, Request
from .screening import apply_screening

S = Request.Status


class TransitionError(Exception):
    """A transition that the request's state or the input does not allow; the message says why."""


def _transition(
    request: Request,
    actor,
    *,
    permission: str | None,
    allowed_from: tuple[str, ...],
    to: str,
    reason: str,
    verb: str,
    apply: Callable[[Request], None] | None = None,
) -> Request:
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError("Give a reason: it is kept in the history and sent to the requester.")
    with transaction.atomic():
        locked = Request.objects.select_for_update().get(pk=request.pk)
        if permission is not None and not actor.has_perm(permission, locked):
            raise PermissionDenied
        if locked.status not in allowed_from:
            raise TransitionError(
                f"A request that is {locked.get_status_display().lower()} cannot be {verb}."
            )
        before = locked.status
        locked.status = to
        if to not in Request.OPEN_STATUSES:
            locked.decided_at = timezone.now()
            locked.decision_reason = reason
        if apply is not None:
            apply(locked)
        locked.save()
        record(actor, locked, AuditEvent.Action.TRANSITION, from_state=before, to_state=to, reason=reason)
        transaction.on_commit(lambda: notify.status_changed(locked))
    return locked


def start_review(request: Request, actor, reason: str) -> Request:
    return _transition(
        request, actor, permission="intake.triage_request", allowed_from=(S.SUBMITTED,), to=S.UNDER_REVIEW,
        reason=reason, verb="put under review",
    )  # fmt: skip


def decline(request: Request, actor, reason: str) -> Request:
    return _transition(
        request, actor, permission="intake.triage_request", allowed_from=Request.OPEN_STATUSES, to=S.DECLINED,
        reason=reason, verb="declined",
    )  # fmt: skip


def withdraw(request: Request, actor, reason: str, *, verified_requester: bool = False) -> Request:
    """The requester withdraws: an agency user of the agency, or whoever proved the tracking number and
    e-mail on the status page (`verified_requester`)."""
    return _transition(
        request, actor, permission=None if verified_requester else "intake.withdraw_request",
        allowed_from=Request.OPEN_STATUSES, to=S.WITHDRAWN, reason=reason, verb="withdrawn",
    )  # fmt: skip


def refer(request: Request, actor, reason: str, *, to_program: str) -> Request:
    """Refer to another program of the continuum: this request closes as referred and a new one, carrying
    everything, enters that program's queue."""
    if to_program not in Program.values:
        raise TransitionError("Choose the program to refer the request to.")
    if to_program == request.program_wanted:
        raise TransitionError("The request already asks for that program; choose another one.")

    def _apply(locked: Request) -> None:
        locked.referred_to = to_program

    referred = _transition(
        request, actor, permission="intake.triage_request", allowed_from=Request.OPEN_STATUSES, to=S.REFERRED,
        reason=reason, verb="referred", apply=_apply,
    )  # fmt: skip
    with transaction.atomic():
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
) -> Request:
    """Accept: the agency record is made if the requester described a new one, and a site is created in the
    chosen program carrying the request's topics, kind of TA and description."""
    if program not in Program.values:
        raise TransitionError("Choose the program the site will run in.")
    if ta_type not in Site.TAType.values:
        raise TransitionError("Choose the type of technical assistance.")
    open_flags = request.flags.filter(cleared_at__isnull=True)
    if open_flags.exists():
        names = ", ".join(flag.get_code_display().lower() for flag in open_flags)
        raise TransitionError(f"Clear the open screening flags first ({names}), each with its reason.")

    def _apply(locked: Request) -> None:
        agency = locked.agency or _agency_from(locked, actor)
        locked.agency = agency
        site = Site(
            agency=agency, program=program, ta_type=ta_type, provider=provider,
            title=title.strip() or f"{agency.name}: {Site.TAType(ta_type).label}",
            description=f"{locked.what_happened.strip()}\n\nAsked for: {locked.asked_for.strip()}",
        )  # fmt: skip
        save_audited(site, actor, reason=f"Created on accepting request {locked.tracking_number}")
        site.topics.set(locked.topics.all())
        locked.site = site

    return _transition(
        request, actor, permission="intake.triage_request", allowed_from=Request.OPEN_STATUSES, to=S.ACCEPTED,
        reason=reason, verb="accepted", apply=_apply,
    )  # fmt: skip


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
