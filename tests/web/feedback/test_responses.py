"""Answering through the tokenized link: anyone holding it, once."""

import re

import pytest
from django.core import mail
from django.db import IntegrityError

from continuum.audit.models import AuditEvent
from continuum.feedback import surveys
from continuum.feedback.models import Response

ANSWER = {
    "satisfaction": "4",
    "usefulness": "5",
    "what_changed": "We rewrote the order.",
    "future_needs": "More.",
}


@pytest.fixture
def token(engagement, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        surveys.send_survey(engagement, users["staff"], [surveys.Recipient("a@x.gov", "participant", "Ana")],
                            occasion="delivery", subject="Training on de-escalation")  # fmt: skip
    return re.search(r"/feedback/([A-Za-z0-9_-]+)/", mail.outbox[0].body).group(1)


def test_the_recipient_answers_once(client, token):
    url = f"/feedback/{token}/"
    page = client.get(url)
    assert page.status_code == 200 and "Training on de-escalation" in page.content.decode()
    assert "no-cache" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    done = client.post(url, ANSWER)
    assert done.status_code == 200 and "Your answer was received" in done.content.decode()
    answer = Response.objects.get()
    assert (answer.satisfaction, answer.usefulness, answer.what_changed) == (4, 5, "We rewrote the order.")
    assert AuditEvent.objects.filter(
        object_id=str(answer.pk), actor_label="Survey respondent <a@x.gov>"
    ).exists()
    again = client.post(url, {**ANSWER, "satisfaction": "1"})
    assert again.status_code == 409
    assert (
        "already answered" in again.content.decode() and "Each person answers once" in again.content.decode()
    )
    assert Response.objects.get().satisfaction == 4
    assert "already answered" in client.get(url).content.decode()


def test_an_incomplete_answer_is_shown_again_with_its_errors(client, token):
    response = client.post(f"/feedback/{token}/", {"satisfaction": "9", "usefulness": ""})
    assert response.status_code == 422 and not Response.objects.exists()
    assert "Your answer was not sent yet" in response.content.decode()


def test_an_unknown_link_is_not_found(client, token):
    assert client.get(f"/feedback/{token[:-2]}xx/").status_code == 404
    assert client.get("/feedback/" + "a" * 200 + "/").status_code == 404


def test_two_answers_at_once_cannot_both_win(token):
    invitation = surveys.invitation_for(token)
    surveys.submit_response(invitation, Response(satisfaction=5, usefulness=5))
    with pytest.raises(surveys.AlreadyAnswered):
        surveys.submit_response(invitation, Response(satisfaction=1, usefulness=1))
    with pytest.raises(IntegrityError):  # and the database refuses it even past the check
        Response.objects.create(invitation=invitation, satisfaction=1, usefulness=1)
