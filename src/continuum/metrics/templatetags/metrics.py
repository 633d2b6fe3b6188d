from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """A share (0 to 1) as a whole percentage; a dash when there is nothing to divide."""
    return "—" if value is None else f"{value * 100:.0f}%"


@register.filter
def days(value) -> str:
    """A number of days with at most one decimal; a dash when no request reached the step."""
    if value is None:
        return "—"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
