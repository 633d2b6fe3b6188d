from email.utils import parseaddr

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from continuum.portal.fields import RecordChoiceField

from .models import Invitation, Response, Survey
from .surveys import Recipient

SATISFACTION = [
    (5, "Very satisfied"), (4, "Satisfied"), (3, "Neither satisfied nor dissatisfied"), (2, "Dissatisfied"),
    (1, "Very dissatisfied"),
]  # fmt: skip
USEFULNESS = [
    (5, "Extremely useful"), (4, "Very useful"), (3, "Somewhat useful"), (2, "Slightly useful"),
    (1, "Not useful"),
]  # fmt: skip


def parse_participants(text: str) -> list[Recipient]:
    """One person a line: “Name <address>”, “Name, address” or the address alone."""
    recipients, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if "<" not in line and "," in line:
            name, _, address = line.rpartition(",")
        else:
            name, address = parseaddr(line)
        address = address.strip()
        try:
            validate_email(address)
        except ValidationError:
            problems.append(f"line {number} (“{line}”)")
            continue
        recipients.append(Recipient(email=address, role=Invitation.Role.PARTICIPANT, name=name.strip()))
    if problems:
        raise ValidationError(f"No valid e-mail address on {', '.join(problems)}.")
    return recipients


class SurveyForm(forms.Form):
    occasion = forms.ChoiceField(label="The survey follows", choices=Survey.Occasion.choices,
                                 widget=forms.RadioSelect)  # fmt: skip
    delivery = RecordChoiceField(None, required=False, label="Delivery",
                                      help_text="For a survey after a delivery: which one.")  # fmt: skip
    subject = forms.CharField(
        label="Subject", required=False, max_length=250,
        help_text="What the recipients are asked about; defaults to the delivery or the site.",
    )  # fmt: skip
    include_requester = forms.BooleanField(label="Send to the requester", required=False, initial=True)
    participants = forms.CharField(
        label="Participants", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One a line: “Name <address>”, “Name, address” or the address alone.",
    )  # fmt: skip

    def __init__(self, *args, site, requester: Recipient | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.site, self.requester = site, requester
        self.fields["delivery"].queryset = site.cri_tac_deliveries.all()
        if requester is None:
            del self.fields["include_requester"]
        else:
            self.fields[
                "include_requester"
            ].help_text = f"{requester.name} <{requester.email}>, from the request."

    def clean_participants(self):
        return parse_participants(self.cleaned_data.get("participants", ""))

    def clean(self):
        data = super().clean()
        recipients = list(data.get("participants") or [])
        if self.requester is not None and data.get("include_requester"):
            recipients.insert(0, self.requester)
        if not recipients and not self.errors:
            raise ValidationError("Add at least one recipient: the requester or participants.")
        data["recipients"] = recipients
        if not data.get("subject"):
            delivery = data.get("delivery")
            data["subject"] = str(delivery) if delivery else f"{self.site.title}"
        return data


class ResponseForm(forms.ModelForm):
    satisfaction = forms.TypedChoiceField(
        label="Overall, how satisfied are you with the assistance?", choices=SATISFACTION, coerce=int,
        widget=forms.RadioSelect,
    )  # fmt: skip
    usefulness = forms.TypedChoiceField(
        label="How useful was it to your work or your agency?", choices=USEFULNESS, coerce=int,
        widget=forms.RadioSelect,
    )  # fmt: skip

    class Meta:
        model = Response
        fields = ["satisfaction", "usefulness", "what_changed", "future_needs"]
        labels = {
            "what_changed": "What has changed, or will change, because of the assistance?",
            "future_needs": "What other assistance would help you or your agency?",
        }
        widgets = {
            "what_changed": forms.Textarea(attrs={"rows": 4}),
            "future_needs": forms.Textarea(attrs={"rows": 4}),
        }
