"""Issue 19: the requester reaches the status page from any browser through the link e-mailed to them, and an
urgent request reaches every program staff member at once."""

import re

from django.core import mail
from django.test import Client

from continuum.intake.models import Request

from .conftest import form_data


def _link(body: str) -> str:
    return re.search(r"http://\S+\?access=\S+", body).group(0)


def test_the_emailed_link_opens_the_status_page_in_another_browser(
    client, db, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://testserver"
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/request/", form_data())
    request = Request.objects.get()
    link = _link(mail.outbox[-1].body)
    other = Client()
    assert other.get(f"/request/status/{request.tracking_number}/").status_code == 404
    opened = other.get(link, follow=True)
    assert opened.status_code == 200 and request.tracking_number in opened.content.decode()
    assert opened.redirect_chain[-1][0] == f"/request/status/{request.tracking_number}/"  # the token leaves
    assert other.get(f"/request/status/{request.tracking_number}/").status_code == 200  # remembered


def test_a_link_for_another_request_or_tampered_opens_nothing(
    client, db, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://testserver"
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/request/", form_data())
        client.post("/request/", form_data(agency_name="Other PD", requester_email="other@agency.gov"))
    first, second = Request.objects.order_by("submitted_at")
    token = _link(mail.outbox[0].body).split("access=")[1]
    stranger = Client()
    assert stranger.get(f"/request/status/{second.tracking_number}/?access={token}").status_code == 404
    assert stranger.get(f"/request/status/{first.tracking_number}/?access={token[:-2]}xx").status_code == 404
    Request.objects.filter(pk=first.pk).update(requester_email="changed@agency.gov")
    assert stranger.get(f"/request/status/{first.tracking_number}/?access={token}").status_code == 404


def test_an_urgent_request_alerts_every_program_staff_member_at_once(
    client, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/request/", form_data(urgency="urgent", event_date="2026-12-01"))
    alert = next(m for m in mail.outbox if m.subject.startswith("URGENT"))
    assert set(alert.to) == {users["staff"].email, users["reviewer"].email}
    assert Request.objects.get().tracking_number in alert.subject
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/request/", form_data(agency_name="Calm PD", requester_email="calm@agency.gov"))
    assert not [m for m in mail.outbox if m.subject.startswith("URGENT")]
