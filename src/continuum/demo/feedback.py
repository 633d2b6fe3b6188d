"""Demo feedback: a survey after the latest delivery of each delivered CRI-TAC engagement, and one after the
Fargo after-action report, with answers from the requester and most participants.

Surveys go through the real sending (e-mails go nowhere in the demo) and answers through the real submission;
a site that already has a survey is skipped, so loading is idempotent. Surveys are dated after the delivery.
"""

import datetime

from django.utils import timezone

from continuum.accounts.models import User
from continuum.catalog.models import Program
from continuum.feedback import surveys
from continuum.feedback.models import Invitation, Response, Survey
from continuum.sites.models import Site

# (satisfaction, usefulness, what changed, future needs), cycled through the answers.
ANSWERS = [
    (5, 5, "Supervisors now debrief every use-of-force call with the scenarios from the training.",
     "Train-the-trainer sessions so we can keep it going."),
    (4, 5, "We rewrote the general order and the union signed off on it.", "A refresher in a year."),
    (4, 4, "Officers talk more openly about stress; two asked for the peer team already.", ""),
    (5, 4, "", "Help measuring whether it works."),
    (3, 4, "Some of it applies; the rural examples were fewer than we hoped.", "Examples from agencies our size."),
    (4, 3, "We have a draft plan.", "Virtual follow-up with the same experts."),
]  # fmt: skip
PARTICIPANTS = 3
ANSWERING = 2  # of the participants; the requester always answers


def _recipients(site: Site) -> list[surveys.Recipient]:
    request = getattr(site, "origin_request", None)
    slug = site.agency.name.split(" ")[0].lower().strip("()")
    people = [surveys.Recipient(f"participant{i}@{slug}.example.gov", Invitation.Role.PARTICIPANT,
                                f"Participant {i}") for i in range(1, PARTICIPANTS + 1)]  # fmt: skip
    if request is not None:
        people.insert(
            0, surveys.Recipient(request.requester_email, Invitation.Role.REQUESTER, request.requester_name)
        )
    return people


def _answer(survey: Survey, offset: int) -> int:
    answered = participants = 0
    for i, invitation in enumerate(survey.invitations.order_by("-role", "email")):
        if invitation.role == Invitation.Role.PARTICIPANT:
            participants += 1
            if participants > ANSWERING:
                continue
        satisfaction, usefulness, changed, needs = ANSWERS[(offset + i) % len(ANSWERS)]
        surveys.submit_response(invitation, Response(satisfaction=satisfaction, usefulness=usefulness,
                                                     what_changed=changed, future_needs=needs))  # fmt: skip
        answered += 1
    return answered


def load(staff: User) -> None:
    cri_tac = Site.objects.filter(program=Program.CRI_TAC, cri_tac_deliveries__isnull=False).distinct()
    offset = 0
    for site in cri_tac.select_related("agency", "origin_request").order_by("created_at"):
        if site.surveys.exists():
            continue
        delivery = site.cri_tac_deliveries.order_by("-ends_on").first()
        survey = surveys.send_survey(site, staff, _recipients(site), occasion=Survey.Occasion.DELIVERY,
                                     subject=str(delivery), delivery=delivery)  # fmt: skip
        sent = timezone.make_aware(datetime.datetime.combine(delivery.ends_on + datetime.timedelta(days=3),
                                                             datetime.time(10)))  # fmt: skip
        Survey.objects.filter(pk=survey.pk).update(sent_at=sent)
        _answer(survey, offset)
        offset += 1
    fargo = Site.objects.filter(agency__name="Fargo (ND) Police Department").select_related("agency").first()
    if fargo is not None and not fargo.surveys.exists():
        survey = surveys.send_survey(fargo, staff, _recipients(fargo), occasion=Survey.Occasion.REPORT,
                                     subject="The after-action review report")  # fmt: skip
        _answer(survey, offset)
