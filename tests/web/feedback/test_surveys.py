"""Sending a survey: one invitation and one e-mail per recipient, each with its own unguessable link, of which
only a hash is stored; the answers aggregated per program."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from continuum import tokens
from continuum.audit.models import AuditEvent
from continuum.feedback import surveys
from continuum.feedback.forms import parse_participants
from continuum.feedback.models import Invitation, Response, Survey
from tests.web.critac import factories

LINK = re.compile(r"http://\S+/feedback/([A-Za-z0-9_-]+)/")


def _send(site, actor, *emails, occasion="delivery"):
    recipients = [surveys.Recipient(email, "participant", f"P {i}") for i, email in enumerate(emails)]
    return surveys.send_survey(
        site, actor, recipients, occasion=occasion, subject="Training on de-escalation"
    )


def test_each_recipient_gets_an_own_link_and_only_its_hash_is_kept(
    engagement, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        survey = _send(engagement, users["staff"], "a@x.gov", "B@x.gov", "b@x.gov")  # b twice: one invitation
    assert survey.invitations.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a@x.gov", "b@x.gov"]
    links = [LINK.search(m.body).group(1) for m in mail.outbox]
    assert len(set(links)) == 2 and all(len(t) >= 43 for t in links)  # 256 bits, URL-safe
    stored = set(Invitation.objects.values_list("token_hash", flat=True))
    assert stored == {tokens.digest(t) for t in links} and not stored & set(links)
    assert surveys.invitation_for(links[0]).email in {"a@x.gov", "b@x.gov"}
    assert surveys.invitation_for("x" * 43) is None and surveys.invitation_for("") is None
    assert AuditEvent.objects.filter(action="created", object_id=str(survey.pk)).exists()
    assert AuditEvent.objects.filter(
        object_id=str(engagement.pk), changes__has_key="feedback survey"
    ).exists()


def test_no_mail_leaves_when_the_survey_is_not_saved(engagement, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(surveys.FeedbackError):
        surveys.send_survey(engagement, users["staff"], [], occasion="delivery", subject="S")
    assert not mail.outbox and not Survey.objects.exists()


@pytest.mark.parametrize("who", ["partner", "executive_a", "liaison_a", "provider_a"])
def test_only_program_staff_send(engagement, users, partner_users, who):
    actor = partner_users["iacp"] if who == "partner" else users[who]
    with pytest.raises(PermissionDenied):
        _send(engagement, actor, "a@x.gov")


def test_a_survey_about_another_sites_delivery_is_refused(engagement, users, orgs, partners):
    from continuum.critac.deliveries import record_delivery
    from continuum.critac.models import Delivery

    other = factories.engagement(orgs["agency_b"], partners["iacp"].provider)
    delivery = record_delivery(other, users["staff"], Delivery(
        title="Training", delivery_type=factories.delivery_type("In-person training"), format="in_person",
        starts_on=factories.days_ago(1), ends_on=factories.days_ago(1), attendees=5,
    ))  # fmt: skip
    with pytest.raises(surveys.FeedbackError, match="another site"):
        surveys.send_survey(engagement, users["staff"], [surveys.Recipient("a@x.gov", "participant")],
                            occasion="delivery", subject="S", delivery=delivery)  # fmt: skip


def test_participants_are_read_one_a_line():
    people = parse_participants("Ana Ruiz <ana@x.gov>\nBo Li, bo@x.gov\n\ncy@x.gov\n")
    assert [(p.name, p.email, p.role) for p in people] == [
        ("Ana Ruiz", "ana@x.gov", "participant"), ("Bo Li", "bo@x.gov", "participant"), ("", "cy@x.gov", "participant"),
    ]  # fmt: skip
    with pytest.raises(ValidationError, match="line 2"):
        parse_participants("ana@x.gov\nnot an address\n")


def test_results_per_program_match_a_count_by_hand(engagement, users, orgs, partners):
    critical = factories.engagement(orgs["agency_b"], orgs["provider_b"], program="critical_response")
    first = _send(engagement, users["staff"], "a@x.gov", "b@x.gov", "c@x.gov")
    second = _send(critical, users["staff"], "d@x.gov", "e@x.gov", occasion="report")
    scores = {"a@x.gov": (5, 4), "b@x.gov": (3, 2), "d@x.gov": (4, 5)}  # c and e do not answer
    for invitation in Invitation.objects.filter(email__in=scores):
        satisfaction, usefulness = scores[invitation.email]
        surveys.submit_response(invitation, Response(satisfaction=satisfaction, usefulness=usefulness))
    results = {r.program: r for r in surveys.results_by_program()}
    cri_tac, cr = results["cri_tac"], results["critical_response"]
    assert (cri_tac.surveys, cri_tac.invited, cri_tac.responded) == (1, 3, 2)
    assert cri_tac.response_rate == pytest.approx(2 / 3)
    assert cri_tac.satisfaction == pytest.approx((5 + 3) / 2) and cri_tac.usefulness == pytest.approx(
        (4 + 2) / 2
    )
    assert (cr.invited, cr.responded, cr.satisfaction, cr.usefulness) == (2, 1, 4, 5)
    assert cr.label == "Critical Response" and first.pk != second.pk
