from django import forms
from django.db.models import Q

from .models import Agency


class AgencyProfileForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = [
            "name",
            "agency_type",
            "city",
            "state",
            "ori",
            "sworn_officers",
            "population_served",
            "chief_executive_name",
            "chief_executive_title",
        ]

    def clean_ori(self) -> str:
        return self.cleaned_data["ori"].strip().upper()


class AgencyFilterForm(forms.Form):
    q = forms.CharField(label="Search by name, city or ORI", required=False)
    agency_type = forms.ChoiceField(
        label="Agency type", required=False, choices=[("", "Any type"), *Agency.Type.choices]
    )
    state = forms.ChoiceField(label="State or territory", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", "Any state"), *Agency._meta.get_field("state").choices]

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            q = data["q"]
            queryset = queryset.filter(Q(name__icontains=q) | Q(city__icontains=q) | Q(ori__iexact=q))
        if data["agency_type"]:
            queryset = queryset.filter(agency_type=data["agency_type"])
        if data["state"]:
            queryset = queryset.filter(state=data["state"])
        return queryset
