"""Work plan rules a team and an agency rely on (continuum.workplans.plans): one open draft at a time, never a
change to a version the agency is reviewing, items numbered in the order they were added, every change in the
plan's history, and a plan sent only when it is complete and someone at the agency can approve it."""

import datetime

import pytest
from django.utils import timezone

from continuum.audit.models import AuditEvent
from continuum.workflow import TransitionError
from continuum.workplans import plans
from continuum.workplans.models import Activity, Deliverable, Objective, WorkPlan

from .conftest import draft_plan


def _plan_events(plan, action):
    return list(
        AuditEvent.objects.filter(
            content_type__model="workplan", object_id=str(plan.pk), action=action
        ).order_by("pk")
    )


def test_the_open_draft_is_reused_and_its_creation_recorded(site, users):
    """Opening the plan twice gives the same draft, not a second version; its creation is in the plan's history
    as the first version, by whoever opened it."""
    provider = users["provider_a"]
    first = plans.open_draft(site, provider)
    assert plans.open_draft(site, users["staff"]) == first
    assert list(site.plans.values_list("version", flat=True)) == [1]
    [created] = _plan_events(first, "created")
    assert (created.actor, created.reason) == (provider, "First version")


def test_a_version_with_the_agency_cannot_be_reopened_for_editing(site, users):
    """While the agency reviews a version, nobody drafts: opening the plan is refused, saying why."""
    plan = draft_plan(site, users["provider_a"])
    plans.send_for_review(plan, users["provider_a"])
    with pytest.raises(TransitionError) as refused:
        plans.open_draft(site, users["staff"])
    assert str(refused.value) == (
        "This version is with the agency for review; it can't change until they respond."
    )
    assert site.plans.count() == 1


def test_a_revision_after_approval_is_recorded_as_coming_from_the_approved_version(approved_site, users):
    v2 = plans.open_draft(approved_site, users["staff"])
    [created] = _plan_events(v2, "created")
    assert (v2.version, created.actor, created.reason) == (2, users["staff"], "New version, from v1")


def test_items_are_numbered_per_section_in_the_order_added_and_each_addition_recorded(site, users):
    """Positions order each section on the page and in the PDF: the first objective is 1, the next 2, and the
    first activity starts again at 1. Each addition is in the plan's history, by whom and what was added."""
    provider = users["provider_a"]
    plan = plans.open_draft(site, provider)
    plans.add_item(plan, provider, Objective(text="Assess use-of-force policy."))
    plans.add_item(plan, provider, Objective(text="Assess training."))
    plans.add_item(plan, provider, Activity(kind="site_visit", title="First site visit",
                                            starts_on=datetime.date(2026, 12, 1)))  # fmt: skip
    assert list(plan.objectives.order_by("position").values_list("position", "text")) == [
        (1, "Assess use-of-force policy."),
        (2, "Assess training."),
    ]
    assert list(plan.activities.values_list("position", flat=True)) == [1]
    added = _plan_events(plan, "updated")
    assert [(event.actor, event.changes) for event in added] == [
        (provider, {"objective": [None, "Assess use-of-force policy."]}),
        (provider, {"objective": [None, "Assess training."]}),
        (
            provider,
            {
                "activity": [
                    None,
                    "Site visit: First site visit (2026-12-01 to 2026-12-01; owner: unassigned)",
                ]
            },
        ),
    ]


def test_an_incomplete_plan_is_not_sent_and_the_refusal_lists_what_is_missing(site, users):
    provider = users["provider_a"]
    plan = plans.open_draft(site, provider)
    plans.add_item(plan, provider, Objective(text="Assess use-of-force policy."))
    with pytest.raises(TransitionError) as refused:
        plans.send_for_review(plan, provider)
    assert str(refused.value) == "A plan needs at least one item in each of: activities, deliverables."
    plans.add_item(plan, provider, Deliverable(title="Final report", due_on=datetime.date(2027, 6, 30)))
    with pytest.raises(TransitionError) as refused:
        plans.send_for_review(plan, provider)
    assert str(refused.value) == "A plan needs at least one item in each of: activities."


def test_a_plan_goes_only_to_an_agency_with_an_active_chief_executive(site, users):
    """Only the chief executive approves: with the chief's account deactivated, sending is refused even though
    the agency's liaison is active, and the refusal links to the agency's invitations to invite the chief. Once
    the chief's account is active again the plan goes."""
    provider, chief = users["provider_a"], users["executive_a"]
    assert users["liaison_a"].is_active
    chief.is_active = False
    chief.save(update_fields=["is_active"])
    plan = draft_plan(site, provider)
    with pytest.raises(TransitionError) as refused:
        plans.send_for_review(plan, provider)
    agency = site.agency
    assert str(refused.value) == (
        "Columbus (OH) Division of Police has no active chief executive to approve the plan. "
        f"Invite the chief executive first: /workspace/organizations/{agency.pk}/invitations/"
    )
    assert WorkPlan.objects.get(pk=plan.pk).status == "draft"
    chief.is_active = True
    chief.save(update_fields=["is_active"])
    assert plans.send_for_review(plan, provider).status == "in_review"


def test_sending_a_plan_stamps_it_and_records_the_sites_move_by_the_sender(site, users):
    """The plan shows when it was sent; the site's history says which version moved it to agency review and
    who sent it (not the sender's own note to the agency, which stays with the plan), on no other authority."""
    provider = users["provider_a"]
    plan = draft_plan(site, provider)
    before = timezone.now()
    plans.send_for_review(plan, provider, message="Here is our plan.")
    plan.refresh_from_db()
    assert before <= plan.sent_at <= timezone.now()
    moved = AuditEvent.objects.get(content_type__model="site", object_id=str(site.pk), action="transition")
    assert (moved.from_state, moved.to_state) == ("work_plan", "agency_review")
    assert (moved.actor, moved.reason, moved.changes) == (provider, "Work plan v1 sent to the agency", {})
