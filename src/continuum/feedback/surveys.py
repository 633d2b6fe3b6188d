"""Sending feedback surveys, answering them through a tokenized link, and the results per program."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse

from continuum import tokens
from continuum.audit.log import record, save_audited
from continuum.audit.models import AuditEvent
from continuum.catalog.models import Program
from continuum.sites.models import Site

from .models import Invitation, Response, Survey

MAX_RECIPIENTS = 200


class FeedbackError(Exception):
    """The input does not allow the survey or the response; the message says why."""


class AlreadyAnswered(FeedbackError):
    """The recipient has answered: one response per recipient."""


@dataclass(frozen=True)
class Recipient:
    email: str
    role: str
    name: str = ""


def new_token() -> str:
    """256 random bits, URL-safe: a link cannot be guessed from another."""
    return secrets.token_urlsafe(32)


def survey_url(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('feedback:respond', args=[token])}"


def send_survey(
    site: Site, actor, recipients: list[Recipient], *, occasion: str, subject: str, delivery=None
) -> Survey:
    """Create the survey and one invitation per distinct address, then e-mail each its own link once the
    transaction commits. Only the hash of each token is stored."""
    if not actor.has_perm("feedback.send_survey", site):
        raise PermissionDenied
    if occasion not in Survey.Occasion.values:
        raise FeedbackError("Choose whether the survey follows a delivery or the report.")
    if delivery is not None and delivery.site_id != site.pk:
        raise FeedbackError("That delivery belongs to another site.")
    unique: dict[str, Recipient] = {}
    for recipient in recipients:
        unique.setdefault(recipient.email.strip().lower(), recipient)
    if not unique:
        raise FeedbackError("Add at least one recipient.")
    if len(unique) > MAX_RECIPIENTS:
        raise FeedbackError(f"A survey goes to at most {MAX_RECIPIENTS} people.")
    outbox = []
    with transaction.atomic():
        survey = save_audited(
            Survey(site=site, occasion=occasion, delivery=delivery, subject=subject.strip(), sent_by=actor),
            actor, reason=f"Sent to {len(unique)} recipient(s)",
        )  # fmt: skip
        for email, recipient in unique.items():
            token = new_token()
            invitation = Invitation.objects.create(
                survey=survey, role=recipient.role, name=recipient.name.strip(), email=email,
                token_hash=tokens.digest(token),
            )  # fmt: skip
            outbox.append((invitation, token))
        record(actor, site, AuditEvent.Action.UPDATED, changes={"feedback survey": [None, str(survey)]},
               reason=f"Sent to {len(unique)} recipient(s)")  # fmt: skip
        transaction.on_commit(lambda: _mail(survey, outbox))
    return survey


def _mail(survey: Survey, outbox: list[tuple[Invitation, str]]) -> None:
    for invitation, token in outbox:
        body = render_to_string(
            "feedback/email/invitation.txt",
            {"survey": survey, "invitation": invitation, "url": survey_url(token), "site": survey.site},
        )
        send_mail(f"Your feedback: {survey.subject}", body, None, [invitation.email])


def invitation_for(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("survey__site__agency", "survey__delivery", "response")
        .filter(token_hash=tokens.digest(token))
        .first()
    )


def submit_response(invitation: Invitation, response: Response) -> Response:
    """Keep the answer; a second one from the same link is refused, also when two arrive at once."""
    if Response.objects.filter(invitation=invitation).exists():
        raise AlreadyAnswered("This survey was already answered from this link; each person answers once.")
    response.invitation = invitation
    try:
        with transaction.atomic():
            response.save()
            record(None, response, AuditEvent.Action.CREATED, actor_label=f"Survey respondent <{invitation.email}>",
                   reason=f"Answer to “{invitation.survey.subject}”")  # fmt: skip
    except IntegrityError as error:
        raise AlreadyAnswered(
            "This survey was already answered from this link; each person answers once."
        ) from error
    return response


@dataclass
class ProgramResults:
    program: str
    label: str
    surveys: int
    invited: int
    responded: int
    satisfaction: float | None
    usefulness: float | None

    @property
    def response_rate(self) -> float | None:
        return self.responded / self.invited if self.invited else None


def results_by_program(invitations: QuerySet | None = None) -> list[ProgramResults]:
    """Response rate and mean scores per program, in one query."""
    invitations = Invitation.objects.all() if invitations is None else invitations
    rows = (
        invitations.values("survey__site__program")
        .annotate(
            surveys=Count("survey", distinct=True),
            invited=Count("pk"),
            responded=Count("response"),
            satisfaction=Avg("response__satisfaction"),
            usefulness=Avg("response__usefulness"),
        )
        .order_by("survey__site__program")
    )
    labels = dict(Program.choices)
    return [
        ProgramResults(
            program=row["survey__site__program"],
            label=labels.get(row["survey__site__program"], ""),
            surveys=row["surveys"],
            invited=row["invited"],
            responded=row["responded"],
            satisfaction=row["satisfaction"],
            usefulness=row["usefulness"],
        )
        for row in rows
    ]


def site_surveys(site: Site):
    return site.surveys.select_related("sent_by", "delivery").prefetch_related("invitations__response")
