"""The chief executive's written authorization of a request, as its own lifecycle (`AUTHORIZATION`) on the
request's `authorization` field, run by `continuum.workflow.take` like every other state change.

A request comes from the chief executive or with their written authorization. A liaison's request starts
"missing"; staff or the agency send it to the agency's chief executive, who authorizes it (or not) in
Continuum; or a signed letter is attached later, by the requester from the status page (no account needed),
by the agency or by staff. Once authorized, the screening's requester-authority flag is cleared as part of the
same step, so the request can be accepted."""

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from continuum.accounts.roles import Role
from continuum.audit.log import record
from continuum.audit.models import AuditEvent
from continuum.workflow import Lifecycle, Move, Step, TransitionError, take

from . import notify
from .models import Flag, Request

A = Request.Authorization
REQUESTER_PROOF = "the requester, by tracking number and e-mail"

__all__ = ["AUTHORIZATION", "TransitionError", "ask_chief", "attach_letter", "chief_executives", "sign"]


def chief_executives(request: Request):
    """The active chief executive accounts of the request's agency (none until the agency is linked)."""
    from continuum.accounts.models import User

    if request.agency_id is None:
        return User.objects.none()
    return User.objects.filter(organization_id=request.agency_id, is_active=True, role=Role.AGENCY_EXECUTIVE)


def _has_chief(request: Request) -> bool:
    return chief_executives(request).exists()


def _needs_chief(request: Request, actor) -> None:
    if not _has_chief(request):
        raise TransitionError(
            "The agency has no chief executive account yet: invite the chief executive first "
            "(from the request's page or the agency's page), or attach a signed letter."
        )


def _still_open(request: Request, actor) -> None:
    if not request.is_open:
        raise TransitionError(
            f"The request is {request.get_status_display().lower()}: nothing is left to authorize."
        )


def _clear_authority_flag(request: Request, actor, how: str) -> None:
    flag = request.flags.filter(code=Flag.Code.AUTHORITY, cleared_at__isnull=True).first()
    if flag is None:
        return
    flag.cleared_at, flag.cleared_by, flag.clear_reason = (
        timezone.now(),
        actor if actor.is_authenticated else None,
        how,
    )
    flag.save(update_fields=["cleared_at", "cleared_by", "clear_reason"])
    record(
        actor, request, AuditEvent.Action.UPDATED, reason=f"Cleared flag: {flag.get_code_display()}: {how}"
    )


def _signed(request: Request, move: Move) -> None:
    request.authorized_by, request.authorized_at = move.actor, timezone.now()
    _clear_authority_flag(
        request, move.actor, f"Authorized in Continuum by {move.actor.get_full_name() or move.actor}"
    )


def _letter_attached(request: Request, move: Move) -> None:
    letter: UploadedFile = move.inputs["letter"]
    request.authorization_letter.save("authorization.pdf", letter, save=False)
    request.authorized_by, request.authorized_at = None, timezone.now()
    _clear_authority_flag(request, move.actor, "A signed authorization letter was attached")


def _notify(request: Request, move: Move) -> None:
    if move.step.name == "ask_chief":
        chiefs = chief_executives(request).values_list("email", flat=True)
        notify.authorization_asked(
            request, [address for address in chiefs if address.lower() not in move.told]
        )
    elif move.step.name in ("sign", "refuse"):
        notify.authorization_decided(request)


AUTHORIZATION = Lifecycle(
    model=Request,
    noun="authorization",
    field="authorization",
    notify=_notify,
    steps=(
        Step("ask_chief", "Send to the chief executive to authorize", (A.MISSING, A.REFUSED), A.REQUESTED,
             "intake.ask_authorization", actor="Program staff or the agency", reason="",
             checks=(_still_open, _needs_chief)),
        Step("sign", "Authorize this request", (A.MISSING, A.REQUESTED, A.REFUSED), A.SIGNED,
             "intake.authorize_request", actor="The chief executive", reason="",
             checks=(_still_open,), apply=_signed),
        Step("refuse", "Do not authorize", (A.MISSING, A.REQUESTED), A.REFUSED, "intake.authorize_request",
             actor="The chief executive", reason="required", checks=(_still_open,), danger=True,
             reason_label="Why you do not authorize it (program staff read this)"),
        Step("attach_letter", "Attach the signed letter", (A.MISSING, A.REQUESTED, A.REFUSED), A.LETTER,
             "intake.attach_letter", actor="The requester, the agency or program staff", reason="",
             checks=(_still_open,), apply=_letter_attached, button=False),
    ),
)  # fmt: skip


def ask_chief(request: Request, actor) -> Request:
    return take(AUTHORIZATION, "ask_chief", request, actor)


def sign(request: Request, actor) -> Request:
    return take(AUTHORIZATION, "sign", request, actor)


def attach_letter(
    request: Request, actor, letter: UploadedFile, *, verified_requester: bool = False
) -> Request:
    """The letter is checked (a PDF, within the size limit) by the form before it gets here."""
    proof = REQUESTER_PROOF if verified_requester else ""
    return take(AUTHORIZATION, "attach_letter", request, actor, proof=proof, letter=letter)
