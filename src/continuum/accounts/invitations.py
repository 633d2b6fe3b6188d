"""Invitations to join Continuum: who may invite whom, and the life of one invitation.

Why our own code rather than django-invitations: that package's invitation knows only an e-mail address, and
it ends in allauth's sign-up, which Continuum keeps closed (accounts are issued, never self-registered). Here an
invitation also names the organization and the one role the new user will hold, only a hash of its token is
stored (as for feedback surveys), every step is checked against the inviter's right to grant that role and
written to the audit log, and acceptance creates the user directly and signs them in through allauth's own log-in
flow, after which the session middleware leads the roles that must use two factors into allauth's TOTP
activation. What remains of django-invitations' job (a token, an expiry, an e-mail) is a few lines.

Who may grant which role (`grantable_roles`):
- administrators: any role, in an organization of the kind the role belongs to;
- program staff: an agency's chief executive and liaisons;
- a provider organization's staff (its leads): its staff and SMEs;
- an agency's chief executive: the agency's liaisons.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from continuum import tokens
from continuum.audit.log import record, save_audited
from continuum.audit.models import AuditEvent

from .models import Invitation, User
from .roles import ORGANIZATION_KIND_FOR_ROLE, Role


class InvitationError(Exception):
    """An invitation the rules do not allow, or a link that no longer works; the message says why."""


def grantable_roles(user, organization) -> list[str]:
    """The roles `user` may invite people to hold in `organization` (none: they may not invite there)."""
    if not (user and user.is_authenticated and user.is_active) or organization is None:
        return []
    if user.role == Role.ADMINISTRATOR:
        roles = list(Role)
    elif user.role == Role.PROGRAM_STAFF:
        roles = [Role.AGENCY_EXECUTIVE, Role.AGENCY_LIAISON]
    elif user.role == Role.PROVIDER_STAFF and user.organization_id == organization.pk:
        roles = [Role.PROVIDER_STAFF, Role.SME]
    elif user.role == Role.AGENCY_EXECUTIVE and user.organization_id == organization.pk:
        roles = [Role.AGENCY_LIAISON]
    else:
        roles = []
    return [role for role in roles if ORGANIZATION_KIND_FOR_ROLE[role] == organization.kind]


def may_manage(user, invitation: Invitation) -> bool:
    """Resending or revoking an invitation needs the right to grant its role in its organization."""
    return invitation.role in grantable_roles(user, invitation.organization)


def may_remove(user, member: User) -> bool:
    """A chief executive removes the agency's liaisons; an administrator anyone but themselves."""
    if not (user and user.is_authenticated and user.is_active) or member.pk == user.pk:
        return False
    if user.role == Role.ADMINISTRATOR:
        return True
    return (
        user.role == Role.AGENCY_EXECUTIVE
        and member.role == Role.AGENCY_LIAISON
        and member.organization_id == user.organization_id
    )


def _new_token(invitation: Invitation) -> str:
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = tokens.digest(token)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=settings.INVITATION_DAYS)
    return token


def invite(actor, organization, email: str, role: str) -> Invitation:
    """Create and e-mail (after commit) an invitation; refused with the reason when the rules do not allow it."""
    email = (email or "").strip().lower()
    if role not in grantable_roles(actor, organization):
        label = Role(role).label.lower() if role in Role.values else "that role"
        raise InvitationError(f"You may not invite someone to be {label} of {organization}.")
    if User.objects.filter(email__iexact=email).exists():
        raise InvitationError(f"{email} already has an account; an invitation cannot create a second one.")
    with transaction.atomic():
        if Invitation.objects.pending().filter(email__iexact=email, organization=organization).exists():
            raise InvitationError(
                f"{email} already has a pending invitation to {organization}: resend it instead."
            )
        invitation = Invitation(email=email, role=role, organization=organization, invited_by=actor)
        token = _new_token(invitation)
        save_audited(invitation, actor, reason=f"Invited as {invitation.get_role_display().lower()}")
        _mail_after_commit(invitation, token)
    return invitation


def resend(actor, invitation: Invitation) -> Invitation:
    """A new link (the old one stops working) valid for a new period; for pending or expired invitations."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not may_manage(actor, locked):
            raise InvitationError("You may not resend this invitation.")
        if locked.status in (Invitation.Status.ACCEPTED, Invitation.Status.REVOKED):
            raise InvitationError(f"This invitation was {locked.status}: it cannot be resent.")
        if User.objects.filter(email__iexact=locked.email).exists():
            raise InvitationError(f"{locked.email} already has an account.")
        token = _new_token(locked)
        locked.times_sent += 1
        locked.save()
        record(actor, locked, AuditEvent.Action.UPDATED, reason="Invitation resent with a new link",
               changes={"expires_at": [None, locked.expires_at.isoformat()]})  # fmt: skip
        _mail_after_commit(locked, token)
    return locked


def revoke(actor, invitation: Invitation) -> Invitation:
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not may_manage(actor, locked):
            raise InvitationError("You may not revoke this invitation.")
        before = locked.status
        if before in (Invitation.Status.ACCEPTED, Invitation.Status.REVOKED):
            raise InvitationError(f"This invitation was already {before}.")
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        record(actor, locked, AuditEvent.Action.TRANSITION, from_state=before, to_state="revoked",
               reason="Invitation revoked")  # fmt: skip
    return locked


def find(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organization")
        .filter(token_hash=tokens.digest(token or ""))
        .first()
    )


REFUSALS = {
    Invitation.Status.ACCEPTED: "This invitation has already been used. Sign in with your e-mail address and password.",
    Invitation.Status.EXPIRED: "This invitation has expired. Ask the person who invited you to send a new one.",
    Invitation.Status.REVOKED: "This invitation was withdrawn. Ask the program office if you still need an account.",
}


def refusal(invitation: Invitation | None) -> str:
    """Why this link cannot be used, or "" when it can."""
    if invitation is None:
        return "This invitation link is not valid. Check that you copied the whole link from the e-mail."
    if invitation.status != Invitation.Status.PENDING:
        return REFUSALS[invitation.status]
    if User.objects.filter(email__iexact=invitation.email).exists():
        return f"{invitation.email} already has an account. Sign in with it instead."
    return ""


def accept(token: str, *, first_name: str, last_name: str, password: str, job_title: str = "") -> User:
    """Create the invited user (one role, one organization) and use up the invitation, atomically."""
    with transaction.atomic():
        found = find(token)
        invitation = Invitation.objects.select_for_update().filter(pk=found.pk).first() if found else None
        reason = refusal(invitation)
        if reason:
            raise InvitationError(reason)
        user = User(email=invitation.email, role=invitation.role, organization=invitation.organization,
                    first_name=first_name, last_name=last_name, job_title=job_title)  # fmt: skip
        user.set_password(password)
        user.full_clean(exclude=["password"])
        save_audited(
            user, invitation.invited_by, reason=f"Account created by accepting invitation {invitation.pk}"
        )
        invitation.accepted_at, invitation.user = timezone.now(), user
        invitation.save(update_fields=["accepted_at", "user"])
        record(user, invitation, AuditEvent.Action.TRANSITION, from_state="pending", to_state="accepted",
               reason="Invitation accepted")  # fmt: skip
    return user


def remove_member(actor, member: User) -> User:
    """Deactivate a member's account (kept for the history): a chief executive removes a liaison."""
    if not may_remove(actor, member):
        raise InvitationError("You may not remove this person.")
    if not member.is_active:
        raise InvitationError(f"{member} was already removed.")
    member.is_active = False
    return save_audited(member, actor, reason="Removed from the organization", fields=["is_active"])


def accept_url(token: str) -> str:
    return settings.SITE_URL + reverse("invitations:accept", args=[token])


def _mail_after_commit(invitation: Invitation, token: str) -> None:
    context = {"invitation": invitation, "url": accept_url(token), "days": settings.INVITATION_DAYS}
    subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}You are invited to join {invitation.organization} on Continuum"
    body = render_to_string("accounts/email/invitation.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [invitation.email]))
