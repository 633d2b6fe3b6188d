from . import programs
from .navigation import items_for

CONTACT = {"email": programs.CONTACT_EMAIL, "phone": programs.RESPONSE_CENTER_PHONE}


def navigation(request) -> dict:
    """The menu, and the program's contact for the footer of every page."""
    return {"nav_items": items_for(request.user, request.path, request), "program_contact": CONTACT}
