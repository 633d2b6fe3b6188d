"""The authorization's own e-mails (continuum.intake.authorization._notify): the chief executive is asked unless
a notification hook already told them of the step; the requester hears the chief's decision, either way; a
chief's account without a name is named by its e-mail in the cleared flag's reason."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from continuum import workflow
from continuum.audit.models import AuditEvent
from continuum.intake import authorization
from continuum.intake.models import Flag
from continuum.workflow import take

from .conftest import PDF

REQUESTER = "sam@columbus.example.gov"


@pytest.fixture
def liaison_request(new_request, orgs):
    return new_request(
        requester_is_chief_executive=False, chief_executive_name="Chief Elaine Bryant",
        requester_name="Sam Liaison", requester_email=REQUESTER, agency=orgs["agency_a"],
    )  # fmt: skip


@pytest.fixture
def no_hooks(monkeypatch):
    monkeypatch.setattr(workflow, "AFTER_STEP", [])


def test_asked_without_a_hook_the_chief_gets_the_lifecycle_s_e_mail(
    users, liaison_request, no_hooks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        authorization.ask_chief(liaison_request, users["staff"])
    sent = [m for m in mail.outbox if m.subject.startswith("Please authorize request")]
    assert [m.to for m in sent] == [[users["executive_a"].email]]
    assert liaison_request.get_absolute_url() in sent[0].body


def test_a_chief_a_hook_told_is_not_asked_again(users, liaison_request, monkeypatch,
                                                django_capture_on_commit_callbacks):  # fmt: skip
    chief = users["executive_a"].email
    monkeypatch.setattr(
        workflow, "AFTER_STEP", [lambda lifecycle, record, move: move.told.add(chief.lower())]
    )
    with django_capture_on_commit_callbacks(execute=True):
        authorization.ask_chief(liaison_request, users["staff"])
    assert not [m for m in mail.outbox if m.subject.startswith("Please authorize request")]


@pytest.mark.parametrize("step", ["sign", "refuse"])
def test_the_requester_hears_the_chief_s_decision(users, liaison_request, no_hooks, step,
                                                  django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        take(authorization.AUTHORIZATION, step, liaison_request, users["executive_a"], reason="Not now")
    decided = [m for m in mail.outbox if m.to == [REQUESTER]]
    assert len(decided) == 1 and decided[0].subject.startswith(
        f"Your request {liaison_request.tracking_number}"
    )


def test_asking_the_chief_tells_the_requester_nothing(users, liaison_request, no_hooks,
                                                      django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        authorization.ask_chief(liaison_request, users["staff"])
    assert not [m for m in mail.outbox if REQUESTER in m.to]


def test_a_chief_without_a_name_is_named_by_e_mail(users, liaison_request):
    chief = users["executive_a"]
    chief.first_name = chief.last_name = ""
    chief.save()
    authorization.sign(liaison_request, chief)
    flag = liaison_request.flags.get(code=Flag.Code.AUTHORITY)
    assert flag.clear_reason == f"Authorized in Continuum by {chief.email}"


def test_a_letter_attached_by_an_account_rests_on_its_permission_not_on_the_requester_s_proof(
    users, liaison_request, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(PermissionDenied):
        authorization.attach_letter(liaison_request, users["executive_b"], SimpleUploadedFile("l.pdf", PDF))
    liaison_request.refresh_from_db()
    assert liaison_request.authorization == "missing"
    attached = authorization.attach_letter(liaison_request, users["staff"], SimpleUploadedFile("l.pdf", PDF))
    assert attached.authorization == "letter" and attached.authorization_letter.read() == PDF
    event = AuditEvent.objects.get(object_id=str(liaison_request.pk), to_state="letter")
    assert (event.actor, event.changes) == (users["staff"], {})
