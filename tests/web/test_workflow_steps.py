"""The one transition mechanism (continuum.workflow) seen from its callers: the step indicator on a record's
page (where the record stands on its usual path and what normally comes next), the step forms offered on the
page, and what `take` hands on to a step's `apply`, to the history and to the e-mail once it commits.

The sites are made directly in the state a test needs (the lifecycle's own steps are tested elsewhere); the
expected labels are the ones written in continuum.sites.models.Site.Status."""

import pytest

from continuum import workflow
from continuum.audit.models import AuditEvent
from continuum.sites import transitions
from continuum.sites.models import Site
from continuum.workflow import Lifecycle, Move, Step, StepForm, TransitionError, indicator, offers, take
from continuum.workplans import plans

S = Site.Status
SITE = transitions.LIFECYCLE

# A Critical Response site's usual path (transitions._path), as the indicator labels it.
CR_LABELS = ["Work plan", "Agency review", "Delivery", "Report drafting", "Report review", "Report published",
             "Closed"]  # fmt: skip


def _site(orgs, status, **fields):
    return Site.objects.create(
        agency=orgs["agency_a"], program="critical_response", ta_type="issue_specific_review",
        provider=orgs["provider_a"], title="Columbus use of force review", description="Asked for a review.",
        status=status, **fields,
    )  # fmt: skip


def _staff(orgs):
    from tests.conftest import make_user

    return make_user("staff@example.gov", "program_staff", orgs["office"])


def _names(steps):
    return [step.name for step in steps]


# --- the step indicator -----------------------------------------------------------------------------------------


def test_the_indicator_marks_the_stages_done_the_current_one_and_those_to_come(orgs):
    """A site in delivery: the two planning stages are complete, delivery is current, the four after it are to
    come (blank), and the page reads "step 3 of 7"."""
    shown = indicator(SITE, _site(orgs, S.DELIVERY))
    assert shown.segments == [
        ("Work plan", "complete"), ("Agency review", "complete"), ("Delivery", "current"),
        ("Report drafting", ""), ("Report review", ""), ("Report published", ""), ("Closed", ""),
    ]  # fmt: skip
    assert (shown.current, shown.position, shown.total) == ("Delivery", 3, 7)
    # what normally comes next: the report is started (not published straight from delivery, a shortcut)
    assert _names(shown.next) == ["report_started"]


def test_a_state_off_the_path_is_named_but_not_placed(orgs):
    """A suspended site is on none of the path's stages: no stage is marked done or current, its position is 0
    (the page then shows the state's name alone), and the one thing that can happen next is to resume it."""
    shown = indicator(SITE, _site(orgs, S.SUSPENDED, status_before_suspension=S.DELIVERY))
    assert shown.segments == [(label, "") for label in CR_LABELS]
    assert (shown.current, shown.position, shown.total) == ("Suspended", 0, 7)
    assert _names(shown.next) == ["resume"]


def test_at_the_first_stage_the_next_step_is_the_one_to_the_second_stage(orgs):
    """A new site's plan is sent to the agency next: the indicator does not list the automatic shortcuts a
    work-plan site also allows (approval or a CRI-TAC delivery straight to delivery) nor announcing it."""
    shown = indicator(SITE, _site(orgs, S.WORK_PLAN))
    assert shown.segments[0] == ("Work plan", "current") and shown.position == 1
    assert _names(shown.next) == ["plan_sent"]


def test_a_step_whose_target_is_computed_counts_as_the_next_one(orgs):
    """From report review, publishing goes to "Report published" for a Critical Response site, a target the
    step computes from the site's program: it is what comes next, not returning the report to drafting."""
    shown = indicator(SITE, _site(orgs, S.REPORT_REVIEW))
    assert shown.position == 5
    assert _names(shown.next) == ["report_published"]


def test_one_stage_before_the_end_the_next_step_is_closing(orgs):
    """A published Critical Response site closes next (the last stage); announcing it, also possible then,
    keeps its state and is not what comes next."""
    site = _site(orgs, S.PUBLISHED)
    assert "announce" in _names(SITE.available(site, _staff(orgs)))  # possible, but not the next stage
    shown = indicator(SITE, site)
    assert (shown.position, shown.total) == (6, 7)
    assert _names(shown.next) == ["close"]


def test_a_lifecycle_without_a_usual_path_still_names_the_state_and_what_can_happen(orgs):
    """A lifecycle declared without `path` (an implementation proposal's, an authorization's) has no stages to
    show: the indicator has no segments and still names the state and the steps possible from it."""
    lifecycle = Lifecycle(model=Site, noun="site", steps=(
        Step("suspend", "Suspend", (S.DELIVERY,), S.SUSPENDED, "sites.manage_site"),
        Step("resume", "Resume", (S.SUSPENDED,), S.DELIVERY, "sites.manage_site"),
    ))  # fmt: skip
    shown = indicator(lifecycle, _site(orgs, S.DELIVERY))
    assert (shown.segments, shown.current, shown.position, shown.total) == ([], "Delivery", 0, 0)
    assert _names(shown.next) == ["suspend"]


def test_a_state_is_labelled_from_its_choices_and_an_unknown_value_shows_as_itself():
    """Labels come from the model's choices; a value that is not one of them (a state removed from the
    choices but still in an old row) is shown as it is stored, not as "None"."""
    assert SITE.state_label(S.REPORT_REVIEW) == "Report review"
    assert SITE.state_label("archived") == "archived"


def test_a_step_name_the_lifecycle_lacks_is_refused_naming_it():
    """A misspelled step name in code (or a posted one, which the page turns into a 404) says which name and
    which lifecycle."""
    with pytest.raises(LookupError) as refused:
        SITE.step("reopen")
    assert str(refused.value) == "No step “reopen” for a site."


# --- the step forms offered on a page ----------------------------------------------------------------------------


def test_the_page_offers_each_available_step_with_its_own_form_and_address(orgs):
    """A Critical Response site in delivery, seen by program staff: announce and suspend are offered (closing
    waits for the report, withdrawing for a listing). Each form's fields carry the step's name as prefix, which
    is what `workflow.post` reads back, and each posts to its own step's address."""
    site = _site(orgs, S.DELIVERY)
    shown = offers(SITE, site, _staff(orgs), lambda name: f"/workspace/sites/{site.pk}/steps/{name}/")
    assert _names(offer.step for offer in shown) == ["announce", "suspend"]
    announce, suspend = shown
    assert announce.action == f"/workspace/sites/{site.pk}/steps/announce/"
    assert suspend.action == f"/workspace/sites/{site.pk}/steps/suspend/"
    assert not announce.form.is_bound and not suspend.form.is_bound
    assert announce.form["announced_on"].html_name == "announce-announced_on"
    assert suspend.form["reason"].html_name == "suspend-reason"


def test_a_form_posted_with_errors_comes_back_on_its_own_step_only(orgs):
    """After a suspension posted without its (required) reason, the page shows that form with its error and
    what was typed; the other steps' forms are fresh."""
    site = _site(orgs, S.DELIVERY)
    posted = StepForm({"suspend-message": "Paused at the agency's request"}, step=SITE.step("suspend"),
                      prefix="suspend")  # fmt: skip
    assert not posted.is_valid()
    announce, suspend = offers(SITE, site, _staff(orgs), lambda name: name, bound=posted)
    assert suspend.form is posted and suspend.form.errors["reason"] == ["This field is required."]
    assert announce.form is not posted and not announce.form.is_bound


def test_a_reason_with_its_own_label_drops_the_staff_only_help_text():
    """Changes requested on a plan are read by the team and the agency: the reason field takes the step's
    own label, and the default help text ("Program staff only … never shown to the agency") is not shown,
    since it would be untrue."""
    step = plans.LIFECYCLE.step("request_changes")
    reason = StepForm(step=step, prefix=step.name).fields["reason"]
    assert reason.label == step.reason_label and reason.help_text == ""
    assert reason.required and "message" not in StepForm(step=step).fields


def test_each_step_form_has_its_own_copy_of_the_steps_fields():
    """The announcement's fields are declared once, for the life of the process: a change one page makes to
    its form's field (here a widget attribute, e.g. the latest date allowed) must not reach the next form, nor
    the table every later request reads."""
    step = SITE.step("announce")
    first = StepForm(step=step, prefix="announce")
    first.fields["announced_on"].widget.attrs["max"] = "2026-01-31"
    second = StepForm(step=step, prefix="announce")
    assert "max" not in second.fields["announced_on"].widget.attrs
    assert "max" not in dict(transitions.ANNOUNCE_FIELDS)["announced_on"].widget.attrs


# --- what take hands on -------------------------------------------------------------------------------------------


def _recording_lifecycle(seen, notify=None):
    """The site's suspension as a one-step lifecycle whose apply does the real step's work (the site keeps the
    state it was suspended from) and writes down the move it is given."""

    def suspended(site, move):
        transitions._suspended(site, move)
        seen.append(move)

    return Lifecycle(model=Site, noun="site", notify=notify, steps=(
        Step("suspend", "Suspend", (S.DELIVERY,), S.SUSPENDED, "sites.manage_site", message="optional",
             apply=suspended),
    ))  # fmt: skip


def test_a_steps_apply_is_told_the_states_before_and_after(orgs):
    """A step's own work (the site keeps the state it was suspended from, the e-mail names the new state)
    reads where the record comes from and where it goes from the move."""
    seen = []
    site = take(_recording_lifecycle(seen), "suspend", _site(orgs, S.DELIVERY), _staff(orgs), reason="Paused")
    assert site.status == S.SUSPENDED
    [move] = seen
    assert (move.before, move.after, move.reason) == (S.DELIVERY, S.SUSPENDED, "Paused")


def test_a_failing_email_after_a_step_is_logged_not_raised(
    orgs, django_capture_on_commit_callbacks, caplog, monkeypatch
):
    """The step is committed before the e-mail goes: a mail server down must not turn a done step into an error
    page (the user would take it again); the failure is logged. (The notifications app's own after-step hook,
    tested with it, is left out: this is the lifecycle's e-mail.)"""
    monkeypatch.setattr(workflow, "AFTER_STEP", [])

    def mail_server_down(site, move):
        raise ConnectionRefusedError("mail server down")

    staff = _staff(orgs)
    site = _site(orgs, S.DELIVERY)
    with django_capture_on_commit_callbacks(execute=True):
        take(_recording_lifecycle([], notify=mail_server_down), "suspend", site, staff, reason="Paused")
    assert Site.objects.get(pk=site.pk).status == S.SUSPENDED
    assert "mail server down" in caplog.text


def test_a_consequent_step_without_its_own_reason_keeps_its_causes(orgs):
    """A site's automatic step taken as the consequence of a plan's step, with no reason of its own, is
    recorded in the site's history with the plan step's reason; the consequence needs no proof of authority, so
    none is recorded."""
    staff = _staff(orgs)
    site = _site(orgs, S.WORK_PLAN)
    cause = Move(
        plans.LIFECYCLE.step("send"), staff, "draft", "in_review", reason="Sent for the chief's approval"
    )
    moved = transitions.follow("plan_sent", site, staff, cause=cause)
    assert moved.status == S.AGENCY_REVIEW
    event = AuditEvent.objects.get(content_type__model="site", object_id=str(site.pk), action="transition")
    assert (event.reason, event.changes, event.actor) == ("Sent for the chief's approval", {}, staff)


def test_a_site_elsewhere_stays_and_a_suspended_one_refuses(orgs):
    """follow: a later plan version sent while the site is in delivery leaves the site where it is; a suspended
    site refuses, so the plan's step fails with it."""
    staff = _staff(orgs)
    cause = Move(plans.LIFECYCLE.step("send"), staff, "draft", "in_review", reason="v2")
    delivering = _site(orgs, S.DELIVERY)
    assert transitions.follow("plan_sent", delivering, staff, cause=cause).status == S.DELIVERY
    suspended = _site(orgs, S.SUSPENDED, status_before_suspension=S.DELIVERY)
    with pytest.raises(TransitionError, match="suspended: resume it first"):
        transitions.follow("plan_sent", suspended, staff, cause=cause)
