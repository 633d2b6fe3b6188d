"""USWDS markup for every Django form, set once as the form renderer (settings.FORM_RENDERER)."""

from django import forms
from django.forms.renderers import TemplatesSetting

WIDGET_CLASSES = {
    forms.Select: "usa-select",
    forms.SelectMultiple: "usa-select",
    forms.Textarea: "usa-textarea",
    forms.CheckboxInput: "usa-checkbox__input",
    forms.RadioSelect: "usa-radio__input",
    forms.CheckboxSelectMultiple: "usa-checkbox__input",
    forms.ClearableFileInput: "usa-file-input",
    forms.FileInput: "usa-file-input",
}


def widget_class(widget: forms.Widget) -> str:
    for kind in type(widget).__mro__:
        if kind in WIDGET_CLASSES:
            return WIDGET_CLASSES[kind]
    return "usa-input"


class USWDSRenderer(TemplatesSetting):
    form_template_name = "portal/forms/div.html"
    field_template_name = "portal/forms/field.html"
