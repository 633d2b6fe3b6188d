"""Work plans: drafted by staff or the provider, commented on by the agency, approved by its chief executive
only; the approved version frozen; a change is a new version with its differences shown."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from continuum.audit.models import AuditEvent
from continuum.sites.models import Site, SiteMember
from continuum.workflow import MESSAGE_KEY, TransitionError
from continuum.workplans import plans
from continuum.workplans.models import Activity, Objective, WorkPlan

from .conftest import draft_plan


def _site_transitions(site):
    return list(
        AuditEvent.objects.filter(content_type__model="site", object_id=str(site.pk), action="transition")
        .order_by("at", "pk")
        .values_list("from_state", "to_state")
    )


def test_provider_drafts_agency_comments_chief_approves(
    site, users, mailoutbox, django_capture_on_commit_callbacks
):
    plan = draft_plan(site, users["provider_a"], sme=users["sme_a"])
    plans.comment(
        plan, users["liaison_a"], "Add the civilian review board.", f"activity:{plan.activities.get().pk}"
    )
    with django_capture_on_commit_callbacks(execute=True):
        plans.send_for_review(plan, users["provider_a"], "v1 for review")
    site.refresh_from_db()
    assert site.status == "agency_review"
    with pytest.raises(PermissionDenied):
        plans.approve(plan, users["liaison_a"])  # liaisons comment, only the chief executive approves
    with django_capture_on_commit_callbacks(execute=True):
        plans.approve(plan, users["executive_a"], "Looks right")
    plan.refresh_from_db()
    site.refresh_from_db()
    assert (plan.status, plan.approved_by, plan.version) == ("approved", users["executive_a"], 1)
    assert plan.approved_at is not None and site.status == "delivery"  # the approval starts delivery
    assert SiteMember.objects.filter(site=site, user=users["sme_a"], role="sme").exists()
    assert _site_transitions(site) == [("work_plan", "agency_review"), ("agency_review", "delivery")]
    approval = AuditEvent.objects.get(content_type__model="workplan", to_state="approved")
    assert approval.actor == users["executive_a"] and approval.object_label.startswith("Work plan v1")
    assert approval.reason == "Looks right"  # the chief's own words, kept with the approval
    started = AuditEvent.objects.get(content_type__model="site", object_id=str(site.pk), to_state="delivery")
    assert (started.actor, started.reason) == (users["executive_a"], "Work plan v1 approved")
    sent = AuditEvent.objects.get(content_type__model="workplan", to_state="in_review")
    assert (sent.reason, sent.changes) == ("v1 for review", {MESSAGE_KEY: [None, "v1 for review"]})
    assert "liaison_a@example.gov" in mailoutbox[-1].to and "work plan v1 approved" in mailoutbox[-1].subject
    assert plan.comments.get().target_label.startswith("Site visit: First site visit")


def test_approved_version_is_frozen(approved_site, users):
    plan = plans.approved(approved_site)
    with pytest.raises(TransitionError, match="approved and can't change"):
        plans.add_item(plan, users["staff"], Objective(text="Sneak in"))
    with pytest.raises(TransitionError, match="approved and can't change"):
        plans.remove_item(plan, users["staff"], "objective", plan.objectives.get().pk)


def test_a_change_is_a_new_version_needing_approval_with_a_diff(approved_site, users):
    v2 = plans.open_draft(approved_site, users["staff"])
    assert v2.version == 2 and v2.objectives.count() == 1
    plans.remove_item(v2, users["staff"], "activity", v2.activities.get().pk)
    plans.add_item(v2, users["staff"], Activity(kind="peer_exchange", title="Peer exchange",
                                                starts_on=datetime.date(2027, 1, 10)))  # fmt: skip
    sections = {s.name: s for s in plans.diff(plans.approved(approved_site), v2)}
    assert sections["Activities"].removed == [
        "Site visit: First site visit (2026-12-01 to 2026-12-03; owner: unassigned)"
    ]
    assert sections["Activities"].added == [
        "Peer exchange: Peer exchange (2027-01-10 to 2027-01-10; owner: unassigned)"
    ]
    assert not sections["Objectives"].changed
    plans.send_for_review(v2, users["staff"])
    approved_site.refresh_from_db()
    assert approved_site.status == "delivery"  # a later version's review leaves the site where it is
    plans.approve(v2, users["executive_a"])
    (approval,) = AuditEvent.objects.filter(
        content_type__model="workplan", object_id=str(v2.pk), to_state="approved"
    )
    assert approval.reason == "Approve this version"  # approved without words of its own: the step's label
    statuses = dict(WorkPlan.objects.filter(site=approved_site).values_list("version", "status"))
    assert statuses == {1: "superseded", 2: "approved"}


def test_a_plan_sent_with_a_message_keeps_the_reason_for_the_team_and_the_message_for_the_agency(site, users):
    plan = draft_plan(site, users["provider_a"])
    plans.send_for_review(plan, users["provider_a"], "Dates checked with the team", "Please check the dates.")
    sent = AuditEvent.objects.get(
        content_type__model="workplan", object_id=str(plan.pk), to_state="in_review"
    )
    assert (sent.reason, sent.changes) == (
        "Dates checked with the team",
        {MESSAGE_KEY: [None, "Please check the dates."]},
    )


@pytest.mark.parametrize("who", ["staff", "executive_a"])
def test_changes_requested_freeze_the_version_and_a_new_one_is_drafted(site, users, who):
    plan = draft_plan(site, users["staff"])
    plans.send_for_review(plan, users["staff"])
    with pytest.raises(TransitionError, match="Give a reason"):
        plans.request_changes(plan, users[who], "")
    for outsider in ["provider_a", "liaison_a", "executive_b"]:
        with pytest.raises(PermissionDenied):
            plans.request_changes(plan, users[outsider], "no")
    plans.request_changes(plan, users[who], "Add a community listening session.")
    plan.refresh_from_db()
    site.refresh_from_db()
    assert plan.status == "changes_requested" and not plan.is_editable and site.status == "work_plan"
    assert plan.comments.get().text == "Add a community listening session."
    returned = AuditEvent.objects.get(
        content_type__model="site", object_id=str(site.pk), to_state="work_plan"
    )
    assert (returned.actor, returned.reason) == (users[who], "Changes requested on work plan v1")
    with pytest.raises(TransitionError, match="can't change"):
        plans.add_item(plan, users["staff"], Activity(kind="listening_session", title="Listening session"))
    v2 = plans.open_draft(site, users["staff"])
    plans.add_item(v2, users["staff"], Activity(kind="listening_session", title="Listening session"))
    plans.send_for_review(v2, users["staff"])
    assert plans.latest(site).version == 2 and not v2.comments.exists()


def test_an_incomplete_plan_cannot_be_sent(site, users):
    plan = plans.open_draft(site, users["staff"])
    plans.add_item(plan, users["staff"], Objective(text="Only an objective"))
    with pytest.raises(TransitionError, match="activities, deliverables"):
        plans.send_for_review(plan, users["staff"])


def test_who_may_draft(site, users):
    for who in ["executive_a", "liaison_a", "provider_b", "sme_a"]:
        with pytest.raises(PermissionDenied):
            plans.open_draft(site, users[who])
    assert plans.open_draft(site, users["provider_a"]).version == 1


def test_comments_need_text_and_a_real_item(site, users):
    plan = draft_plan(site, users["staff"])
    with pytest.raises(TransitionError, match="Write the comment"):
        plans.comment(plan, users["executive_a"], "  ")
    with pytest.raises(TransitionError, match="not part of this version"):
        plans.comment(plan, users["executive_a"], "Hm", "activity:999999")
    with pytest.raises(PermissionDenied):
        plans.comment(plan, users["executive_b"], "Not my site")


def test_plan_pages(client, users, login, site):
    login(users["provider_a"])
    assert client.post(f"/workspace/sites/{site.pk}/plan/draft/").status_code == 302
    bad = client.post(f"/workspace/sites/{site.pk}/plan/items/activity/",
                      {"activity-kind": "site_visit", "activity-title": "", "activity-starts_on": "2026-12-05",
                       "activity-ends_on": "2026-12-01"})  # fmt: skip
    assert bad.status_code == 422
    assert set(bad.context["forms"]["activity"].errors) == {"title", "ends_on"}
    for kind, data in [
        ("objective", {"objective-text": "Review policy"}),
        ("activity", {"activity-kind": "interview", "activity-title": "Interviews"}),
        ("deliverable", {"deliverable-title": "Report", "deliverable-due_on": "2027-03-01"}),
    ]:
        assert client.post(f"/workspace/sites/{site.pk}/plan/items/{kind}/", data).status_code == 302
    assert (
        client.post(
            f"/workspace/sites/{site.pk}/plan/v1/send/", {"send-message": "Please review"}
        ).status_code
        == 302
    )
    login(users["executive_a"])
    page = client.get(f"/workspace/sites/{site.pk}/plan/").content.decode()
    assert "Approve this version" in page and "Request changes" in page and "Interviews" in page
    client.post(
        f"/workspace/sites/{site.pk}/plan/v1/comments/", {"comment-target": "", "comment-text": "Fine by us"}
    )
    assert client.post(f"/workspace/sites/{site.pk}/plan/v1/approve/", {}).status_code == 302
    site.refresh_from_db()
    assert site.status == "delivery"
    login(users["liaison_a"])
    assert "Approve this version" not in client.get(f"/workspace/sites/{site.pk}/plan/").content.decode()
    assert client.post(f"/workspace/sites/{site.pk}/plan/v1/approve/").status_code == 403
    assert WorkPlan.objects.get(site=site).approved_by == users["executive_a"]


def test_compare_page(client, users, login, approved_site):
    v2 = plans.open_draft(approved_site, users["staff"])
    plans.add_item(v2, users["staff"], Objective(text="Also look at supervision."))
    plans.send_for_review(v2, users["staff"])  # the agency compares versions sent to it
    login(users["executive_a"])
    html = client.get(
        f"/workspace/sites/{approved_site.pk}/plan/compare/", {"old": 1, "new": 2}
    ).content.decode()
    assert "Added: </span>Also look at supervision." in html
    assert client.get(f"/workspace/sites/{approved_site.pk}/plan/compare/", {"old": "x"}).status_code == 422


def test_the_agency_sees_only_versions_sent_to_it(client, users, login, approved_site):
    v2 = plans.open_draft(approved_site, users["staff"])
    plans.add_item(v2, users["staff"], Objective(text="Draft idea not yet discussed with the chief."))
    login(users["executive_a"])
    page = client.get(f"/workspace/sites/{approved_site.pk}/plan/")
    assert page.context["plan"].version == 1 and "Draft idea" not in page.content.decode()
    assert client.get(f"/workspace/sites/{approved_site.pk}/plan/v2/").status_code == 404
    assert (
        client.get(f"/workspace/sites/{approved_site.pk}/plan/compare/", {"old": 1, "new": 2}).status_code
        == 404
    )
    login(users["provider_a"])
    assert client.get(f"/workspace/sites/{approved_site.pk}/plan/").context["plan"].version == 2


def test_the_provider_cannot_put_an_outside_sme_on_the_team(client, users, login, site, orgs):
    from continuum.accounts.models import User

    outsider = User.objects.create_user(
        email="other-sme@example.gov", role="sme", organization=orgs["provider_b"]
    )
    plans.open_draft(site, users["provider_a"])
    login(users["provider_a"])
    choices = set(
        client.get(f"/workspace/sites/{site.pk}/plan/").context["forms"]["assignment"].fields["user"].queryset
    )
    assert users["provider_a"] in choices and outsider not in choices and users["sme_a"] not in choices
    response = client.post(f"/workspace/sites/{site.pk}/plan/items/assignment/",
                           {"assignment-user": outsider.pk, "assignment-role": "sme"})  # fmt: skip
    assert response.status_code == 422
    login(users["staff"])
    choices = set(
        client.get(f"/workspace/sites/{site.pk}/plan/").context["forms"]["assignment"].fields["user"].queryset
    )
    assert outsider in choices


def test_an_item_is_removed_from_its_own_plan_only_and_the_removal_is_audited(site, users, orgs):
    """An item is named by its kind and number: the number of another site's item must not reach it."""
    other_site = Site.objects.create(
        agency=orgs["agency_b"], program="critical_response", ta_type="issue_specific_review",
        provider=orgs["provider_a"], title="Fargo review", description="Asked for a review.",
    )  # fmt: skip
    plan, other = draft_plan(site, users["staff"]), draft_plan(other_site, users["staff"])
    theirs = other.objectives.get()
    with pytest.raises(Objective.DoesNotExist):
        plans.remove_item(plan, users["staff"], "objective", theirs.pk)
    assert Objective.objects.filter(pk=theirs.pk).exists()
    ours = plan.objectives.get()
    plans.remove_item(plan, users["provider_a"], "objective", ours.pk)
    assert not plan.objectives.exists()
    removal = (
        AuditEvent.objects.filter(object_id=str(plan.pk), content_type__model="workplan")
        .order_by("-pk")
        .first()
    )
    assert removal.actor == users["provider_a"]
    assert removal.changes == {"objective": [ours.describe(), None]}


def test_a_comment_names_an_item_of_its_own_plan_only_and_is_audited(site, users, orgs):
    other_site = Site.objects.create(
        agency=orgs["agency_b"], program="critical_response", ta_type="issue_specific_review",
        provider=orgs["provider_a"], title="Fargo review", description="Asked for a review.",
    )  # fmt: skip
    plan, other = draft_plan(site, users["staff"]), draft_plan(other_site, users["staff"])
    for target in (f"objective:{other.objectives.get().pk}", "objective:first", "milestone:1"):
        with pytest.raises(TransitionError, match="not part of this version"):
            plans.comment(plan, users["executive_a"], "About that", target)
    objective = plan.objectives.get()
    note = plans.comment(plan, users["executive_a"], " Please add training. ", f"objective:{objective.pk}")
    assert (note.target, note.target_label, note.text, note.author) == (
        f"objective:{objective.pk}",
        objective.describe(),
        "Please add training.",
        users["executive_a"],
    )
    general = plans.comment(plan, users["liaison_a"], "Looks fine")
    assert (general.target, general.target_label) == ("", "")
    events = AuditEvent.objects.filter(
        object_id=str(plan.pk), content_type__model="workplan", actor__isnull=False
    )
    comments = [(e.actor, e.changes) for e in events.order_by("pk") if "comment" in e.changes]
    assert comments == [
        (users["executive_a"], {"comment": [None, f"{objective.describe()}: Please add training."]}),
        (users["liaison_a"], {"comment": [None, "plan: Looks fine"]}),
    ]
