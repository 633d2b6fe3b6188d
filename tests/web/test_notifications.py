"""Notifications (issue 16.5): made after every lifecycle step for the people concerned who may see the record,
read and unread, e-mailed when they need the person's action, at once or in a daily digest."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from continuum.audit.models import AuditEvent
from continuum.notifications import email, tasks
from continuum.notifications.models import EmailChoice, Notification
from continuum.reports import editing
from continuum.reports import transitions as report_steps
from continuum.sites.models import Site
from continuum.workplans import plans
from tests.web.reports.conftest import fill
from tests.web.sites.conftest import draft_plan

OUTSIDERS = ["executive_b", "liaison_b", "provider_b"]


@pytest.fixture
def site(orgs):
    return Site.objects.create(
        agency=orgs["agency_a"], program="critical_response", ta_type="issue_specific_review",
        provider=orgs["provider_a"], title="Columbus use of force review", description="Asked for a review.",
    )  # fmt: skip


@pytest.fixture
def sent_plan(site, users, django_capture_on_commit_callbacks):
    plan = draft_plan(site, users["provider_a"], sme=users["sme_a"])
    with django_capture_on_commit_callbacks(execute=True):
        return plans.send_for_review(plan, users["provider_a"], message="Please review the plan.")


def notified(user):
    return list(Notification.objects.filter(user=user))


def test_a_plan_sent_tells_the_agency_and_asks_the_chief_to_act(sent_plan, users, mailoutbox):
    [chief] = notified(users["executive_a"])
    assert chief.needs_action and chief.record_label == str(sent_plan)
    assert "Send to the agency for approval" in chief.text and chief.message == "Please review the plan."
    assert chief.url == f"/workspace/sites/{sent_plan.site_id}/plan/v{sent_plan.version}/"
    [liaison] = notified(users["liaison_a"])
    assert not liaison.needs_action  # the liaison may comment, not approve
    assert not notified(users["provider_a"])  # the actor
    for outsider in [*OUTSIDERS, "staff"]:  # staff not on the site's team are not told
        assert not notified(users[outsider]), outsider
    action_mail = [m for m in mailoutbox if m.subject.startswith("[Continuum] Needs your action")]
    assert [m.to for m in action_mail] == [[users["executive_a"].email]]
    assert chief.url in action_mail[0].body and "Please review the plan." in action_mail[0].body
    chief.refresh_from_db()
    assert chief.emailed_at is not None
    # one e-mail each: the chief is not also sent the plan's own e-mail, which the liaison gets
    for who in ["executive_a", "liaison_a"]:
        assert len([m for m in mailoutbox if users[who].email in m.to]) == 1, who
    [plan_mail] = [m for m in mailoutbox if users["liaison_a"].email in m.to]
    assert plan_mail.subject.endswith("work plan v1 sent to the agency for review")
    assert users["executive_a"].email not in plan_mail.to


def test_the_consequent_site_step_is_not_a_second_notification(sent_plan, users):
    assert Notification.objects.filter(user=users["executive_a"]).count() == 1


def test_internal_steps_never_reach_the_agency(site, users, django_capture_on_commit_callbacks):
    plan = draft_plan(site, users["provider_a"], sme=users["sme_a"])
    with django_capture_on_commit_callbacks(execute=True):
        plans.send_for_review(plan, users["provider_a"])
        plans.approve(plan, users["executive_a"])  # the SME joins the team
    Notification.objects.all().delete()
    report = fill(
        editing.create_report(site, users["provider_a"], title="Use of force review"), users["provider_a"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        report_steps.submit(report, users["provider_a"])
    assert notified(users["sme_a"]), "the team hears of the draft's internal review"
    for agency_user in ["executive_a", "liaison_a", *OUTSIDERS]:
        assert not notified(users[agency_user]), agency_user
    with django_capture_on_commit_callbacks(execute=True):
        report_steps.send_to_agency(report, users["staff"])
    for agency_user in ["executive_a", "liaison_a"]:  # both may mark the factual review done
        [note] = notified(users[agency_user])
        assert note.needs_action and note.url == report.get_absolute_url()
    for outsider in OUTSIDERS:
        assert not notified(users[outsider])


def test_the_daily_digest_sends_what_accumulated_once(site, users, django_capture_on_commit_callbacks):
    EmailChoice.objects.create(user=users["executive_a"], when=EmailChoice.When.DAILY)
    plan = draft_plan(site, users["provider_a"])
    with django_capture_on_commit_callbacks(execute=True):
        plans.send_for_review(plan, users["provider_a"])

    def ours():
        return [m for m in mail.outbox if "your action" in m.subject]

    assert not ours(), "no e-mail at once for who chose the digest"
    assert not [m for m in mail.outbox if users["executive_a"].email in m.to], "nor the plan's own e-mail"
    call_command("send_digests", stdout=io.StringIO())
    [digest] = ours()
    assert digest.to == [users["executive_a"].email]
    assert digest.subject == "[Continuum] 1 thing needs your action"
    assert str(plan) in digest.body and f"/plan/v{plan.version}/" in digest.body
    assert email.send_daily_digests() == 0  # already sent
    Notification.objects.create(user=users["executive_a"], record_label="Another", text="Approve it.",
                                url="/workspace/", needs_action=True)  # fmt: skip
    with override_settings(
        TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    ):
        assert tasks.send_digests.enqueue().return_value == 1  # the same digest, as a Django task


def test_the_list_marks_read_and_opens_the_record(sent_plan, users, login):
    client = login(users["executive_a"])
    page = client.get("/workspace/notifications/")
    assert page.status_code == 200 and "1 unread" in page.text and str(sent_plan) in page.text
    assert "Needs your action" in page.text
    note = Notification.objects.get(user=users["executive_a"])
    opened = client.get(f"/workspace/notifications/{note.pk}/open/")
    assert opened.status_code == 302 and opened["Location"] == note.url
    note.refresh_from_db()
    assert note.is_read
    liaison_note = Notification.objects.get(user=users["liaison_a"])
    assert client.get(f"/workspace/notifications/{liaison_note.pk}/open/").status_code == 404
    assert client.post("/workspace/notifications/read/", {"pk": liaison_note.pk}).status_code == 302
    liaison_note.refresh_from_db()
    assert not liaison_note.is_read, "nobody marks another's notification read"


def test_mark_all_read_and_the_counts_in_the_navigation(sent_plan, users, login):
    client = login(users["liaison_a"])
    page = client.get("/workspace/notifications/").text  # this page knows the unread count: shown at once
    assert 'Notifications</span> <span class="usa-tag continuum-nav-count">1<' in page
    # the attention count it does not compute: the page fetches it once loaded
    assert 'Workspace</span><span hx-get="/workspace/nav-count/attention/" hx-trigger="load"' in page
    fragment = client.get("/workspace/nav-count/attention/").text
    assert fragment.strip() == (
        '<span class="usa-tag continuum-nav-count">1<span class="usa-sr-only"> need your attention</span></span>'
    )  # the plan to review
    assert "nav-count/unread/" in client.get("/workspace/").text
    assert ">1<" in client.get("/workspace/nav-count/unread/").text
    client.post("/workspace/notifications/read/")
    assert not Notification.objects.filter(user=users["liaison_a"]).unread().exists()
    assert "Notifications</span></a>" in client.get("/workspace/notifications/").text, "no count: all read"
    assert client.get("/workspace/nav-count/unread/").text.strip() == ""
    assert client.get("/workspace/nav-count/nothing/").status_code == 404


def test_a_page_pays_nothing_for_the_navigation_counts(
    sent_plan, users, login, django_assert_max_num_queries
):
    client = login(users["staff"])
    client.get("/workspace/sites/")
    with django_assert_max_num_queries(30) as queries:
        client.get("/workspace/sites/")
    assert not [q for q in queries.captured_queries if "notifications_notification" in q["sql"]]
    assert not [q for q in queries.captured_queries if "intake_contact" in q["sql"]]  # the attention list's


def test_the_email_choice_is_saved_and_audited(users, login):
    client = login(users["executive_a"])
    assert 'name="when"' in client.get("/workspace/").text  # on the workspace (the profile card)
    assert client.post("/workspace/notifications/email/", {"when": "daily"}).status_code == 302
    assert EmailChoice.objects.get(user=users["executive_a"]).when == "daily"
    assert AuditEvent.objects.filter(actor=users["executive_a"], changes__has_key="e-mail").exists()
    client.post("/workspace/notifications/email/", {"when": "weekly"})
    assert EmailChoice.objects.get(user=users["executive_a"]).when == "daily"


def test_nobody_is_notified_of_a_record_they_may_not_open(users, orgs, django_capture_on_commit_callbacks):
    """The whole permission-matrix world built with notifications on: every notification's link opens for its
    user, and agency B and provider B hear of nothing of agency A's."""
    from django.test import Client

    from tests.conftest import sign_in
    from tests.web import matrix_world

    with django_capture_on_commit_callbacks(execute=True):
        matrix_world.build(users, orgs)
    made = Notification.objects.select_related("user")
    assert made.count() > 10
    for outsider in OUTSIDERS:
        assert not made.filter(user=users[outsider]).exists(), outsider
    clients = {}
    for note in made:
        if note.user_id not in clients:
            clients[note.user_id] = Client()
            sign_in(clients[note.user_id], note.user)
        status = clients[note.user_id].get(note.url).status_code
        assert status == 200, (note.user.role, note.url, note.text, status)


def test_a_mail_server_down_does_not_undo_the_step(
    site, users, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(email, "send_mail", refuse)
    plan = draft_plan(site, users["provider_a"])
    with django_capture_on_commit_callbacks(execute=True):
        plans.send_for_review(plan, users["provider_a"])
    plan.refresh_from_db()
    assert plan.status == "in_review"
    note = Notification.objects.get(user=users["executive_a"])
    assert note.needs_action and note.emailed_at is None  # listed in the app; not marked e-mailed


def test_a_colleagues_decision_is_news_not_an_action(
    orgs, users, mailoutbox, django_capture_on_commit_callbacks
):
    from continuum.intake import transitions as intake
    from tests.web.critac import factories

    request = factories.make_request(orgs["agency_a"])
    with django_capture_on_commit_callbacks(execute=True):
        intake.start_review(request, users["staff"], "Assessment call")
    [note] = notified(users["reviewer"])
    assert not note.needs_action and note.url == request.get_absolute_url()
    assert not [m for m in mailoutbox if "your action" in m.subject]
    assert notified(users["executive_a"]) and not notified(users["executive_b"])


def test_no_counts_on_the_sign_in_pages(users, login):
    page = login(users["staff"]).get("/accounts/password/change/")
    assert "nav-count" not in page.text


def test_a_mail_server_down_for_the_steps_own_e_mail_still_lists_it(
    site, users, monkeypatch, django_capture_on_commit_callbacks
):
    from continuum.sites import notify as site_notify

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(site_notify, "send_mail", refuse)
    plan = draft_plan(site, users["provider_a"])
    with django_capture_on_commit_callbacks(execute=True):
        plans.send_for_review(plan, users["provider_a"])  # no error reaches the person who sent it
    plan.refresh_from_db()
    assert plan.status == "in_review" and notified(users["liaison_a"])
