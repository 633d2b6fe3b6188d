from django import forms
from django.utils import timezone

from continuum.intake.transitions import LIFECYCLE
from continuum.portal.fields import RecordChoiceField
from continuum.workflow import StepForm

from .models import Delivery, DeliveryType, Partner


class RouteForm(StepForm):
    """Routing accepts the request (its step's internal reason and message to the agency) to a partner."""

    partner = RecordChoiceField(Partner.objects.select_related("provider"), label="Partner association")
    title = forms.CharField(
        label="Engagement title", required=False, help_text="Defaults to the agency and TA."
    )
    field_order = ["partner", "title", "reason", "message"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, step=LIFECYCLE.step("accept"), **kwargs)


class DeliveryForm(forms.ModelForm):
    class Meta:
        model = Delivery
        fields = [
            "title", "delivery_type", "format", "starts_on", "ends_on", "location", "attendees",
            "attendee_description", "materials", "notes",
        ]  # fmt: skip
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "materials": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery_type"].queryset = DeliveryType.objects.filter(active=True)
        today = timezone.localdate().isoformat()
        self.fields["starts_on"].initial = self.fields["ends_on"].initial = today
