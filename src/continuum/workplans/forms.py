from django import forms
from django.db.models import Q

from continuum.accounts.models import User
from continuum.accounts.roles import Role

from .models import Activity, Assignment, Deliverable, Objective


def _team_candidates(site):
    """People who can own plan items or be assigned: program staff, SMEs, the provider's staff."""
    allowed = Q(role__in=[Role.PROGRAM_STAFF, Role.SME])
    if site.provider_id:
        allowed |= Q(role=Role.PROVIDER_STAFF, organization=site.provider_id)
    return User.objects.filter(allowed, is_active=True)


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["kind", "title", "starts_on", "ends_on", "owner"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _team_candidates(site)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The end cannot come before the start.")
        return data


class DeliverableForm(forms.ModelForm):
    class Meta:
        model = Deliverable
        fields = ["title", "due_on", "owner"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _team_candidates(site)


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["user", "role"]
        labels = {"user": "Person", "role": "Role on the site"}

    def __init__(self, *args, site, user, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = _team_candidates(site)
        if not user.has_perm("sites.manage_site", site):
            # Putting an outside SME on a site is the program's call; the provider plans with its own staff
            # and the people already on the team.
            candidates = candidates.filter(
                Q(role=Role.PROVIDER_STAFF) | Q(site_memberships__site=site)
            ).distinct()
        self.fields["user"].queryset = candidates


class CommentForm(forms.Form):
    target = forms.ChoiceField(label="About", required=False)
    text = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "The plan as a whole")]
        for kind, related in [
            ("objective", "objectives"),
            ("activity", "activities"),
            ("deliverable", "deliverables"),
        ]:
            choices += [(f"{kind}:{item.pk}", item.describe()[:120]) for item in getattr(plan, related).all()]
        self.fields["target"].choices = choices


class CompareForm(forms.Form):
    """Any two versions of the plan, by number."""

    old = forms.TypedChoiceField(label="From version", coerce=int)
    new = forms.TypedChoiceField(label="To version", coerce=int)

    def __init__(self, *args, versions: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("old", "new"):
            self.fields[name].choices = [(v, f"Version {v}") for v in versions]

    def clean(self):
        data = super().clean()
        if data.get("old") is not None and data.get("old") == data.get("new"):
            raise forms.ValidationError("Choose two different versions.")
        return data


ITEM_FORMS = {
    "objective": ObjectiveForm,
    "activity": ActivityForm,
    "deliverable": DeliverableForm,
    "assignment": AssignmentForm,
}
