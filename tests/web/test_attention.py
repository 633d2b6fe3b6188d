"""Needs your attention (issue 16.4) and deadlines with the calendar feed (16.8): what each role is shown, that
nothing shown is another agency's or provider's, the contact target, and the feed's secret URL."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from continuum.audit.models import AuditEvent
from continuum.datasets import uploads
from continuum.datasets.models import DataRequest, DatasetVersion
from continuum.intake.models import Request
from continuum.intake.screening import apply_screening
from continuum.intake.service import add_business_days
from continuum.notifications import attention
from continuum.notifications.attention import deadlines, needs_attention
from continuum.notifications.models import CalendarFeed
from continuum.workplans import plans
from tests.conftest import sign_in
from tests.web import matrix_world
from tests.web.critac import factories

TODAY = timezone.localdate


def _days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


@pytest.fixture
def world(users, orgs):
    """The permission matrix's world of agency A and provider A, plus: agency A's second plan version sent
    for approval, data asked of agency A, validated data not yet analysed, an urgent request of agency B sent
    by a liaison without the chief's letter."""
    w = matrix_world.build(users, orgs)
    draft = w.draft_plan
    plans.send_for_review(draft, users["staff"])
    uploads.create_request(w.cr, users["provider_a"], DataRequest(
        title="Use-of-force incidents", table_type="use_of_force", due_on=_days(5)))  # fmt: skip
    DatasetVersion.objects.create(
        data_request=w.data_request, number=9, original_name="stops-2.csv", file_format="csv", size=10,
        sha256="0" * 64, status=DatasetVersion.Status.VALID, uploaded_by=users["liaison_a"],
    )  # fmt: skip
    urgent = factories.make_request(orgs["agency_b"], urgency="urgent", requester_is_chief_executive=False,
                                    chief_executive_name="Chief B")  # fmt: skip
    apply_screening(urgent)
    w.objects["urgent_request"] = urgent
    return w


def kinds(user, today=None) -> set[str]:
    return {item.kind for item in needs_attention(user, today)}


def test_each_role_is_shown_what_needs_it(world, users):
    assert kinds(users["executive_a"]) == {
        "Work plan to approve", "Factual-accuracy review of a draft report", "Data to send",
    }  # fmt: skip
    assert kinds(users["liaison_a"]) == {
        "Work plan to review", "Factual-accuracy review of a draft report", "Data to send",
    }  # fmt: skip
    assert kinds(users["executive_b"]) == {"Authorization to sign"}
    assert kinds(users["liaison_b"]) == set()  # the chief signs
    assert kinds(users["provider_a"]) == {"Data waiting for analysis", "Review comment to answer"}
    assert kinds(users["provider_b"]) == set()
    staff = {item.kind: item for item in needs_attention(users["staff"])}
    assert set(staff) >= {"Request: urgent, unassigned", "Request: unassigned",
                          "Silent site: no contact with the agency"}  # fmt: skip
    assert staff["Request: urgent, unassigned"].where == world.urgent_request.tracking_number
    assert needs_attention(users["staff"])[0].kind == "Request: urgent, unassigned"  # before the silent site


def test_time_passing_brings_overdue_work(world, users):
    later = _days(45)
    provider = {item.kind: item for item in needs_attention(users["provider_a"], later)}
    assert provider["Overdue milestone"].label == "Inception memo" and provider["Overdue milestone"].overdue
    staff = kinds(users["staff"], later)
    assert {
        "Overdue milestone",
        "Report to approve",
        "Request: urgent, unassigned, past the contact target",
    } <= staff
    due = attention.progress_report_items(
        type(world.oa).objects.filter(pk=world.oa.pk), TODAY(), within=None
    )[0].due_on
    assert "Progress report due" not in kinds(users["staff"])
    assert "Progress report due" in kinds(users["staff"], due - datetime.timedelta(days=10))


def test_nothing_shown_is_a_record_the_user_may_not_open(world, users):
    """Every item of every role's list and deadlines opens for that user (the permission matrix's own
    rules), and the other agency's and provider's users are shown nothing of A's."""
    for key, user in users.items():
        client = Client()
        sign_in(client, user)
        for item in needs_attention(user, _days(45)) + deadlines(user):
            assert client.get(item.url).status_code == 200, (key, item)
    a_sites = {world.cr.title, world.oa.title, world.critac.title}
    for outsider in ["executive_b", "liaison_b", "provider_b"]:
        shown = needs_attention(users[outsider], _days(45)) + deadlines(users[outsider])
        assert not {item.where for item in shown} & a_sites
        assert not {item.label for item in shown} & a_sites


def test_the_contact_target_counts_business_days(settings, orgs, users):
    friday = datetime.date(2026, 12, 4)
    assert add_business_days(friday, 5) == datetime.date(2026, 12, 11)
    assert add_business_days(friday, 1) == datetime.date(2026, 12, 7)  # Monday
    request = factories.make_request(orgs["agency_a"])
    submitted = TODAY()
    settings.CONTACT_TARGET_BUSINESS_DAYS = 2
    [item] = attention.request_items(users["staff"], add_business_days(submitted, 3))
    assert item.kind == "Request: unassigned, past the contact target"
    assert item.due_on == add_business_days(submitted, 2)
    request.contacts.create(contacted_on=submitted, with_whom="The chief", channel="phone",
                            logged_by=users["staff"])  # fmt: skip
    [item] = attention.request_items(users["staff"], add_business_days(submitted, 3))
    assert item.kind == "Request: unassigned" and item.due_on is None  # contacted: the target is met


def test_unassigned_is_undecided_requests(orgs):
    open_request = factories.make_request(orgs["agency_a"])
    factories.make_request(orgs["agency_a"], status=Request.Status.WITHDRAWN)
    assert list(attention.unassigned(Request.objects.all())) == [open_request]


def test_the_workspace_lists_what_needs_the_chief_with_age_and_due_date(world, users, login):
    page = login(users["executive_a"]).get("/workspace/")
    assert "Needs your attention (3)" in page.text
    plan_url = f"/workspace/sites/{world.cr.pk}/plan/v{world.draft_plan.version}/"
    assert f'href="{plan_url}"' in page.text and "Work plan to approve" in page.text
    assert f"{_days(5):%b} {_days(5).day}, {_days(5).year}" in page.text  # the data request's due date
    assert 'Workspace</span> <span class="usa-tag continuum-nav-count">3<' in page.text


def test_the_deadlines_page_and_the_calendar_feed(world, users, login, client):
    chief = users["executive_a"]
    staff_client = login(chief)
    page = staff_client.get("/workspace/deadlines/")
    assert "Inception memo" in page.text and "Use-of-force incidents" in page.text
    issued = staff_client.post("/workspace/deadlines/feed/")
    token = issued.context["feed_url"].rsplit("/", 1)[1].removesuffix(".ics")
    assert CalendarFeed.objects.get(user=chief, revoked_at=None).token_hash != token and token not in str(
        list(CalendarFeed.objects.values_list("token_hash", flat=True))
    )
    assert AuditEvent.objects.filter(to_state="calendar_feed_issued", actor=chief).exists()
    feed = Client().get(f"/calendar/{token}.ics")  # no session
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    events = {str(e["summary"]): e for e in Calendar.from_ical(feed.content).walk("VEVENT")}
    memo = events["Milestone: Inception memo (Use of force review)"]
    assert memo.decoded("dtstart") == world.deliverable.due_on
    assert "Data to send: Use-of-force incidents (Use of force review)" in events
    assert not [s for s in events if "Fargo" in s]
    again = staff_client.post("/workspace/deadlines/feed/")  # a new address kills the old one
    assert Client().get(f"/calendar/{token}.ics").status_code == 404
    new_token = again.context["feed_url"].rsplit("/", 1)[1].removesuffix(".ics")
    staff_client.post("/workspace/deadlines/feed/revoke/")
    assert Client().get(f"/calendar/{new_token}.ics").status_code == 404
    # the world's feed, then the first new one, then the second
    assert AuditEvent.objects.filter(to_state="calendar_feed_revoked", actor=chief).count() == 3
    chief.is_active = False
    chief.save()
    assert Client().get("/calendar/not-a-token.ics").status_code == 404


def test_the_demo_gives_every_role_something_to_attend_to(db, monkeypatch, settings, tmp_path):
    from django.core.management import call_command

    from continuum.accounts.models import User
    from continuum.demo import data

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setenv("CONTINUUM_DEMO_PASSWORD", "demo-password-for-the-test")
    call_command("load_demo", quiet=True, throwaway_database=True)
    call_command("load_demo", quiet=True, throwaway_database=True)  # idempotent: nothing sent twice
    shown = {person.email: kinds(User.objects.get(email=person.email)) for person in data.USERS}
    assert all(shown.values()), shown
    assert {"Work plan to approve", "Data to send"} <= shown["chief@columbus.example.gov"]
    assert "Request: urgent, unassigned, past the contact target" in shown["staff@continuum.example.gov"]
    assert "Overdue milestone" in shown["provider@jensenhughes.example.com"]
    silent = [i.label for i in needs_attention(User.objects.get(email="staff@continuum.example.gov"))
              if i.kind == "Silent site: no contact with the agency"]  # fmt: skip
    assert silent == ["Philadelphia Police Department: police vehicle crashes"]  # the one quiet site


def _item(label, due=None, since=None, today=None, urgent=False):
    return attention.Item("Kind", label, "/x/", since, due, today or TODAY(), urgent=urgent)


def test_most_urgent_first_longest_overdue_then_soonest_due_then_undated_by_age():
    items = [
        _item("urgent request, due in 2 days", due=_days(2), urgent=True),
        _item("undated, new", since=_days(-1)),
        _item("due in 3 days", due=_days(3)),
        _item("10 days late", due=_days(-10)),
        _item("undated, waiting a month", since=_days(-30)),
        _item("2 days late", due=_days(-2)),
    ]
    assert [i.label for i in attention.by_urgency(items)] == [
        "urgent request, due in 2 days", "10 days late", "2 days late", "due in 3 days",
        "undated, waiting a month", "undated, new",
    ]  # fmt: skip


def test_the_workspace_shows_the_most_urgent_few_and_the_attention_page_all_of_them(users, orgs, login):
    from continuum.notifications.views import ITEMS_PER_PAGE
    from continuum.notifications.workspace import SHOWN

    made = ITEMS_PER_PAGE + 2
    for _ in range(made):
        factories.make_request(orgs["agency_a"])
    total = len(needs_attention(users["staff"]))
    assert total >= made > SHOWN
    staff = login(users["staff"])
    workspace = staff.get("/workspace/")
    assert f"Needs your attention ({total})" in workspace.text
    assert len(workspace.context["attention"]) == SHOWN
    assert f"See all {total} that need your attention" in workspace.text
    first = staff.get("/workspace/attention/")
    assert first.status_code == 200 and len(first.context["page"].object_list) == ITEMS_PER_PAGE
    assert first.context["page"].object_list[0] == needs_attention(users["staff"])[0]
    last = staff.get("/workspace/attention/", {"page": 2})
    assert len(last.context["page"].object_list) == total - ITEMS_PER_PAGE
    assert "Page 2 of 2" in last.text
    deadlines_page = staff.get("/workspace/deadlines/")
    assert deadlines_page.context["total"] == len(deadlines(users["staff"]))
