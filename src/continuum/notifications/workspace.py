"""What the notifications app adds to the portal: the workspace's "Needs your attention" and e-mail choice, and
the navigation's counts (registered in NotificationsConfig.ready())."""

from .attention import needs_attention
from .forms import EmailChoiceForm
from .models import EmailChoice


def attention_items(request) -> list:
    """What needs the signed-in user, computed once per request (the page and its navigation share it)."""
    if not hasattr(request, "_attention_items"):
        request._attention_items = needs_attention(request.user)
    return request._attention_items


def attention_count(request) -> int:
    return len(attention_items(request))


def unread_count(request) -> int:
    return request.user.notifications.unread().count() if request.user.is_authenticated else 0


def context(request) -> dict:
    choice = EmailChoice.objects.filter(user=request.user).first() or EmailChoice(user=request.user)
    return {"attention": attention_items(request), "email_form": EmailChoiceForm(instance=choice)}
