"""The lifecycle tables are checked when they are declared (continuum.workflow.Lifecycle): a table that names a
state its model does not have, or two steps by one name, must not load, or a step would offer a state no page
knows or the wrong one of two steps would run."""

import pytest

from continuum.sites.models import Site
from continuum.workflow import Lifecycle, Step, StepForm, first_error

S = Site.Status


def _lifecycle(*steps: Step) -> Lifecycle:
    return Lifecycle(model=Site, noun="site", steps=steps)


def test_a_table_of_known_states_and_distinct_names_loads():
    lifecycle = _lifecycle(
        Step("suspend", "Suspend", (S.DELIVERY,), S.SUSPENDED, "sites.manage_site"),
        Step(
            "resume",
            "Resume",
            (S.SUSPENDED,),
            lambda site: site.status_before_suspension,
            "sites.manage_site",
        ),
    )
    assert [step.name for step in lifecycle.steps] == ["suspend", "resume"]
    assert lifecycle.step("resume").sources == (S.SUSPENDED,)
    with pytest.raises(LookupError):
        lifecycle.step("reopen")


def test_two_steps_by_one_name_are_refused():
    with pytest.raises(ValueError, match="step names repeat"):
        _lifecycle(
            Step("suspend", "Suspend", (S.DELIVERY,), S.SUSPENDED, "sites.manage_site"),
            Step("suspend", "Suspend again", (S.WORK_PLAN,), S.SUSPENDED, "sites.manage_site"),
        )


def test_a_source_state_the_model_does_not_have_is_refused():
    with pytest.raises(ValueError, match=r"suspend.*paused"):
        _lifecycle(Step("suspend", "Suspend", (S.DELIVERY, "paused"), S.SUSPENDED, "sites.manage_site"))


def test_a_target_state_the_model_does_not_have_is_refused():
    with pytest.raises(ValueError, match=r"suspend.*paused"):
        _lifecycle(Step("suspend", "Suspend", (S.DELIVERY,), "paused", "sites.manage_site"))


def test_the_states_are_read_from_the_field_the_table_names():
    """A lifecycle on another field checks that field's choices: the site's status choices are not a plan's."""
    with pytest.raises(ValueError, match="unknown state"):
        Lifecycle(model=Site, noun="site", field="program",
                  steps=(Step("x", "X", (S.DELIVERY,), S.SUSPENDED, "sites.manage_site"),))  # fmt: skip


def test_the_first_error_of_a_step_form_names_its_field():
    """The page a step redirects to says which field was wrong; an error of the whole form is said alone."""
    step = Step("suspend", "Suspend", (S.DELIVERY,), S.SUSPENDED, "sites.manage_site", reason="required")
    form = StepForm({}, step=step, prefix="suspend")
    assert not form.is_valid()
    assert first_error(form) == "Internal reason: This field is required."
    whole = StepForm({"suspend-reason": "Because"}, step=step, prefix="suspend")
    assert whole.is_valid()
    whole.add_error(None, "The site is suspended: resume it first.")
    assert first_error(whole) == "The site is suspended: resume it first."
    assert first_error(StepForm({"suspend-reason": "Because"}, step=step, prefix="suspend")) == ""


def test_a_step_form_gives_blank_values_for_what_its_step_does_not_ask_and_before_it_is_checked():
    """A posted reason or message the step does not ask for is not taken (the form has no such field); a form
    not yet checked, or not posted at all, gives blanks rather than failing."""
    step = Step("announce", "Announce publicly", (S.DELIVERY,), S.DELIVERY, "sites.manage_site", reason="")
    posted = {"announce-reason": "smuggled", "announce-message": "smuggled"}
    blank = {"reason": "", "message": ""}
    assert StepForm(step=step, prefix="announce").values() == blank
    unchecked = StepForm(posted, step=step, prefix="announce")
    assert unchecked.values() == blank
    assert unchecked.is_valid() and unchecked.values() == blank


def test_a_step_refused_by_its_checks_comes_back_on_the_form_with_the_reason(rf, orgs, users):
    """workflow.post: a step its preconditions refuse is not taken, and the form carries the refusal's own
    words as an error of the whole form (the page shows them)."""
    from continuum.sites import transitions
    from continuum.workflow import post

    site = Site.objects.create(agency=orgs["agency_a"], program="critical_response", ta_type="issue_specific_review",
                               title="Columbus use of force review", description="x", status="delivery")  # fmt: skip
    request = rf.post("/", {"close-message": "Work done"})
    request.user = users["staff"]
    moved, form = post(request, transitions.LIFECYCLE, site, "close")
    assert moved is None
    assert form.non_field_errors() == ["A Critical Response site closes after its report is published."]
    assert Site.objects.get(pk=site.pk).status == "delivery"
