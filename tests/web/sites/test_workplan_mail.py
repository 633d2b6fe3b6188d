"""The work plan's own e-mail to the site (continuum.workplans.plans._notify): the version and what happened in
the subject and body, the agency's reason when it asks for changes, nothing else when a step has no message."""

from django.core import mail

from continuum import workflow
from continuum.workplans import plans

from .conftest import draft_plan


def test_the_plan_s_e_mails_say_which_version_and_what_happened(site, users, monkeypatch,
                                                               django_capture_on_commit_callbacks):  # fmt: skip
    monkeypatch.setattr(workflow, "AFTER_STEP", [])
    plan = draft_plan(site, users["provider_a"])
    with django_capture_on_commit_callbacks(execute=True):
        plans.send_for_review(plan, users["staff"])
    sent = mail.outbox[-1]
    assert sent.subject == f"{site.title}: work plan v1 sent to the agency for review"
    assert (
        f"Work plan version 1 for {site.title} ({site.agency.name}) was sent to the agency for review."
        in sent.body
    )
    assert "XX" not in sent.body  # no message given: none shown
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        plans.request_changes(plan, users["executive_a"], "Add a community listening session.")
    sent = mail.outbox[-1]
    assert sent.subject == f"{site.title}: work plan v1 returned for changes"
    assert "Add a community listening session." in sent.body


def test_the_chief_s_reason_for_approving_stays_out_of_the_e_mail(site, users, monkeypatch,
                                                                  django_capture_on_commit_callbacks):  # fmt: skip
    """Only a request for changes sends its reason: an approval's reason is the record's, not a message."""
    monkeypatch.setattr(workflow, "AFTER_STEP", [])
    plan = plans.send_for_review(draft_plan(site, users["provider_a"]), users["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        plans.approve(plan, users["executive_a"], "Council briefed on 3 March")
    sent = mail.outbox[-1]
    assert sent.subject == f"{site.title}: work plan v1 approved"
    assert "Council briefed" not in sent.body


def test_the_chief_asked_to_approve_gets_one_e_mail_not_two(site, users, django_capture_on_commit_callbacks):
    """The step's own hooks tell the chief the plan needs their approval; the plan's e-mail leaves them out."""
    plan = draft_plan(site, users["provider_a"])
    with django_capture_on_commit_callbacks(execute=True):
        plans.send_for_review(plan, users["staff"])
    chief = users["executive_a"].email
    assert len([m for m in mail.outbox if chief in m.to]) == 1
    assert [m for m in mail.outbox if m.subject.endswith("sent to the agency for review") and m.to]
