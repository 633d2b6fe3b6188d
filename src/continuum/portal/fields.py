"""Form fields that choose records: a number past any id is an invalid choice, not a database error.

On SQLite a number past 64 bits reaches the driver and raises OverflowError (a 500) where the lookup goes
through a parent link, as agencies' and providers' do; checking the size first answers it as any wrong choice."""

from django import forms

MAX_PK = 2**63 - 1  # the largest id any database here stores; larger input cannot name a record


def beyond_any_id(value) -> bool:
    try:
        return abs(int(str(value).strip())) > MAX_PK
    except ValueError:
        return False


class RecordChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and beyond_any_id(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class RecordsChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value:
            if beyond_any_id(item):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return super()._check_values(value)
