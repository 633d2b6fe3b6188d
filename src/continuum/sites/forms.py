from django import forms

from continuum.accounts.models import User
from continuum.agencies.geography import STATES_AND_TERRITORIES
from continuum.agencies.models import ProviderOrganization
from continuum.catalog.models import Program, Topic
from continuum.portal.fields import RecordChoiceField, RecordsChoiceField

from . import team
from .models import Site, SiteMember


class SiteForm(forms.ModelForm):
    """The site's record. Whether it is listed publicly is not here: a site is listed by its announcement (the
    "Announce publicly" step, which records the agency's consent), never by ticking a box."""

    class Meta:
        model = Site
        fields = ["title", "program", "ta_type", "provider", "topics", "public_summary", "target_end_on"]
        field_classes = {"provider": RecordChoiceField, "topics": RecordsChoiceField}
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "public_summary": forms.Textarea(attrs={"rows": 5}),
            "target_end_on": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self):
        data = super().clean()
        if self.instance.is_public and not (data.get("public_summary") or "").strip():
            self.add_error("public_summary", "A site listed publicly needs its public summary.")
        return data


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return team.label(user)


class MemberForm(forms.Form):
    """The team picker: the roster first; another organization's SME only with a confirmation and a statement."""

    user = PersonChoiceField(
        queryset=User.objects.none(),
        label="Person",
        help_text="Program staff, the provider's people and the program's SMEs.",
    )
    role = forms.ChoiceField(label="Role on the site", choices=SiteMember.SiteRole.choices)
    other_organization = forms.BooleanField(
        required=False,
        label="I confirm adding an SME of another organization than the site's provider",
        help_text="They will see this site, its documents and its data.",
    )
    conflict_statement = forms.CharField(
        required=False, label="Their conflict-of-interest statement", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed for an SME of another organization: any tie to the agency, its officers or the matter.",
    )  # fmt: skip

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site
        self.fields["user"].queryset = team.roster(site) | team.other_smes(site)
        self.others = team.other_smes(site)
        if not self.others.exists():
            del self.fields["other_organization"], self.fields["conflict_statement"]


class SiteFilterForm(forms.Form):
    q = forms.CharField(label="Search title or agency", required=False)
    program = forms.ChoiceField(
        label="Program", required=False, choices=[("", "Any program"), *Program.choices]
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *Site.Status.choices]
    )
    provider = RecordChoiceField(
        ProviderOrganization.objects.all(), label="Provider", required=False, empty_label="Any provider"
    )
    state = forms.ChoiceField(
        label="State or territory", required=False, choices=[("", "Any state"), *STATES_AND_TERRITORIES]
    )
    topic = RecordChoiceField(Topic.objects.all(), label="Topic", required=False, empty_label="Any topic")
    overdue = forms.BooleanField(
        label="Only sites that are overdue (silent or with late milestones)", required=False
    )


class PublicSiteFilterForm(forms.Form):
    """The public list's filters, read from the address so a filtered list can be linked and shared."""

    program = forms.ChoiceField(
        label="Program", required=False, choices=[("", "Any program"), *Program.choices]
    )
    ta_type = forms.ChoiceField(
        label="Type of TA", required=False, choices=[("", "Any type"), *Site.TAType.choices]
    )
    topic = RecordChoiceField(
        Topic.objects.all(), label="Topic", required=False, empty_label="Any topic", to_field_name="slug"
    )
    state = forms.ChoiceField(
        label="State or territory", required=False, choices=[("", "Any state"), *STATES_AND_TERRITORIES]
    )

    def apply(self, sites, *, state: bool = True):
        """The sites that match; `state=False` leaves the state out (the map shows every state's count)."""
        if not self.is_valid():
            return sites
        data = self.cleaned_data
        if data["program"]:
            sites = sites.filter(program=data["program"])
        if data["ta_type"]:
            sites = sites.filter(ta_type=data["ta_type"])
        if data["topic"]:
            sites = sites.filter(topics=data["topic"])
        if state and data["state"]:
            sites = sites.filter(agency__state=data["state"])
        return sites
