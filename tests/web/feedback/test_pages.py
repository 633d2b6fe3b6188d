"""A site's feedback page: who sees the answers, who sends a survey, and sending through the form."""

import pytest
from django.core import mail

from continuum.feedback.models import Invitation, Survey

PAGE = {
    "anonymous": 302, "executive_a": 403, "liaison_a": 403, "executive_b": 404, "liaison_b": 404,
    "partner_iacp": 200, "partner_nsa": 404, "provider_a": 404, "staff": 200, "admin": 200,
}  # fmt: skip
SENDERS = {"staff", "admin"}


def _user(who, users, partner_users):
    return partner_users[who.removeprefix("partner_")] if who.startswith("partner_") else users[who]


@pytest.mark.parametrize("who", PAGE)
def test_permission_matrix(client, login, users, partner_users, engagement, who):
    if who != "anonymous":
        login(_user(who, users, partner_users))
    url = f"/workspace/sites/{engagement.pk}/feedback/"
    response = client.get(url)
    assert response.status_code == PAGE[who]
    if response.status_code == 200:
        assert ("Send a survey" in response.content.decode()) == (who in SENDERS)
    post = client.post(url, {"survey-occasion": "report", "survey-participants": "a@x.gov"})
    expected = 302 if who in SENDERS or who == "anonymous" else (403 if PAGE[who] == 200 else PAGE[who])
    assert post.status_code == expected
    assert Survey.objects.exists() == (who in SENDERS)


def test_staff_send_to_the_requester_and_participants(
    client, login, users, engagement, django_capture_on_commit_callbacks
):
    login(users["staff"])
    url = f"/workspace/sites/{engagement.pk}/feedback/"
    assert "chief@columbus.example.gov" in client.get(url).content.decode()  # the requester, from the request
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"survey-occasion": "report", "survey-include_requester": "on",
                                     "survey-participants": "Ana Ruiz <ana@x.gov>\nbo@x.gov"})  # fmt: skip
    assert response.status_code == 302
    survey = Survey.objects.get()
    assert survey.subject == engagement.title and survey.occasion == "report"
    roles = dict(Invitation.objects.values_list("email", "role"))
    assert roles == {
        "chief@columbus.example.gov": "requester",
        "ana@x.gov": "participant",
        "bo@x.gov": "participant",
    }
    assert len(mail.outbox) == 3
    page = client.get(url).content.decode()
    assert "Ana Ruiz &lt;ana@x.gov&gt; (participant)" in page and "Not yet" in page


def test_a_survey_needs_recipients_and_valid_addresses(client, login, users, engagement):
    login(users["staff"])
    url = f"/workspace/sites/{engagement.pk}/feedback/"
    empty = client.post(url, {"survey-occasion": "delivery", "survey-participants": ""})
    assert empty.status_code == 422 and "Add at least one recipient" in empty.content.decode()
    bad = client.post(url, {"survey-occasion": "delivery", "survey-participants": "nobody"})
    assert bad.status_code == 422 and "No valid e-mail address on line 1" in bad.content.decode()
    assert not Survey.objects.exists()
