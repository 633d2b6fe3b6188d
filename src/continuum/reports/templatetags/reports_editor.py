"""Small helpers for the editor template: the edit form of a part, looked up by kind and primary key."""

from django import template

register = template.Library()


@register.simple_tag
def edit_form(forms, kind, part):
    return forms.get(f"{kind}-{part.pk}")
