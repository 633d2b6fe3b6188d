"""The hooks run after every step a user takes (continuum.workflow.AFTER_STEP), once the step commits, before
the lifecycle's own e-mail: whom a hook told (Move.told) that e-mail leaves out, a consequent step (the site
following its report) runs no hook, and a hook that fails neither undoes the step nor stops the e-mail."""

import pytest
from django.core import mail

from continuum import workflow
from continuum.audit.log import history
from continuum.reports import transitions


@pytest.fixture
def report(report_without_chart):
    """These tests take the review steps and never look at a chart: the report's exhibit is a table alone."""
    return report_without_chart


def test_a_hook_runs_once_for_the_step_taken_and_whom_it_told_hear_nothing_more(
    report, users, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    sme = users["sme_a"].email

    def hook(lifecycle, record, move):
        calls.append((lifecycle, record.pk, record.status, move.step.name, move.actor))
        move.told.add(sme.lower())

    monkeypatch.setattr(workflow, "AFTER_STEP", [hook])
    with django_capture_on_commit_callbacks(execute=True):
        report = transitions.submit(report, users["provider_a"], "Ready")
    # the site followed its report (a consequent step), and no hook ran for that one
    assert any(e.to_state == "report_review" for e in history(report.site))
    assert calls == [(transitions.LIFECYCLE, report.pk, "internal_review", "submit", users["provider_a"])]
    # the team's e-mail of the step leaves out the one the hook told (without the hook, they get it: below)
    assert not [m for m in mail.outbox if "internal review" in m.body and sme in m.to]


def test_a_failing_hook_leaves_the_step_and_its_e_mail(
    report, users, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(lifecycle, record, move):
        raise RuntimeError("The notifications service is down.")

    monkeypatch.setattr(workflow, "AFTER_STEP", [broken])
    with django_capture_on_commit_callbacks(execute=True):
        report = transitions.submit(report, users["provider_a"])
    report.refresh_from_db()
    assert report.status == "internal_review"
    assert users["sme_a"].email in next(m for m in mail.outbox if "internal review" in m.body).to
