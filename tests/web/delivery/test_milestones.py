"""Milestones: the approved plan's deliverables, on time, due soon, late, done or done late; marking one done
is audited; a completion survives a new plan version that keeps the milestone."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from continuum.audit.log import history
from continuum.delivery import milestones
from continuum.delivery.milestones import MilestoneStatus as M
from continuum.delivery.milestones import late_milestone_site_ids, status_for
from continuum.delivery.models import MilestoneCompletion
from continuum.delivery.work import DeliveryError
from continuum.sites.models import Site
from continuum.workplans.models import Deliverable, WorkPlan

from .conftest import make_site, today

DAY = datetime.timedelta(days=1)
D = datetime.date


@pytest.mark.parametrize(
    "due,done,expected",
    [
        (D(2026, 3, 1), None, M.LATE),
        (D(2026, 3, 10), None, M.DUE_SOON),  # today
        (D(2026, 3, 24), None, M.DUE_SOON),  # exactly 14 days ahead
        (D(2026, 3, 25), None, M.ON_TIME),
        (D(2026, 3, 5), D(2026, 3, 5), M.DONE),
        (D(2026, 3, 5), D(2026, 3, 1), M.DONE),
        (D(2026, 3, 5), D(2026, 3, 6), M.DONE_LATE),
        (D(2026, 4, 5), D(2026, 3, 6), M.DONE),
    ],
)
def test_status_against_dates(due, done, expected):
    assert status_for(due, done, D(2026, 3, 10)) == expected


def test_milestones_of_the_approved_plan(users, site):
    items = milestones.milestones(site)
    assert [(m.deliverable.title, m.status) for m in items] == [
        ("Inception memo", M.LATE), ("Data analysis brief", M.DUE_SOON), ("Final report", M.ON_TIME),
    ]  # fmt: skip
    assert milestones.counts(items) == {"done": 0, "late": 1, "upcoming": 2}


def test_no_milestones_before_a_plan_is_approved(users, orgs, client, login):
    site = make_site(users, orgs, agency="agency_a", provider="provider_a", status=Site.Status.WORK_PLAN)
    assert milestones.milestones(site) == []
    login(users["staff"])
    page = client.get(f"/workspace/sites/{site.pk}/milestones/").content.decode()
    assert "no approved work plan yet" in page


def _mark(client, site, deliverable, done_on, note=""):
    prefix = f"milestone-{deliverable.pk}"
    return client.post(
        f"/workspace/sites/{site.pk}/milestones/{deliverable.pk}/done/",
        {f"{prefix}-done_on": done_on.isoformat(), f"{prefix}-note": note},
    )


def test_mark_done_late_is_audited(client, users, login, site):
    memo = Deliverable.objects.get(plan__site=site, title="Inception memo")
    login(users["provider_a"])
    assert _mark(client, site, memo, today() - 2 * DAY, "Sent to the chief").status_code == 302
    completion = MilestoneCompletion.objects.get()
    assert (completion.done_on, completion.marked_by, completion.note) == (
        today() - 2 * DAY, users["provider_a"], "Sent to the chief",
    )  # fmt: skip
    assert history(completion).filter(action="created", actor=users["provider_a"]).exists()
    event = history(site).get(changes__has_key="milestone “Inception memo”")
    assert event.changes["milestone “Inception memo”"] == [None, f"done late {today() - 2 * DAY}"]
    items = milestones.milestones(site)
    assert items[0].status == M.DONE_LATE
    assert milestones.counts(items) == {"done": 1, "late": 0, "upcoming": 2}
    page = client.get(f"/workspace/sites/{site.pk}/milestones/").content.decode()
    assert "Done late" in page and "Sent to the chief" in page


def test_correcting_the_date_updates_the_one_completion(client, users, login, site):
    memo = Deliverable.objects.get(plan__site=site, title="Inception memo")
    login(users["staff"])
    _mark(client, site, memo, today() - 2 * DAY)
    _mark(client, site, memo, memo.due_on - 1 * DAY)
    completion = MilestoneCompletion.objects.get()
    assert completion.done_on == memo.due_on - DAY
    assert history(completion).filter(action="updated").exists()
    assert milestones.milestones(site)[0].status == M.DONE


def test_bad_input_and_forbidden_marks(client, users, login, site, site_b):
    memo = Deliverable.objects.get(plan__site=site, title="Inception memo")
    login(users["staff"])
    response = _mark(client, site, memo, today() + DAY)
    assert response.status_code == 422 and "future" in response.content.decode()
    assert not MilestoneCompletion.objects.exists()
    foreign = Deliverable.objects.get(plan__site=site_b, title="Inception memo")
    assert _mark(client, site, foreign, today()).status_code == 404
    with pytest.raises(DeliveryError):
        milestones.mark_done(site, foreign, users["staff"], today())
    with pytest.raises(PermissionDenied):
        milestones.mark_done(site, memo, users["executive_a"], today())
    site.members.create(user=users["sme_a"], role="sme")
    with pytest.raises(PermissionDenied):
        milestones.mark_done(site, memo, users["sme_a"], today())


def test_completion_carries_over_to_a_new_plan_version(users, site):
    old = site.plans.get()
    memo = old.deliverables.get(title="Inception memo")
    milestones.mark_done(site, memo, users["staff"], memo.due_on)
    new = WorkPlan.objects.create(site=site, version=2, status=WorkPlan.Status.APPROVED, created_by=users["staff"],
                                  approved_by=users["executive_a"], approved_at=timezone.now())  # fmt: skip
    WorkPlan.objects.filter(pk=old.pk).update(status=WorkPlan.Status.SUPERSEDED)
    for item in old.deliverables.all():
        item.pk, item.plan = None, new
        if item.title == "Final report":
            item.due_on += 30 * DAY
        item.save()
    Deliverable.objects.create(plan=new, title="Inception memo", due_on=today() - 5 * DAY)  # a second memo
    statuses = {(m.deliverable.title, m.deliverable.due_on): m.status for m in milestones.milestones(site)}
    assert statuses[("Inception memo", memo.due_on)] == M.DONE
    assert statuses[("Inception memo", today() - 5 * DAY)] == M.LATE


def test_late_milestone_site_ids_in_one_query(users, orgs, site, site_b, django_assert_num_queries):
    on_track = make_site(users, orgs, agency="agency_b", provider="provider_b")
    closed = make_site(users, orgs, agency="agency_b", provider="provider_b", status=Site.Status.CLOSED)
    for other in (on_track, closed):
        plan = WorkPlan.objects.create(site=other, version=1, status="approved", created_by=users["staff"],
                                       approved_by=users["executive_b"], approved_at=timezone.now())  # fmt: skip
        Deliverable.objects.create(plan=plan, title="Old memo", due_on=today() - DAY)
    milestones.mark_done(on_track, Deliverable.objects.get(plan__site=on_track), users["staff"], today())
    with django_assert_num_queries(1):
        late = late_milestone_site_ids(Site.objects.all())
    assert late == {site.pk, site_b.pk}
    memo = Deliverable.objects.get(plan__site=site, title="Inception memo")
    milestones.mark_done(site, memo, users["staff"], today())
    assert late_milestone_site_ids(Site.objects.all()) == {site_b.pk}
    assert late_milestone_site_ids(Site.objects.filter(pk=site.pk)) == set()
    draft = WorkPlan.objects.create(site=site, version=2, created_by=users["staff"])
    Deliverable.objects.create(plan=draft, title="Not yet approved", due_on=today() - 9 * DAY)
    assert late_milestone_site_ids(Site.objects.all()) == {site_b.pk}  # only the approved plan counts
    assert late_milestone_site_ids(Site.objects.all(), today=today() - 40 * DAY) == set()
