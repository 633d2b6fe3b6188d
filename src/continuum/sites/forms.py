from django import forms
from django.db.models import Q

from continuum.accounts.models import User
from continuum.accounts.roles import Role
from continuum.agencies.geography import STATES_AND_TERRITORIES
from continuum.agencies.models import ProviderOrganization
from continuum.catalog.models import Program, Topic
from continuum.portal.fields import RecordChoiceField, RecordsChoiceField

from .models import Site, SiteMember


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ["title", "program", "ta_type", "provider", "topics", "public_summary", "is_public",
                  "target_end_on"]  # fmt: skip
        field_classes = {"provider": RecordChoiceField, "topics": RecordsChoiceField}
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "public_summary": forms.Textarea(attrs={"rows": 5}),
            "target_end_on": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self):
        data = super().clean()
        if data.get("is_public") and not (data.get("public_summary") or "").strip():
            self.add_error("public_summary", "A site listed publicly needs its public summary.")
        return data


class MemberForm(forms.ModelForm):
    class Meta:
        model = SiteMember
        fields = ["user", "role"]
        labels = {"user": "Person"}

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = Q(role__in=[Role.PROGRAM_STAFF, Role.SME]) | Q(
            role=Role.PROVIDER_STAFF, organization=site.provider_id
        )
        self.fields["user"].queryset = User.objects.filter(allowed, is_active=True).exclude(
            site_memberships__site=site
        )


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
