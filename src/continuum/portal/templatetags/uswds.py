from django import template

from continuum.portal.forms import widget_class

register = template.Library()


@register.filter
def uswds_widget(bound_field):
    """Render a bound field's widget with its USWDS class (and the error state)."""
    css = widget_class(bound_field.field.widget)
    if bound_field.errors and css in {"usa-input", "usa-select", "usa-textarea"}:
        css += " usa-input--error"
    existing = bound_field.field.widget.attrs.get("class", "")
    return bound_field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.filter
def uswds_choice(bound_widget, css: str):
    """Render one radio or checkbox of a multiple-choice field with its USWDS class."""
    bound_widget.data["attrs"] = {**bound_widget.data["attrs"], "class": css}
    return bound_widget.tag()
