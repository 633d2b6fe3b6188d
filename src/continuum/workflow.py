"""The one transition mechanism: each lifecycle (request, site, work plan, report, implementation proposal) is
a table of steps declared once, and `take()` runs any step the same way: lock the row, check the permission,
the state and the preconditions, change the state, write the audit log, notify once the transaction commits.

The pages read the same table: `Lifecycle.available()` gives the buttons a user may press now, so no
permission or allowed-state list is written a second time. A step a user never takes directly
(`permission=None`) is taken only as the consequence of another step (`cause=`): a site follows its plan and
its report that way, inside the same transaction, so their states cannot disagree.

Why our own module and not django-fsm-2: every step here must lock the row (`select_for_update`) and write
the audit log in the same transaction, ask for an internal reason and a message to the agency, and be listed
with its label and who acts for the buttons and the step indicator; django-fsm's decorator gives the state
check only, and the rest would still be written around it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404

from continuum.audit.log import record
from continuum.audit.models import AuditEvent

MESSAGE_KEY = "message to the agency"

# What else happens once a step's transaction commits, for every lifecycle: called as hook(lifecycle, record,
# move) for each step a user took (not for the consequent steps it caused, which the step stands for).
# Registered by the apps built on this one (continuum.notifications) in their AppConfig.ready().
AFTER_STEP: list[Callable[[Lifecycle, Any, Move], None]] = []


class TransitionError(Exception):
    """A step the record's state, its preconditions or the input do not allow; the message says why."""


@dataclass(frozen=True)
class Step:
    """One step of a lifecycle. `checks` raise TransitionError; `apply` changes the locked record (and may take
    consequent steps on other records); `reason` and `message` are "required", "optional" or "" (not asked)."""

    name: str
    label: str
    sources: tuple[str, ...]
    target: str | Callable[[Any], str]
    permission: str | None
    actor: str = "Program staff"
    reason: str = "optional"
    message: str = ""
    checks: tuple[Callable[[Any, Any], None], ...] = ()
    apply: Callable[[Any, Move], None] | None = None
    button: bool = True
    danger: bool = False
    reason_label: str = ""
    when: Callable[[Any], bool] | None = None  # offered only when this holds (a step that keeps the state)
    fields: tuple[tuple[str, Any], ...] = ()  # what else the step's form asks for, as (name, form field)

    @property
    def automatic(self) -> bool:
        return self.permission is None


@dataclass
class Move:
    """What a step did, handed to `apply` and to the lifecycle's `notify`."""

    step: Step
    actor: Any
    before: str
    after: str
    reason: str = ""
    message: str = ""
    inputs: dict = dataclass_field(default_factory=dict)
    # addresses an AFTER_STEP hook already e-mailed (or will, in their digest) about this step as needing them:
    # the lifecycle's own e-mail (`notify`, run after the hooks) leaves them out, so nobody hears of it twice
    told: set[str] = dataclass_field(default_factory=set)


@dataclass(frozen=True)
class Lifecycle:
    """A model's lifecycle: its steps, the record permissions are checked on (`subject`), what to tell people
    after a step (`notify`), and how to save (`save`: a published report saves its state only)."""

    model: type[models.Model]
    noun: str
    steps: tuple[Step, ...]
    field: str = "status"
    subject: Callable[[Any], Any] | None = None
    notify: Callable[[Any, Move], None] | None = None
    save: Callable[[Any, Move], None] | None = None
    path: Callable[[Any], tuple[str, ...]] | None = None  # the usual way through, for the step indicator

    def __post_init__(self) -> None:
        names = [s.name for s in self.steps]
        if len(names) != len(set(names)):
            raise ValueError(f"{self.noun}: step names repeat")
        states = {value for value, _ in self.model._meta.get_field(self.field).choices}
        for step in self.steps:
            unknown = set(step.sources) - states
            if unknown or (isinstance(step.target, str) and step.target not in states):
                raise ValueError(f"{self.noun} step {step.name}: unknown state {unknown or step.target}")

    def step(self, name: str) -> Step:
        for step in self.steps:
            if step.name == name:
                return step
        raise LookupError(f"No step “{name}” for a {self.noun}.")

    def subject_of(self, obj):
        """The record permissions are checked on: the object itself unless `subject` says otherwise."""
        return obj if self.subject is None else self.subject(obj)

    def state(self, obj) -> str:
        return getattr(obj, self.field)

    def state_label(self, value: str) -> str:
        return str(dict(self.model._meta.get_field(self.field).choices).get(value, value))

    def available(self, obj, user) -> list[Step]:
        """The buttons `user` may press on `obj` now."""
        state = self.state(obj)
        subject = self.subject_of(obj)
        return [
            step
            for step in self.steps
            if step.button
            and not step.automatic
            and state in step.sources
            and user.has_perm(step.permission, subject)
            and (step.when is None or step.when(obj))
        ]


def take(
    lifecycle: Lifecycle,
    name: str,
    obj,
    actor,
    *,
    reason: str = "",
    message: str = "",
    cause: Move | None = None,
    proof: str = "",
    **inputs,
):
    """Run one step on `obj` for `actor`, all or nothing; returns the locked, saved record. A step taken as the
    `cause`'s consequence is covered by that step's permission; `proof` names what stands for the permission
    when there is no account (the requester's tracking number and e-mail on the status page)."""
    step = lifecycle.step(name)
    reason, message = (reason or "").strip(), (message or "").strip()
    if step.reason == "required" and not reason:
        raise TransitionError("Give a reason: it is kept in the history, for program staff only.")
    if step.message == "required" and not message:
        raise TransitionError("Write the message to the agency: it is shown to them and e-mailed.")
    vouched = cause is not None or bool(proof)
    if step.automatic and not vouched:
        raise PermissionDenied
    model = lifecycle.model
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=obj.pk)
        if not vouched and not actor.has_perm(step.permission, lifecycle.subject_of(locked)):
            raise PermissionDenied
        before = lifecycle.state(locked)
        if before not in step.sources:
            allowed = " or ".join(lifecycle.state_label(s).lower() for s in step.sources)
            raise TransitionError(
                f"The {lifecycle.noun} is {lifecycle.state_label(before).lower()}: "
                f"“{step.label}” needs it to be {allowed}."
            )
        for check in step.checks:
            check(locked, actor)
        after = step.target(locked) if callable(step.target) else step.target
        move = Move(step, actor, before, after, reason or (cause.reason if cause else ""), message, inputs)
        setattr(locked, lifecycle.field, after)
        if step.apply is not None:
            step.apply(locked, move)
        if lifecycle.save is not None:
            lifecycle.save(locked, move)
        else:
            locked.save()
        record(
            actor,
            locked,
            AuditEvent.Action.TRANSITION,
            from_state=before,
            to_state=after,
            reason=move.reason or step.label,
            changes={MESSAGE_KEY: [None, message]}
            if message
            else {"on the authority of": [None, proof]}
            if proof
            else None,
        )
        # robust: the step is committed; a failing hook or e-mail (a mail server down) is logged, not raised.
        # The hooks run first: whom they tell (move.told) the lifecycle's own e-mail leaves out.
        if cause is None:
            for hook in AFTER_STEP:
                transaction.on_commit(lambda hook=hook: hook(lifecycle, locked, move), robust=True)
        if lifecycle.notify is not None:
            notify = lifecycle.notify
            transaction.on_commit(lambda: notify(locked, move), robust=True)
    return locked


class StepForm(forms.Form):
    """The one form for any step: an internal reason and a message to the agency, each asked for, required or
    left out as the step says, with labels that say who reads what."""

    reason = forms.CharField(
        label="Internal reason",
        help_text="Program staff only: kept in the record's history, never shown to the agency.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    message = forms.CharField(
        label="Message to the agency",
        help_text="Shown to the agency on its pages and sent in the e-mail: write it for them.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, step: Step, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        for name, need in (("reason", step.reason), ("message", step.message)):
            if not need:
                del self.fields[name]
            else:
                self.fields[name].required = need == "required"
        for name, form_field in step.fields:
            self.fields[name] = copy.deepcopy(form_field)
        if step.reason and step.reason_label:
            self.fields["reason"].label, self.fields["reason"].help_text = step.reason_label, ""

    def values(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return {"reason": data.get("reason", ""), "message": data.get("message", "")}

    def inputs(self) -> dict:
        """The step's own fields, for its `apply` (Move.inputs)."""
        return {name: self.cleaned_data.get(name) for name, _ in self.step.fields}


@dataclass
class Offer:
    """A step the user may take now, with its form and where it posts."""

    step: Step
    form: StepForm
    action: str


def offers(lifecycle: Lifecycle, obj, user, action: Callable[[str], str], bound: StepForm | None = None):
    """The step forms for the record's page, from the lifecycle's table (`bound`: one posted with errors)."""
    return [
        Offer(
            step,
            bound if bound is not None and bound.step == step else StepForm(step=step, prefix=step.name),
            action(step.name),
        )
        for step in lifecycle.available(obj, user)
    ]


def post(request, lifecycle: Lifecycle, obj, name: str):
    """Take step `name` from a posted StepForm: (the saved record, form), or (None, form carrying the error)."""
    try:
        step = lifecycle.step(name)
    except LookupError as error:
        raise Http404 from error
    if step.automatic or not request.user.has_perm(step.permission, lifecycle.subject_of(obj)):
        raise PermissionDenied  # a refusal before any advice on the form
    form = StepForm(request.POST, step=step, prefix=step.name)
    if not form.is_valid():
        return None, form
    try:
        return take(lifecycle, name, obj, request.user, **form.values(), **form.inputs()), form
    except TransitionError as error:
        form.add_error(None, str(error))
        return None, form


def first_error(form: forms.Form) -> str:
    """The form's first error as one sentence, for a message on the page it redirects to."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        return f"{label}: {errors[0]}" if label else str(errors[0])
    return ""


@dataclass
class Indicator:
    """Where a record stands on its lifecycle's path, for the USWDS step indicator: each segment's label and
    whether it is complete, current or to come; the state's own label (a state off the path, such as suspended,
    is named but not placed); what can happen next and who acts."""

    segments: list[tuple[str, str]]
    current: str
    position: int
    total: int
    next: list[Step]


def indicator(lifecycle: Lifecycle, obj) -> Indicator:
    state = lifecycle.state(obj)
    path = list(lifecycle.path(obj)) if lifecycle.path else []
    index = path.index(state) if state in path else -1
    segments = [
        (lifecycle.state_label(s), "complete" if i < index else "current" if i == index else "")
        for i, s in enumerate(path)
    ]
    upcoming = [
        s for s in lifecycle.steps
        if state in s.sources and not s.danger and (s.when is None or s.when(obj))
    ]  # fmt: skip
    return Indicator(
        segments, lifecycle.state_label(state), index + 1, len(path), _main_road(upcoming, path, index, obj)
    )


def _main_road(steps: list[Step], path: list[str], index: int, obj) -> list[Step]:
    """Of the steps possible now, those that move the record to the next state on its path: what normally comes
    next, not every shortcut the lifecycle allows (a report can be published straight from delivery, but a chief
    reading the site should be told the report is drafted next). With no such step (off the path, or at its
    end), every possible step."""
    if not 0 <= index < len(path) - 1:
        return steps
    ahead = path[index + 1]
    road = [s for s in steps if (s.target(obj) if callable(s.target) else s.target) == ahead]
    return road or steps
