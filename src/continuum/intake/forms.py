from django import forms
from django.core.validators import MaxLengthValidator
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from continuum.agencies.geography import STATES_AND_TERRITORIES
from continuum.agencies.models import Agency, ProviderOrganization
from continuum.catalog.models import TA_KIND_EXAMPLES, Program, TAKind, Topic
from continuum.portal.fields import RecordChoiceField, RecordsChoiceField, beyond_any_id
from continuum.portal.text import no_hidden_characters
from continuum.sites.models import Site
from continuum.workflow import StepForm

from . import transitions
from .letters import validate_letter
from .models import Contact, Flag, Request

AGENCY_FIELDS = [
    "agency_name", "agency_type", "agency_city", "agency_state", "agency_ori", "agency_sworn_officers",
    "agency_population_served",
]  # fmt: skip
BOOLEAN_CHOICES = [("yes", "Yes"), ("no", "No")]
LONG_TEXT_FIELDS = ["what_happened", "asked_for", "pending_details"]
MAX_TEXT_CHARS = 20_000


class AgencyChoiceField(RecordChoiceField):
    """A listed agency."""


class TopicsField(RecordsChoiceField):
    def _check_values(self, value):
        if any(beyond_any_id(v) for v in value):
            raise forms.ValidationError("Choose topics from the list.", code="invalid_choice")
        return super()._check_values(value)


class YesNoField(forms.TypedChoiceField):
    """A required yes/no question as radio buttons (a lone checkbox can't say 'not answered')."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=BOOLEAN_CHOICES, coerce=lambda v: v == "yes", widget=forms.RadioSelect, empty_value=None,
            **kwargs,
        )  # fmt: skip

    def prepare_value(self, value):
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return value


class RequestForm(forms.ModelForm):
    """The public request form. Server-side validation, field by field; see RequestForm.clean."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    existing_agency = AgencyChoiceField(
        Agency.objects.all(), required=False, label="Your agency",
        help_text="Choose your agency if it is listed; otherwise leave this empty and describe it below.",
        empty_label="My agency is not listed",
    )  # fmt: skip
    requester_is_chief_executive = YesNoField(label="Are you the agency's chief executive?")
    asks_for_costs = YesNoField(
        label="Does the request include paying for agency personnel or equipment?",
        help_text="The program does not pay for agency personnel or equipment.",
    )
    authorization_letter = forms.FileField(
        required=False, label="Written authorization from the chief executive (PDF, up to 10 MB)",
        help_text="Needed when you are not the chief executive.", validators=[validate_letter],
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
    )  # fmt: skip
    topics = TopicsField(
        Topic.objects.active().select_related("area").order_by("area__position", "area__name", "name"),
        widget=forms.CheckboxSelectMultiple, label="Topics",
        help_text="Choose every topic the assistance should cover. The topics are grouped as the program's "
        "catalog groups them; type a word to find one.",
    )  # fmt: skip

    class Meta:
        model = Request
        fields = [
            *AGENCY_FIELDS, "requester_name", "requester_title", "requester_email", "requester_phone",
            "requester_is_chief_executive", "chief_executive_name", "program_wanted", "ta_kind", "topics",
            "what_happened", "event_date", "urgency", "pending_matters", "pending_details", "asked_for",
            "asks_for_costs",
        ]  # fmt: skip
        widgets = {
            "program_wanted": forms.RadioSelect,
            "ta_kind": forms.RadioSelect,
            "urgency": forms.RadioSelect,
            "pending_matters": forms.RadioSelect,
            "event_date": forms.DateInput(attrs={"type": "date"}),
            "what_happened": forms.Textarea(attrs={"rows": 5}),
            "asked_for": forms.Textarea(attrs={"rows": 5}),
            "pending_details": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "agency_ori": "Optional: the nine-character FBI Originating Agency Identifier.",
            "what_happened": "The event or the issue of community concern behind the request, and its context.",
            "event_date": "If the request follows an event.",
            "asked_for": "The help you want, in your own words.",
            "chief_executive_name": "Needed when you are not the chief executive.",
            "agency_sworn_officers": "Optional: it helps staff size the assistance; they will ask if it is missing.",
            "agency_population_served": "Optional: it helps staff size the assistance; they will ask if it is "
            "missing.",
            "urgency": "For an event unfolding now, also call the COPS Office Response Center at 1-800-421-6770: "
            "an urgent request reaches every program staff member at once.",
        }

    def topic_groups(self) -> list[tuple[str, list, int]]:
        """The topic checkboxes by catalog area, in the catalog's order: (area, checkboxes, how many chosen)."""
        areas = {t.pk: (t.area.name if t.area_id else "Other topics") for t in self.fields["topics"].queryset}
        groups: dict[str, list] = {}
        for checkbox in self["topics"]:
            groups.setdefault(areas.get(checkbox.data["value"].value, "Other topics"), []).append(checkbox)
        return [(area, boxes, sum(1 for b in boxes if b.data["selected"])) for area, boxes in groups.items()]

    def __init__(self, *args, user=None, has_pending_letter: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_pending_letter = has_pending_letter
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(no_hidden_characters)
        # The list of agencies is not public: an agency's people choose their own; staff choose any; everyone else
        # describes the agency, and staff match it at triage.
        if user is not None and user.is_authenticated and user.is_program_side:
            pass
        elif user is not None and user.is_authenticated and user.is_agency_user:
            self.fields["existing_agency"].queryset = Agency.objects.filter(pk=user.organization_id)
        else:
            del self.fields["existing_agency"]
        for name in AGENCY_FIELDS:
            self.fields[name].required = False
        for name in LONG_TEXT_FIELDS:  # the database would take any length; a public form should not
            self.fields[name].max_length = MAX_TEXT_CHARS
            self.fields[name].validators.append(MaxLengthValidator(MAX_TEXT_CHARS))
            self.fields[name].widget.attrs["maxlength"] = str(MAX_TEXT_CHARS)
        self.fields["agency_name"].help_text = (
            "Only if your agency is not listed above." if "existing_agency" in self.fields else ""
        )
        self.fields["program_wanted"].help_text = "Not sure is fine: staff will help you choose."
        self.fields["ta_kind"].choices = [
            (value, f"{label} — {TA_KIND_EXAMPLES[value]}") for value, label in TAKind.choices
        ]
        if has_pending_letter:
            self.fields[
                "authorization_letter"
            ].help_text = (
                "Your letter was received with your earlier attempt; choose a file only to replace it."
            )

    def clean_event_date(self):
        date = self.cleaned_data.get("event_date")
        if date and date > timezone.localdate():
            raise forms.ValidationError("The date of the event cannot be in the future.")
        return date

    def clean_agency_ori(self):
        ori = self.cleaned_data.get("agency_ori", "").strip().upper()
        if ori and (len(ori) != 9 or not ori[:2].isalpha() or not ori.isalnum()):
            raise forms.ValidationError("An ORI is two letters and seven letters or digits, e.g. OHCOP0000.")
        return ori

    def clean(self):
        data = super().clean()
        agency = data.get("existing_agency")
        if agency is not None:  # only for signed-in users: see __init__
            data.update(
                agency_name=agency.name, agency_type=agency.agency_type, agency_city=agency.city,
                agency_state=agency.state, agency_ori=agency.ori, agency_sworn_officers=agency.sworn_officers,
                agency_population_served=agency.population_served,
            )  # fmt: skip
        else:
            for name in ["agency_name", "agency_type", "agency_state"]:
                if not data.get(name):
                    label = self.fields[name].label.lower()
                    self.add_error(name, f"Give the {label}, or choose your agency from the list.")
        not_chief = data.get("requester_is_chief_executive") is False
        if not_chief and not (data.get("chief_executive_name") or "").strip():
            self.add_error("chief_executive_name", "Give the name of your agency's chief executive.")
        if (
            data.get("pending_matters") == Request.YesNoUnknown.YES
            and not (data.get("pending_details") or "").strip()
        ):
            self.add_error("pending_details", "Describe the pending investigation or litigation.")
        return data

    def save(self, commit=True):
        request = super().save(commit=False)
        for name in AGENCY_FIELDS:
            setattr(request, name, self.cleaned_data.get(name) or Request._meta.get_field(name).get_default())
        request.agency = self.cleaned_data.get("existing_agency")  # None for the public: matched at triage
        request.submission_token = self.cleaned_data["submission_token"]
        if commit:
            request.save()
            self.save_m2m()
        return request


class TriageForm(forms.ModelForm):
    """Staff set the program and kind of TA after the assessment call, and may link a listed agency."""

    class Meta:
        model = Request
        fields = ["agency", "program_wanted", "ta_kind", "topics", "urgency"]
        field_classes = {"agency": RecordChoiceField}
        widgets = {"topics": forms.CheckboxSelectMultiple}
        labels = {"agency": "Agency record", "program_wanted": "Program"}
        help_texts = {"agency": "Link the request to the agency's record, if the agency is already listed."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Topic.objects.active() | Topic.objects.filter(
            pk__in=self.instance.topics.values("pk")
        )


class ContactForm(forms.ModelForm):
    purposes = forms.MultipleChoiceField(
        choices=Contact.Purpose.choices, widget=forms.CheckboxSelectMultiple, label="Purpose"
    )

    class Meta:
        model = Contact
        fields = ["contacted_on", "with_whom", "channel", "purposes", "notes"]
        widgets = {
            "contacted_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_contacted_on(self):
        date = self.cleaned_data["contacted_on"]
        if date > timezone.localdate():
            raise forms.ValidationError("A contact cannot be logged for a future date.")
        return date


class NoteForm(forms.Form):
    text = forms.CharField(label="Internal note", widget=forms.Textarea(attrs={"rows": 3}))


class ClearFlagForm(forms.Form):
    reason = forms.CharField(label="Why the flag can be cleared", widget=forms.Textarea(attrs={"rows": 3}))


class AcceptForm(StepForm):
    program = forms.ChoiceField(label="Program", choices=Program.choices)
    ta_type = forms.ChoiceField(label="Type of technical assistance", choices=Site.TAType.choices)
    title = forms.CharField(
        label="Site title", required=False, help_text="Defaults to the agency and the TA type."
    )
    provider = RecordChoiceField(
        ProviderOrganization.objects.all(), required=False, label="Provider",
        help_text="The organization that will deliver; it can be assigned later.",
    )  # fmt: skip
    field_order = ["program", "ta_type", "title", "provider", "reason", "message"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, step=transitions.LIFECYCLE.step("accept"), **kwargs)


class ReferForm(StepForm):
    to_program = forms.ChoiceField(label="Refer to", choices=Program.choices)
    field_order = ["to_program", "reason", "message"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, step=transitions.LIFECYCLE.step("refer"), **kwargs)


STEP_FORMS = {"accept": AcceptForm, "refer": ReferForm}


def step_form(name: str, data=None) -> StepForm:
    """The form for the request's step `name` (accept and refer ask for more than the reason and message)."""
    if name in STEP_FORMS:
        return STEP_FORMS[name](data, prefix=name)
    return StepForm(data, step=transitions.LIFECYCLE.step(name), prefix=name)


class StatusLookupForm(forms.Form):
    tracking_number = forms.CharField(label="Tracking number", help_text="For example CRI-ABCD-EFGH-JKLM.")
    email = forms.EmailField(label="The e-mail address you gave with the request")

    def clean_tracking_number(self):
        return self.cleaned_data["tracking_number"].strip().upper()


AGE_CHOICES = [
    ("", "Any age"),
    ("7", "Older than 7 days"),
    ("30", "Older than 30 days"),
    ("90", "Older than 90 days"),
]
SORTS = {
    "urgency": ("Most urgent, then oldest", ["urgency_rank", "submitted_at"]),
    "newest": ("Newest first", ["-submitted_at"]),
    "oldest": ("Oldest first", ["submitted_at"]),
    "agency": ("Agency name", ["agency_name", "-submitted_at"]),
}
OPEN, ANY = "open", "all"  # the queue opens on the requests still waiting for a decision


def owners():
    """Who may own a request: the program's active staff."""
    from continuum.accounts.models import User
    from continuum.accounts.roles import Role

    return User.objects.filter(is_active=True, role=Role.PROGRAM_STAFF).order_by("first_name", "last_name")


class AssignForm(forms.Form):
    """Assign one request or many (the queue's bulk action) to a program staff member, or to no one."""

    requests = forms.ModelMultipleChoiceField(queryset=Request.objects.none(), label="Requests")
    owner = forms.ModelChoiceField(queryset=None, required=False, label="Assign to", empty_label="No one")

    def __init__(self, *args, visible=None, **kwargs):
        kwargs.setdefault("auto_id", "assign_%s")  # the queue's filters have their own "owner" field
        super().__init__(*args, **kwargs)
        self.fields["requests"].queryset = visible if visible is not None else Request.objects.none()
        self.fields["requests"].error_messages["invalid_choice"] = (
            "Request %(value)s is not one you can assign: choose requests from the queue."
        )
        self.fields["owner"].queryset = owners()
        self.fields["owner"].error_messages["invalid_choice"] = (
            "Requests can be assigned only to the program's active staff; choose someone from the list."
        )


class QueueFilterForm(forms.Form):
    q = forms.CharField(label="Search agency, tracking number or text", required=False)
    status = forms.ChoiceField(
        label="Status", required=False,
        choices=[(OPEN, "Open: submitted or under review"), (ANY, "Any status"), *Request.Status.choices],
    )  # fmt: skip
    owner = forms.ChoiceField(label="Owner", required=False)
    program = forms.ChoiceField(
        label="Program", required=False, choices=[("", "Any program"), *Request.ProgramWanted.choices]
    )
    urgency = forms.ChoiceField(
        label="Urgency", required=False, choices=[("", "Any urgency"), *Request.Urgency.choices]
    )
    flag = forms.ChoiceField(
        label="Screening flags", required=False,
        choices=[("", "With or without flags"), ("any", "Any open flag"), ("none", "No open flag"),
                 *Flag.Code.choices],
    )  # fmt: skip
    state = forms.ChoiceField(
        label="State or territory", required=False, choices=[("", "Any state"), *STATES_AND_TERRITORIES]
    )
    age = forms.ChoiceField(label="Age", required=False, choices=AGE_CHOICES)
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=[(key, label) for key, (label, _) in SORTS.items()]
    )

    def __init__(self, *args, internal: bool = False, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.internal = internal
        if not internal:  # screening and ownership are the program's own business: no filter, no count
            del self.fields["flag"]
            del self.fields["owner"]
        else:
            self.fields["owner"].choices = [
                ("", "Anyone or no one"), ("me", "Assigned to me"), ("none", "Not assigned"),
                *((str(u.pk), u.get_full_name() or u.email) for u in owners()),
            ]  # fmt: skip
        self.user = user

    def filter(self, queryset):
        """Returns (requests, counts per status over every filter but the status one)."""
        data = self.cleaned_data if self.is_valid() else {}
        if q := data.get("q"):
            queryset = queryset.filter(
                Q(agency_name__icontains=q) | Q(tracking_number__iexact=q) | Q(what_happened__icontains=q)
                | Q(asked_for__icontains=q) | Q(requester_name__icontains=q)
            )  # fmt: skip
        if program := data.get("program"):
            queryset = queryset.filter(program_wanted=program)
        if urgency := data.get("urgency"):
            queryset = queryset.filter(urgency=urgency)
        if state := data.get("state"):
            queryset = queryset.filter(agency_state=state)
        if age := data.get("age"):
            queryset = queryset.filter(submitted_at__lt=timezone.now() - timezone.timedelta(days=int(age)))
        # flag filters are subqueries, not joins: each request once, so the counts need no DISTINCT
        flag, open_flag = (
            data.get("flag"),
            Flag.objects.filter(request=OuterRef("pk"), cleared_at__isnull=True),
        )
        if self.internal and (owner := data.get("owner")):
            if owner == "me":
                queryset = queryset.filter(owner=self.user)
            elif owner == "none":
                queryset = queryset.filter(owner__isnull=True)
            else:
                queryset = queryset.filter(owner_id=owner)
        if flag == "any":
            queryset = queryset.filter(Exists(open_flag))
        elif flag == "none":
            queryset = queryset.exclude(Exists(open_flag))
        elif flag:
            queryset = queryset.filter(Exists(open_flag.filter(code=flag)))
        counts = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
        status = data.get("status") or OPEN
        if status == OPEN:
            queryset = queryset.filter(status__in=Request.OPEN_STATUSES)
        elif status != ANY:
            queryset = queryset.filter(status=status)
        first_contact = Contact.objects.filter(request=OuterRef("pk")).order_by("contacted_on")
        queryset = queryset.annotate(first_contact=Subquery(first_contact.values("contacted_on")[:1]))
        queryset = queryset.annotate(
            urgency_rank=Case(
                When(urgency=Request.Urgency.URGENT, then=Value(0)), When(urgency=Request.Urgency.SOON, then=Value(1)),
                default=Value(2), output_field=IntegerField(),
            ),
        )  # fmt: skip
        if self.internal:
            # A subquery, not a join: the database counts flags only for the rows of the page shown.
            open_flags = (
                Flag.objects.filter(request=OuterRef("pk"), cleared_at__isnull=True)
                .order_by()
                .values("request")
                .annotate(n=Count("pk"))
                .values("n")
            )
            queryset = queryset.annotate(open_flag_count=Coalesce(Subquery(open_flags), 0))
        order = SORTS.get(data.get("sort") or "urgency", SORTS["urgency"])[1]
        return queryset.order_by(*order), [
            (value, label, counts.get(value, 0)) for value, label in Request.Status.choices
        ]


class LetterForm(forms.Form):
    """A signed authorization letter attached after the request was sent."""

    letter = forms.FileField(
        label="The chief executive's signed letter (PDF, up to 10 MB)",
        help_text="On the agency's letterhead, signed by the chief executive, saying they authorize the request.",
        validators=[validate_letter], widget=forms.FileInput(attrs={"accept": "application/pdf"}),
    )  # fmt: skip
