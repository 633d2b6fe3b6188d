from django.urls import path

from continuum.accounts.access import PUBLIC, access

from . import public_views, views
from .feeds import ProgramFeed

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("programs/", public_views.program_list, name="programs"),
    path("programs/<slug:slug>/", public_views.program_detail, name="program"),
    path("feed/", access(PUBLIC)(ProgramFeed()), name="feed"),
    path("faq/", public_views.faq, name="faq"),
    path("contact/", public_views.contact, name="contact"),
    path("workspace/", views.workspace, name="workspace"),
    path("workspace/nav-count/<slug:name>/", views.nav_count, name="nav_count"),
]
