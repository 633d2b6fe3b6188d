from django import forms

from .models import EmailChoice


class EmailChoiceForm(forms.ModelForm):
    class Meta:
        model = EmailChoice
        fields = ["when"]
        widgets = {"when": forms.RadioSelect}
        help_texts = {
            "when": "Only what needs your action is e-mailed; everything else is listed on your notifications page."
        }
